/**
 * MemoryHub / MemoryTransport: the server's conversation semantics in memory, for engine tests.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { MemoryHub } from '../../src/signaling/memory-transport.js';
import type { MemoryTransport } from '../../src/signaling/memory-transport.js';
import type { SignalingMessage } from '../../src/signaling/protocol.js';
import type { TransportEvents, TransportState } from '../../src/signaling/transport.js';
import { TransportError } from '../../src/signaling/websocket-transport.js';
import { SUITE_TIMEOUT_MS } from '../server/helpers.js';

const hubs: MemoryHub[] = [];
function hub(options?: ConstructorParameters<typeof MemoryHub>[0]): MemoryHub {
  const created = new MemoryHub(options);
  hubs.push(created);
  return created;
}

afterEach(() => {
  for (const h of hubs.splice(0)) h.dispose();
});

function record(target: MemoryTransport) {
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

/** Lets every queued delivery run (the hub delivers on microtasks). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const callEnd = (callId: string) => ({ type: 'call-end', payload: { callId, reason: 'hangup' } }) as const;
const callIds = (messages: SignalingMessage[]) => messages.map((m) => ('callId' in m.payload ? m.payload.callId : m.type));

async function pair(h: MemoryHub, conversationId = 'conv-1') {
  const agent = h.createTransport({ conversationId, role: 'agent' });
  const customer = h.createTransport({ conversationId, role: 'customer' });
  const agentEvents = record(agent);
  const customerEvents = record(customer);
  await agent.connect();
  await customer.connect();
  await settle();
  return { agent, customer, agentEvents, customerEvents };
}

describe('MemoryHub: pairing and delivery', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('pairs the agent and the customer of a conversation and relays in both directions', async () => {
    const { agent, customer, agentEvents, customerEvents } = await pair(hub());
    agent.send({ type: 'call-invite', payload: { callId: 'c1', video: true, callerName: 'Alex' } });
    customer.send({ type: 'call-ringing', payload: { callId: 'c1' } });
    await settle();
    assert.equal(customerEvents.messages.length, 1);
    const received = customerEvents.messages[0];
    assert.equal(received.type, 'call-invite');
    assert.equal(received.from, 'agent');
    assert.equal(received.seq, 1);
    assert.deepEqual(received.payload, { callId: 'c1', video: true, callerName: 'Alex' });
    assert.deepEqual(callIds(agentEvents.messages), ['c1']);
    assert.equal(agentEvents.messages[0].type, 'call-ringing');
  });

  it('delivers asynchronously and in send order', async () => {
    const { agent, customerEvents } = await pair(hub());
    for (let n = 1; n <= 20; n += 1) agent.send(callEnd(`c${n}`));
    assert.equal(customerEvents.messages.length, 0, 'nothing is delivered synchronously');
    await settle();
    assert.deepEqual(callIds(customerEvents.messages), Array.from({ length: 20 }, (_, i) => `c${i + 1}`));
  });

  it('keeps conversations apart', async () => {
    const h = hub();
    const one = await pair(h, 'one');
    const two = await pair(h, 'two');
    one.agent.send(callEnd('for-one'));
    await settle();
    assert.deepEqual(callIds(one.customerEvents.messages), ['for-one']);
    assert.equal(two.customerEvents.messages.length, 0);
    assert.equal(two.agentEvents.messages.length, 0);
  });

  it('queues what is sent before connect() and delivers it once joined', async () => {
    const h = hub();
    const customer = h.createTransport({ conversationId: 'c', role: 'customer' });
    const customerEvents = record(customer);
    await customer.connect();
    const agent = h.createTransport({ conversationId: 'c', role: 'agent' });
    agent.send(callEnd('early'));
    await agent.connect();
    await settle();
    assert.deepEqual(callIds(customerEvents.messages), ['early']);
  });

  it('keeps a message sent while alone until the other member joins, then delivers it', async () => {
    const h = hub();
    const agent = h.createTransport({ conversationId: 'c', role: 'agent' });
    const events = record(agent);
    await agent.connect();
    agent.send(callEnd('c1'));
    await settle();
    assert.deepEqual(events.errors, []);
    assert.equal(agent.unacknowledged, 1);
    const customer = h.createTransport({ conversationId: 'c', role: 'customer' });
    const customerEvents = record(customer);
    await customer.connect();
    await settle();
    assert.deepEqual(callIds(customerEvents.messages), ['c1']);
  });

  it('answers requests: media-unavailable by default, or what onRequest says', async () => {
    const plain = hub().createTransport({ conversationId: 'c', role: 'agent' });
    await plain.connect();
    await assert.rejects(
      plain.request({ type: 'media-request', payload: { callId: 'x', payload: {} } }),
      (error: unknown) => error instanceof TransportError && error.code === 'media-unavailable',
    );
    const answering = hub({ onRequest: (message) => ({ payload: { callId: 'x', payload: { echo: message.type } } }) }).createTransport({ conversationId: 'c', role: 'agent' });
    await answering.connect();
    const reply = await answering.request({ type: 'media-request', payload: { callId: 'x', payload: {} } });
    assert.deepEqual([reply.type, reply.payload], ['media-response', { callId: 'x', payload: { echo: 'media-request' } }]);
    const broken = hub({ onRequest: () => ({ payload: { not: 'a media-response' } }) }).createTransport({ conversationId: 'c', role: 'agent' });
    await broken.connect();
    await assert.rejects(
      broken.request({ type: 'media-request', payload: { callId: 'x', payload: {} } }),
      (error: unknown) => error instanceof TransportError && error.code === 'internal',
    );
  });
});

describe('MemoryHub: validation, as on the wire', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('refuses an invalid payload with invalid-message and delivers nothing', async () => {
    const { agent, customerEvents } = await pair(hub());
    assert.throws(
      () => agent.send({ type: 'media-state', payload: { callId: 'c', muted: 'yes', videoEnabled: true } as never }),
      (error: unknown) => error instanceof TransportError && error.code === 'invalid-message',
    );
    assert.throws(
      () => agent.send({ type: 'call-invite', payload: { callId: 'c', video: true, extra: 1 } as never }),
      (error: unknown) => error instanceof TransportError && error.code === 'invalid-message',
    );
    await settle();
    assert.equal(customerEvents.messages.length, 0);
  });

  it('refuses a server-only or handshake type with forbidden', async () => {
    const { agent } = await pair(hub());
    for (const message of [
      { type: 'presence', payload: { role: 'agent', present: true } },
      { type: 'error', payload: { code: 'internal', message: 'x' } },
      { type: 'leave', payload: {} },
      { type: 'skip', payload: {} },
    ]) {
      assert.throws(() => agent.send(message as never), (error: unknown) => error instanceof TransportError && error.code === 'forbidden');
    }
  });

  it('refuses a message over 64 KiB with message-too-large', async () => {
    const { agent } = await pair(hub());
    const sdp = 'a=x\r\n'.repeat(11_900); // over 64 KiB once escaped
    assert.throws(
      () => agent.send({ type: 'media-signal', payload: { callId: 'c', payload: { sdp: { type: 'offer', sdp } } } }),
      (error: unknown) => error instanceof TransportError && error.code === 'message-too-large',
    );
  });

  it('delivers envelopes that parse as protocol messages (v, from, seq filled in)', async () => {
    const { agent, customerEvents } = await pair(hub());
    agent.send(callEnd('c1'));
    agent.send(callEnd('c2'));
    await settle();
    const [first, second] = customerEvents.messages;
    assert.equal(first.v, 2);
    assert.equal(first.from, 'agent');
    assert.deepEqual([first.seq, second.seq], [1, 2], 'numbered by their sender');
  });
});

describe('MemoryHub: presence and membership', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('reports the other member on join and tells it when we arrive and leave', async () => {
    const h = hub();
    const agent = h.createTransport({ conversationId: 'c', role: 'agent' });
    const agentEvents = record(agent);
    await agent.connect();
    assert.deepEqual(agentEvents.presence, [{ role: 'customer', present: false }]);

    const customer = h.createTransport({ conversationId: 'c', role: 'customer' });
    const customerEvents = record(customer);
    await customer.connect();
    assert.deepEqual(customerEvents.presence, [{ role: 'agent', present: true, instance: agent.instance }]);
    await settle();
    assert.deepEqual(agentEvents.presence.at(-1), { role: 'customer', present: true, instance: customer.instance });
    assert.deepEqual(h.presentRoles('c').toSorted(), ['agent', 'customer']);

    customer.close();
    await settle();
    assert.deepEqual(agentEvents.presence.at(-1), { role: 'customer', present: false, reason: 'left' });
    assert.deepEqual(h.presentRoles('c'), ['agent']);
  });

  it('rejects a second transport for a taken role with conversation-full, leaving the first one alone', async () => {
    const h = hub();
    const { agent, customerEvents } = await pair(h);
    const second = h.createTransport({ conversationId: 'conv-1', role: 'agent' });
    const secondEvents = record(second);
    await assert.rejects(second.connect(), (error: unknown) => error instanceof TransportError && error.code === 'conversation-full');
    assert.equal(second.state, 'closed');
    assert.deepEqual(secondEvents.errors.map((e) => e.code), ['conversation-full']);
    assert.equal(secondEvents.closes.length, 1);

    agent.send(callEnd('still-works'));
    await settle();
    assert.deepEqual(callIds(customerEvents.messages), ['still-works']);
    assert.deepEqual(customerEvents.presence, [{ role: 'agent', present: true, instance: agent.instance }], 'no presence churn for the customer');
  });

  it('lets a newer transport of the same identity (a reloaded page) take the seat; the old one closes for good', async () => {
    const h = hub();
    const agent = h.createTransport({ conversationId: 'r', role: 'agent' });
    const first = h.createTransport({ conversationId: 'r', role: 'customer', subject: 'the-customer' });
    const agentEvents = record(agent);
    const firstEvents = record(first);
    await agent.connect();
    await first.connect();
    const reloaded = h.createTransport({ conversationId: 'r', role: 'customer', subject: 'the-customer' });
    await reloaded.connect();
    await settle();
    assert.equal(first.state, 'closed');
    assert.match(firstEvents.closes[0], /^replaced/);
    assert.deepEqual(agentEvents.presence.at(-1), { role: 'customer', present: true, instance: reloaded.instance });
  });

  it('frees the seat when its transport closes', async () => {
    const h = hub();
    const { customer } = await pair(h);
    customer.close();
    const replacement = h.createTransport({ conversationId: 'conv-1', role: 'customer' });
    await replacement.connect();
    assert.equal(replacement.state, 'open');
  });
});

describe('MemoryHub: simulated drops', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('re-sends what was not acknowledged after a dropped member resumes: once, in order, both ways', async () => {
    const h = hub({ resumeGraceMs: 5_000 });
    const { agent, customer, agentEvents, customerEvents } = await pair(h);
    assert.equal(h.disconnect('customer', 'conv-1'), true);
    assert.equal(customer.state, 'reconnecting');

    agent.send(callEnd('down-1'));
    agent.send(callEnd('down-2'));
    customer.send(callEnd('up-1'));
    await settle();
    assert.equal(customerEvents.messages.length, 0, 'nothing reaches a dropped member');
    assert.equal(agentEvents.messages.length, 0, 'a dropped member keeps its sends');

    assert.equal(h.reconnect('customer', 'conv-1'), true);
    await settle();
    assert.equal(customer.state, 'open');
    assert.deepEqual(customer.lastJoin?.resumed, true);
    assert.deepEqual(callIds(customerEvents.messages), ['down-1', 'down-2']);
    assert.deepEqual(callIds(agentEvents.messages), ['up-1']);
    assert.deepEqual(customerEvents.states, ['connecting', 'open', 'reconnecting', 'open']);
    assert.deepEqual(agentEvents.presence.map((p) => p.present), [false, true, true], 'told again when the customer resumed');
  });

  it('simulates a server restart: every seat forgotten, everyone rejoins fresh, nothing lost', async () => {
    const h = hub();
    const { agent, customer, agentEvents, customerEvents } = await pair(h);
    h.restart();
    assert.deepEqual([agent.state, customer.state], ['reconnecting', 'reconnecting']);
    assert.deepEqual(h.presentRoles('conv-1'), []);
    agent.send(callEnd('during'));
    h.reconnectAll();
    await settle();
    await settle();
    assert.deepEqual([agent.lastJoin?.resumed, customer.lastJoin?.resumed], [false, false]);
    assert.deepEqual(callIds(customerEvents.messages), ['during']);
    assert.equal(agentEvents.errors.length, 0);
  });

  it('tells the other member presence false when the grace period passes, and rejoins fresh afterwards', async () => {
    const h = hub({ resumeGraceMs: 20 });
    const { customer, agentEvents } = await pair(h);
    h.disconnect('customer', 'conv-1');
    await sleep(60);
    assert.deepEqual(agentEvents.presence.at(-1), { role: 'customer', present: false, reason: 'timeout' });
    assert.equal(customer.state, 'reconnecting');

    h.reconnect('customer', 'conv-1');
    await settle();
    assert.equal(customer.state, 'open');
    assert.equal(customer.lastJoin?.resumed, false);
    assert.deepEqual(agentEvents.presence.at(-1), { role: 'customer', present: true, instance: customer.instance });
  });

  it('returns false for members that are not there to drop or bring back', () => {
    const h = hub();
    assert.equal(h.disconnect('agent', 'nowhere'), false);
    assert.equal(h.reconnect('agent', 'nowhere'), false);
  });
});

describe('MemoryTransport: close()', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('closes for good: state closed, one close event, send throws invalid-state, connect rejects', async () => {
    const { agent, agentEvents } = await pair(hub());
    agent.close();
    agent.close();
    assert.equal(agent.state, 'closed');
    assert.deepEqual(agentEvents.closes, ['closed']);
    assert.equal(agentEvents.states.at(-1), 'closed');
    assert.throws(() => agent.send(callEnd('c')), (error: unknown) => error instanceof TransportError && error.code === 'invalid-state');
    await assert.rejects(agent.connect(), (error: unknown) => error instanceof TransportError && error.code === 'invalid-state');
  });

  it('rejects a pending connect() when closed before joining', async () => {
    const agent = hub().createTransport({ conversationId: 'c', role: 'agent' });
    const pending = agent.connect();
    agent.close();
    await assert.rejects(pending, (error: unknown) => error instanceof TransportError && error.code === 'invalid-state');
  });

  it('stops delivering to a closed transport and keeps the caller’s listeners', async () => {
    const { agent, customer, customerEvents } = await pair(hub());
    agent.send(callEnd('in-flight'));
    customer.close();
    await settle();
    assert.equal(customerEvents.messages.length, 0);
    assert.equal(customer.listenerCount('message'), 1);
  });

  it('dispose() closes every transport of the hub', async () => {
    const h = hub();
    const { agent, customer } = await pair(h);
    h.dispose();
    assert.equal(agent.state, 'closed');
    assert.equal(customer.state, 'closed');
  });
});
