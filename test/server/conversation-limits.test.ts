/**
 * Conversations do not pile up (issue #10, row 12): one customer token could create 20,000
 * conversations in 44 s (end one, request the next); ended ones were kept for ever; lists came whole.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../server/server.js';
import type { ConversationView } from '../../server/routing.js';
import { api, apiToken, eventually, expectStatus, signIn, startWithSupervisor } from './api-helpers.js';
import { SUITE_TIMEOUT_MS } from './helpers.js';

interface Created {
  conversation: ConversationView;
  token: string;
}

describe('chat requests per customer', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  let supervisor: string;

  before(async () => {
    ({ server, supervisor } = await startWithSupervisor());
  });
  after(() => server.close());

  it('one customer ending and re-requesting as fast as it can gets a burst of 3, then 429 rate-limited with Retry-After', async () => {
    const customer = await apiToken(server, 'customer', 'spammer');
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const answer = await api<Created & { error?: string }>(server, 'POST', '/api/conversations', { token: customer });
      statuses.push(answer.status);
      if (answer.status === 201) {
        expectStatus(await api(server, 'POST', `/api/conversations/${answer.body.conversation.id}/end`, { token: answer.body.token }), 200, 'end');
      } else {
        assert.equal(answer.body.error, 'rate-limited');
        retryAfter = String(answer.headers['retry-after']);
      }
    }
    const created = statuses.filter((status) => status === 201).length;
    assert.ok(created >= 3 && created <= 4, `3 conversations in the burst (maybe one refilled), got ${created}`);
    assert.equal(statuses.filter((status) => status === 429).length, 200 - created);
    assert.match(retryAfter ?? '', /^\d+$/);
    const all = expectStatus(await api<{ conversations: ConversationView[] }>(server, 'GET', '/api/conversations?limit=500', { token: supervisor }), 200);
    assert.equal(all.conversations.filter((c) => c.customerId === 'spammer').length, created);
  });

  it('other customers are not held back by one, and asking again for an open conversation is free', async () => {
    for (let i = 0; i < 5; i += 1) {
      const customer = await apiToken(server, 'customer', `polite-${i}`);
      const first = expectStatus(await api<Created>(server, 'POST', '/api/conversations', { token: customer }), 201);
      for (let again = 0; again < 10; again += 1) {
        const same = expectStatus(await api<Created>(server, 'POST', '/api/conversations', { token: customer }), 200, 'the open conversation again');
        assert.equal(same.conversation.id, first.conversation.id);
      }
    }
  });
});

describe('ended conversations and lists', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  let supervisor: string;

  before(async () => {
    ({ server, supervisor } = await startWithSupervisor({ limits: { conversationRetentionMs: 1_500, conversationRequestBurst: 1_000 } }));
  });
  after(() => server.close());

  const list = (query = '') => api<{ conversations: ConversationView[]; next: string | null; error?: string }>(server, 'GET', `/api/conversations${query}`, { token: supervisor });

  it('are forgotten after the retention period; open ones stay', async () => {
    const open = await apiToken(server, 'customer', 'stays');
    const kept = expectStatus(await api<Created>(server, 'POST', '/api/conversations', { token: open }), 201).conversation.id;
    const ended: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const customer = await apiToken(server, 'customer', `leaves-${i}`);
      const created = expectStatus(await api<Created>(server, 'POST', '/api/conversations', { token: customer }), 201);
      expectStatus(await api(server, 'POST', `/api/conversations/${created.conversation.id}/end`, { token: supervisor }), 200);
      ended.push(created.conversation.id);
    }
    assert.equal(expectStatus(await list('?status=ended&limit=500'), 200).conversations.length, 20, 'readable for a while');
    const left = await eventually(
      async () => expectStatus(await list('?limit=500'), 200).conversations.map((c) => c.id),
      (ids) => !ids.some((id) => ended.includes(id)),
      'ended conversations forgotten',
      6_000,
    );
    assert.ok(left.includes(kept), 'the open conversation is still there');
    assert.equal((await api(server, 'GET', `/api/conversations/${ended[0]}`, { token: supervisor })).status, 404);
  });

  it('are paginated: limit (default 100, at most 500) and the next cursor, in creation order', async () => {
    await signIn(server, 'pager', { capacity: 100 });
    const ids: string[] = [];
    for (let i = 0; i < 230; i += 1) {
      const customer = await apiToken(server, 'customer', `page-${i}`);
      ids.push(expectStatus(await api<Created>(server, 'POST', '/api/conversations', { token: customer }), 201).conversation.id);
    }
    const first = expectStatus(await list(), 200);
    assert.equal(first.conversations.length, 100, 'default page size');
    const seen = [...first.conversations.map((c) => c.id)];
    let next = first.next;
    while (next !== null) {
      const page = expectStatus(await list(`?limit=50&after=${next}`), 200);
      assert.ok(page.conversations.length <= 50);
      seen.push(...page.conversations.map((c) => c.id));
      next = page.next;
    }
    assert.deepEqual(
      seen.filter((id) => ids.includes(id)),
      ids,
      'every conversation once, oldest first',
    );
    assert.equal(new Set(seen).size, seen.length, 'no duplicates across pages');

    const queue = expectStatus(await api<{ queue: ConversationView[]; next: string | null }>(server, 'GET', '/api/queue?limit=20', { token: supervisor }), 200);
    assert.equal(queue.queue.length, 20);
    assert.equal(queue.next, '20');
    const rest = expectStatus(await api<{ queue: ConversationView[]; next: string | null }>(server, 'GET', `/api/queue?limit=500&after=${queue.next}`, { token: supervisor }), 200);
    assert.equal(rest.queue[0].queuePosition, 21);
    assert.equal(rest.next, null);
    const agents = expectStatus(await api<{ agents: unknown[]; next: string | null }>(server, 'GET', '/api/agents?limit=1', { token: supervisor }), 200);
    assert.deepEqual([agents.agents.length, agents.next], [1, null]);

    for (const bad of ['?limit=0', '?limit=501', '?limit=ten', '?after=-1', '?after=abc']) {
      const answer = await list(bad);
      assert.deepEqual([answer.status, answer.body.error], [400, 'bad-request'], bad);
    }
  });
});
