/**
 * Routing under concurrency, over real HTTP: 200 simultaneous chat requests against 20 signed-in
 * agents never over-assign anyone, the rest wait in arrival order, and freed capacity goes to the
 * head of the queue even while new requests keep arriving.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentView } from '../../server/capacity.js';
import type { ConversationView } from '../../server/routing.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { agents, api, apiToken, expectStatus, queue, signIn } from './api-helpers.js';

const AGENTS = 20;
const CAPACITY = 3;
const REQUESTS = 200;

describe('routing under concurrent requests', { timeout: 60_000 }, () => {
  let server: RunningServer;
  let supervisor: string;

  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, agentCapacity: CAPACITY });
    supervisor = await apiToken(server, 'supervisor', 'sup');
    await Promise.all(Array.from({ length: AGENTS }, (_, i) => signIn(server, `agent-${i}`)));
  });
  after(() => server.close());

  const allConversations = async () =>
    expectStatus(await api<{ conversations: ConversationView[] }>(server, 'GET', '/api/conversations?limit=500', { token: supervisor }), 200).conversations;

  function assertNobodyOverAssigned(list: Map<string, AgentView>, label: string): void {
    assert.equal(list.size, AGENTS);
    for (const agent of list.values()) {
      assert.ok(agent.conversations.length <= CAPACITY, `${label}: ${agent.id} has ${agent.conversations.length} conversations, capacity ${CAPACITY}`);
      assert.ok(agent.used <= agent.capacity, `${label}: ${agent.id} uses ${agent.used} of ${agent.capacity}`);
    }
  }

  it(`${REQUESTS} simultaneous requests against ${AGENTS} agents: nobody over capacity, the rest queued in arrival order`, async (t) => {
    const tokens = await Promise.all(Array.from({ length: REQUESTS }, (_, i) => apiToken(server, 'customer', `customer-${i}`)));
    const startedAt = performance.now();
    const responses = await Promise.all(tokens.map((token) => api<{ conversation: ConversationView }>(server, 'POST', '/api/conversations', { token })));
    const elapsed = performance.now() - startedAt;
    t.diagnostic(`${REQUESTS} concurrent POST /api/conversations answered in ${Math.round(elapsed)} ms`);
    assert.deepEqual(new Set(responses.map((r) => r.status)), new Set([201]), 'every request was accepted');

    const capacityTotal = AGENTS * CAPACITY;
    const list = await agents(server, supervisor);
    assertNobodyOverAssigned(list, 'after the burst');
    assert.equal([...list.values()].reduce((sum, a) => sum + a.conversations.length, 0), capacityTotal, 'every unit of capacity is used');

    // The server's own arrival order: the first arrivals were routed, the later ones queued in order.
    const all = await allConversations();
    assert.equal(all.length, REQUESTS);
    assert.ok(all.slice(0, capacityTotal).every((c) => c.status === 'assigned'), 'the first arrivals were routed');
    const waiting = all.slice(capacityTotal);
    assert.deepEqual(waiting.map((c) => c.status), Array(REQUESTS - capacityTotal).fill('queued'), 'the later arrivals were queued');
    assert.deepEqual(waiting.map((c) => c.queuePosition), waiting.map((_, i) => i + 1), 'queue positions follow arrival order');
    assert.deepEqual((await queue(server, supervisor)).map((c) => c.id), waiting.map((c) => c.id));
    // What each customer was told matches.
    const told = new Map(responses.map((r) => [r.body.conversation.id, r.body.conversation]));
    for (const c of waiting) assert.equal(told.get(c.id)?.queuePosition, c.queuePosition, `${c.id} was told its position`);
  });

  it('freed capacity goes to the head of the queue while new requests keep arriving', async (t) => {
    const before = await allConversations();
    const assigned = before.filter((c) => c.status === 'assigned').slice(0, 30);
    const queuedBefore = before.filter((c) => c.status === 'queued');
    const newTokens = await Promise.all(Array.from({ length: 50 }, (_, i) => apiToken(server, 'customer', `late-${i}`)));
    const startedAt = performance.now();
    await Promise.all([
      ...assigned.map((c) => api(server, 'POST', `/api/conversations/${c.id}/end`, { token: supervisor })),
      ...newTokens.map((token) => api(server, 'POST', '/api/conversations', { token })),
    ]);
    t.diagnostic(`30 ends and 50 requests interleaved in ${Math.round(performance.now() - startedAt)} ms`);

    const list = await agents(server, supervisor);
    assertNobodyOverAssigned(list, 'after ends and requests');
    const after = new Map((await allConversations()).map((c) => [c.id, c]));
    const promoted = queuedBefore.slice(0, 30).map((c) => after.get(c.id)?.status);
    assert.deepEqual(promoted, Array(30).fill('assigned'), 'the 30 oldest queued requests took the freed units');
    const queueNow = await queue(server, supervisor);
    assert.equal(queueNow.length, queuedBefore.length - 30 + 50);
    assert.deepEqual(
      queueNow.slice(0, queuedBefore.length - 30).map((c) => c.id),
      queuedBefore.slice(30).map((c) => c.id),
      'the older requests stay ahead of the new ones',
    );
    const createdAt = queueNow.map((c) => c.createdAt);
    assert.deepEqual(createdAt, [...createdAt].sort((a, b) => a - b), 'the queue is in arrival order');
  });
});
