/**
 * Stale conversation tokens lose their access (issue #10, row 3), played as the attack went: a
 * supervisor moves a conversation from alice to bob, and alice tries everything with what she held.
 * Then an ended conversation: its tokens no longer join and its seats close at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import type { RunningServer } from '../../server/server.js';
import type { ConversationView } from '../../server/routing.js';
import { CLOSE_CODES } from '../../src/signaling/protocol.js';
import { agent, api, conversation, expectStatus, requestChat, signIn, startWithSupervisor } from './api-helpers.js';
import { SUITE_TIMEOUT_MS, TestClient, joinFrame, relayed, token } from './helpers.js';

interface Me {
  conversations: Array<ConversationView & { token: string }>;
}

/** Joins with exactly `jwt`; resolves with the client and the server's first answer. */
async function joinWith(server: RunningServer, conversationId: string, role: 'agent' | 'customer', jwt: string) {
  const client = await TestClient.open(server.signalingUrl);
  const join = joinFrame(conversationId, role, jwt);
  client.send(join);
  return { client, reply: await client.next(), joinId: join.id };
}

async function agentToken(server: RunningServer, apiJwt: string, conversationId: string): Promise<string> {
  const me = expectStatus(await api<Me>(server, 'GET', '/api/agents/me', { token: apiJwt }), 200, 'GET /api/agents/me');
  const entry = me.conversations.find((c) => c.id === conversationId);
  assert.ok(entry, `the agent is given a token for ${conversationId}`);
  return entry.token;
}

describe('a conversation moved to another agent', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  let supervisor: string;

  before(async () => {
    ({ server, supervisor } = await startWithSupervisor());
  });
  after(() => server.close());

  it("closes alice's seat at once; her token no longer joins, reads or ends it; bob takes the seat", async () => {
    const aliceApi = await signIn(server, 'alice');
    const chat = await requestChat(server, 'carol');
    assert.equal(chat.conversation.agentId, 'alice');
    const id = chat.conversation.id;
    const aliceToken = await agentToken(server, aliceApi, id);

    const alice = await joinWith(server, id, 'agent', aliceToken);
    assert.equal(alice.reply.type, 'joined');
    const customer = await joinWith(server, id, 'customer', chat.token);
    assert.equal(customer.reply.type, 'joined');
    await alice.client.expect('presence');

    const bobApi = await signIn(server, 'bob');
    expectStatus(await api(server, 'POST', `/api/conversations/${id}/assign`, { token: supervisor, body: { agentId: 'bob' } }), 200, 'reassign');

    const revoked = await alice.client.expectError('token-revoked');
    assert.match(revoked.payload.message, /assigned to another agent/);
    assert.equal((await alice.client.closed).code, CLOSE_CODES.revoked, 'her connection is closed, not left to read the chat');
    const gone = await customer.client.expect('presence');
    assert.deepEqual(gone.payload, { role: 'agent', present: false, reason: 'left' });

    const again = await joinWith(server, id, 'agent', aliceToken);
    assert.equal(again.reply.type, 'error');
    assert.equal(again.reply.type === 'error' && again.reply.payload.code, 'token-revoked', 'her token no longer joins');
    again.client.close();

    const endWithToken = await api<{ error: string }>(server, 'POST', `/api/conversations/${id}/end`, { token: aliceToken });
    assert.deepEqual([endWithToken.status, endWithToken.body.error], [401, 'token-revoked'], 'her conversation token cannot end it');
    const readWithToken = await api<{ error: string }>(server, 'GET', `/api/conversations/${id}`, { token: aliceToken });
    assert.equal(readWithToken.status, 401, 'nor read it');
    const endWithApi = await api<{ error: string }>(server, 'POST', `/api/conversations/${id}/end`, { token: aliceApi });
    assert.deepEqual([endWithApi.status, endWithApi.body.error], [403, 'forbidden'], 'nor can her API token');
    const me = expectStatus(await api<Me>(server, 'GET', '/api/agents/me', { token: aliceApi }), 200);
    assert.deepEqual(me.conversations.map((c) => c.id), [], 'she is no longer given a token for it');

    const bobToken = await agentToken(server, bobApi, id);
    const bob = await joinWith(server, id, 'agent', bobToken);
    assert.equal(bob.reply.type, 'joined', `bob takes the agent seat, no conversation-full: ${JSON.stringify(bob.reply)}`);
    assert.deepEqual((await customer.client.expect('presence')).payload, { role: 'agent', present: true, instance: 'agent-instance' });
    customer.client.send(relayed('chat-message', { text: 'hello bob' }, 1));
    assert.equal((await bob.client.expect('chat-message')).payload.text, 'hello bob');
    assert.equal((await agent(server, supervisor, 'bob')).callState, 'idle', 'nobody reported a call for bob');
    assert.equal((await conversation(server, supervisor, id)).status, 'assigned', 'the conversation goes on with bob');
    bob.client.close();
    customer.client.close();
  });

  it("refuses a current-version token of an agent the conversation is not assigned to, and any token of a queued one's agent", async () => {
    await signIn(server, 'dave', { capacity: 1 });
    const { conversation: routed } = await requestChat(server, 'erin');
    const forged = await token(server, { role: 'agent', conversationId: routed.id, subject: 'mallory' });
    const attempt = await joinWith(server, routed.id, 'agent', forged);
    assert.equal(attempt.reply.type === 'error' && attempt.reply.payload.code, 'forbidden');
    attempt.client.close();
    const customerOfAnother = await token(server, { role: 'customer', conversationId: routed.id, subject: 'not-erin' });
    const impostor = await joinWith(server, routed.id, 'customer', customerOfAnother);
    assert.equal(impostor.reply.type === 'error' && impostor.reply.payload.code, 'forbidden');
    impostor.client.close();
  });

  it('issues conversation tokens that live 15 minutes, not 12 hours', async () => {
    const { token: customerToken } = await requestChat(server, 'frank');
    const claims = decodeJwt(customerToken);
    assert.equal(claims.exp! - claims.iat!, 15 * 60);
    assert.equal(typeof claims.ver, 'number', 'and carry the conversation token version');
  });
});

describe('an ended conversation', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  let supervisor: string;

  before(async () => {
    ({ server, supervisor } = await startWithSupervisor({ resumeGraceMs: 5_000 }));
  });
  after(() => server.close());

  it('closes both seats (also one within its grace period) and its tokens no longer join', async () => {
    const aliceApi = await signIn(server, 'alice');
    const chat = await requestChat(server, 'gina');
    const id = chat.conversation.id;
    const aliceToken = await agentToken(server, aliceApi, id);
    const alice = await joinWith(server, id, 'agent', aliceToken);
    const customer = await joinWith(server, id, 'customer', chat.token);
    await alice.client.expect('presence');
    customer.client.terminate();
    await alice.client.next(500).catch(() => null);

    expectStatus(await api(server, 'POST', `/api/conversations/${id}/end`, { token: supervisor }), 200, 'end');
    await alice.client.expectError('conversation-ended');
    assert.equal((await alice.client.closed).code, CLOSE_CODES.revoked);

    for (const [role, jwt] of [['agent', aliceToken], ['customer', chat.token]] as const) {
      const attempt = await joinWith(server, id, role, jwt);
      assert.equal(attempt.reply.type === 'error' && attempt.reply.payload.code, 'conversation-ended', `${role}: ${JSON.stringify(attempt.reply)}`);
      attempt.client.close();
    }
    const fresh = await token(server, { role: 'customer', conversationId: id, subject: 'gina' });
    const late = await joinWith(server, id, 'customer', fresh);
    assert.equal(late.reply.type === 'error' && late.reply.payload.code, 'conversation-ended', 'not even a freshly signed token');
    late.client.close();
    assert.equal((await agent(server, supervisor, 'alice')).conversations.length, 0);
  });
});
