/**
 * Connection caps, the join deadline and rate limits (issue #10, row 10), as the attacks went:
 * 3,000 never-joined sockets stayed open; one member relayed 46,600 messages/s; 20,000 forged joins
 * on one socket kept the server busy for 28 s. Against the server's default limits, except a short
 * join deadline so the suite does not wait 10 s.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { DEFAULT_LIMITS } from '../../server/limits/options.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { CLOSE_CODES, type SignalingMessage } from '../../src/signaling/protocol.js';
import { eventually } from './api-helpers.js';
import { TestClient, frame, freshConversation, joinFrame, joinPair, relayed as numbered } from './helpers.js';

const JOIN_TIMEOUT_MS = 3_000;

interface Opened {
  socket: WebSocket;
  closed: Promise<number>;
  errors: string[];
}

/** Opens a raw socket; resolves with it, or with the HTTP status the upgrade was refused with. */
function openRaw(url: string): Promise<Opened | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    const errors: string[] = [];
    socket.on('message', (data) => errors.push((JSON.parse(data.toString()) as SignalingMessage & { payload: { code: string } }).payload.code));
    const closed = new Promise<number>((done) => socket.once('close', (code) => done(code)));
    socket.once('open', () => resolve({ socket, closed, errors }));
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
    });
    socket.once('error', () => {});
  });
}

describe('connection caps and the join deadline', { timeout: 60_000 }, () => {
  let server: RunningServer;
  const opened: Opened[] = [];

  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, limits: { joinTimeoutMs: JOIN_TIMEOUT_MS } });
  });
  after(async () => {
    for (const { socket } of opened) socket.terminate();
    await server.close();
  });

  it('3,000 never-joined sockets from one address: the cap refuses the rest with 429, the deadline closes the others', async () => {
    // All at once: the deadline must not free slots while they are still being opened.
    const outcomes = await Promise.all(Array.from({ length: 3_000 }, () => openRaw(server.signalingUrl)));
    const accepted = outcomes.filter((outcome): outcome is Opened => typeof outcome !== 'number');
    opened.push(...accepted);
    const refused = outcomes.filter((outcome) => typeof outcome === 'number');
    assert.equal(accepted.length, DEFAULT_LIMITS.maxConnectionsPerAddress, `at most ${DEFAULT_LIMITS.maxConnectionsPerAddress} per address`);
    assert.deepEqual(new Set(refused), new Set([429]), 'the rest refused with 429 Too Many Requests');

    const codes = await Promise.all(accepted.map((socket) => socket.closed));
    assert.deepEqual(new Set(codes), new Set([CLOSE_CODES.joinTimeout]), 'every never-joined socket was closed by the server');
    assert.ok(accepted.every((socket) => socket.errors.includes('join-timeout')), 'each was told why (join-timeout)');
    await eventually(async () => server.connectionCount, (count) => count === 0, 'no connection left');
    const after = await openRaw(server.signalingUrl);
    assert.notEqual(typeof after, 'number', 'the slots were given back');
    if (typeof after !== 'number') after.socket.terminate();
  });

  it('a joined socket is not closed by the deadline', async () => {
    const conversationId = freshConversation('deadline');
    const { agent, customer } = await joinPair(server, conversationId);
    await new Promise((resolve) => setTimeout(resolve, JOIN_TIMEOUT_MS + 500));
    customer.send(numbered('chat-message', { text: 'still here' }, 1));
    assert.equal((await agent.expect('chat-message')).payload.text, 'still here');
    agent.close();
    customer.close();
  });

  it('a member that leaves but keeps its socket must join again in time', async () => {
    const quick = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, limits: { joinTimeoutMs: 800 } });
    try {
      const { agent, customer } = await joinPair(quick, freshConversation('left'));
      agent.send(frame('leave', {}));
      await agent.expectError('join-timeout');
      assert.equal((await agent.closed).code, CLOSE_CODES.joinTimeout);
      customer.close();
    } finally {
      await quick.close();
    }
  });

  it('a global cap refuses with 503 server-full, whatever the address', async () => {
    const small = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, limits: { maxConnections: 20 } });
    try {
      const outcomes = await Promise.all(Array.from({ length: 30 }, () => openRaw(small.signalingUrl)));
      const accepted = outcomes.filter((outcome): outcome is Opened => typeof outcome !== 'number');
      assert.equal(accepted.length, 20);
      assert.deepEqual(new Set(outcomes.filter((outcome) => typeof outcome === 'number')), new Set([503]));
      for (const { socket } of accepted) socket.terminate();
    } finally {
      await small.close();
    }
  });
});

describe('failed joins', { timeout: 30_000 }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0 });
  });
  after(() => server.close());

  it('20,000 forged joins on one socket: closed after 5 failures, the server answers others at once', async () => {
    const client = await TestClient.open(server.signalingUrl);
    const conversationId = freshConversation('forged');
    const forgedToken = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYWdlbnQifQ.forged';
    for (let i = 0; i < 20_000; i += 1) client.socket.send(JSON.stringify(joinFrame(conversationId, 'agent', forgedToken, { id: i + 1 })));
    const replies: string[] = [];
    for (;;) {
      const reply = await client.next(1_000).catch(() => null);
      if (!reply) break;
      if (reply.type === 'error') replies.push(reply.payload.code);
    }
    const { code } = await client.closed;
    assert.equal(code, CLOSE_CODES.tooManyFailedJoins);
    assert.deepEqual(replies.slice(0, DEFAULT_LIMITS.maxFailedJoins), Array(DEFAULT_LIMITS.maxFailedJoins).fill('token-invalid'));
    assert.ok(replies.includes('too-many-failed-joins'), `told why: ${replies.slice(-3).join(', ')}`);
    assert.ok(replies.length < 50, `${replies.length} answers, not 20,000`);
    // Meanwhile a real member joins without waiting behind the flood.
    const { agent, customer } = await joinPair(server, freshConversation('after-flood'));
    agent.close();
    customer.close();
  });
});

describe('rate limits per connection', { timeout: 30_000 }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0 });
  });
  after(() => server.close());

  /** Counts what `client` receives until it has been quiet for `quietMs`. */
  async function drain(client: TestClient, quietMs = 500): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (;;) {
      const next = await client.next(quietMs).catch(() => null);
      if (!next) return counts;
      const key = next.type === 'error' ? `error:${next.payload.code}` : next.type;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }

  it('a member flooding chat messages: the burst goes through, the rest is refused with rate-limited, then it is disconnected', async () => {
    const conversationId = freshConversation('flood');
    const { agent, customer } = await joinPair(server, conversationId);
    const startedAt = performance.now();
    for (let i = 0; i < 10_000; i += 1) agent.socket.send(JSON.stringify(numbered('chat-message', { text: `flood ${i}` }, i + 1)));
    const [delivered, answered] = await Promise.all([drain(customer), drain(agent)]);
    const elapsedS = (performance.now() - startedAt) / 1_000;
    const relayed = delivered.get('chat-message') ?? 0;
    const allowed = DEFAULT_LIMITS.messageBurst + DEFAULT_LIMITS.messagesPerSecond * elapsedS;
    assert.ok(relayed >= DEFAULT_LIMITS.messageBurst && relayed <= allowed, `relayed ${relayed}: the burst, at most ${Math.round(allowed)}`);
    assert.ok((answered.get('error:rate-limited') ?? 0) >= DEFAULT_LIMITS.messageBurst, `refusals are answered: ${JSON.stringify([...answered])}`);
    // Each refused message still takes its number: the customer gets a skip in its place (its sequence stays whole).
    const skips = delivered.get('skip') ?? 0;
    const refusals = answered.get('error:rate-limited') ?? 0;
    assert.ok(skips >= refusals - 1 && skips <= refusals, `${skips} skips for ${refusals} refusals (one of them the disconnect notice)`);
    assert.equal((await agent.closed).code, CLOSE_CODES.rateLimited, 'a sender that ignores the refusals is disconnected');
    customer.close();
  });

  it('a member within the limits loses nothing (50 messages/s for 2 s)', async () => {
    const conversationId = freshConversation('polite');
    const { agent, customer } = await joinPair(server, conversationId);
    for (let i = 0; i < 100; i += 1) {
      agent.send(numbered('chat-message', { text: `m ${i}` }, i + 1));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const delivered = await drain(customer);
    assert.equal(delivered.get('chat-message'), 100);
    assert.equal((await drain(agent, 100)).size, 0, 'no refusal');
    agent.close();
    customer.close();
  });

  it('the co-browse stream is limited tighter: a laser flood is cut at its own burst while chat still goes through', async () => {
    const conversationId = freshConversation('laser');
    const { agent, customer } = await joinPair(server, conversationId);
    const laser = (i: number) => numbered('ve-laser', { sessionId: 's-1', visible: true, x: (i % 100) / 100, y: 0.5 }, i + 1);
    for (let i = 0; i < 300; i += 1) agent.socket.send(JSON.stringify(laser(i)));
    agent.send(numbered('chat-message', { text: 'after the laser' }, 301));
    const delivered = await drain(customer);
    const lasers = delivered.get('ve-laser') ?? 0;
    assert.ok(lasers >= DEFAULT_LIMITS.cobrowseMessageBurst && lasers < 300, `lasers relayed: ${lasers} of 300`);
    assert.equal(delivered.get('chat-message'), 1, 'chat has its own, larger budget');
    assert.ok(((await drain(agent, 100)).get('error:rate-limited') ?? 0) > 0);
    agent.close();
    customer.close();
  });
});
