/**
 * The supervisor as the conversation's optional third member, over real sockets (no media: a stub
 * media handler stands in for the SFU). Only supervisors get a monitor token; a customer's token
 * neither opens the monitor endpoint nor joins as the supervisor; the agent is told a supervisor is
 * listening and the customer is not, nor does it see one in its presence; a supervisor relays
 * nothing and receives nothing relayed; its leaving ends no call and is told. Barging in is told to
 * both sides. Calls in progress are listed for supervisors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { issueToken } from '../../server/auth.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { Supervision } from '../../server/supervision.js';
import { createMessage, type ParticipantRole } from '../../src/signaling/protocol.js';
import { api, apiToken } from './api-helpers.js';
import { SUITE_TIMEOUT_MS, TestClient, freshConversation } from './helpers.js';

let joinId = 100;

async function joinAs(server: RunningServer, conversationId: string, role: ParticipantRole, token?: string): Promise<TestClient> {
  const client = await TestClient.open(server.signalingUrl);
  const jwt = token ?? (await issueToken({ role, conversationId, subject: `${role}-1` }, server.options.signingSecret));
  joinId += 1;
  client.send(createMessage('join', { conversationId, role, token: jwt, instance: `${role}-page` }, { id: joinId }));
  return client;
}

/** The next message of `type`, past any presence news (which these tests do not look at). */
async function nextOf<T extends 'supervisor' | 'chat-message' | 'error' | 'joined'>(client: TestClient, type: T) {
  for (;;) {
    const message = await client.next();
    if (message.type === 'presence') continue;
    assert.equal(message.type, type, `expected ${type}, got ${JSON.stringify(message)}`);
    return message as Extract<typeof message, { type: T }>;
  }
}

/** Over `ms`, nothing arrives but the call's sides' own presence news. */
async function expectQuiet(client: TestClient, ms = 150): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return;
    const message = await client.next(left).catch(() => null);
    if (!message) return;
    assert.ok(message.type === 'presence' && message.payload.role !== 'supervisor', `expected nothing, got ${JSON.stringify(message)}`);
  }
}

describe('the supervisor member', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  let sfuLike: RunningServer;

  before(async () => {
    // SFU mode without mediasoup: the media handler is a stub (the real SFU is in the e2e suites).
    sfuLike = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', deployment: { media: 'sfu' }, media: () => ({ request: () => ({ payload: {} }) }) });
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await sfuLike?.close();
    await server?.close();
  });

  it('lists calls in progress for supervisors and gives a monitor token only to them', async () => {
    const conversationId = freshConversation('monitored');
    const agent = await joinAs(sfuLike, conversationId, 'agent');
    await agent.expect('joined');
    const supervisorToken = await apiToken(sfuLike, 'supervisor', 'sue');
    const none = await api(sfuLike, 'POST', `/api/conversations/${conversationId}/monitor`, { token: supervisorToken, body: {} });
    assert.deepEqual([none.status, none.body.error], [404, 'no-call']);

    agent.send(createMessage('call-started', { callId: 'call-9', video: true }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const list = await api(sfuLike, 'GET', '/api/calls', { token: supervisorToken });
    assert.equal(list.status, 200);
    assert.equal(list.body.monitoring, true);
    const call = (list.body.calls as Array<Record<string, unknown>>).find((c) => c.conversationId === conversationId);
    assert.deepEqual([call?.callId, call?.video, call?.supervisor], ['call-9', true, null]);

    const granted = await api(sfuLike, 'POST', `/api/conversations/${conversationId}/monitor`, { token: supervisorToken, body: {} });
    assert.equal(granted.status, 200);
    assert.equal(typeof granted.body.token, 'string');

    for (const role of ['customer', 'agent'] as const) {
      const refused = await api(sfuLike, 'POST', `/api/conversations/${conversationId}/monitor`, { token: await apiToken(sfuLike, role, `${role}-x`), body: {} });
      assert.deepEqual([refused.status, refused.body.error], [403, 'forbidden'], `${role} token`);
      const listRefused = await api(sfuLike, 'GET', '/api/calls', { token: await apiToken(sfuLike, role, `${role}-x`) });
      assert.equal(listRefused.status, 403);
    }
    agent.close();
  });

  it('a peer-to-peer deployment refuses monitoring: only calls through the SFU can be', async () => {
    const refused = await api(server, 'POST', `/api/conversations/${freshConversation()}/monitor`, { token: await apiToken(server, 'supervisor', 'sue'), body: {} });
    assert.deepEqual([refused.status, refused.body.error], [409, 'monitoring-unavailable']);
  });

  it('a customer’s conversation token cannot join as the supervisor', async () => {
    const conversationId = freshConversation('impostor');
    const customerToken = await issueToken({ role: 'customer', conversationId, subject: 'c' }, sfuLike.options.signingSecret);
    const impostor = await joinAs(sfuLike, conversationId, 'supervisor', customerToken);
    const error = await nextOf(impostor, 'error');
    assert.equal(error.payload.code, 'forbidden');
    impostor.close();
  });

  it('tells the agent and not the customer, relays nothing to or from the supervisor, and tells of its leaving', async () => {
    const conversationId = freshConversation('silent');
    const customer = await joinAs(sfuLike, conversationId, 'customer');
    await customer.expect('joined');
    const agent = await joinAs(sfuLike, conversationId, 'agent');
    await agent.expect('joined');

    const supervisor = await joinAs(sfuLike, conversationId, 'supervisor');
    const joined = await nextOf(supervisor, 'joined');
    assert.deepEqual(joined.payload.members.map((m) => m.role).sort(), ['agent', 'customer', 'supervisor'], 'the supervisor sees both sides');
    assert.equal((await nextOf(agent, 'supervisor')).payload.state, 'monitoring');
    await expectQuiet(customer, 150);

    // The call's stream stays between agent and customer.
    agent.send(createMessage('chat-message', { text: 'hello' }, { seq: 1 }));
    assert.equal((await nextOf(customer, 'chat-message')).payload.text, 'hello');
    await expectQuiet(supervisor, 150);
    supervisor.send(createMessage('chat-message', { text: 'psst' }, { seq: 1 }));
    assert.equal((await nextOf(supervisor, 'error')).payload.code, 'forbidden');
    await expectQuiet(agent, 100);
    await expectQuiet(customer, 100);

    // A customer that rejoins still sees no supervisor.
    customer.terminate();
    const again = await joinAs(sfuLike, conversationId, 'customer');
    const rejoined = await nextOf(again, 'joined');
    assert.deepEqual(rejoined.payload.members.map((m) => m.role).sort(), ['agent', 'customer']);

    supervisor.send(createMessage('leave', {}));
    assert.equal((await nextOf(agent, 'supervisor')).payload.state, 'left');
    await expectQuiet(again, 150);
    agent.close();
    again.close();
  });

  it('barging in is told to both sides, and leaving afterwards too', () => {
    const sent: Array<[string, string]> = [];
    const supervision = new Supervision({ registry: { sendTo: (_id, role, text) => (sent.push([role, JSON.parse(text).payload.state]), true) }, log: () => {} });
    const member = (role: ParticipantRole) => ({ conversationId: 'c', role, subject: role, instance: role, call: undefined });
    supervision.onJoined(member('supervisor'));
    supervision.bargedIn('c');
    supervision.onJoined(member('customer'));
    supervision.onRemoved(member('supervisor'));
    assert.deepEqual(sent, [
      ['agent', 'monitoring'],
      ['agent', 'barged-in'],
      ['customer', 'barged-in'],
      ['customer', 'barged-in'],
      ['agent', 'left'],
      ['customer', 'left'],
    ]);
  });
});
