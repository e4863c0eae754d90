/**
 * Leaving is explicit: a reloaded or closed tab leaves the conversation as it goes (pagehide), so
 * the other side's call ends within 2 s and `GET /api/agents` shows the agent idle within 2 s, with
 * the server's grace period at its 15 s default. The reloaded page shows that its call ended and
 * can take a new call.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { AgentView } from '../../server/capacity.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { agent as agentView, apiToken, eventually, requestChat, signIn } from '../server/api-helpers.js';
import { launchChromium } from './support/browser.js';
import { closeAll, newPage, openDemoPair, status, videoCall, type DemoPair } from './support/demo-pages.js';

const WITHIN_MS = 2_000;
let server: RunningServer;
let browser: Browser;
let supervisor: string;
const open: Page[] = [];

const isIdle = (a: AgentView) => a.callState === 'idle';
const isInCall = (a: AgentView) => a.callState === 'in-call';

/** A routed conversation of a fresh agent, both sides in a video call. */
async function callOf(agentId: string): Promise<DemoPair & { agentId: string }> {
  await signIn(server, agentId, { capacity: 2 });
  const { conversation } = await requestChat(server, `customer-of-${agentId}`);
  assert.equal(conversation.agentId, agentId);
  const pair = await openDemoPair(browser, { agent: server.url, customer: server.url }, conversation.id, { agent: conversation.agentId, customer: conversation.customerId });
  open.push(pair.agent, pair.customer);
  await videoCall(pair);
  await eventually(() => agentView(server, supervisor, agentId), isInCall, `${agentId} in the call`);
  return { ...pair, agentId };
}

/** The other side's call ended, and the agent is free, both within 2 s of `since`. */
async function endedWithin(other: Page, agentId: string, since: number, t: { diagnostic(message: string): void }, what: string): Promise<void> {
  await status(other, 'The other side ended the call', WITHIN_MS);
  const endedMs = Date.now() - since;
  await eventually(() => agentView(server, supervisor, agentId), isIdle, `${agentId} idle`, Math.max(100, WITHIN_MS - (Date.now() - since)));
  t.diagnostic(`${what}: the other side's call ended after ${endedMs} ms, the agent was idle after ${Date.now() - since} ms`);
}

describe('a reloaded or closed tab leaves at once', { timeout: 180_000 }, () => {
  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1' });
    assert.equal(server.options.resumeGraceMs, 15_000, 'the default grace period: leaving must not wait for it');
    supervisor = await apiToken(server, 'supervisor', 'sup');
    browser = await launchChromium();
  });

  after(async () => {
    await closeAll(...open);
    await browser?.close();
    await server?.close();
  });

  it('the customer reloads: the agent\'s call ends within 2 s; the reloaded page shows its call ended and takes the next call', async (t) => {
    const pair = await callOf('ana');
    const since = Date.now();
    await pair.customer.reload();
    await endedWithin(pair.agent, pair.agentId, since, t, 'customer reload');
    await status(pair.customer, 'Call ended');
    await pair.agent.getByRole('button', { name: 'More commands' }).click();
    await pair.agent.getByRole('menuitem', { name: 'Voice call' }).click();
    await pair.customer.getByRole('button', { name: 'Accept with audio' }).click();
    await status(pair.agent, 'In a call');
    await pair.agent.getByRole('button', { name: 'End call' }).click();
  });

  it('the agent reloads: the customer\'s call ends and the agent is idle within 2 s', async (t) => {
    const pair = await callOf('bea');
    const since = Date.now();
    await pair.agent.reload();
    await endedWithin(pair.customer, pair.agentId, since, t, 'agent reload');
    await status(pair.agent, 'Call ended');
  });

  it('the agent closes the tab: the customer\'s call ends and the agent is idle within 2 s', async (t) => {
    const pair = await callOf('cid');
    const since = Date.now();
    await pair.agent.context().close();
    await endedWithin(pair.customer, pair.agentId, since, t, 'agent tab closed');
  });

  it('the customer closes the tab: the agent\'s call ends and the agent is idle within 2 s', async (t) => {
    const pair = await callOf('dee');
    const since = Date.now();
    await pair.customer.context().close();
    await endedWithin(pair.agent, pair.agentId, since, t, 'customer tab closed');
    // The agent can call the customer's next tab.
    const next = await newPage(browser);
    open.push(next);
    await next.goto(`${server.url}/demo/customer.html?conversation=${encodeURIComponent(pair.conversation)}`);
    await pair.agent.getByText('Customer joined the chat').last().waitFor();
  });
});
