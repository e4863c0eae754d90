/**
 * The router on its own: least-loaded assignment, the FIFO queue and what drains it, supervisor
 * assignment, and how calls and seats lost for good change an agent's capacity.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentRegistry } from '../../server/capacity.js';
import { Router } from '../../server/routing.js';

function router(defaultCapacity = 2) {
  const agents = new AgentRegistry({ defaultCapacity, conversationUnits: 1, presenceTimeoutMs: 0 });
  return new Router(agents, { log: () => {} });
}

const request = (r: Router, customer: string) => r.request(customer).conversation;

describe('Router', () => {
  it('queues requests while nobody is signed in, and routes them in arrival order when an agent signs in', () => {
    const r = router();
    const [a, b, c] = ['a', 'b', 'c'].map((customer) => request(r, customer));
    assert.deepEqual([a, b, c].map((x) => [x.status, x.queuePosition]), [['queued', 1], ['queued', 2], ['queued', 3]]);
    r.signIn('ana', { capacity: 2 });
    assert.deepEqual([a, b, c].map((x) => r.get(x.id)!.status), ['assigned', 'assigned', 'queued']);
    assert.equal(r.get(c.id)!.queuePosition, 1);
    assert.deepEqual(r.queue().map((x) => x.id), [c.id]);
  });

  it('routes to the least-loaded agent', () => {
    const r = router(3);
    r.signIn('ana', {});
    r.signIn('bo', {});
    const assigned = ['1', '2', '3', '4'].map((customer) => request(r, customer).agentId);
    assert.deepEqual(assigned, ['ana', 'bo', 'ana', 'bo']);
  });

  it('gives a customer with an open conversation that one back instead of a second', () => {
    const r = router();
    const first = r.request('same');
    const again = r.request('same');
    assert.equal(first.created, true);
    assert.equal(again.created, false);
    assert.equal(again.conversation.id, first.conversation.id);
    r.end(first.conversation.id, 'test');
    assert.notEqual(r.request('same').conversation.id, first.conversation.id, 'after it ended, a new one');
  });

  it('routes nothing to an agent in a call, and drains the queue to it when the call ends', () => {
    const r = router(2);
    r.signIn('ana', {});
    const c1 = request(r, 'c1');
    assert.equal(r.callStarted(c1.id, 'call-1', true), true);
    assert.equal(r.get(c1.id)!.call?.callId, 'call-1');
    const c2 = request(r, 'c2');
    assert.equal(c2.status, 'queued', 'ana has a unit left but is in a call');
    r.signIn('bo', { capacity: 1 });
    assert.equal(r.get(c2.id)!.agentId, 'bo', 'another agent with capacity gets it');
    const c3 = request(r, 'c3');
    assert.equal(c3.status, 'queued');
    assert.equal(r.callEnded(c1.id, 'call-1'), true);
    assert.equal(r.get(c3.id)!.agentId, 'ana', 'the queued request went to ana when her call ended');
  });

  it('lets a supervisor assign to an agent in a call and beyond its capacity, but not to a signed-out one', () => {
    const r = router(1);
    r.signIn('ana', {});
    const c1 = request(r, 'c1');
    r.callStarted(c1.id, 'call', false);
    const c2 = request(r, 'c2');
    const assigned = r.assign(c2.id, 'ana');
    assert.ok(assigned.ok, 'assigned during the call');
    assert.deepEqual([assigned.conversation.agentId, assigned.conversation.assignedBy], ['ana', 'supervisor']);
    assert.equal(r.queue().length, 0, 'the conversation left the queue');
    const view = r.agents.view('ana')!;
    assert.deepEqual([view.used, view.available, view.conversations.length], [2, 0, 2]);

    r.signOut('ana');
    const c3 = request(r, 'c3');
    const refused = r.assign(c3.id, 'ana');
    assert.deepEqual(refused.ok ? null : refused.code, 'agent-not-signed-in');
    const unknown = r.assign(c3.id, 'nobody');
    assert.deepEqual(unknown.ok ? null : unknown.code, 'agent-not-found');
    const missing = r.assign('conv-missing', 'ana');
    assert.deepEqual(missing.ok ? null : missing.code, 'not-found');
  });

  it('moves a conversation between agents (freeing a unit that drains the queue), but not during its call', () => {
    const r = router(1);
    r.signIn('ana', {});
    r.signIn('bo', {});
    const c1 = request(r, 'c1'); // ana
    const c2 = request(r, 'c2'); // bo
    const c3 = request(r, 'c3'); // queued
    assert.deepEqual([c1.agentId, c2.agentId, c3.status], ['ana', 'bo', 'queued']);
    const moved = r.assign(c1.id, 'bo');
    assert.ok(moved.ok, 'reassigned');
    assert.equal(r.get(c3.id)!.agentId, 'ana', 'ana had room again, the queue drained to her');
    r.callStarted(c3.id, 'call', false);
    const refused = r.assign(c3.id, 'bo');
    assert.deepEqual(refused.ok ? null : refused.code, 'conversation-in-call');
  });

  it('ending a conversation frees its units (and its call) and ends nothing twice', () => {
    const r = router(1);
    r.signIn('ana', {});
    const c1 = request(r, 'c1');
    r.callStarted(c1.id, 'call', true);
    const c2 = request(r, 'c2');
    const ended = r.end(c1.id, 'test');
    assert.ok(ended.ok && ended.conversation.status === 'ended', 'ended');
    assert.equal(r.agents.view('ana')!.callState, 'idle');
    assert.equal(r.get(c2.id)!.agentId, 'ana');
    const assignEnded = r.assign(c1.id, 'ana');
    assert.deepEqual(assignEnded.ok ? null : assignEnded.code, 'conversation-ended');
    const queued = request(r, 'c3');
    r.end(queued.id, 'abandoned');
    assert.deepEqual(r.queue(), [], 'an ended queued request leaves the queue');
  });

  it('a member lost for good ends the call; the last member leaving ends a conversation the customer had joined', () => {
    const r = router(2);
    r.signIn('ana', {});
    const c1 = request(r, 'c1');
    r.memberJoined(c1.id, 'customer');
    r.memberJoined(c1.id, 'agent');
    r.callStarted(c1.id, 'call', true);
    r.memberRemoved(c1.id, 'agent', 'grace-expired', false);
    assert.equal(r.agents.view('ana')!.callState, 'idle', 'the agent seat expired: capacity back');
    assert.equal(r.get(c1.id)!.status, 'assigned', 'the customer is still there');
    r.memberRemoved(c1.id, 'customer', 'leave', true);
    assert.equal(r.get(c1.id)!.status, 'ended');
    assert.equal(r.agents.view('ana')!.used, 0);

    const c2 = request(r, 'c2');
    r.memberJoined(c2.id, 'agent');
    r.memberRemoved(c2.id, 'agent', 'leave', true);
    assert.equal(r.get(c2.id)!.status, 'assigned', 'the customer never came yet: the conversation waits for it');
  });

  it('ignores calls in conversations it does not route (QA conversations)', () => {
    const r = router();
    assert.equal(r.callStarted('qa-conversation', 'call', true), false);
    assert.equal(r.callEnded('qa-conversation', 'call'), false);
  });
});
