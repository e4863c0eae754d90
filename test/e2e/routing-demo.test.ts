/**
 * The routing demo pages, driven as QA would: an agent signs in at its desk, a customer requests a
 * chat and is routed to it, the agent opens the conversation from the desk, a second customer waits
 * in the queue, and the supervisor page shows all of it and assigns the waiting customer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/server.js';
import { launchChromium } from './support/browser.js';

let server: RunningServer;
let browser: Browser;
const pages: Page[] = [];

async function newPage(path: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  pages.push(page);
  await page.goto(`${server.url}${path}`);
  return page;
}

describe('the routing demo: agent desk, customer request, supervisor', { timeout: 90_000 }, () => {
  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });

  after(async () => {
    await Promise.all(pages.map((page) => page.context().close().catch(() => {})));
    await browser?.close();
    await server?.close();
  });

  it('routes a requested chat to the signed-in agent, queues the next one, and the supervisor assigns it', async () => {
    const desk = await newPage('/demo/agent.html?agent=alice&capacity=1');
    await desk.getByRole('status').filter({ hasText: 'Signed in as alice' }).waitFor();
    await desk.getByText('Capacity: 0 of 1 units in use').waitFor();
    const supervisor = await newPage('/demo/supervisor.html');
    await supervisor.getByRole('rowheader', { name: 'alice' }).waitFor();

    const first = await newPage('/demo/customer.html');
    await first.getByRole('button', { name: 'Request a chat' }).click();
    await first.getByRole('status').filter({ hasText: 'An agent is on the way.' }).waitFor();
    const link = desk.getByRole('link', { name: /^Open conversation conv-/ });
    await link.waitFor();
    await desk.getByText('Capacity: 1 of 1 units in use').waitFor();

    // The agent opens the routed conversation in the console; the two can chat.
    const console_ = await newPage(`/demo/${(await link.getAttribute('href'))!}`);
    await console_.getByText('Customer joined the chat').waitFor();
    await first.getByText('Agent joined the chat').waitFor();
    await first.getByLabel('Message').fill('Hello, I need help with my order');
    await first.getByRole('button', { name: 'Send' }).click();
    await console_.getByText('Hello, I need help with my order').waitFor();

    // Alice is full: the next customer waits in the queue, and the supervisor sees it.
    const second = await newPage('/demo/customer.html');
    await second.getByRole('button', { name: 'Request a chat' }).click();
    await second.getByRole('status').filter({ hasText: 'You are number 1 in the queue.' }).waitFor();
    const queue = supervisor.getByRole('list', { name: 'Queue' });
    await queue.getByText(/^conv-.* \(waiting \d+ s\)$/).waitFor();
    const row = supervisor.getByRole('row', { name: /alice/ });
    await row.getByRole('cell', { name: '1', exact: true }).first().waitFor();

    await supervisor.getByLabel('Conversation', { exact: true }).selectOption({ index: 0 });
    assert.match((await supervisor.getByLabel('Conversation', { exact: true }).inputValue()) ?? '', /^conv-/, 'the queued conversation is offered first');
    await supervisor.getByLabel('Agent', { exact: true }).selectOption('alice');
    await supervisor.getByRole('button', { name: 'Assign' }).click();
    await supervisor.getByRole('status').filter({ hasText: /^Assigned conv-.* to alice\.$/ }).waitFor();
    await second.getByRole('status').filter({ hasText: 'An agent is on the way.' }).waitFor({ timeout: 10_000 });
    await desk.getByRole('link', { name: /^Open conversation conv-/ }).nth(1).waitFor();
    await desk.getByText('Capacity: 2 of 1 units in use').waitFor();
    await supervisor.getByRole('list', { name: 'Queue' }).getByText('Nobody is waiting.').waitFor();
  });
});
