/**
 * However a page configures <chat-call-panel> (the README's markup, parsed before or after the
 * script-tag bundle defines the element; attributes set one by one later; properties), the panel
 * opens exactly one signaling socket (counted on the server) and shows no error.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/server.js';
import { launchChromium } from './support/browser.js';
import { uniqueConversation } from './support/call-pair.js';

let server: RunningServer;
let browser: Browser;
/** The pages are files the server serves (a page Playwright fulfils itself may not reach loopback). */
const pageDir = mkdtempSync(join(tmpdir(), 'cck-panel-config-'));
let pageCount = 0;

interface Config {
  conversation: string;
  token: string;
  signalingUrl: string;
}

async function config(): Promise<Config> {
  const conversation = uniqueConversation('config');
  const response = await fetch(`${server.url}/api/demo-token?role=customer&conversation=${conversation}`);
  const { token } = (await response.json()) as { token: string };
  return { conversation, token, signalingUrl: server.signalingUrl };
}

const markup = ({ conversation, token, signalingUrl }: Config) =>
  `<chat-call-panel participant="customer" conversation="${conversation}" signaling-url="${signalingUrl}" token="${token}"></chat-call-panel>`;

/** Records call-error events from the first moment, before the SDK loads. */
const recordErrors = `<script>window.callErrors = []; document.addEventListener('call-error', (e) => callErrors.push(e.detail.error.code));</script>`;
const bundle = `<script src="/dist/chat-call-kit.min.js"></script>`;

const pages: Record<string, (c: Config) => string> = {
  'markup parsed before the bundle defines the element': (c) => `${recordErrors}${markup(c)}${bundle}`,
  'markup parsed after the bundle defined the element': (c) => `${recordErrors}${bundle}${markup(c)}`,
  'attributes set one by one after the upgrade, in separate tasks': (c) => `${recordErrors}${bundle}<chat-call-panel></chat-call-panel>
    <script>
      const panel = document.querySelector('chat-call-panel');
      const steps = [
        () => panel.setAttribute('participant', 'customer'),
        () => panel.setAttribute('conversation', ${JSON.stringify(c.conversation)}),
        () => panel.setAttribute('signaling-url', ${JSON.stringify(c.signalingUrl)}),
        () => panel.setAttribute('token', ${JSON.stringify(c.token)}),
      ];
      (function next() { const step = steps.shift(); if (step) { step(); setTimeout(next, 20); } })();
    </script>`,
  'properties set on an element made by script': (c) => `${recordErrors}${bundle}
    <script>
      const panel = document.createElement('chat-call-panel');
      document.body.append(panel);
      Object.assign(panel, { conversation: ${JSON.stringify(c.conversation)}, signalingUrl: ${JSON.stringify(c.signalingUrl)}, token: ${JSON.stringify(c.token)} });
    </script>`,
};

async function openPage(page: Page, body: string): Promise<void> {
  const file = `page-${++pageCount}.html`;
  writeFileSync(join(pageDir, file), `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body>${body}</body></html>`);
  await page.goto(`${server.url}/panel-configuration/${file}`);
}

describe('<chat-call-panel> configured by markup, attributes or properties', { timeout: 120_000 }, () => {
  before(async () => {
    server = await startServer({ port: 0, host: '127.0.0.1', mode: 'development', staticMounts: { '/panel-configuration/': pageDir } });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(pageDir, { recursive: true, force: true });
  });

  for (const [name, page] of Object.entries(pages)) {
    it(`${name}: one socket, no error`, async () => {
      const before = server.acceptedConnections;
      const consoleErrors: string[] = [];
      const tab = await browser.newPage();
      tab.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
      await openPage(tab, page(await config()));
      try {
        await tab.waitForFunction(() => document.querySelector('chat-call-panel')?.engine?.transport.state === 'open');
        // A second engine would have been made within the same tasks as the first; give stragglers a moment.
        await tab.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
        assert.equal(server.acceptedConnections - before, 1, 'exactly one signaling connection');
        assert.deepEqual(await tab.evaluate(() => (window as unknown as { callErrors: string[] }).callErrors), [], 'no call-error event');
        const shown = await tab.evaluate(() => document.querySelector('chat-call-panel')?.shadowRoot?.querySelector('[part~="error"]')?.textContent ?? null);
        assert.equal(shown, null, 'no error shown');
        assert.deepEqual(consoleErrors, []);
      } finally {
        await tab.close();
      }
    });
  }
});
