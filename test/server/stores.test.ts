/**
 * The state stores on their own, in process: a `DocumentRoutingStore` (what Redis-backed nodes use)
 * applies the same routing rules as the live router, atomically per operation, and forgets ended
 * conversations after their retention; the document PIN store keeps the PIN policy (single use,
 * lock after 5 wrong tries, expiry); the in-memory document store expires documents.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryDocumentStore } from '../../server/stores/document-store.js';
import type { ConversationView } from '../../server/routing.js';
import { DocumentPinStore, type RedeemResult } from '../../server/stores/pin-store.js';
import { DocumentRateLimitStore } from '../../server/stores/rate-limit-store.js';
import { DocumentRoutingStore } from '../../server/stores/routing-store.js';

const capabilities = { view: true, laserPointer: false, remoteControl: false, navigation: false };
const session = { sessionId: 've-1', provider: 'cobrowse', kind: 'cobrowse' as const, capabilities };

function routing(clock = { now: 0 }, documents = new MemoryDocumentStore(() => clock.now)) {
  const events: string[] = [];
  const store = new DocumentRoutingStore(documents, {
    log: (event) => events.push(event),
    defaultCapacity: 2,
    conversationUnits: 1,
    presenceTimeoutMs: 0,
    now: () => clock.now,
    retentionMs: 60_000,
  });
  return { store, events, documents };
}

describe('DocumentRoutingStore', () => {
  it('routes least-loaded and queues in arrival order, as the live router does, with the state kept in documents', async () => {
    const { store } = routing();
    await store.change((r) => r.signIn('ana', {}));
    await store.change((r) => r.signIn('bo', {}));
    const made: ConversationView[] = [];
    for (const customer of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']) made.push((await store.change((r) => r.request(customer))).conversation);
    assert.deepEqual(made.map((c) => c.agentId), ['ana', 'bo', 'ana', 'bo', null, null]);
    assert.deepEqual((await store.read((r) => r.queue())).map((c) => c.id), [made[4].id, made[5].id]);
    const agents = await store.read((r) => r.listAgents());
    assert.deepEqual(agents.map((a) => [a.id, a.used, a.available]), [['ana', 2, 0], ['bo', 2, 0]]);
    // A call takes the agent's whole capacity; ending a conversation drains the queue's head.
    await store.change((r) => r.callStarted(made[0].id, 'call-1', true));
    await store.change((r) => r.end(made[1].id, 'done'));
    assert.equal((await store.read((r) => r.get(made[4].id)))!.agentId, 'bo', 'the head goes to the agent with room');
    assert.equal((await store.read((r) => r.get(made[5].id)))!.status, 'queued', 'ana is in a call');
  });

  it('concurrent changes from one node are applied one at a time: nobody is over-assigned', async () => {
    const { store } = routing();
    for (const agent of ['a', 'b', 'c']) await store.change((r) => r.signIn(agent, {}));
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => store.change((r) => r.request(`x${i}`))));
    assert.equal(answers.filter((a) => a.conversation.status === 'assigned').length, 6);
    for (const agent of await store.read((r) => r.listAgents())) assert.equal(agent.conversations.length, 2);
  });

  it('reports what happened only once per operation, and forgets ended conversations after their retention', async () => {
    const clock = { now: 1_000 };
    const { store, events } = routing(clock);
    const { conversation } = await store.change((r) => r.request('c'));
    await store.change((r) => r.end(conversation.id, 'done'));
    assert.deepEqual(events, ['conversation-requested', 'conversation-ended']);
    assert.equal((await store.read((r) => r.get(conversation.id)))!.status, 'ended', 'still readable right after');
    clock.now += 61_000;
    await store.change((r) => r.request('other'));
    assert.equal(await store.read((r) => r.get(conversation.id)), undefined, 'gone after the retention');
  });

  it('reads change nothing', async () => {
    const { store } = routing();
    await store.change((r) => r.request('c'));
    await store.read((r) => r.request('d'));
    assert.equal((await store.read((r) => r.list())).length, 1);
  });
});

describe('DocumentPinStore', () => {
  it('keeps the PIN policy: single use, lock after 5 wrong tries, the right PIN then refused', async () => {
    const documents = new MemoryDocumentStore();
    const pins = new DocumentPinStore(documents, { ttlMs: 60_000 });
    const { pin } = await pins.create('conv', session);
    assert.deepEqual(await pins.redeem('conv', pin), { ok: true, session });
    assert.equal((await pins.redeem('conv', pin)).ok, false, 'single use');
    const again = await pins.create('conv', session);
    const wrong = again.pin === '000000' ? '111111' : '000000';
    const outcomes: RedeemResult[] = [];
    for (let i = 0; i < 5; i += 1) outcomes.push(await pins.redeem('conv', wrong));
    assert.deepEqual(outcomes.map((o) => (o.ok ? 'ok' : o.code === 'pin-invalid' ? o.attemptsLeft : o.code)), [4, 3, 2, 1, 'pin-locked']);
    assert.deepEqual(await pins.redeem('conv', again.pin), { ok: false, code: 'pin-locked' });
  });

  it('expires a PIN after its lifetime, and its document a lifetime later', async () => {
    const clock = { now: 0 };
    const documents = new MemoryDocumentStore(() => clock.now);
    const pins = new DocumentPinStore(documents, { ttlMs: 10_000, now: () => clock.now });
    const { pin } = await pins.create('conv', session);
    clock.now = 10_000;
    assert.deepEqual(await pins.redeem('conv', pin), { ok: false, code: 'pin-expired' });
    assert.equal(documents.size, 1);
    clock.now = 30_001;
    assert.equal(await documents.read('pins:conv'), undefined, 'the attempt counter expired with it');
  });
});

describe('DocumentRateLimitStore', () => {
  it('is a token bucket: a burst, then one take per refill interval, and the bucket is forgotten once full again', async () => {
    const clock = { now: 0 };
    const documents = new MemoryDocumentStore(() => clock.now);
    const limit = new DocumentRateLimitStore(documents, 'requests', { ratePerSecond: 1, burst: 2 }, () => clock.now);
    assert.deepEqual([await limit.take('c'), await limit.take('c')], [{ ok: true }, { ok: true }]);
    assert.deepEqual(await limit.take('c'), { ok: false, retryAfterMs: 1_000 });
    clock.now = 1_000;
    assert.deepEqual(await limit.take('c'), { ok: true });
    assert.deepEqual(await limit.take('other'), { ok: true }, 'one bucket per key');
    clock.now = 3_001;
    assert.equal(await documents.read('rate:requests:c'), undefined, 'full buckets expire');
    assert.equal(await documents.read('rate:requests:other'), undefined);
  });
});
