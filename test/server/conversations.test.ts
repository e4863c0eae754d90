/**
 * Conversation membership over real sockets: isolation between conversations, one agent and one
 * customer per conversation, presence (with the page instance and announced call), resuming within
 * the grace period and expiry after it. The server keeps no messages for an away member: delivery
 * guarantees are end to end (test/signaling), so what it relays while a member is away goes nowhere.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer } from '../../server/server.js';
import type { RunningServer } from '../../server/server.js';
import { CLOSE_CODES } from '../../src/signaling/protocol.js';
import { LogWatcher, SUITE_TIMEOUT_MS, TestClient, freshConversation, frame, invite, join, joinFrame, joinPair, relayed, token } from './helpers.js';

const call = { callId: 'call-7', phase: 'active' as const, video: true, muted: true, videoEnabled: false };

describe('conversations: relay and membership', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, resumeGraceMs: 10_000 });
  });

  after(() => server.close());

  it('relays a call-invite only to the other member of the same conversation, exactly as sent', async () => {
    const a = freshConversation('iso-a');
    const b = freshConversation('iso-b');
    const c = freshConversation('iso-c');
    const pairA = await joinPair(server, a);
    const pairB = await joinPair(server, b);
    const loneC = await join(server, c, 'customer');

    const sent = invite(1);
    pairA.agent.send(sent);
    assert.deepEqual(await pairA.customer.next(), sent);

    // The other conversations' next message is their own sentinel, not A's invite.
    const sentinelB = invite(1, 'sentinel-b');
    pairB.agent.send(sentinelB);
    assert.deepEqual((await pairB.customer.next()).payload, sentinelB.payload);
    await loneC.client.expectSilence(100);

    for (const client of [pairA.agent, pairA.customer, pairB.agent, pairB.customer, loneC.client]) client.close();
  });

  it('tells a joining member who is seated (instances and announced calls) and tells the other member it arrived', async () => {
    const conversationId = freshConversation('presence');
    const agent = await join(server, conversationId, 'agent', { call });
    assert.deepEqual(agent.joined.payload, { conversationId, role: 'agent', members: [{ role: 'agent', instance: 'agent-instance', call }], resumed: false });
    assert.equal(agent.joined.from, undefined, 'the server\'s own message');

    const customer = await join(server, conversationId, 'customer');
    assert.deepEqual(
      customer.joined.payload.members.map((m) => m.role).toSorted(),
      ['agent', 'customer'],
    );
    assert.deepEqual(customer.joined.payload.members.find((m) => m.role === 'agent'), { role: 'agent', instance: 'agent-instance', call });
    const presence = await agent.client.expect('presence');
    assert.deepEqual(presence.payload, { role: 'customer', present: true, instance: 'customer-instance' });
    agent.client.close();
    customer.client.close();
  });

  it('refuses a second customer with another identity (conversation-full) and leaves the members undisturbed', async () => {
    const conversationId = freshConversation('full');
    const { agent, customer } = await joinPair(server, conversationId);

    const intruder = await TestClient.open(server.signalingUrl);
    const attempt = joinFrame(conversationId, 'customer', await token(server, { role: 'customer', conversationId, subject: 'someone-else' }), { instance: 'intruder' });
    intruder.send(attempt);
    await intruder.expectError('conversation-full', { replyTo: attempt.id! });

    await agent.expectSilence(100);
    const sent = invite(1);
    agent.send(sent);
    assert.deepEqual((await customer.next()).payload, sent.payload);
    for (const client of [agent, customer, intruder]) client.close();
  });

  it('frees the seat at once on an explicit leave and tells the other member why', async () => {
    const conversationId = freshConversation('leave');
    const { agent, customer } = await joinPair(server, conversationId);
    customer.send(frame('leave', {}));
    // The grace period is 10 s: presence false right away proves leave skips it.
    assert.deepEqual((await agent.expect('presence', 1_000)).payload, { role: 'customer', present: false, reason: 'left' });

    const newcomer = await join(server, conversationId, 'customer', { subject: 'another-customer', instance: 'newcomer' });
    assert.equal(newcomer.joined.payload.resumed, false);
    assert.deepEqual((await agent.expect('presence')).payload, { role: 'customer', present: true, instance: 'newcomer' });
    for (const client of [agent, customer, newcomer.client]) client.close();
  });

  it('takes a page closing (close code 1001, going away) as a leave', async () => {
    const conversationId = freshConversation('going-away');
    const { agent, customer } = await joinPair(server, conversationId);
    customer.socket.close(CLOSE_CODES.goingAway);
    assert.deepEqual((await agent.expect('presence', 1_000)).payload, { role: 'customer', present: false, reason: 'left' });
    agent.close();
  });

  it('lets the same page instance take over its seat from a connection that still looks open (closing the old one with 4001)', async () => {
    const conversationId = freshConversation('replace');
    const { agent, customer, customerToken } = await joinPair(server, conversationId);

    const second = await join(server, conversationId, 'customer', { token: customerToken });
    assert.equal(second.joined.payload.resumed, true);
    assert.equal((await customer.closed).code, CLOSE_CODES.replaced);
    // The agent is told the customer is (again) there, so it re-sends what the customer may have missed.
    assert.deepEqual((await agent.expect('presence')).payload, { role: 'customer', present: true, instance: 'customer-instance' });

    const sent = invite(1);
    agent.send(sent);
    assert.deepEqual((await second.client.next()).payload, sent.payload);
    agent.close();
    second.client.close();
  });

  it('gives the seat to a new page of the same identity (a reload): the old connection is closed, the other member sees the new instance', async () => {
    const conversationId = freshConversation('reload');
    const { agent, customer, customerToken } = await joinPair(server, conversationId);
    const reloaded = await join(server, conversationId, 'customer', { token: customerToken, instance: 'customer-reloaded' });
    assert.equal(reloaded.joined.payload.resumed, false, 'a new page does not resume the old one');
    assert.equal((await customer.closed).code, CLOSE_CODES.replaced);
    assert.deepEqual((await agent.expect('presence')).payload, { role: 'customer', present: true, instance: 'customer-reloaded' });
    agent.close();
    reloaded.client.close();
  });
});

describe('conversations: resuming after a dropped connection', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  const logs = new LogWatcher();

  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, resumeGraceMs: 10_000, log: logs.log });
  });

  after(() => server.close());

  it('resumes the seat (joined {resumed: true}) and tells the other member, which then re-sends; nothing was kept on the server', async () => {
    const conversationId = freshConversation('resume');
    const { agent, customer, customerToken } = await joinPair(server, conversationId);

    const away = logs.next('away', { conversationId });
    customer.terminate();
    await away;

    // Relayed while the customer is away: not delivered, not refused (the sender's transport keeps it).
    agent.send(relayed('media-state', { callId: 'c1', muted: true, videoEnabled: false }, 1));
    await agent.expectSilence(50);

    const back = await join(server, conversationId, 'customer', { token: customerToken, call });
    assert.equal(back.joined.payload.resumed, true);
    assert.deepEqual(back.joined.payload.members.map((m) => m.role).toSorted(), ['agent', 'customer']);
    assert.deepEqual((await agent.expect('presence')).payload, { role: 'customer', present: true, instance: 'customer-instance', call });
    await back.client.expectSilence(50);
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
    const attempt = joinFrame(conversationId, 'customer', await token(server, { role: 'customer', conversationId, subject: 'not-the-same-customer' }));
    other.send(attempt);
    await other.expectError('conversation-full', { replyTo: attempt.id! });
    agent.close();
    other.close();
  });
});

describe('conversations: grace period expiry', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  const logs = new LogWatcher();

  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, resumeGraceMs: 100, log: logs.log });
  });

  after(() => server.close());

  it('tells the other member presence false (timeout) once the grace period passes without a rejoin', async () => {
    const conversationId = freshConversation('expiry');
    const { agent, customer, customerToken } = await joinPair(server, conversationId);
    const droppedAt = Date.now();
    customer.terminate();

    const presence = await agent.expect('presence', 2_000);
    assert.deepEqual(presence.payload, { role: 'customer', present: false, reason: 'timeout' });
    assert.ok(Date.now() - droppedAt >= 90, 'not before the grace period');

    // A late rejoin is a fresh seat; the agent sees the customer arrive.
    const late = await join(server, conversationId, 'customer', { token: customerToken });
    assert.equal(late.joined.payload.resumed, false);
    assert.deepEqual((await agent.expect('presence')).payload, { role: 'customer', present: true, instance: 'customer-instance' });
    agent.close();
    late.client.close();
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
    assert.deepEqual(fresh.joined.payload.members.map((m) => m.role), ['agent']);
    fresh.client.close();
  });
});
