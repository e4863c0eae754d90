/**
 * The REST API over real HTTP: Bearer authentication and role checks on every endpoint, JSON errors
 * with codes, the development demo tokens for agents, customers and supervisors, and the
 * sign-in -> request -> assign -> end flow.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { issueToken, verifyApiToken } from '../../server/auth.js';
import type { AgentView } from '../../server/capacity.js';
import type { PublicDeploymentConfig } from '../../server/deployment.js';
import type { ConversationView } from '../../server/routing.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { api, apiToken, expectStatus, requestChat, signIn } from './api-helpers.js';
import { SUITE_TIMEOUT_MS, httpGet } from './helpers.js';

type ErrorBody = { error: string; message: string };

/** Every endpoint, a body it accepts, and the roles it is for. */
const ENDPOINTS: Array<{ method: string; path: string; roles: string[] }> = [
  { method: 'GET', path: '/api/config', roles: ['agent', 'customer', 'supervisor'] },
  { method: 'POST', path: '/api/agents/sign-in', roles: ['agent'] },
  { method: 'POST', path: '/api/agents/sign-out', roles: ['agent'] },
  { method: 'GET', path: '/api/agents/me', roles: ['agent'] },
  { method: 'GET', path: '/api/agents', roles: ['supervisor'] },
  { method: 'GET', path: '/api/queue', roles: ['supervisor'] },
  { method: 'POST', path: '/api/conversations', roles: ['customer'] },
  { method: 'GET', path: '/api/conversations', roles: ['supervisor'] },
  { method: 'POST', path: '/api/conversations/conv-x/assign', roles: ['supervisor'] },
];

describe('REST API: authentication and roles', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, deployment: { calling: 'video-and-voice', region: 'na', regions: {} } });
  });
  after(() => server.close());

  for (const { method, path } of ENDPOINTS) {
    it(`${method} ${path} without a token: 401 unauthorized with a Bearer challenge`, async () => {
      const response = await api<ErrorBody>(server, method, path);
      assert.equal(response.status, 401);
      assert.equal(response.body.error, 'unauthorized');
      assert.match(String(response.headers['www-authenticate']), /^Bearer /);
    });
  }

  it('refuses a forged, a malformed and an expired token (401 token-invalid / token-expired)', async () => {
    const forged = await (await import('../../server/auth.js')).issueApiToken({ role: 'supervisor', subject: 's' }, 'another-secret-of-sufficient-length!!');
    const expired = await apiToken(server, 'supervisor', 's', -60);
    for (const [token, code] of [
      [forged, 'token-invalid'],
      ['not.a.jwt', 'token-invalid'],
      [expired, 'token-expired'],
    ] as const) {
      const response = await api<ErrorBody>(server, 'GET', '/api/agents', { token });
      assert.equal(response.status, 401, `${code}: status`);
      assert.equal(response.body.error, code);
    }
    const basic = await api<ErrorBody>(server, 'GET', '/api/agents', { headers: { Authorization: 'Basic dXNlcjpwYXNz' } });
    assert.equal(basic.body.error, 'unauthorized', 'only Bearer is accepted');
  });

  for (const { method, path, roles } of ENDPOINTS) {
    for (const role of ['agent', 'customer', 'supervisor'] as const) {
      if (roles.includes(role)) continue;
      it(`${method} ${path} refuses a ${role} token with 403 forbidden`, async () => {
        const token = await apiToken(server, role, `${role}-1`);
        const response = await api<ErrorBody>(server, method, path, { token, body: {} });
        assert.equal(response.status, 403, JSON.stringify(response.body));
        assert.equal(response.body.error, 'forbidden');
      });
    }
  }

  it('a conversation token opens only its own conversation (and the config), never the rest of the API', async () => {
    const { conversation, token } = await requestChat(server, 'scoped-customer');
    expectStatus(await api(server, 'GET', `/api/conversations/${conversation.id}`, { token }), 200, 'own conversation');
    expectStatus(await api(server, 'GET', '/api/config', { token }), 200, 'config');
    const other = await requestChat(server, 'other-customer');
    const refused = await api<ErrorBody>(server, 'GET', `/api/conversations/${other.conversation.id}`, { token });
    assert.deepEqual([refused.status, refused.body.error], [403, 'forbidden']);
    const request = await api<ErrorBody>(server, 'POST', '/api/conversations', { token });
    assert.deepEqual([request.status, request.body.error], [403, 'forbidden'], 'no new request with a conversation token');
    const agentConversationToken = await issueToken({ role: 'agent', conversationId: conversation.id, subject: 'x' }, server.options.signingSecret);
    const signInRefused = await api<ErrorBody>(server, 'POST', '/api/agents/sign-in', { token: agentConversationToken });
    assert.deepEqual([signInRefused.status, signInRefused.body.error], [403, 'forbidden'], 'no sign-in with a conversation token');
  });

  it('a customer sees and ends only its own conversation', async () => {
    const mine = await requestChat(server, 'owner');
    const ownerToken = await apiToken(server, 'customer', 'owner');
    const strangerToken = await apiToken(server, 'customer', 'stranger');
    expectStatus(await api(server, 'GET', `/api/conversations/${mine.conversation.id}`, { token: ownerToken }), 200);
    assert.equal((await api(server, 'GET', `/api/conversations/${mine.conversation.id}`, { token: strangerToken })).status, 403);
    assert.equal((await api(server, 'POST', `/api/conversations/${mine.conversation.id}/end`, { token: strangerToken })).status, 403);
    const ended = expectStatus(await api<{ conversation: ConversationView }>(server, 'POST', `/api/conversations/${mine.conversation.id}/end`, { token: ownerToken }), 200);
    assert.equal(ended.conversation.status, 'ended');
    assert.equal(ended.conversation.endReason, 'ended-by-customer');
  });

  it('answers unknown endpoints with 404, wrong methods with 405 and Allow, bad bodies with 400, huge ones with 413', async () => {
    const supervisor = await apiToken(server, 'supervisor', 'sup');
    const missing = await api<ErrorBody>(server, 'GET', '/api/nothing-here', { token: supervisor });
    assert.deepEqual([missing.status, missing.body.error], [404, 'not-found']);
    const wrongMethod = await api<ErrorBody>(server, 'DELETE', '/api/agents', { token: supervisor });
    assert.deepEqual([wrongMethod.status, wrongMethod.body.error, wrongMethod.headers.allow], [405, 'method-not-allowed', 'GET']);
    const agentToken = await apiToken(server, 'agent', 'body-checker');
    for (const raw of ['{not json', '[1,2]', '{"capacity": 0}', '{"capacity": 2.5}', '{"capacity": 101}', '{"surprise": true}']) {
      const response = await api<ErrorBody>(server, 'POST', '/api/agents/sign-in', { token: agentToken, raw });
      assert.deepEqual([response.status, response.body.error], [400, 'bad-request'], raw);
    }
    const huge = await api<ErrorBody>(server, 'POST', '/api/agents/sign-in', { token: agentToken, raw: JSON.stringify({ name: 'x'.repeat(20_000) }) });
    assert.deepEqual([huge.status, huge.body.error], [413, 'payload-too-large']);
    const noAgent = await api<ErrorBody>(server, 'POST', '/api/conversations/conv-x/assign', { token: supervisor, body: {} });
    assert.deepEqual([noAgent.status, noAgent.body.error], [400, 'bad-request']);
    const badStatus = await api<ErrorBody>(server, 'GET', '/api/conversations?status=open', { token: supervisor });
    assert.deepEqual([badStatus.status, badStatus.body.error], [400, 'bad-request']);
  });
});

describe('REST API: the routing flow', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  let supervisor: string;

  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, agentCapacity: 2 });
    supervisor = await apiToken(server, 'supervisor', 'sup');
  });
  after(() => server.close());

  it('signs an agent in (default capacity), routes a request to it, shows it to the agent with a conversation token', async () => {
    const ana = await signIn(server, 'ana', { name: 'Ana' });
    const me = expectStatus(await api<{ agent: AgentView }>(server, 'GET', '/api/agents/me', { token: ana }), 200).agent;
    assert.deepEqual([me.capacity, me.used, me.name, me.signedIn], [2, 0, 'Ana', true]);

    const { conversation, token } = await requestChat(server, 'cust-1');
    assert.equal(conversation.agentId, 'ana');
    assert.ok(token.length > 0, 'the customer gets a conversation token');

    const desk = expectStatus(await api<{ conversations: Array<ConversationView & { token: string }> }>(server, 'GET', '/api/agents/me', { token: ana }), 200);
    assert.deepEqual(desk.conversations.map((c) => c.id), [conversation.id]);
    const claims = await verifyApiToken(desk.conversations[0].token, server.options.signingSecret);
    assert.ok(claims.ok && claims.claims.conversationId === conversation.id && claims.claims.role === 'agent', 'an agent conversation token for it');

    const listed = expectStatus(await api<{ agents: AgentView[] }>(server, 'GET', '/api/agents', { token: supervisor }), 200).agents;
    const listedAna = listed.find((a) => a.id === 'ana');
    assert.deepEqual([listedAna?.capacity, listedAna?.used, listedAna?.callState], [2, 1, 'idle']);
  });

  it('queues when nobody has room, and a supervisor assigns from the queue to a full agent', async () => {
    await requestChat(server, 'cust-2'); // ana is full now (2/2)
    const queued = (await requestChat(server, 'cust-3')).conversation;
    assert.deepEqual([queued.status, queued.queuePosition], ['queued', 1]);
    const queue = expectStatus(await api<{ queue: ConversationView[] }>(server, 'GET', '/api/queue', { token: supervisor }), 200).queue;
    assert.deepEqual(queue.map((c) => c.id), [queued.id]);

    const assigned = expectStatus(
      await api<{ conversation: ConversationView }>(server, 'POST', `/api/conversations/${queued.id}/assign`, { token: supervisor, body: { agentId: 'ana' } }),
      200,
    ).conversation;
    assert.deepEqual([assigned.agentId, assigned.assignedBy, assigned.status], ['ana', 'supervisor', 'assigned']);
    const ana = expectStatus(await api<{ agents: AgentView[] }>(server, 'GET', '/api/agents', { token: supervisor }), 200).agents.find((a) => a.id === 'ana');
    assert.deepEqual([ana?.used, ana?.available], [3, 0]);

    const unknownAgent = await api<ErrorBody>(server, 'POST', `/api/conversations/${queued.id}/assign`, { token: supervisor, body: { agentId: 'ghost' } });
    assert.deepEqual([unknownAgent.status, unknownAgent.body.error], [404, 'agent-not-found']);
    const unknownConversation = await api<ErrorBody>(server, 'POST', '/api/conversations/conv-nope/assign', { token: supervisor, body: { agentId: 'ana' } });
    assert.deepEqual([unknownConversation.status, unknownConversation.body.error], [404, 'not-found']);
  });

  it('the assigned agent ends a conversation; a signed-out agent cannot be assigned', async () => {
    const ana = await apiToken(server, 'agent', 'ana');
    const anaConversations = expectStatus(await api<{ conversations: ConversationView[] }>(server, 'GET', '/api/agents/me', { token: ana }), 200).conversations;
    const ended = expectStatus(await api<{ conversation: ConversationView }>(server, 'POST', `/api/conversations/${anaConversations[0].id}/end`, { token: ana }), 200);
    assert.equal(ended.conversation.endReason, 'ended-by-agent');
    const stranger = await apiToken(server, 'agent', 'not-ana');
    assert.equal((await api(server, 'POST', `/api/conversations/${anaConversations[1].id}/end`, { token: stranger })).status, 403);

    expectStatus(await api(server, 'POST', '/api/agents/sign-out', { token: ana }), 200);
    const next = (await requestChat(server, 'cust-4')).conversation;
    assert.equal(next.status, 'queued', 'nobody signed in');
    const refused = await api<ErrorBody>(server, 'POST', `/api/conversations/${next.id}/assign`, { token: supervisor, body: { agentId: 'ana' } });
    assert.deepEqual([refused.status, refused.body.error], [409, 'agent-not-signed-in']);
    const endedAgain = await api<ErrorBody>(server, 'POST', `/api/conversations/${ended.conversation.id}/assign`, { token: supervisor, body: { agentId: 'ana' } });
    assert.deepEqual([endedAgain.status, endedAgain.body.error], [409, 'conversation-ended']);
  });
});

describe('GET /api/config and the demo tokens', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer({
      mode: 'development',
      port: 0,
      host: '127.0.0.1',
      heartbeatIntervalMs: 0,
      deployment: {
        calling: 'voice-only',
        visualProvider: 'screen-share',
        region: 'gcc',
        regions: { na: { label: 'North America', iceServers: [{ urls: 'turn:turn-na.example.test:3478', username: 'u', credential: 'p' }] } },
      },
    });
  });
  after(() => server.close());

  it('serves the calling option, the provider and the region resolved to its servers', async () => {
    const { token } = JSON.parse((await httpGet(server, '/api/demo-token?role=customer')).body) as { token: string };
    const config = expectStatus(await api<PublicDeploymentConfig>(server, 'GET', '/api/config', { token }), 200);
    assert.deepEqual(config, {
      calling: 'voice-only',
      visualProvider: 'screen-share',
      region: 'gcc',
      mediaRegion: 'na',
      regions: {
        gcc: 'na',
        na: { label: 'North America', iceServers: [{ urls: 'turn:turn-na.example.test:3478', username: 'u', credential: 'p' }] },
      },
      media: 'p2p',
    });
  });

  it('issues supervisor, agent and customer API tokens in development mode', async () => {
    const supervisor = JSON.parse((await httpGet(server, '/api/demo-token?role=supervisor')).body) as { token: string; subject: string };
    const agent = JSON.parse((await httpGet(server, '/api/demo-token?role=agent&agent=alice')).body) as { token: string; subject: string };
    const customer = JSON.parse((await httpGet(server, '/api/demo-token?role=customer')).body) as { token: string; subject: string };
    const customer2 = JSON.parse((await httpGet(server, '/api/demo-token?role=customer')).body) as { token: string; subject: string };
    assert.equal(agent.subject, 'alice');
    assert.notEqual(customer.subject, customer2.subject, 'each customer gets its own id by default');
    for (const [token, role, subject] of [
      [supervisor.token, 'supervisor', 'demo-supervisor'],
      [agent.token, 'agent', 'alice'],
      [customer.token, 'customer', customer.subject],
    ]) {
      const verified = await verifyApiToken(token, server.options.signingSecret);
      assert.ok(verified.ok, `${role} token verifies`);
      assert.deepEqual([verified.claims.role, verified.claims.subject, verified.claims.conversationId], [role, subject, undefined]);
    }
    expectStatus(await api(server, 'GET', '/api/agents', { token: supervisor.token }), 200, 'the supervisor token opens the supervisor endpoints');
  });
});

describe('the API in production mode', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('works with tokens from the host backend, while the demo tokens are gone', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1', mode: 'production', signingSecret: 'api-Production-secret/0123456789+abcdefXYZ', heartbeatIntervalMs: 0 });
    try {
      assert.equal((await httpGet(server, '/api/demo-token?role=supervisor')).status, 404);
      const supervisor = await apiToken(server, 'supervisor', 'boss');
      expectStatus(await api(server, 'GET', '/api/agents', { token: supervisor }), 200);
    } finally {
      await server.close();
    }
  });
});
