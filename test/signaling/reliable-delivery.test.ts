/**
 * End-to-end delivery between two WebSocketTransports through the real reference server, under
 * faults: every relayed message arrives once and in order, whatever happens to the sockets or to
 * the server in between. Guarantees are the members' (sequence numbers, acknowledgements, re-sends),
 * so they hold even across a server that restarts with empty memory.
 */
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { issueToken } from '../../server/auth.js';
import { startServer, type RunningServer } from '../../server/server.js';
import type { ParticipantRole, SignalingMessage } from '../../src/signaling/protocol.js';
import type { TransportEvents } from '../../src/signaling/transport.js';
import { WebSocketTransport, type WebSocketTransportOptions } from '../../src/signaling/websocket-transport.js';
import { SUITE_TIMEOUT_MS, freshConversation } from '../server/helpers.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const SECRET = 'reliable-delivery-secret-reliable-delivery';
const servers: RunningServer[] = [];
const transports: WebSocketTransport[] = [];
const proxies: TcpProxy[] = [];

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.close();
  for (const proxy of proxies.splice(0)) await proxy.close();
});
after(() => Promise.all(servers.map((s) => s.close())));

async function server(port = 0): Promise<RunningServer> {
  const started = await startServer({ port, host: '127.0.0.1', heartbeatIntervalMs: 0, resumeGraceMs: 10_000, signingSecret: SECRET });
  servers.push(started);
  return started;
}

/** Kills the server (every socket dropped, all memory gone) and starts a fresh one on the same port. */
async function restart(old: RunningServer, downMs = 0): Promise<RunningServer> {
  await old.close();
  servers.splice(servers.indexOf(old), 1);
  if (downMs > 0) await sleep(downMs);
  return server(old.port);
}

async function member(
  role: ParticipantRole,
  conversationId: string,
  url: string,
  options: Partial<WebSocketTransportOptions> & { subject?: string } = {},
): Promise<{ transport: WebSocketTransport; received: SignalingMessage[]; events: Array<[string, unknown]> }> {
  const token = await issueToken({ role, conversationId, subject: options.subject ?? `${role}-subject` }, SECRET);
  const transport = new WebSocketTransport({ url, conversationId, role, token, WebSocket, reconnectPolicy: { nextRetryDelayMs: () => 30 }, ...options });
  transports.push(transport);
  const received: SignalingMessage[] = [];
  const events: Array<[string, unknown]> = [];
  transport.on('message', (m) => received.push(m));
  for (const name of ['statechange', 'presence', 'error', 'close'] as Array<keyof TransportEvents>) {
    transport.on(name, (detail: unknown) => events.push([name, detail]));
  }
  return { transport, received, events };
}

async function pair(url: string, options: Partial<WebSocketTransportOptions> = {}) {
  const conversationId = freshConversation('reliable');
  const agent = await member('agent', conversationId, url, options);
  const customer = await member('customer', conversationId, url, options);
  await agent.transport.connect();
  await customer.transport.connect();
  await waitUntil(() => agent.events.some(([name, p]) => name === 'presence' && (p as { present: boolean }).present));
  return { conversationId, agent, customer };
}

const chat = (text: string) => ({ type: 'chat-message', payload: { text } }) as const;
const texts = (messages: SignalingMessage[]) => messages.map((m) => (m.type === 'chat-message' ? m.payload.text : m.type));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(condition: () => boolean, timeoutMs = 5_000, label = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${label}: not met within ${timeoutMs} ms`);
    await sleep(5);
  }
}

describe('reliable delivery: dropped sockets', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('delivers what both sides sent while one socket was down, once and in order, after it rejoins', async () => {
    const srv = await server();
    const { conversationId, agent, customer } = await pair(srv.signalingUrl);
    const reconnecting = waitUntil(() => customer.transport.state === 'reconnecting');
    assert.equal(srv.dropConnections({ conversationId, role: 'customer' }), 1);
    await reconnecting;
    // The customer's go into its outbox; the agent's reach a server that has nobody to give them to.
    for (let n = 1; n <= 3; n += 1) customer.transport.send(chat(`up-${n}`));
    for (let n = 1; n <= 3; n += 1) agent.transport.send(chat(`down-${n}`));
    await waitUntil(() => agent.received.length >= 3 && customer.received.length >= 3);
    await sleep(100);
    assert.deepEqual(texts(agent.received), ['up-1', 'up-2', 'up-3']);
    assert.deepEqual(texts(customer.received), ['down-1', 'down-2', 'down-3']);
    assert.equal(customer.transport.lastJoin?.resumed, true);
    await waitUntil(() => agent.transport.unacknowledged === 0 && customer.transport.unacknowledged === 0, 2_000, 'all acknowledged');
  });

  it('drops duplicates: what arrived but was not acknowledged yet is re-sent after a rejoin and delivered only once', async () => {
    const srv = await server();
    // Acknowledgements wait 5 s here, so the drop below always catches messages received but not acknowledged.
    const { conversationId, agent, customer } = await pair(srv.signalingUrl, { timings: { ackDelayMs: 5_000 } });
    for (let n = 1; n <= 5; n += 1) agent.transport.send(chat(`m${n}`));
    await waitUntil(() => customer.received.length === 5);
    assert.equal(agent.transport.unacknowledged, 5);
    srv.dropConnections({ conversationId, role: 'customer' });
    // The rejoin makes the agent re-send all five; the customer owes an ack for the duplicates at once.
    await waitUntil(() => agent.transport.unacknowledged === 0, 8_000, 'acknowledged after the re-send');
    assert.deepEqual(texts(customer.received), ['m1', 'm2', 'm3', 'm4', 'm5'], 'each delivered once');
  });
});

describe('reliable delivery: half-open sockets', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('notices a black-holed connection by its unanswered ping, and delivers what was sent into it once the network is back', async () => {
    const srv = await server();
    const proxy = await TcpProxy.start({ port: srv.port });
    proxies.push(proxy);
    const conversationId = freshConversation('half-open');
    const liveness = { intervalMs: 300, timeoutMs: 300 };
    const agent = await member('agent', conversationId, srv.signalingUrl, { liveness });
    const customer = await member('customer', conversationId, proxy.signalingUrl, { liveness });
    await agent.transport.connect();
    await customer.transport.connect();
    await waitUntil(() => agent.events.some(([name, p]) => name === 'presence' && (p as { present: boolean }).present));

    proxy.blackhole();
    const holedAt = Date.now();
    // Written into a socket that still looks open on both ends, and that nothing gets through.
    customer.transport.send(chat('muted, into the void'));
    agent.transport.send(chat('the agent hung up, into the void'));
    await waitUntil(() => customer.transport.state === 'reconnecting', 3_000, 'the customer notices');
    const detectedMs = Date.now() - holedAt;
    assert.ok(detectedMs <= 1_500, `noticed after ${detectedMs} ms (ping after 300 ms of quiet, 300 ms to answer)`);
    await sleep(300);
    assert.deepEqual([texts(agent.received), texts(customer.received)], [[], []], 'nothing got through the black hole');

    proxy.restore();
    await waitUntil(() => agent.received.length === 1 && customer.received.length === 1, 5_000, 'delivered after the network is back');
    assert.deepEqual(texts(agent.received), ['muted, into the void']);
    assert.deepEqual(texts(customer.received), ['the agent hung up, into the void']);
  });
});

describe('reliable delivery: a server that restarts with empty memory', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('both sides rejoin a fresh server (resumed: false) and nothing sent before, during or after the outage is lost or doubled', async () => {
    const srv = await server();
    const { agent, customer } = await pair(srv.signalingUrl, { timings: { ackDelayMs: 2_000 } });
    // In flight when the server dies: delivered but not acknowledged yet (acks wait 2 s here).
    agent.transport.send(chat('a1'));
    customer.transport.send(chat('c1'));
    await waitUntil(() => agent.received.length === 1 && customer.received.length === 1);
    const down = srv.close();
    agent.transport.send(chat('a2 during'));
    customer.transport.send(chat('c2 during'));
    await down;
    servers.splice(servers.indexOf(srv), 1);
    await sleep(200);
    agent.transport.send(chat('a3 during'));
    await server(srv.port);
    await waitUntil(() => agent.transport.state === 'open' && customer.transport.state === 'open', 5_000, 'both rejoined');
    assert.equal(agent.transport.lastJoin?.resumed, false, 'the new server knew nothing');
    agent.transport.send(chat('a4 after'));
    await waitUntil(() => customer.received.length >= 4 && agent.received.length >= 2, 5_000, 'delivered');
    await sleep(200);
    assert.deepEqual(texts(customer.received), ['a1', 'a2 during', 'a3 during', 'a4 after']);
    assert.deepEqual(texts(agent.received), ['c1', 'c2 during']);
    await waitUntil(() => agent.transport.unacknowledged === 0 && customer.transport.unacknowledged === 0, 5_000, 'all acknowledged');
  });

  it('keeps what the first member back sends until the other one is back too, then delivers it', async () => {
    const srv = await server();
    const proxy = await TcpProxy.start({ port: srv.port });
    proxies.push(proxy);
    const conversationId = freshConversation('restart-alone');
    const agent = await member('agent', conversationId, srv.signalingUrl);
    const customer = await member('customer', conversationId, proxy.signalingUrl);
    await agent.transport.connect();
    await customer.transport.connect();
    // The customer's network goes down with the server, and stays down after the server is back.
    proxy.blackhole();
    await restart(srv);
    await waitUntil(() => agent.transport.state === 'open', 5_000, 'the agent rejoined');
    agent.transport.send(chat('while alone'));
    await sleep(200);
    assert.equal(agent.transport.unacknowledged, 1, 'kept: nobody acknowledged it');
    proxy.restore();
    await waitUntil(() => customer.received.length === 1, 8_000, 'delivered once the customer is back');
    assert.deepEqual(texts(customer.received), ['while alone']);
  });
});

describe('reliable delivery: page instances', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('a reloaded page (new instance, same identity) replaces the old one and gets what was not acknowledged, numbered from 1', async () => {
    const srv = await server();
    const { conversationId, agent, customer } = await pair(srv.signalingUrl);
    srv.dropConnections({ conversationId, role: 'customer' });
    customer.transport.close();
    agent.transport.send(chat('for whoever has the customer seat'));
    const reloaded = await member('customer', conversationId, srv.signalingUrl);
    await reloaded.transport.connect();
    await waitUntil(() => reloaded.received.length === 1);
    assert.equal(reloaded.received[0].seq, 1);
    assert.deepEqual(texts(reloaded.received), ['for whoever has the customer seat']);
    const presence = agent.events.filter(([name]) => name === 'presence').map(([, p]) => p as { instance?: string });
    assert.equal(presence.at(-1)?.instance, reloaded.transport.instance, 'the agent learned of the new page');
  });

  it('forgets what was meant for a member that left on purpose', async () => {
    const srv = await server();
    const { conversationId, agent, customer } = await pair(srv.signalingUrl);
    const left = waitUntil(() => agent.events.some(([name, p]) => name === 'presence' && (p as { reason?: string }).reason === 'left'));
    customer.transport.close();
    await left;
    assert.equal(agent.transport.unacknowledged, 0);
    agent.transport.send(chat('after the leave'));
    const next = await member('customer', conversationId, srv.signalingUrl);
    await next.transport.connect();
    await waitUntil(() => next.received.length === 1);
    assert.deepEqual(texts(next.received), ['after the leave']);
  });
});
