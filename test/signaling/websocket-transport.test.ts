/**
 * WebSocketTransport against the real reference server (Node's side of the wire is the `ws`
 * package's WebSocket, passed in as the browser's would be used by default): joining, requests,
 * refusals, the reconnect policy, and closing. Delivery across faults (drops, half-open sockets,
 * server restarts, reloads) is specified in reliable-delivery.test.ts.
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
import type { ReconnectContext, ReconnectPolicy } from '../../src/signaling/reconnect-policy.js';
import { SUITE_TIMEOUT_MS, freshConversation } from '../server/helpers.js';

let server: RunningServer;
const transports: WebSocketTransport[] = [];

before(async () => {
  server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, resumeGraceMs: 10_000 });
});

afterEach(() => {
  for (const transport of transports.splice(0)) transport.close();
});

after(() => server.close());

/** A policy with the given delays (then gives up), recording what it was asked. */
function policy(delays: number[]): ReconnectPolicy & { asked: ReconnectContext[] } {
  const asked: ReconnectContext[] = [];
  return {
    asked,
    nextRetryDelayMs(context) {
      asked.push(context);
      return delays[context.retryCount] ?? null;
    },
  };
}
const FAST_RECONNECT = { nextRetryDelayMs: () => 20 };

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
    reconnectPolicy: FAST_RECONNECT,
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

/** An agent and a customer of a fresh conversation, both joined, with their events recorded. */
async function connectedPair(label: string) {
  const conversationId = freshConversation(label);
  const agent = await transport('agent', conversationId);
  const customer = await transport('customer', conversationId);
  const agentEvents = record(agent);
  const customerEvents = record(customer);
  await agent.connect();
  await customer.connect();
  return { conversationId, agent, customer, agentEvents, customerEvents };
}

const invite = (callId = 'call-1') => ({ type: 'call-invite', payload: { callId, video: false } }) as const;
const end = (callId: string) => ({ type: 'call-end', payload: { callId, reason: 'hangup' } }) as const;

describe('WebSocketTransport: joining and relaying', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('connects, joins with its page instance, goes open and reports the other member as absent', async () => {
    const agent = await transport('agent', freshConversation('ws'));
    const events = record(agent);
    assert.equal(agent.state, 'idle');
    await agent.connect();
    assert.equal(agent.state, 'open');
    assert.deepEqual(events.states, ['connecting', 'open']);
    assert.deepEqual(events.presence, [{ role: 'customer', present: false }]);
    assert.deepEqual(agent.lastJoin, { resumed: false, members: [{ role: 'agent', instance: agent.instance }] });
  });

  it('delivers messages between two transports in both directions, in order, numbered by their sender', async () => {
    const { agent, customer, agentEvents, customerEvents } = await connectedPair('ws');
    assert.deepEqual(customerEvents.presence, [{ role: 'agent', present: true, instance: agent.instance }]);
    await waitUntil(() => agentEvents.presence.some((p) => p.present));

    const seqs = [1, 2, 3, 4, 5].map((n) => agent.send(end(`c${n}`)));
    assert.deepEqual(seqs, [1, 2, 3, 4, 5], 'send() returns the sequence number');
    customer.send({ type: 'call-ringing', payload: { callId: 'c1' } });
    await waitUntil(() => customerEvents.messages.length === 5 && agentEvents.messages.length === 1);
    assert.deepEqual(
      customerEvents.messages.map((m) => (m.type === 'call-end' ? m.payload.callId : m.type)),
      ['c1', 'c2', 'c3', 'c4', 'c5'],
    );
    const ringing = agentEvents.messages[0];
    assert.equal(ringing.type, 'call-ringing');
    assert.equal(ringing.from, 'customer');
    // Acknowledgements come back (piggy-backed or batched): nothing stays unacknowledged.
    await waitUntil(() => agent.unacknowledged === 0 && customer.unacknowledged === 0);
  });

  it('keeps what is sent before the other member is there and delivers it once it joins', async () => {
    const conversationId = freshConversation('ws');
    const agent = await transport('agent', conversationId);
    await agent.connect();
    agent.send(invite('early'));
    assert.equal(agent.unacknowledged, 1);
    const customer = await transport('customer', conversationId);
    const customerEvents = record(customer);
    await customer.connect();
    await waitUntil(() => customerEvents.messages.length === 1);
    assert.equal(customerEvents.messages[0].type, 'call-invite');
    await waitUntil(() => agent.unacknowledged === 0);
  });

  it('reports the other member leaving (close) as presence false with reason left', async () => {
    const conversationId = freshConversation('ws');
    const agent = await transport('agent', conversationId);
    const customer = await transport('customer', conversationId);
    await agent.connect();
    await customer.connect();
    const gone = nextEvent(agent, 'presence', (p) => !p.present);
    customer.close();
    assert.deepEqual((await gone)[0], { role: 'customer', present: false, reason: 'left' });
  });
});

describe('WebSocketTransport: requests', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('rejects at once with the server\'s code when an error answers the request (media-unavailable on a p2p server)', async () => {
    const agent = await transport('agent', freshConversation('ws-req'));
    const events = record(agent);
    await agent.connect();
    const started = Date.now();
    await assert.rejects(
      agent.request({ type: 'media-request', payload: { callId: 'c', payload: { ask: 'capabilities' } } }),
      (error: unknown) => error instanceof TransportError && error.code === 'media-unavailable',
    );
    assert.ok(Date.now() - started < 2_000, 'not after a timeout');
    assert.deepEqual(events.errors, [], 'the error went to the request only, not to the error event');
    assert.equal(agent.state, 'open');
  });

  it('resolves with the reply that answers it (the PIN service), and refusals reach only the requester', async () => {
    const { agent, customer, agentEvents, customerEvents } = await connectedPair('ws-pin');
    const capabilities = { view: true, laserPointer: true, remoteControl: false, navigation: false };
    const [first, second] = await Promise.all([
      agent.request({ type: 've-pin-create', payload: { sessionId: 's1', provider: 'cobrowse', kind: 'cobrowse', capabilities } }),
      agent.request({ type: 've-pin-create', payload: { sessionId: 's2', provider: 'cobrowse', kind: 'cobrowse', capabilities } }),
    ]);
    assert.deepEqual([first.type, first.payload.sessionId, second.payload.sessionId], ['ve-pin', 's1', 's2'], 'each reply answers its own request');
    await assert.rejects(
      customer.request({ type: 've-pin-create', payload: { sessionId: 's3', provider: 'cobrowse', kind: 'cobrowse', capabilities } }),
      (error: unknown) => error instanceof TransportError && error.code === 'forbidden',
    );
    // One pending session per conversation: the later PIN is the one that works.
    const result = await customer.request({ type: 've-pin-redeem', payload: { pin: second.payload.pin } });
    assert.equal(result.payload.outcome, 'ok');
    await sleep(50);
    assert.deepEqual([agentEvents.errors, customerEvents.errors], [[], []]);
  });

  it('rejects with timeout when nothing answers in time', async () => {
    // A server that joins and then ignores everything.
    const silent = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => silent.once('listening', () => resolve()));
    silent.on('connection', (socket) =>
      socket.once('message', (data) => {
        const join = JSON.parse(data.toString()) as { id: number; payload: { conversationId: string; instance: string } };
        const members = [{ role: 'agent' as const, instance: join.payload.instance }];
        socket.send(JSON.stringify(createMessage('joined', { conversationId: join.payload.conversationId, role: 'agent', members, resumed: false }, { replyTo: join.id })));
      }),
    );
    try {
      const agent = await transport('agent', freshConversation('ws-timeout'), { url: `ws://127.0.0.1:${(silent.address() as { port: number }).port}`, token: 'any' });
      await agent.connect();
      await assert.rejects(
        agent.request({ type: 'media-request', payload: { callId: 'c', payload: {} } }, { timeoutMs: 150 }),
        (error: unknown) => error instanceof TransportError && error.code === 'timeout',
      );
      agent.close();
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('sends a request made while not joined once joined, and rejects pending ones with invalid-state on close()', async () => {
    const agent = await transport('agent', freshConversation('ws-req-queue'));
    const early = agent.request({ type: 'media-request', payload: { callId: 'c', payload: {} } });
    await agent.connect();
    await assert.rejects(early, (error: unknown) => error instanceof TransportError && error.code === 'media-unavailable');

    const { Flaky } = flakyWebSocket(Number.POSITIVE_INFINITY, await deadUrl());
    const stuck = await transport('agent', freshConversation('ws-req-closed'), { WebSocket: Flaky });
    void stuck.connect().catch(() => {});
    const pending = stuck.request({ type: 'media-request', payload: { callId: 'c', payload: {} } });
    stuck.close();
    await assert.rejects(pending, (error: unknown) => error instanceof TransportError && error.code === 'invalid-state');
  });
});

describe('WebSocketTransport: send() refuses what the server would refuse', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('throws forbidden for a type that is not relayed, and nothing is sent', async () => {
    const agent = await transport('agent', freshConversation('ws'));
    await agent.connect();
    for (const message of [
      { type: 'presence', payload: { role: 'agent', present: false } },
      { type: 'join', payload: { token: 't' } },
      { type: 'skip', payload: {} },
      { type: 'call-started', payload: { callId: 'c', video: false } },
    ]) {
      assert.throws(
        () => agent.send(message as never),
        (error: unknown) => error instanceof TransportError && error.code === 'forbidden',
        message.type,
      );
    }
    assert.equal(agent.unacknowledged, 0);
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
    assert.throws(
      () => agent.send({ type: 'media-signal', payload: { callId: 'c', payload: { sdp: 'v=0\r\n'.repeat(13_000) } } }),
      (error: unknown) => error instanceof TransportError && error.code === 'message-too-large',
    );
    // Within limits is fine (kept, since not connected).
    agent.send({ type: 'media-signal', payload: { callId: 'c', payload: { ice: { candidate: 'x'.repeat(1_500), sdpMid: '0' } } } });
  });

  it('reports a refusal of a relayed message as an error event carrying its seq (voice-only server)', async () => {
    const voiceOnly = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, deployment: { calling: 'voice-only' } });
    try {
      const conversationId = freshConversation('ws-refused-send');
      const agent = await transport('agent', conversationId, { url: voiceOnly.signalingUrl, token: await tokenFor('agent', conversationId, 'agent-1', voiceOnly) });
      const customer = await transport('customer', conversationId, { url: voiceOnly.signalingUrl, token: await tokenFor('customer', conversationId, 'customer-1', voiceOnly) });
      const agentEvents = record(agent);
      const customerEvents = record(customer);
      await agent.connect();
      await customer.connect();
      const refused = agent.send({ type: 'call-invite', payload: { callId: 'v', video: true } });
      agent.send(invite('voice'));
      await waitUntil(() => agentEvents.errors.length === 1 && customerEvents.messages.length === 1);
      assert.deepEqual(agentEvents.errors[0], { code: 'video-not-allowed', message: agentEvents.errors[0].message, seq: refused });
      // The receiver got a skip in the refused message's place, so the next one was not held back as a gap.
      assert.deepEqual(customerEvents.messages.map((m) => m.type === 'call-invite' && m.payload.callId), ['voice']);
      await waitUntil(() => agent.unacknowledged === 0);
    } finally {
      await voiceOnly.close();
    }
  });
});

describe('WebSocketTransport: reconnecting', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('follows the reconnect policy between failed attempts (retry count and outage time), then joins', async () => {
    const { Flaky, attempts } = flakyWebSocket(3, await deadUrl());
    const steps = policy([0, 40, 80]);
    const agent = await transport('agent', freshConversation('ws-backoff'), { WebSocket: Flaky, reconnectPolicy: steps });
    const events = record(agent);
    await agent.connect();
    assert.equal(attempts.length, 4);
    const gaps = attempts.slice(1).map((at, i) => at - attempts[i]);
    for (const [i, nominal] of [0, 40, 80].entries()) assert.ok(gaps[i] >= nominal - 2, `gap ${i} was ${gaps[i]} ms, expected >= ${nominal}`);
    assert.deepEqual(steps.asked.map((c) => c.retryCount), [0, 1, 2]);
    assert.ok(steps.asked[2].elapsedMs >= 40, 'the policy sees how long the outage has lasted');
    // Before the first join, retries stay in `connecting` (the engine treats `reconnecting` as joined-before).
    assert.deepEqual(events.states, ['connecting', 'open']);
  });

  it('gives up when the policy says so: connect() rejects with connection-failed and the transport closes', async () => {
    const { Flaky, attempts } = flakyWebSocket(Number.POSITIVE_INFINITY, await deadUrl());
    const agent = await transport('agent', freshConversation('ws-giveup'), { WebSocket: Flaky, reconnectPolicy: policy([5, 5]) });
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
    assert.equal((await gone)[0].reason, 'left');

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
    const agent = await transport('agent', freshConversation('ws-close-backoff'), { WebSocket: Flaky, reconnectPolicy: { nextRetryDelayMs: () => 30 } });
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
        const join = JSON.parse(data.toString()) as { id: number; payload: { conversationId: string; instance: string } };
        const members = [{ role: 'agent' as const, instance: join.payload.instance }, { role: 'customer' as const, instance: 'the-customer' }];
        socket.send(JSON.stringify(createMessage('joined', { conversationId: join.payload.conversationId, role: 'agent', members, resumed: false }, { replyTo: join.id })));
        socket.send('not json');
        socket.send(Buffer.from([1, 2, 3]));
        socket.send(JSON.stringify({ v: 1, type: 'call-end' }));
        // A relayed type claiming to come from ourselves is not passed on as a message.
        socket.send(JSON.stringify(createMessage('call-end', { callId: 'x', reason: 'hangup' }, { from: 'agent', seq: 1 })));
        socket.send(JSON.stringify(createMessage('call-end', { callId: 'ok', reason: 'hangup' }, { from: 'customer', seq: 1 })));
        // The same again: a duplicate, dropped.
        socket.send(JSON.stringify(createMessage('call-end', { callId: 'ok', reason: 'hangup' }, { from: 'customer', seq: 1 })));
        // A gap (seq 3 before 2): dropped until the sender fills it.
        socket.send(JSON.stringify(createMessage('call-end', { callId: 'three', reason: 'hangup' }, { from: 'customer', seq: 3 })));
      });
    });
  });

  after(() => new Promise<void>((resolve) => fake.close(() => resolve())));

  it('emits an error event for each invalid frame, never throws, delivers the valid message once and holds back a gap', async () => {
    const agent = await transport('agent', freshConversation('ws-fake'), { url: fakeUrl, token: 'any' });
    const events = record(agent);
    await agent.connect();
    await waitUntil(() => events.messages.length === 1);
    await sleep(50);
    assert.equal(events.messages.length, 1);
    assert.deepEqual(
      events.errors.map((e) => e.code),
      ['invalid-json', 'invalid-message', 'unsupported-version', 'invalid-message'],
    );
    assert.equal(events.messages[0].type === 'call-end' && events.messages[0].payload.callId, 'ok');
    assert.equal(agent.state, 'open');
  });
});
