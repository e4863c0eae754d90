/**
 * The agent's view of the customer's page, in two real Chromium pages on the reference server: it
 * shows the page in the customer's colour scheme (a dark-mode agent once saw a light page as white on
 * white), follows the customer when their preference changes, can be enlarged (Fit to width, Full
 * screen), and the laser pointer works from the keyboard.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/server.js';
import { launchChromium } from './support/browser.js';
import { openVisualSide, partText, visualConversation, type VisualHarnessWindow, type VisualSide } from './support/visual-pair.js';

const harnessDir = fileURLToPath(new URL('./harness/', import.meta.url));

let server: RunningServer;
let browser: Browser;
const opened: VisualSide[] = [];

declare const window: VisualHarnessWindow & Window;

/** An active co-browse session between an agent and the themed shop page, each in its own scheme. */
async function session(agentScheme: 'light' | 'dark', customerScheme: 'light' | 'dark', customerViewport = { width: 1280, height: 760 }) {
  const conversation = visualConversation('replica');
  const agent = await openVisualSide(browser, `${server.url}/test-harness/visual/agent.html?conversation=${conversation}`, { width: 1000, height: 900 }, { colorScheme: agentScheme });
  const customer = await openVisualSide(browser, `${server.url}/test-harness/visual/themed.html?conversation=${conversation}`, customerViewport, { colorScheme: customerScheme });
  opened.push(agent, customer);
  await agent.byRole('button', 'Co-browse').click();
  await customer.byRole('textbox', 'Session PIN').fill((await partText(agent.page, 'pin')).trim());
  await customer.byRole('button', 'Join').click();
  await customer.byRole('button', 'Accept').click();
  await agent.byRole('region', 'Customer screen').waitFor();
  await agent.page.waitForFunction(() => window.harness.mirrorDocument()?.getElementById('title')?.textContent === 'Your basket', undefined, { timeout: 10_000 });
  return { agent, customer };
}

/** The computed background of `selector` in the customer's page and in the agent's replica of it. */
async function backgrounds(agent: VisualSide, customer: VisualSide, selector: string) {
  const own = await customer.page.evaluate((s) => getComputedStyle(document.querySelector(s)!).backgroundColor, selector);
  const replica = await agent.page.evaluate((s) => {
    const doc = window.harness.mirrorDocument()!;
    return doc.defaultView!.getComputedStyle(doc.querySelector(s)!).backgroundColor;
  }, selector);
  return { own, replica };
}

async function replicaMatches(agent: VisualSide, customer: VisualSide, expected: string): Promise<void> {
  for (const selector of ['body', '#banner']) {
    const deadline = Date.now() + 10_000;
    let seen = await backgrounds(agent, customer, selector);
    while (seen.replica !== seen.own && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen = await backgrounds(agent, customer, selector);
    }
    assert.equal(seen.replica, seen.own, `${selector}: the replica shows the customer's ${expected} background`);
  }
}

describe('the agent sees the customer page as the customer sees it, and can enlarge it', { timeout: 120_000 }, () => {
  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', staticMounts: { '/test-harness/': harnessDir } });
    browser = await launchChromium();
  });

  after(async () => {
    await Promise.all(opened.map((side) => side.close().catch(() => {})));
    await browser?.close();
    await server?.close();
  });

  it("a dark-mode agent sees a light customer page light; it turns dark when the customer's does", async () => {
    const { agent, customer } = await session('dark', 'light');
    assert.equal(await customer.page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(250, 250, 250)');
    await replicaMatches(agent, customer, 'light');
    await customer.page.emulateMedia({ colorScheme: 'dark' });
    assert.equal(await customer.page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(17, 17, 17)');
    await replicaMatches(agent, customer, 'dark');
  });

  it('a light-mode agent sees a dark customer page dark', async () => {
    const { agent, customer } = await session('light', 'dark');
    await replicaMatches(agent, customer, 'dark');
  });

  it('Fit to width fills the view\'s width; Full screen takes the panel with its tools full screen', async () => {
    // A tall customer window: fitted inside the 640×400 view it is narrow.
    const { agent } = await session('light', 'light', { width: 800, height: 1000 });
    const geometry = () =>
      agent.page.evaluate(() => {
        const screen = document.querySelector('cobrowse-launcher')!.shadowRoot!.querySelector<HTMLElement>('[part~="screen"]')!;
        const frame = screen.querySelector('iframe')!;
        return { screen: screen.getBoundingClientRect().width, frame: frame.getBoundingClientRect().width, height: screen.getBoundingClientRect().height };
      });
    const before = await geometry();
    assert.ok(before.frame < before.screen * 0.9, `fitted inside the box at first (${JSON.stringify(before)})`);
    await agent.byRole('button', 'Fit to width').click();
    assert.equal(await agent.byRole('button', 'Fit to width').getAttribute('aria-pressed'), 'true');
    await agent.page.waitForFunction(() => {
      const screen = document.querySelector('cobrowse-launcher')!.shadowRoot!.querySelector<HTMLElement>('[part~="screen"]')!;
      return Math.abs(screen.querySelector('iframe')!.getBoundingClientRect().width - screen.getBoundingClientRect().width) <= 2;
    });
    const fitted = await geometry();
    assert.ok(fitted.height > before.height, `the view grows in height (${before.height} -> ${fitted.height})`);

    await agent.byRole('button', 'Full screen').click();
    await agent.page.waitForFunction(() => document.querySelector('cobrowse-launcher')!.shadowRoot!.fullscreenElement?.getAttribute('part') === 'panel');
    await agent.page.waitForFunction(
      () => document.querySelector('cobrowse-launcher')!.shadowRoot!.querySelector('[part~="fullscreen-button"]')!.getAttribute('aria-pressed') === 'true',
    );
    assert.ok(await agent.byRole('button', 'Laser pointer').isVisible(), 'the tools stay at hand in full screen');
    await agent.byRole('button', 'Full screen').click();
    await agent.page.waitForFunction(() => !document.fullscreenElement);
    // The toggle follows the browser's fullscreenchange, which comes a frame later.
    await agent.page.waitForFunction(
      () => document.querySelector('cobrowse-launcher')!.shadowRoot!.querySelector('[part~="fullscreen-button"]')!.getAttribute('aria-pressed') === 'false',
    );
  });

  it('the laser pointer works from the keyboard: the view takes focus, the arrow keys move the pointer the customer sees', async () => {
    const { agent, customer } = await session('light', 'light');
    await agent.byRole('button', 'Laser pointer').click();
    const view = agent.byRole('region', 'Customer screen');
    assert.equal(await view.getAttribute('tabindex'), '0', 'the view is in the tab order while a tool is on');
    assert.match(await agent.page.locator('cobrowse-launcher [part~="screen-hint"]').innerText(), /Arrow keys/);
    await view.focus();
    await agent.page.keyboard.press('ArrowRight');
    await customer.page.locator('cck-visual-overlay[data-laser="visible"]').waitFor({ state: 'attached', timeout: 5_000 });
    const x1 = Number(await customer.page.locator('cck-visual-overlay').getAttribute('data-laser-x'));
    await agent.page.keyboard.press('Shift+ArrowRight');
    await customer.page.waitForFunction((start) => Number(document.querySelector('cck-visual-overlay')!.getAttribute('data-laser-x')) > start + 20, x1, {
      timeout: 5_000,
    });
    await agent.page.keyboard.press('ArrowDown');
    await customer.page.waitForFunction(() => Number(document.querySelector('cck-visual-overlay')!.getAttribute('data-laser-y')) > 0, undefined, { timeout: 5_000 });
  });

  it('remote control works from the keyboard too: arrows to a field, Enter opens its editor, typing fills it', async () => {
    const { agent, customer } = await session('light', 'light');
    await agent.byRole('button', 'Remote control').click();
    // The customer's consent, where the page asks for it.
    const deadline = Date.now() + 10_000;
    while ((await agent.byRole('button', 'Remote control').getAttribute('aria-pressed')) !== 'true' && Date.now() < deadline) {
      const allow = customer.page.getByRole('button', { name: 'Allow', exact: true });
      if (await allow.isVisible().catch(() => false)) await allow.click();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(await agent.byRole('button', 'Remote control').getAttribute('aria-pressed'), 'true', 'in control');
    const view = agent.byRole('region', 'Customer screen');
    await view.focus();
    // From the middle of the view (where the keyboard pointer starts) to the Name field.
    const steps = await agent.page.evaluate(() => {
      const screen = document.querySelector('cobrowse-launcher')!.shadowRoot!.querySelector<HTMLElement>('[part~="screen"]')!;
      const layer = screen.querySelector<HTMLElement>('.cck-tools')!.getBoundingClientRect();
      const target = window.harness.pointOf('#name')!;
      return { dx: Math.round(target.x - (layer.left + layer.width / 2)), dy: Math.round(target.y - (layer.top + layer.height / 2)) };
    });
    for (const [delta, negative, positive] of [
      [steps.dx, 'ArrowLeft', 'ArrowRight'],
      [steps.dy, 'ArrowUp', 'ArrowDown'],
    ] as const) {
      const key = delta < 0 ? negative : positive;
      const distance = Math.abs(delta);
      for (let i = 0; i < Math.floor(distance / 50); i += 1) await agent.page.keyboard.press(`Shift+${key}`);
      for (let i = 0; i < Math.round((distance % 50) / 10); i += 1) await agent.page.keyboard.press(key);
    }
    await agent.page.keyboard.press('Enter');
    const editor = agent.page.locator('cobrowse-launcher .cck-tools-editor');
    await editor.waitFor({ timeout: 5_000 });
    await agent.page.keyboard.type('Ada');
    await customer.page.waitForFunction(() => (document.getElementById('name') as HTMLInputElement).value === 'Ada', undefined, { timeout: 5_000 });
    await agent.page.keyboard.press('Enter');
    await agent.page.waitForFunction(() => document.querySelector('cobrowse-launcher')!.shadowRoot!.activeElement?.getAttribute('part') === 'screen', undefined, { timeout: 5_000 });
  });
});
