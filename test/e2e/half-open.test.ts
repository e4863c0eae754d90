/**
 * Half-open sockets in real Chromium: each page reaches the server through its own TCP proxy, which
 * can black-hole the connection (nothing gets through either way, nothing is closed, as when a
 * route dies). The page notices within 10 s by its own pings; a Mute or End clicked into the dead
 * socket reaches the other side once the network is back; and the agent's capacity is free within
 * 2 s of the end reaching the server, whichever side ended.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { AgentView } from '../../server/capacity.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { agent as agentView, apiToken, eventually, requestChat, signIn } from '../server/api-helpers.js';
import { LogWatcher } from '../server/helpers.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { launchChromium } from './support/browser.js';
import { closeAll, framesAdvance, openDemoPair, status, videoCall, type DemoPair } from './support/demo-pages.js';

const RECONNECTING = 'Reconnecting to the call service…';
const DETECT_WITHIN_MS = 10_000;

let server: RunningServer;
let browser: Browser;
let supervisor: string;
const logs = new LogWatcher();
const proxies: TcpProxy[] = [];

const signalingState = (page: Page) => page.evaluate(() => (document.querySelector('chat-call-panel') as unknown as { engine: { signalingState: string } }).engine.signalingState);

/** Waits until `page` knows its signaling is down; returns how long that took. */
async function detected(page: Page, since: number): Promise<number> {
  await page.waitForFunction(
    () => (document.querySelector('chat-call-panel') as unknown as { engine: { signalingState: string } }).engine.signalingState === 'reconnecting',
    undefined,
    { timeout: DETECT_WITHIN_MS + 2_000, polling: 50 },
  );
  return Date.now() - since;
}

const alice = () => agentView(server, supervisor, 'alice');
const isIdle = (a: AgentView) => a.callState === 'idle';
const isInCall = (a: AgentView) => a.callState === 'in-call';

/** Waits for the server to count the end of the call, then for the API to show alice free; returns that delay. */
async function freedAfterEndReachedServer(endReached: Promise<void>): Promise<number> {
  await endReached;
  const reachedAt = Date.now();
  await eventually(alice, isIdle, 'alice idle once the end reached the server', 2_000);
  return Date.now() - reachedAt;
}

describe('half-open signaling sockets (black-holed, not closed)', { timeout: 240_000 }, () => {
  let pair: DemoPair;
  let agentNet: TcpProxy;
  let customerNet: TcpProxy;
  let conversationId: string;

  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', log: logs.log });
    supervisor = await apiToken(server, 'supervisor', 'sup');
    await signIn(server, 'alice', { capacity: 2 });
    const routed = (await requestChat(server, 'half-open-customer')).conversation;
    conversationId = routed.id;
    agentNet = await TcpProxy.start({ port: server.port });
    customerNet = await TcpProxy.start({ port: server.port });
    proxies.push(agentNet, customerNet);
    browser = await launchChromium();
    pair = await openDemoPair(browser, { agent: agentNet.url, customer: customerNet.url }, conversationId, { agent: routed.agentId, customer: routed.customerId });
  });

  after(async () => {
    await closeAll(pair?.agent, pair?.customer).catch(() => {});
    await browser?.close();
    for (const proxy of proxies) await proxy.close();
    await server?.close();
  });

  it('the customer\'s network black-holed: noticed within 10 s, and the Mute clicked into it reaches the agent afterwards', async (t) => {
    await videoCall(pair);
    await eventually(alice, isInCall, 'alice in the call');
    customerNet.blackhole();
    const holedAt = Date.now();
    await pair.customer.getByRole('button', { name: 'Mute', exact: true }).click();
    const took = await detected(pair.customer, holedAt);
    t.diagnostic(`the customer noticed the dead socket after ${took} ms`);
    assert.ok(took <= DETECT_WITHIN_MS, `noticed after ${took} ms`);
    await status(pair.customer, RECONNECTING);
    await framesAdvance(pair.agent, 'Customer video');
    assert.equal(await pair.agent.getByText('Customer is muted').count(), 0, 'nothing got through the black hole');
    customerNet.restore();
    await pair.agent.getByText('Customer is muted').waitFor({ timeout: 15_000 });
    await status(pair.customer, 'In a call', 15_000);
    assert.equal(await signalingState(pair.customer), 'connected');
  });

  it('the agent\'s network black-holed while the customer hangs up: the agent is free within 2 s of the end reaching the server, and learns of it once back', async (t) => {
    agentNet.blackhole();
    const holedAt = Date.now();
    const endReached = logs.next('call-ended', { conversationId }, 10_000);
    await pair.customer.getByRole('button', { name: 'End call' }).click();
    const freedMs = await freedAfterEndReachedServer(endReached);
    t.diagnostic(`alice free ${freedMs} ms after the customer's end reached the server`);
    const took = await detected(pair.agent, holedAt);
    assert.ok(took <= DETECT_WITHIN_MS, `the agent noticed after ${took} ms`);
    agentNet.restore();
    await status(pair.agent, 'The other side ended the call', 15_000);
  });

  it('the agent\'s network black-holed while the agent hangs up: the End reaches the customer once back, and frees the agent within 2 s', async (t) => {
    await videoCall(pair);
    await eventually(alice, isInCall, 'alice in the next call');
    agentNet.blackhole();
    const holedAt = Date.now();
    await pair.agent.getByRole('button', { name: 'End call' }).click();
    await status(pair.agent, 'Call ended');
    const took = await detected(pair.agent, holedAt);
    t.diagnostic(`the agent noticed the dead socket after ${took} ms`);
    assert.ok(took <= DETECT_WITHIN_MS, `noticed after ${took} ms`);
    assert.equal((await alice()).callState, 'in-call', 'the server has not heard of the end yet');
    const endReached = logs.next('call-ended', { conversationId }, 15_000);
    agentNet.restore();
    const freedMs = await freedAfterEndReachedServer(endReached);
    t.diagnostic(`alice free ${freedMs} ms after the agent's end reached the server`);
    await status(pair.customer, 'The other side ended the call', 10_000);
  });
});
