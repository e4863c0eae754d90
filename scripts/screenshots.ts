/**
 * Regenerates docs/screenshots/: the demo's main states (idle, ringing, in a video call, in a voice
 * call, co-browsing) for the agent and the customer, in light and dark, in real Chromium.
 *
 *   npm run build && npm run screenshots        (or: tsx scripts/screenshots.ts [state...])
 */
import { mkdirSync } from 'node:fs';
import { startServer } from '../server/server.js';
import { launchChromium } from '../test/e2e/support/browser.js';
import { driveTo, openDemoPair, type DemoState, type Scheme } from '../test/e2e/support/demo-states.js';

const out = new URL('../docs/screenshots/', import.meta.url);
mkdirSync(out, { recursive: true });
const all: DemoState[] = ['idle', 'ringing', 'video', 'voice', 'cobrowse'];
const wanted = process.argv.slice(2).filter((arg): arg is DemoState => (all as string[]).includes(arg));
const states = wanted.length > 0 ? wanted : all;

const server = await startServer({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
try {
  for (const scheme of ['light', 'dark'] satisfies Scheme[]) {
    for (const state of states) {
      const pair = await openDemoPair(browser, server.url, { scheme, agentViewport: { width: 1000, height: 640 }, customerViewport: { width: 400, height: 720 } });
      try {
        await driveTo(pair, state);
        // Let entrance transitions and the first video frames settle.
        await new Promise((resolve) => setTimeout(resolve, 600));
        for (const [side, page] of [['agent', pair.agent], ['customer', pair.customer]] as const) {
          const path = new URL(`${side}-${state}-${scheme}.png`, out);
          await page.screenshot({ path: path.pathname, animations: 'disabled', caret: 'hide' });
          console.log(path.pathname);
        }
      } finally {
        await pair.close();
      }
    }
  }
} finally {
  await browser.close();
  await server.close();
}
