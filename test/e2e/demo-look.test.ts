/**
 * What a newcomer sees first, in real Chromium on the reference server: the demo pages pass axe in
 * each main state (idle, ringing, video call, voice call, co-browse) in light and dark, and in
 * pt-BR; on a 360 px phone the customer's widget stays inside the screen during a call, composer
 * included; and every icon of the script-tag bundle draws its shapes (the minifier once dropped the
 * `/>` of SVG elements, nesting a <path> inside a <rect> where it is never drawn).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/server.js';
import { launchChromium } from './support/browser.js';
import { driveTo, openDemoPair, type Scheme } from './support/demo-states.js';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const bundlePath = new URL('../../dist/chat-call-kit.min.js', import.meta.url);

let server: RunningServer;
let browser: Browser;

interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/** axe on the whole page, shadow roots included (it must have checked buttons inside them); the violations, described. */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const { found, shadowButtons } = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: AxeViolation[]; passes: AxeViolation[] }> } }).axe;
    const results = await axe.run(document);
    const names = results.passes.find((rule) => rule.id === 'button-name');
    // A target inside a shadow root is a list of selectors: host, then the node in it.
    return { found: results.violations, shadowButtons: names ? names.nodes.filter((node) => Array.isArray(node.target[0])).length : 0 };
  });
  assert.ok(shadowButtons > 0, 'axe looked inside the elements');
  return found.flatMap((v) => v.nodes.map((node) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(node.target)} ${node.failureSummary ?? ''}`));
}

/** Every SVG shape inside the page's shadow roots has a box: it is drawn. */
async function undrawnShapes(page: Page): Promise<{ checked: number; undrawn: string[] }> {
  // No named helpers inside: the page runs this function's source as it is.
  return page.evaluate(() => {
    const undrawn: string[] = [];
    let checked = 0;
    const roots: Array<Document | ShadowRoot> = [document];
    for (let i = 0; i < roots.length; i += 1) {
      const root = roots[i]!;
      for (const element of root.querySelectorAll('*')) if (element.shadowRoot) roots.push(element.shadowRoot);
      for (const svg of root.querySelectorAll('svg')) {
        if (svg.getBoundingClientRect().width === 0) continue; // an icon of a hidden control
        for (const shape of svg.querySelectorAll('*')) {
          checked += 1;
          const box = shape.getBoundingClientRect();
          if (box.width === 0 && box.height === 0) undrawn.push(shape.outerHTML);
          if (shape.parentNode !== svg) undrawn.push(`nested in <${shape.parentElement?.tagName}>: ${shape.outerHTML}`);
        }
      }
    }
    return { checked, undrawn };
  });
}

describe('the demo: accessible, at home on a phone, its icons drawn', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const scheme of ['light', 'dark'] satisfies Scheme[]) {
    it(`axe finds nothing on either demo page in any main state (${scheme})`, async () => {
      // One conversation walks through every state: idle, ringing, a video call, its end, a voice
      // call, co-browse.
      const pair = await openDemoPair(browser, server.url, { scheme });
      const check = async (state: string) => {
        for (const [side, page] of [['agent', pair.agent], ['customer', pair.customer]] as const) {
          assert.deepEqual(await violations(page), [], `${side} page, ${state}, ${scheme}`);
        }
      };
      const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
      try {
        await check('idle');
        await driveTo(pair, 'ringing');
        await check('ringing');
        await button(pair.customer, 'Accept with video').click();
        await button(pair.agent, 'End call').waitFor();
        await check('video call');
        await button(pair.agent, 'End call').click();
        await button(pair.agent, 'More commands').waitFor();
        await check('ended');
        await driveTo(pair, 'voice');
        await check('voice call');
        await button(pair.customer, 'End call').click();
        await button(pair.agent, 'More commands').waitFor();
        await driveTo(pair, 'cobrowse');
        await check('co-browse');
      } finally {
        await pair.close();
      }
    });
  }

  it('axe finds nothing in pt-BR either (ringing, then in a video call)', async () => {
    const pair = await openDemoPair(browser, server.url, { lang: 'pt-BR', scheme: 'dark' });
    try {
      await driveTo(pair, 'ringing', 'pt-BR');
      assert.deepEqual(await violations(pair.customer), [], 'customer ringing, pt-BR');
      await pair.customer.getByRole('button', { name: 'Aceitar com vídeo', exact: true }).click();
      await pair.agent.getByRole('button', { name: 'Encerrar chamada', exact: true }).waitFor();
      for (const page of [pair.agent, pair.customer]) assert.deepEqual(await violations(page), [], 'in a call, pt-BR');
    } finally {
      await pair.close();
    }
  });

  it('on a 360 px phone, the customer widget lies inside the screen during a call, composer included', async () => {
    const pair = await openDemoPair(browser, server.url, { customerViewport: { width: 360, height: 640 } });
    try {
      await driveTo(pair, 'video');
      const { customer } = pair;
      const { boxes, scrollWidth } = await customer.evaluate(() => {
        const panel = document.querySelector('chat-call-panel')!;
        const parts: Array<[string, Element | null]> = [
          ['widget', document.querySelector('.chat-widget')],
          ['composer', document.querySelector('#chat-form')],
          ['controls', panel.shadowRoot!.querySelector('call-controls')],
          ['video', panel.shadowRoot!.querySelector('[part~="remote-video"]')],
        ];
        return {
          boxes: parts.map(([name, element]) => ({ name, box: element!.getBoundingClientRect().toJSON() as DOMRect })),
          scrollWidth: document.documentElement.scrollWidth,
        };
      });
      for (const { name, box: b } of boxes) {
        assert.ok(b.left >= 0 && b.top >= 0 && b.right <= 360 && b.bottom <= 640, `${name} is inside the 360×640 screen: ${JSON.stringify(b)}`);
      }
      assert.ok(scrollWidth <= 360, `no horizontal scrolling (${scrollWidth})`);
      assert.deepEqual((await undrawnShapes(customer)).undrawn, [], 'the call icons are drawn on the phone');
    } finally {
      await pair.close();
    }
  });

  it('every icon template in dist/chat-call-kit.min.js draws each of its shapes', async () => {
    const bundle = readFileSync(bundlePath, 'utf8');
    // The shapes of each icon are one template literal (Lit's svg``), whatever the minifier named things.
    const templates = [...new Set([...bundle.matchAll(/`([^`]*<(?:path|rect|circle|line|polyline|polygon|ellipse)\b[^`]*)`/g)].map((m) => m[1]!))];
    assert.ok(templates.length >= 15, `the bundle's icons are found (${templates.length})`);
    const page = await browser.newPage();
    try {
      const result = await page.evaluate((shapes) => {
        const problems: string[] = [];
        let checked = 0;
        for (const content of shapes) {
          const holder = document.createElement('div');
          // Parsed as Lit parses an svg`` template: as the content of an <svg> element.
          holder.innerHTML = `<svg viewBox="0 0 24 24" width="48" height="48" fill="none" stroke="black" stroke-width="2">${content}</svg>`;
          document.body.append(holder);
          const svg = holder.firstElementChild!;
          for (const shape of svg.querySelectorAll('*')) {
            checked += 1;
            const box = shape.getBoundingClientRect();
            if (shape.parentNode !== svg) problems.push(`nested in <${shape.parentElement?.tagName}>: ${content}`);
            else if (box.width === 0 && box.height === 0) problems.push(`not drawn: ${shape.outerHTML}`);
          }
        }
        return { problems, checked };
      }, templates);
      assert.deepEqual(result.problems, []);
      assert.ok(result.checked >= templates.length, 'every template has shapes');
    } finally {
      await page.close();
    }
  });

  it('the icons the customer page draws from the bundle have boxes, ringing and in a call', async () => {
    const pair = await openDemoPair(browser, server.url);
    try {
      await driveTo(pair, 'ringing');
      const ringing = await undrawnShapes(pair.customer);
      assert.ok(ringing.checked >= 3, 'the Accept and Reject icons are there');
      assert.deepEqual(ringing.undrawn, []);
      await pair.customer.getByRole('button', { name: 'Accept with video', exact: true }).click();
      await pair.customer.getByRole('button', { name: 'End call', exact: true }).waitFor();
      const inCall = await undrawnShapes(pair.customer);
      assert.ok(inCall.checked >= 6, 'microphone, camera, chevrons and End call');
      assert.deepEqual(inCall.undrawn, []);
    } finally {
      await pair.close();
    }
  });
});
