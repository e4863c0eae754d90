/**
 * The script-tag bundle on its own: a plain HTML page that loads only dist/chat-call-kit.min.js
 * and configures <chat-call-panel> by attributes can run a call.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/server.js';
import { launchChromium } from './support/browser.js';
import { uniqueConversation } from './support/call-pair.js';

const harnessDir = fileURLToPath(new URL('./harness/', import.meta.url));
let server: RunningServer;
let browser: Browser;

describe('dist/chat-call-kit.min.js by script tag', { timeout: 60_000 }, () => {
  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', staticMounts: { '/test-harness/': harnessDir } });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('defines the elements on load and runs a call configured only by attributes', async () => {
    const conversation = uniqueConversation('script');
    const pages = await Promise.all([browser.newPage(), browser.newPage()]);
    const [agent, customer] = pages as [(typeof pages)[0], (typeof pages)[0]];
    const scripts: string[] = [];
    for (const page of pages) page.on('request', (request) => request.resourceType() === 'script' && scripts.push(new URL(request.url()).pathname));

    await customer.goto(`${server.url}/test-harness/script-tag.html?role=customer&conversation=${conversation}`);
    await agent.goto(`${server.url}/test-harness/script-tag.html?role=agent&conversation=${conversation}`);
    assert.deepEqual([...new Set(scripts)], ['/dist/chat-call-kit.min.js'], 'no other script is loaded');
    assert.equal(await agent.evaluate(() => customElements.get('chat-call-panel') !== undefined && customElements.get('call-controls') !== undefined), true);
    assert.equal(await agent.evaluate(() => typeof (window as unknown as { ChatCallKit: { CallEngine: unknown } }).ChatCallKit.CallEngine), 'function');

    // Wait until the customer's panel has joined before calling.
    await customer.waitForFunction(() => document.querySelector('chat-call-panel')?.engine?.transport.state === 'open');
    await agent.getByRole('button', { name: 'More commands' }).click();
    await agent.getByRole('menuitem', { name: 'Video call' }).click();
    await customer.getByRole('button', { name: 'Accept with video' }).click();
    await agent.getByRole('status').filter({ hasText: 'In a call' }).waitFor();
    await customer.getByRole('status').filter({ hasText: 'In a call' }).waitFor();
    await agent.waitForFunction(() => {
      const video = document.querySelector('chat-call-panel')?.shadowRoot?.querySelector<HTMLVideoElement>('[part~="remote-video"]');
      return (video?.videoWidth ?? 0) > 0;
    });
    await agent.getByRole('button', { name: 'End call' }).click();
    await customer.getByRole('status').filter({ hasText: 'The other side ended the call' }).waitFor();
    await Promise.all(pages.map((page) => page.close()));
  });
});
