/**
 * Conversation membership over real sockets: isolation between conversations, one agent and one
 * customer per conversation, presence, resuming within the grace period and expiry after it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer } from '../../server/server.js';
import type { RunningServer } from '../../server/server.js';
import { CLOSE_CODES } from '../../src/signaling/protocol.js';
import { LogWatcher, SUITE_TIMEOUT_MS, TestClient, freshConversation, invite, join, joinPair, message, token } from './helpers.js';

describe('conversations: relay and membership', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer({ port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, resumeGraceMs: 10_000 });
  });

  after(() => server.close());

  it('relays a call-invite only to the other member of the same conversation', async () => {
    const a = freshConversation('iso-a');
    const b = freshConversation('iso-b');
    const c = freshConversation('iso-c');
    const pairA = await joinPair(server, a);
    const pairB = await joinPair(server, b);
    const loneC = await join(server, c, 'customer');

    const sent = invite(a);
    pairA.agent.send(sent);
    assert.deepEqual(await pairA.customer.next(), sent);

    // The other conversations' next message is their own sentinel, not A's invite.
    const sentinelB = invite(b, 'agent', 'sentinel-b');
    pairB.agent.send(sentinelB);
    assert.equal((await pairB.customer.next()).id, sentinelB.id);
    await loneC.client.expectSilence(100);

    for (const client of [pairA.agent, pairA.customer, pairB.agent, pairB.customer, loneC.client]) client.close();
  });

  it('tells a joining member who is present and tells the other member it arrived', async () => {
    const conversationId = freshConversation('presence');
    const agent = await join(server, conversationId, 'agent');
    assert.deepEqual(agent.joined.payload, { role: 'agent', present: ['agent'], resumed: false });
    assert.equal(agent.joined.from, 'server');
    assert.equal(agent.joined.conversationId, conversationId);

    const customer = await join(server, conversationId, 'customer');
    assert.deepEqual(customer.joined.payload.present.toSorted(), ['agent', 'customer']);
    const presence = await agent.client.expect('presence');
    assert.deepEqual(presence.payload, { role: 'customer', present: true });
    agent.client.close();
    customer.client.close();
  });

  it('refuses a second customer with another identity (conversation-full) and leaves the members undisturbed', async () => {
    const conversationId = freshConversation('full');
    const { agent, customer } = await joinPair(server, conversationId);

    const intruder = await TestClient.open(server.signalingUrl);
    const attempt = message('join', conversationId, 'customer', {
      token: await token(server, { role: 'customer', conversationId, subject: 'someone-else' }),
    });
    intruder.send(attempt);
    await intruder.expectError('conversation-full', attempt.id);

    await agent.expectSilence(100);
    const sent = invite(conversationId);
    agent.send(sent);
    assert.equal((await customer.next()).id, sent.id);
    for (const client of [agent, customer, intruder]) client.close();
  });

  it('frees the seat at once on an explicit leave and tells the other member', async () => {
    const conversationId = freshConversation('leave');
    const { agent, customer } = await joinPair(server, conversationId);
    customer.send(message('leave', conversationId, 'customer', {}));
    // The grace period is 10 s: presence false right away proves leave skips it.
    assert.deepEqual((await agent.expect('presence', 1_000)).payload, { role: 'customer', present: false });

    const newcomer = await join(server, conversationId, 'customer', { subject: 'another-customer' });
    assert.equal(newcomer.joined.payload.resumed, false);
    assert.deepEqual((await agent.expect('presence')).payload, { role: 'customer', present: true });
    for (const client of [agent, customer, newcomer.client]) client.close();
  });

  it('lets the same identity take over its seat from a connection that still looks open (closing the old one with 4001)', async () => {
    const conversationId = freshConversation('replace');
    const { agent, customer, customerToken } = await joinPair(server, conversationId);

    const second = await join(server, conversationId, 'customer', { token: customerToken });
    assert.equal(second.joined.payload.resumed, true);
    assert.equal((await customer.closed).code, CLOSE_CODES.replaced);

    const sent = invite(conversationId);
    agent.send(sent);
    assert.equal((await second.client.next()).id, sent.id);
    // No presence churn for the agent: the customer never left.
    await agent.expectSilence(100);
    agent.close();
    second.client.close();
  });
});

describe('conversations: resuming after a dropped connection', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  const logs = new LogWatcher();

  before(async () => {
    server = await startServer({ port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, resumeGraceMs: 10_000, log: logs.log });
  });

  after(() => server.close());

  it('replays, in order and after joined {resumed: true}, what was relayed to a member while it was away', async () => {
    const conversationId = freshConversation('resume');
    const { agent, customer, customerToken } = await joinPair(server, conversationId);

    const away = logs.next('away', { conversationId });
    customer.terminate();
    await away;

    const missed = [1, 2, 3].map((n) => message('ice', conversationId, 'agent', { callId: 'c1', candidate: { candidate: `candidate:${n}` } }));
    for (const m of missed) agent.send(m);
    await agent.expectSilence(50);

    const back = await join(server, conversationId, 'customer', { token: customerToken });
    assert.equal(back.joined.payload.resumed, true);
    assert.deepEqual(back.joined.payload.present.toSorted(), ['agent', 'customer']);
    for (const m of missed) assert.deepEqual(await back.client.next(), m);

    // The agent saw no presence change: within the grace period the customer never left.
    await agent.expectSilence(100);
    agent.close();
    back.client.close();
  });

  it('keeps the seat for the same identity only: another customer is refused during the grace period', async () => {
    const conversationId = freshConversation('grace-seat');
    const { agent, customer } = await joinPair(server, conversationId);
    const away = logs.next('away', { conversationId });
    customer.terminate();
    await away;

    const other = await TestClient.open(server.signalingUrl);
    const attempt = message('join', conversationId, 'customer', {
      token: await token(server, { role: 'customer', conversationId, subject: 'not-the-same-customer' }),
    });
    other.send(attempt);
    await other.expectError('conversation-full', attempt.id);
    agent.close();
    other.close();
  });
});

describe('conversations: grace period expiry', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  const logs = new LogWatcher();

  before(async () => {
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      heartbeatIntervalMs: 0,
      resumeGraceMs: 100,
      resumeBufferLimit: 3,
      log: logs.log,
    });
  });

  after(() => server.close());

  it('tells the other member presence false once the grace period passes without a rejoin', async () => {
    const conversationId = freshConversation('expiry');
    const { agent, customer, customerToken } = await joinPair(server, conversationId);
    const droppedAt = Date.now();
    customer.terminate();

    const presence = await agent.expect('presence', 2_000);
    assert.deepEqual(presence.payload, { role: 'customer', present: false });
    assert.ok(Date.now() - droppedAt >= 90, 'not before the grace period');

    // A late rejoin is a fresh join: nothing is replayed and the agent sees the customer arrive.
    const late = await join(server, conversationId, 'customer', { token: customerToken });
    assert.equal(late.joined.payload.resumed, false);
    assert.deepEqual((await agent.expect('presence')).payload, { role: 'customer', present: true });
    agent.close();
    late.client.close();
  });

  it('evicts an away member whose replay buffer overflows rather than losing messages silently', async () => {
    const conversationId = freshConversation('overflow');
    const { agent, customer } = await joinPair(server, conversationId);
    const away = logs.next('away', { conversationId });
    customer.terminate();
    await away;

    const sent = [1, 2, 3, 4].map((n) => message('call-end', conversationId, 'agent', { callId: `c${n}` }));
    for (const m of sent) agent.send(m);
    // The fourth does not fit (limit 3): the customer loses its seat, the agent is told, and the message is refused.
    assert.deepEqual((await agent.expect('presence')).payload, { role: 'customer', present: false });
    await agent.expectError('peer-not-present', sent[3].id);
    agent.close();
  });

  it('removes an empty conversation once its last member is gone', async () => {
    const conversationId = freshConversation('cleanup');
    const { client } = await join(server, conversationId, 'agent');
    const removed = logs.next('removed', { conversationId });
    client.terminate();
    await removed;
    // Anyone may now join as a fresh agent.
    const fresh = await join(server, conversationId, 'agent', { subject: 'different-agent' });
    assert.equal(fresh.joined.payload.resumed, false);
    assert.deepEqual(fresh.joined.payload.present, ['agent']);
    fresh.client.close();
  });
});
