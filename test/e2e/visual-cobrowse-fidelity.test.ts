/**
 * Co-browse shows what the customer sees, and the agent can act on what they see: hover and focus
 * styles in the replica, canvas content (masked canvases stay blank), and remote editing inside a
 * shadow root (`<sl-input>`), of a `contenteditable` and of a button in a same-origin iframe. Two
 * real Chromium pages on the reference server (`harness/visual/rich.html`, Shoelace from the
 * installed package). The fields the agent edits opt in with `data-cck-unmask` (fields are masked by default).
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { startServer, type RunningServer } from '../../server/server.js';
import { launchChromium } from './support/browser.js';
import { openVisualSide, partText, visualConversation, type VisualHarnessWindow, type VisualSide } from './support/visual-pair.js';

const harnessDir = fileURLToPath(new URL('./harness/', import.meta.url));
const modulesDir = fileURLToPath(new URL('../../node_modules/', import.meta.url));

declare const window: VisualHarnessWindow & Window & { repaint(id: string, color: string): void };

let server: RunningServer;
let browser: Browser;
let agent: VisualSide;
let customer: VisualSide;

/**
 * Agent-page coordinates of the center of a replica element found by a path of selectors: each
 * step after the first looks inside the previous element's shadow root or iframe document.
 */
async function pointOf(path: string[]): Promise<{ x: number; y: number }> {
  const point = await agent.page.evaluate((steps) => {
    const frame = document.querySelector('cobrowse-launcher')!.shadowRoot!.querySelector('iframe')!;
    let root: Document | ShadowRoot = frame.contentDocument!;
    let x = 0;
    let y = 0;
    let element: Element | null = null;
    for (const step of steps) {
      if (element?.shadowRoot) root = element.shadowRoot;
      else if (element?.localName === 'iframe') {
        const box = element.getBoundingClientRect();
        x += box.left + element.clientLeft;
        y += box.top + element.clientTop;
        root = (element as HTMLIFrameElement).contentDocument!;
      }
      element = root.querySelector(step);
      if (!element) return null;
    }
    const frameBox = frame.getBoundingClientRect();
    const scale = frameBox.width / frame.offsetWidth;
    const box = element!.getBoundingClientRect();
    return { x: frameBox.left + (x + box.left + box.width / 2) * scale, y: frameBox.top + (y + box.top + box.height / 2) * scale };
  }, path);
  assert.ok(point, `${path.join(' > ')} is in the agent's replica`);
  return point;
}

/** A replica element's computed style property (by a selector of the replica's document). */
function mirrorStyle(selector: string, property: string): Promise<string | undefined> {
  return agent.page.evaluate(
    ([s, p]) => {
      const element = window.harness.mirrorDocument()?.querySelector(s!);
      return element ? element.ownerDocument.defaultView!.getComputedStyle(element).getPropertyValue(p!) : undefined;
    },
    [selector, property] as const,
  );
}

/** The color the agent sees at a point of its page (a screenshot pixel). */
async function pixelAt(point: { x: number; y: number }): Promise<[number, number, number]> {
  const png = PNG.sync.read(await agent.page.screenshot({ clip: { x: Math.round(point.x), y: Math.round(point.y), width: 1, height: 1 } }));
  return [png.data[0]!, png.data[1]!, png.data[2]!];
}

/** Within a few levels per channel: canvas frames travel as lossy WebP. */
function near(color: [number, number, number], expected: [number, number, number]): boolean {
  return color.every((c, i) => Math.abs(c - expected[i]!) <= 12);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('co-browse fidelity and editing on a rich page', { timeout: 180_000 }, () => {
  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', staticMounts: { '/test-harness/': harnessDir, '/test-deps/': modulesDir } });
    browser = await launchChromium();
    const query = `conversation=${encodeURIComponent(visualConversation('rich'))}&visual=cobrowse`;
    [agent, customer] = await Promise.all([
      openVisualSide(browser, `${server.url}/test-harness/visual/agent.html?${query}`, { width: 1000, height: 900 }),
      openVisualSide(browser, `${server.url}/test-harness/visual/rich.html?${query}`, { width: 1000, height: 700 }),
    ]);
    await agent.byRole('button', 'Co-browse').click();
    await agent.page.locator('cobrowse-launcher [part~="pin"]').waitFor();
    const pin = (await partText(agent.page, 'pin')).trim();
    await agent.byRole('button', 'Send PIN to chat').click();
    await customer.byRole('textbox', 'Session PIN').fill(pin);
    await customer.byRole('button', 'Join').click();
    await customer.byRole('button', 'Accept').click();
    await agent.page.waitForFunction(() => window.harness.mirrorDocument()?.querySelector('#title')?.textContent === 'Rich page', undefined, { timeout: 15_000 });
  });

  after(async () => {
    await Promise.all([agent?.close(), customer?.close()]);
    await browser?.close();
    await server?.close();
  });

  it("keeps the placeholder of the customer's own launcher the size of the launcher (not of the invitation)", async () => {
    const size = (box: { width: number; height: number } | null | undefined) => (box ? `${Math.round(box.width)}x${Math.round(box.height)}` : 'none');
    const expected = size(await customer.page.locator('cobrowse-launcher').boundingBox());
    await waitFor(`the placeholder is ${expected}`, async () => {
      const placeholder = await agent.page.evaluate(() => {
        const box = window.harness.mirrorDocument()?.querySelector('cobrowse-launcher')?.getBoundingClientRect();
        return box ? { width: box.width, height: box.height } : null;
      });
      return size(placeholder) === expected;
    });
  });

  it('shows the hover style of what the customer points at', async () => {
    const box = await customer.page.locator('#hover-customer').boundingBox();
    await customer.page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2);
    await waitFor('the replica shows #hover-customer hovered', async () => (await mirrorStyle('#hover-customer', 'background-color')) === 'rgb(255, 0, 0)');
    assert.equal(await mirrorStyle('#hover-agent', 'background-color'), 'rgb(200, 200, 200)', 'only the hovered element looks hovered');
  });

  it('shows the focus style of the customer focused field', async () => {
    await customer.page.locator('#focus-me').focus();
    await waitFor('the replica shows #focus-me focused', async () => (await mirrorStyle('#focus-me', 'outline-color')) === 'rgb(0, 128, 0)');
  });

  it('shows canvas content, and updates it; a masked canvas stays blank', async () => {
    const paint = await pointOf(['#paint']);
    await waitFor('the replica shows the blue canvas', async () => near(await pixelAt(paint), [0, 0, 255]));
    await customer.page.evaluate(() => window.repaint('paint', 'rgb(0, 160, 0)'));
    await waitFor('the replica shows the canvas repainted green', async () => near(await pixelAt(paint), [0, 160, 0]));
    // The masked canvas is recorded as an empty box of its size (no id, no pixels): look inside its masked wrapper.
    const secret = await pixelAt(await pointOf(['[data-cck-mask]']));
    assert.ok(!near(secret, [255, 0, 255]), `the masked canvas is not shown (${secret.join()})`);
    const images = await agent.page.evaluate(() =>
      [...(window.harness.mirrorDocument()?.querySelectorAll('[data-cck-mask], [data-cck-mask] *') ?? [])].map((element) => (element as HTMLElement).style.backgroundImage).filter(Boolean),
    );
    assert.deepEqual(images, [], 'no image on anything masked');
    const sent = await customer.page.evaluate(() => window.harness.sentFrames.join('\n'));
    assert.ok(!sent.includes('secret-paint'), 'nothing of the masked canvas left the customer page, not even its id');
  });

  describe('with remote control', () => {
    before(async () => {
      await agent.byRole('button', 'Remote control').click();
      // Remote control needs the customer's consent (issue #10).
      await customer.byRole('button', 'Allow').click();
      await customer.page.getByText('The agent is in control of this page.').first().waitFor();
      await agent.page.waitForFunction(() => window.harness.state()?.remoteControl === true);
    });

    it("shows the hover style of what the agent's pointer is over", async () => {
      const point = await pointOf(['#hover-agent']);
      await agent.page.mouse.move(point.x, point.y);
      await waitFor('the replica shows #hover-agent hovered', async () => (await mirrorStyle('#hover-agent', 'background-color')) === 'rgb(255, 0, 0)');
    });

    it('edits an <sl-input> (a field inside a shadow root)', async () => {
      const point = await pointOf(['#sl-name', 'input']);
      await agent.page.mouse.click(point.x, point.y);
      const editor = agent.page.locator('cobrowse-launcher .cck-tools-editor');
      await editor.waitFor();
      await agent.page.keyboard.type('Ada Lovelace');
      await customer.page.waitForFunction(() => (document.getElementById('sl-name') as HTMLInputElement).value === 'Ada Lovelace', undefined, { timeout: 5_000 });
      await agent.page.keyboard.press('Escape');
    });

    it('edits a contenteditable', async () => {
      const point = await pointOf(['#notes']);
      await agent.page.mouse.click(point.x, point.y);
      const editor = agent.page.locator('cobrowse-launcher textarea.cck-tools-editor');
      await editor.waitFor();
      assert.equal(await editor.inputValue(), 'Call back tomorrow', 'the editor starts from the text the customer has');
      await editor.fill('Call back on Monday');
      await customer.page.waitForFunction(() => document.getElementById('notes')!.textContent === 'Call back on Monday', undefined, { timeout: 5_000 });
      await agent.page.keyboard.press('Escape');
    });

    it('clicks the button inside a same-origin iframe (not the iframe)', async () => {
      const point = await pointOf(['#frame', '#inner-button']);
      await agent.page.mouse.click(point.x, point.y);
      const count = customer.page.frameLocator('#frame').locator('#inner-count');
      await waitFor('the inner button was clicked', async () => (await count.innerText()) === '1');
    });
  });
});
