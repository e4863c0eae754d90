/**
 * WebSocketTransport against the real reference server (Node's side of the wire is the `ws`
 * package's WebSocket, passed in as the browser's would be used by default).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { issueToken } from '../../server/auth.js';
import { startServer } from '../../server/server.js';
import type { RunningServer } from '../../server/server.js';
import { createMessage } from '../../src/signaling/protocol.js';
import type { ParticipantRole, SignalingMessage } from '../../src/signaling/protocol.js';
import type { TransportEvents, TransportState } from '../../src/signaling/transport.js';
import { TransportError, WebSocketTransport } from '../../src/signaling/websocket-transport.js';
import type { WebSocketTransportOptions } from '../../src/signaling/websocket-transport.js';
import { SUITE_TIMEOUT_MS, freshConversation } from '../server/helpers.js';

let server: RunningServer;
const transports: WebSocketTransport[] = [];

before(async () => {
  server = await startServer({ port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, resumeGraceMs: 10_000 });
});

afterEach(() => {
  for (const transport of transports.splice(0)) transport.close();
});

after(() => server.close());

const FAST_RECONNECT = { initialDelayMs: 20, maxDelayMs: 200, factor: 2, jitter: 0 };

function tokenFor(role: ParticipantRole, conversationId: string, subject = `${role}-1`, target = server) {
  return issueToken({ role, conversationId, subject }, target.options.signingSecret);
}

async function transport(
  role: ParticipantRole,
  conversationId: string,
  options: Partial<WebSocketTransportOptions> = {},
): Promise<WebSocketTransport> {
  const created = new WebSocketTransport({
    url: server.signalingUrl,
    conversationId,
    role,
    token: await tokenFor(role, conversationId),
    WebSocket,
    reconnect: FAST_RECONNECT,
    ...options,
  });
  transports.push(created);
  return created;
}

/** Records every event of a transport, and resolves waits for the next one matching. */
function record(target: WebSocketTransport) {
  const messages: SignalingMessage[] = [];
  const states: TransportState[] = [];
  const presence: Array<TransportEvents['presence'][0]> = [];
  const errors: Array<TransportEvents['error'][0]> = [];
  const closes: string[] = [];
  target.on('message', (m) => messages.push(m));
  target.on('statechange', (s) => states.push(s));
  target.on('presence', (p) => presence.push(p));
  target.on('error', (e) => errors.push(e));
  target.on('close', ({ reason }) => closes.push(reason));
  return { messages, states, presence, errors, closes };
}

function nextEvent<K extends keyof TransportEvents>(
  target: WebSocketTransport,
  event: K,
  predicate: (...args: TransportEvents[K]) => boolean = () => true,
  timeoutMs = 2_000,
): Promise<TransportEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${String(event)} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = target.on(event, (...args) => {
      if (!predicate(...args)) return;
      clearTimeout(timer);
      off();
      resolve(args);
    });
  });
}

async function waitUntil(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port with nothing listening: connections to it are refused at once. */
async function deadUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `ws://127.0.0.1:${port}/signaling`;
}

/** A WebSocket class that counts constructions and sends the first `failures` of them to a dead port. */
function flakyWebSocket(failures: number, dead: string) {
  const attempts: number[] = [];
  class Flaky extends WebSocket {
    constructor(url: string) {
      attempts.push(Date.now());
      super(attempts.length <= failures ? dead : url);
    }
  }
  return { Flaky, attempts };
}

const invite = (callId = 'call-1') => ({ type: 'call-invite', payload: { callId, video: false } }) as const;

describe('WebSocketTransport: joining and relaying', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('connects, joins, goes open and reports the other member as absent', async () => {
    const agent = await transport('agent', freshConversation('ws'));
    const events = record(agent);
    assert.equal(agent.state, 'idle');
    await agent.connect();
    assert.equal(agent.state, 'open');
    assert.deepEqual(events.states, ['connecting', 'open']);
    assert.deepEqual(events.presence, [{ role: 'customer', present: false }]);
    assert.deepEqual(agent.lastJoin, { resumed: false, present: ['agent'] });
  });

  it('delivers messages between two transports in both directions, in order', async () => {
    const conversationId = freshConversation('ws');
    const agent = await transport('agent', conversationId);
    const customer = await transport('customer', conversationId);
    const agentEvents = record(agent);
    const customerEvents = record(customer);
    await agent.connect();
    await customer.connect();
    assert.deepEqual(customerEvents.presence, [{ role: 'agent', present: true }]);
    await waitUntil(() => agentEvents.presence.some((p) => p.present));

    for (let n = 1; n <= 5; n += 1) agent.send({ type: 'call-end', payload: { callId: `c${n}` } });
    customer.send({ type: 'call-ringing', payload: { callId: 'c1' } });
    await waitUntil(() => customerEvents.messages.length === 5 && agentEvents.messages.length === 1);
    assert.deepEqual(
      customerEvents.messages.map((m) => (m.type === 'call-end' ? m.payload.callId : m.type)),
      ['c1', 'c2', 'c3', 'c4', 'c5'],
    );
    const ringing = agentEvents.messages[0];
    assert.equal(ringing.type, 'call-ringing');
    assert.equal(ringing.from, 'customer');
    assert.equal(ringing.conversationId, conversationId);
  });

  it('queues what is sent before joined and sends it once joined', async () => {
    const conversationId = freshConversation('ws');
    const customer = await transport('customer', conversationId);
    const customerEvents = record(customer);
    await customer.connect();
    const agent = await transport('agent', conversationId);
    const connecting = agent.connect();
    agent.send(invite('early'));
    await connecting;
    await waitUntil(() => customerEvents.messages.length === 1);
    assert.equal(customerEvents.messages[0].type, 'call-invite');
  });

  it('reports the other member leaving (close) as presence false', async () => {
    const conversationId = freshConversation('ws');
    const agent = await transport('agent', conversationId);
    const customer = await transport('customer', conversationId);
    await agent.connect();
    await customer.connect();
    const gone = nextEvent(agent, 'presence', (p) => !p.present);
    customer.close();
    assert.deepEqual((await gone)[0], { role: 'customer', present: false });
  });

  it('surfaces a server error reply as an error event without closing', async () => {
    const agent = await transport('agent', freshConversation('ws'));
    await agent.connect();
    const error = nextEvent(agent, 'error');
    agent.send(invite());
    assert.equal((await error)[0].code, 'peer-not-present');
    assert.equal(agent.state, 'open');
  });
});

describe('WebSocketTransport: send() refuses what the server would refuse', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('throws forbidden for a type that is not relayed, and nothing is sent', async () => {
    const agent = await transport('agent', freshConversation('ws'));
    await agent.connect();
    assert.throws(
      () => agent.send({ type: 'presence', payload: { role: 'agent', present: false } }),
      (error: unknown) => error instanceof TransportError && error.code === 'forbidden',
    );
    assert.throws(
      () => agent.send({ type: 'join', payload: { token: 't' } }),
      (error: unknown) => error instanceof TransportError && error.code === 'forbidden',
    );
  });

  it('throws invalid-message for a payload that fails validation', async () => {
    const agent = await transport('agent', freshConversation('ws'));
    assert.throws(
      () => agent.send({ type: 'call-invite', payload: { callId: '', video: true } }),
      (error: unknown) => error instanceof TransportError && error.code === 'invalid-message',
    );
  });

  it('throws message-too-large above 64 KiB', async () => {
    const agent = await transport('agent', freshConversation('ws'));
    const huge = { candidate: 'x'.repeat(1_500), sdpMid: '0' };
    assert.throws(
      () => agent.send({ type: 'sdp', payload: { callId: 'c', description: { type: 'offer', sdp: 'v=0\r\n'.repeat(13_000) } } }),
      (error: unknown) => error instanceof TransportError && (error.code === 'message-too-large' || error.code === 'invalid-message'),
    );
    // Within limits is fine (queued, since not connected).
    agent.send({ type: 'ice', payload: { callId: 'c', candidate: huge } });
  });
});

describe('WebSocketTransport: reconnecting', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('reconnects after the server drops the socket, resumes, and delivers queued sends in order', async () => {
    const conversationId = freshConversation('ws-drop');
    const agent = await transport('agent', conversationId);
    const customer = await transport('customer', conversationId);
    const agentEvents = record(agent);
    const customerEvents = record(customer);
    await agent.connect();
    await customer.connect();

    const reconnecting = nextEvent(customer, 'statechange', (s) => s === 'reconnecting');
    assert.equal(server.dropConnections({ conversationId, role: 'customer' }), 1);
    await reconnecting;

    // Sent while down: queued by the customer's transport; the agent's go to the server's replay buffer.
    const reopened = nextEvent(customer, 'statechange', (s) => s === 'open');
    for (let n = 1; n <= 3; n += 1) customer.send({ type: 'call-end', payload: { callId: `up-${n}` } });
    for (let n = 1; n <= 3; n += 1) agent.send({ type: 'call-end', payload: { callId: `down-${n}` } });
    await reopened;

    await waitUntil(() => agentEvents.messages.length === 3 && customerEvents.messages.length === 3);
    const ids = (list: SignalingMessage[]) => list.map((m) => (m.type === 'call-end' ? m.payload.callId : m.type));
    assert.deepEqual(ids(agentEvents.messages), ['up-1', 'up-2', 'up-3']);
    assert.deepEqual(ids(customerEvents.messages), ['down-1', 'down-2', 'down-3']);
    assert.deepEqual(customer.lastJoin?.resumed, true);
    assert.deepEqual(customerEvents.states, ['connecting', 'open', 'reconnecting', 'open']);
    // Absent before the customer joined, then present; within the grace period the agent never saw it leave.
    assert.deepEqual(agentEvents.presence, [
      { role: 'customer', present: false },
      { role: 'customer', present: true },
    ]);
  });

  it('backs off exponentially between failed attempts, then joins', async () => {
    const { Flaky, attempts } = flakyWebSocket(3, await deadUrl());
    const agent = await transport('agent', freshConversation('ws-backoff'), {
      WebSocket: Flaky,
      reconnect: { initialDelayMs: 40, factor: 2, maxDelayMs: 1_000, jitter: 0 },
    });
    const events = record(agent);
    await agent.connect();
    assert.equal(attempts.length, 4);
    const gaps = attempts.slice(1).map((at, i) => at - attempts[i]);
    // 40, 80, 160 ms nominal; each gap also includes the refused connection's own (small) time.
    for (const [i, nominal] of [40, 80, 160].entries()) assert.ok(gaps[i] >= nominal - 2, `gap ${i} was ${gaps[i]} ms, expected >= ${nominal}`);
    assert.ok(gaps[2] > gaps[1] && gaps[1] > gaps[0], `gaps grow: ${gaps.join(', ')}`);
    // Before the first join, retries stay in `connecting` (the engine treats `reconnecting` as joined-before).
    assert.deepEqual(events.states, ['connecting', 'open']);
  });

  it('caps the delay at maxDelayMs', async () => {
    const { Flaky, attempts } = flakyWebSocket(4, await deadUrl());
    const agent = await transport('agent', freshConversation('ws-cap'), {
      WebSocket: Flaky,
      reconnect: { initialDelayMs: 30, factor: 10, maxDelayMs: 60, jitter: 0 },
    });
    await agent.connect();
    const gaps = attempts.slice(1).map((at, i) => at - attempts[i]);
    assert.ok(gaps.slice(1).every((gap) => gap >= 58 && gap < 290), `gaps ${gaps.join(', ')}`);
  });

  it('gives up after maxAttempts: connect() rejects with connection-failed and the transport closes', async () => {
    const { Flaky, attempts } = flakyWebSocket(Number.POSITIVE_INFINITY, await deadUrl());
    const agent = await transport('agent', freshConversation('ws-giveup'), {
      WebSocket: Flaky,
      reconnect: { initialDelayMs: 5, maxAttempts: 2, jitter: 0 },
    });
    const events = record(agent);
    await assert.rejects(agent.connect(), (error: unknown) => error instanceof TransportError && error.code === 'connection-failed');
    assert.equal(attempts.length, 3, 'the first attempt and two retries');
    assert.equal(agent.state, 'closed');
    assert.equal(events.closes.length, 1);
    assert.equal(events.errors.at(-1)?.code, 'connection-failed');
  });

  it('asks a token function for a fresh token on every join', async () => {
    const conversationId = freshConversation('ws-token-fn');
    let calls = 0;
    const agent = await transport('agent', conversationId, {
      token: async () => {
        calls += 1;
        return tokenFor('agent', conversationId);
      },
    });
    await agent.connect();
    const reopened = nextEvent(agent, 'statechange', (s) => s === 'open');
    server.dropConnections({ conversationId });
    await reopened;
    assert.equal(calls, 2);
  });
});

describe('WebSocketTransport: a refused join is final', { timeout: SUITE_TIMEOUT_MS }, () => {
  const refusals: Array<{ name: string; code: string; token: (conversationId: string) => Promise<string> }> = [
    { name: 'a token for another conversation', code: 'forbidden', token: () => tokenFor('agent', 'elsewhere') },
    {
      name: 'an expired token',
      code: 'token-expired',
      token: (cid) => issueToken({ role: 'agent', conversationId: cid, expiresIn: -10 }, server.options.signingSecret),
    },
    { name: 'a garbage token', code: 'token-invalid', token: async () => 'garbage' },
  ];
  for (const refusal of refusals) {
    it(`rejects connect() with ${refusal.code} for ${refusal.name}, closes, and does not retry`, async () => {
      const conversationId = freshConversation('ws-refused');
      const { Flaky, attempts } = flakyWebSocket(0, '');
      const agent = await transport('agent', conversationId, { WebSocket: Flaky, token: await refusal.token(conversationId) });
      const events = record(agent);
      await assert.rejects(agent.connect(), (error: unknown) => error instanceof TransportError && error.code === refusal.code);
      assert.equal(agent.state, 'closed');
      assert.deepEqual(events.errors.map((e) => e.code), [refusal.code]);
      assert.equal(events.closes.length, 1);
      await sleep(100);
      assert.equal(attempts.length, 1, 'no reconnect loop');
    });
  }

  it('rejects a second agent with another identity with conversation-full', async () => {
    const conversationId = freshConversation('ws-full');
    const first = await transport('agent', conversationId);
    await first.connect();
    const second = await transport('agent', conversationId, { token: await tokenFor('agent', conversationId, 'agent-2') });
    await assert.rejects(second.connect(), (error: unknown) => error instanceof TransportError && error.code === 'conversation-full');
    assert.equal(first.state, 'open');
  });

  it('closes for good, without reconnecting, when the same identity joins from another connection', async () => {
    const conversationId = freshConversation('ws-replaced');
    const { Flaky, attempts } = flakyWebSocket(0, '');
    const firstTab = await transport('agent', conversationId, { WebSocket: Flaky });
    const events = record(firstTab);
    await firstTab.connect();
    const closed = nextEvent(firstTab, 'close');
    const secondTab = await transport('agent', conversationId);
    await secondTab.connect();
    assert.match((await closed)[0].reason, /^replaced/);
    assert.equal(firstTab.state, 'closed');
    await sleep(100);
    assert.equal(attempts.length, 1);
    assert.equal(secondTab.state, 'open');
    assert.ok(!events.states.includes('reconnecting'), `states: ${events.states.join(', ')}`);
  });
});

describe('WebSocketTransport: close()', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('leaves at once (the other side sees presence false despite the 10 s grace) and stops everything', async () => {
    const conversationId = freshConversation('ws-close');
    const { Flaky, attempts } = flakyWebSocket(0, '');
    const agent = await transport('agent', conversationId);
    const customer = await transport('customer', conversationId, { WebSocket: Flaky });
    const events = record(customer);
    await agent.connect();
    await customer.connect();
    const gone = nextEvent(agent, 'presence', (p) => !p.present, 1_000);
    customer.close();
    await gone;

    assert.equal(customer.state, 'closed');
    assert.deepEqual(events.states.at(-1), 'closed');
    assert.deepEqual(events.closes, ['closed']);
    assert.throws(() => customer.send(invite()), (error: unknown) => error instanceof TransportError && error.code === 'invalid-state');
    await assert.rejects(customer.connect(), (error: unknown) => error instanceof TransportError && error.code === 'invalid-state');
    customer.close(); // idempotent
    assert.deepEqual(events.closes, ['closed']);
    await sleep(80);
    assert.equal(attempts.length, 1, 'no reconnect after close()');
  });

  it('stops retrying when closed during the backoff, and rejects the pending connect()', async () => {
    const { Flaky, attempts } = flakyWebSocket(Number.POSITIVE_INFINITY, await deadUrl());
    const agent = await transport('agent', freshConversation('ws-close-backoff'), {
      WebSocket: Flaky,
      reconnect: { initialDelayMs: 30, jitter: 0 },
    });
    const pending = agent.connect();
    await waitUntil(() => attempts.length >= 2);
    agent.close();
    await assert.rejects(pending, (error: unknown) => error instanceof TransportError && error.code === 'invalid-state');
    const count = attempts.length;
    await sleep(150);
    assert.equal(attempts.length, count);
  });

  it('keeps the caller’s listeners (close() removes nothing it does not own)', async () => {
    const agent = await transport('agent', freshConversation('ws-listeners'));
    agent.on('close', () => {});
    await agent.connect();
    agent.close();
    assert.equal(agent.listenerCount('close'), 1);
  });
});

describe('WebSocketTransport: what the server sends is validated', { timeout: SUITE_TIMEOUT_MS }, () => {
  let fake: WebSocketServer;
  let fakeUrl: string;

  before(async () => {
    // A misbehaving server: answers join properly, then sends frames the protocol does not allow.
    fake = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => fake.once('listening', () => resolve()));
    fakeUrl = `ws://127.0.0.1:${(fake.address() as { port: number }).port}`;
    fake.on('connection', (socket) => {
      socket.once('message', (data) => {
        const join = JSON.parse(data.toString()) as { conversationId: string };
        const cid = join.conversationId;
        socket.send(JSON.stringify(createMessage('joined', { conversationId: cid, from: 'server', payload: { role: 'agent', present: ['agent'], resumed: false } })));
        socket.send('not json');
        socket.send(Buffer.from([1, 2, 3]));
        socket.send(JSON.stringify({ v: 9, type: 'call-end' }));
        // A relayed type claiming to come from ourselves is not passed on as a message.
        socket.send(JSON.stringify(createMessage('call-end', { conversationId: cid, from: 'agent', payload: { callId: 'x' } })));
        socket.send(JSON.stringify(createMessage('call-end', { conversationId: cid, from: 'customer', payload: { callId: 'ok' } })));
      });
    });
  });

  after(() => new Promise<void>((resolve) => fake.close(() => resolve())));

  it('emits an error event for each invalid frame, never throws, and still delivers the valid message', async () => {
    const agent = await transport('agent', freshConversation('ws-fake'), { url: fakeUrl, token: 'any' });
    const events = record(agent);
    await agent.connect();
    await waitUntil(() => events.messages.length === 1);
    assert.deepEqual(
      events.errors.map((e) => e.code),
      ['invalid-json', 'invalid-message', 'unsupported-version', 'invalid-message'],
    );
    assert.equal(events.messages[0].type === 'call-end' && events.messages[0].payload.callId, 'ok');
    assert.equal(agent.state, 'open');
  });
});
