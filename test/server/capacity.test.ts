/**
 * The agent registry on its own: capacity units, what a conversation and a call take, who is
 * available, the least-loaded pick and presence expiry.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentRegistry } from '../../server/capacity.js';

function registry(options: { defaultCapacity?: number; conversationUnits?: number; presenceTimeoutMs?: number } = {}) {
  let now = 1_000_000;
  const agents = new AgentRegistry({
    defaultCapacity: options.defaultCapacity ?? 3,
    conversationUnits: options.conversationUnits ?? 1,
    presenceTimeoutMs: options.presenceTimeoutMs ?? 0,
    now: () => now,
  });
  return { agents, advance: (ms: number) => (now += ms) };
}

describe('AgentRegistry', () => {
  it('signs agents in with the default capacity or their own, and updates it on a second sign-in', () => {
    const { agents } = registry({ defaultCapacity: 4 });
    assert.equal(agents.signIn('ana').capacity, 4);
    assert.equal(agents.signIn('bo', { capacity: 2, name: 'Bo B.' }).name, 'Bo B.');
    assert.equal(agents.signIn('bo', { capacity: 5 }).capacity, 5);
    assert.equal(agents.view('bo')?.name, 'Bo B.', 'the name stays when not given again');
    assert.deepEqual(agents.list().map((a) => a.id), ['ana', 'bo']);
  });

  it('counts each conversation as its units, and a call as all of the capacity until it ends', () => {
    const { agents } = registry({ conversationUnits: 2 });
    agents.signIn('ana', { capacity: 6 });
    agents.addConversation('ana', 'c1');
    assert.deepEqual(pick(agents.view('ana')!), { used: 2, available: 4, callState: 'idle' });
    agents.startCall('ana', 'c1', 'call-1', true);
    assert.deepEqual(pick(agents.view('ana')!), { used: 6, available: 0, callState: 'in-call' });
    assert.equal(agents.isAvailable('ana'), false, 'nobody is routed to an agent in a call');
    assert.equal(agents.endCall('ana', 'c1', 'call-0'), false, 'a report about another call changes nothing');
    assert.equal(agents.view('ana')!.callState, 'in-call');
    assert.equal(agents.endCall('ana', 'c1', 'call-1'), true);
    assert.deepEqual(pick(agents.view('ana')!), { used: 2, available: 4, callState: 'idle' });
    assert.equal(agents.isAvailable('ana'), true);
  });

  it('reports more used than capacity after explicit over-assignment, never negative availability', () => {
    const { agents } = registry();
    agents.signIn('ana', { capacity: 1 });
    agents.addConversation('ana', 'c1');
    agents.addConversation('ana', 'c2');
    assert.deepEqual(pick(agents.view('ana')!), { used: 2, available: 0, callState: 'idle' });
    agents.startCall('ana', 'c2', 'x', false);
    assert.equal(agents.view('ana')!.used, 2, 'a call does not shrink what conversations use');
  });

  it('ending a conversation also ends its call', () => {
    const { agents } = registry();
    agents.signIn('ana');
    agents.addConversation('ana', 'c1');
    agents.startCall('ana', 'c1', 'x', false);
    agents.removeConversation('ana', 'c1');
    assert.deepEqual(pick(agents.view('ana')!), { used: 0, available: 3, callState: 'idle' });
  });

  it('picks the least loaded share first, then fewer units, then the one waiting longest, then sign-in order', () => {
    const { agents } = registry();
    agents.signIn('small', { capacity: 2 });
    agents.signIn('big', { capacity: 6 });
    agents.signIn('mid', { capacity: 3 });
    assert.equal(agents.leastLoaded(), 'small', 'all empty: sign-in order');
    agents.addConversation('small', 'c1'); // 1/2
    assert.equal(agents.leastLoaded(), 'big', 'big and mid are empty: big signed in first');
    agents.addConversation('big', 'c2'); // 1/6
    assert.equal(agents.leastLoaded(), 'mid', '0/3 beats 1/6');
    agents.addConversation('mid', 'c3'); // 1/3
    assert.equal(agents.leastLoaded(), 'big', '1/6 beats 1/3 and 1/2');
    agents.addConversation('big', 'c4'); // 2/6 = 1/3, ties with mid
    assert.equal(agents.leastLoaded(), 'mid', 'equal share and units: mid was given a conversation longer ago');
    agents.startCall('mid', 'c3', 'call', false);
    assert.equal(agents.leastLoaded(), 'big', 'an agent in a call is skipped');
    agents.signOut('big');
    assert.equal(agents.leastLoaded(), 'small', 'a signed-out agent is skipped');
    agents.addConversation('small', 'c5');
    assert.equal(agents.leastLoaded(), undefined, 'nobody has room');
  });

  it('signs out agents that went silent for longer than the presence timeout', () => {
    const { agents, advance } = registry({ presenceTimeoutMs: 1_000 });
    agents.signIn('ana');
    agents.signIn('bo');
    advance(600);
    assert.equal(agents.touch('bo'), true);
    advance(600);
    assert.deepEqual(agents.expireSilent(), ['ana']);
    assert.equal(agents.isSignedIn('ana'), false);
    assert.equal(agents.isSignedIn('bo'), true);
    assert.equal(agents.touch('ana'), false, 'a heartbeat does not sign a signed-out agent back in');
  });
});

function pick(view: { used: number; available: number; callState: string }) {
  return { used: view.used, available: view.available, callState: view.callState };
}
