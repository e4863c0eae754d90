/**
 * The demo's visual engagement: `visual=cobrowse|screen-share` picks the provider (default
 * co-browse), the launcher sits next to the agent's End button and in the customer's chat widget, and
 * Send PIN to chat posts the PIN into the customer's chat.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/server.js';
import { launchChromium } from './support/browser.js';
import { visualConversation } from './support/visual-pair.js';

let server: RunningServer;
let browser: Browser;
const pages: Page[] = [];

async function open(path: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  pages.push(page);
  await page.goto(`${server.url}${path}`);
  return page;
}

describe('demo: visual engagement', { timeout: 60_000 }, () => {
  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });

  after(async () => {
    await Promise.all(pages.map((page) => page.context().close().catch(() => {})));
    await browser?.close();
    await server?.close();
  });

  it('co-browse by default: the agent sends the PIN to the chat and the customer joins with it', async () => {
    const conversation = visualConversation('demo-visual');
    const agent = await open(`/demo/agent.html?conversation=${conversation}`);
    const customer = await open(`/demo/customer.html?conversation=${conversation}`);
    const start = agent.getByRole('button', { name: 'Co-browse', exact: true });
    await start.waitFor();
    const nextToEnd = await agent.evaluate(() => document.getElementById('end-chat')?.previousElementSibling?.localName);
    assert.equal(nextToEnd, 'cobrowse-launcher', 'the computer-icon button sits next to End');
    await start.click();
    const pin = (await agent.locator('cobrowse-launcher [part~="pin"]').innerText()).trim();
    await agent.getByRole('button', { name: 'Send PIN to chat', exact: true }).click();
    await customer.locator('#messages', { hasText: pin }).waitFor({ timeout: 5_000 });
    await customer.getByRole('textbox', { name: 'Session PIN', exact: true }).fill(pin);
    await customer.getByRole('button', { name: 'Join', exact: true }).click();
    await customer.getByRole('button', { name: 'Accept', exact: true }).click();
    await agent.getByRole('region', { name: 'Customer screen', exact: true }).waitFor();
    await customer.getByRole('button', { name: 'End session', exact: true }).click();
    await agent.locator('cobrowse-launcher [part~="status"]', { hasText: 'The customer ended the session.' }).waitFor();
  });

  it('visual=screen-share configures the screen-share provider, in either locale', async () => {
    const conversation = visualConversation('demo-screen');
    const agent = await open(`/demo/agent.html?conversation=${conversation}&visual=screen-share&lang=pt-BR`);
    await agent.getByRole('button', { name: 'Compartilhar tela', exact: true }).waitFor();
    const customer = await open(`/demo/customer.html?conversation=${conversation}&visual=screen-share`);
    // No PIN entry before the agent offers a session: it appears when the agent starts one.
    await customer.getByRole('button', { name: 'Have a PIN?', exact: true }).waitFor();
    assert.equal(await customer.getByRole('textbox', { name: 'Session PIN' }).count(), 0, 'no PIN box before an offer');
    await agent.getByRole('button', { name: 'Compartilhar tela', exact: true }).click();
    await customer.getByRole('textbox', { name: 'Session PIN', exact: true }).waitFor();
    const provider = await customer.evaluate(() => (window as unknown as { demoVisual: { provider: string } }).demoVisual.provider);
    assert.equal(provider, 'screen-share', 'the customer side is configured alike');
  });
});
