/**
 * Scale-out, over real processes: redis-server (append-only), three reference-server nodes sharing
 * it, nginx in front (deploy/nginx.conf as is). Routing under concurrent requests spread over every
 * node, state surviving a Redis restart, PIN attempts counted across nodes, relay between members on
 * different nodes, and a member whose node was SIGKILLed resuming through another node.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentView } from '../../server/capacity.js';
import type { ConversationView } from '../../server/routing.js';
import { frame, relayed } from '../server/helpers.js';
import { CLOSE_CODES } from '../../src/signaling/protocol.js';
import { apiCall, apiTokenFor, eventually, joinAt, joinAtWithToken } from './support/cluster-api.js';
import { startCluster, type Cluster } from './support/cluster.js';

const AGENTS = 20;
const CAPACITY = 3;
const REQUESTS = 200;
const GRACE_MS = 3_000;

describe('three nodes sharing their state in Redis, behind nginx', { timeout: 240_000 }, () => {
  let cluster: Cluster;
  let supervisor: string;
  const node = (i: number) => cluster.nodes[i % cluster.nodes.length].url;
  const list = async (base: string) => (await apiCall<{ conversations: ConversationView[] }>(base, 'GET', '/api/conversations?limit=500', supervisor)).body.conversations;
  const agents = async (base: string) => (await apiCall<{ agents: AgentView[] }>(base, 'GET', '/api/agents', supervisor)).body.agents;
  const queue = async (base: string) => (await apiCall<{ queue: ConversationView[] }>(base, 'GET', '/api/queue?limit=500', supervisor)).body.queue;

  before(async () => {
    cluster = await startCluster(3, { CCK_AGENT_CAPACITY: String(CAPACITY), CCK_AGENT_PRESENCE_TIMEOUT_MS: '0', CCK_RESUME_GRACE_MS: String(GRACE_MS) });
    supervisor = await apiTokenFor(cluster.signingSecret, 'supervisor', 'sup-1');
  });
  after(() => cluster?.stop());

  it('serves the API and the demo through nginx, round robin over the nodes', async () => {
    const response = await fetch(`${cluster.nginx.url}/api/config`, { headers: { Authorization: `Bearer ${supervisor}` } });
    assert.equal(response.status, 200);
    await response.arrayBuffer();
  });

  it('routes 200 concurrent requests sent to all three nodes at once: nobody over-assigned, the rest queued in arrival order', async () => {
    const agentTokens = await Promise.all(Array.from({ length: AGENTS }, (_, i) => apiTokenFor(cluster.signingSecret, 'agent', `agent-${i}`)));
    await Promise.all(agentTokens.map(async (token, i) => assert.equal((await apiCall(node(i), 'POST', '/api/agents/sign-in', token, {})).status, 200)));
    const customerTokens = await Promise.all(Array.from({ length: REQUESTS }, (_, i) => apiTokenFor(cluster.signingSecret, 'customer', `customer-${i}`)));
    const answers = await Promise.all(customerTokens.map((token, i) => apiCall<{ conversation: ConversationView }>(node(i), 'POST', '/api/conversations', token, {})));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([201]), 'every request got its own conversation');

    const all = await list(node(1));
    assert.equal(all.length, REQUESTS);
    assert.equal(new Set(all.map((c) => c.id)).size, REQUESTS);
    const byAgent = await agents(node(2));
    assert.equal(byAgent.length, AGENTS);
    for (const agent of byAgent) {
      assert.equal(agent.conversations.length, CAPACITY, `${agent.id} has exactly its capacity: ${JSON.stringify(agent)}`);
      assert.equal(agent.used, CAPACITY);
    }
    // Oldest first: the first AGENTS * CAPACITY arrivals were assigned, the others wait in that order.
    const assignedCount = AGENTS * CAPACITY;
    assert.deepEqual(all.slice(0, assignedCount).map((c) => c.status), Array(assignedCount).fill('assigned'));
    assert.deepEqual(all.slice(assignedCount).map((c) => c.queuePosition), Array.from({ length: REQUESTS - assignedCount }, (_, i) => i + 1));
    const fromEveryNode = await Promise.all([0, 1, 2].map((i) => queue(node(i))));
    for (const q of fromEveryNode) assert.deepEqual(q.map((c) => c.id), all.slice(assignedCount).map((c) => c.id), 'every node sees the same queue');
    const counted = byAgent.flatMap((a) => a.conversations).sort();
    assert.deepEqual(counted, all.slice(0, assignedCount).map((c) => c.id).sort(), 'each assigned conversation is counted once');

    // Ending conversations on different nodes hands their units to the head of the queue, in order.
    const ended = all.slice(0, 3);
    await Promise.all(ended.map(async (c, i) => assert.equal((await apiCall(node(i), 'POST', `/api/conversations/${c.id}/end`, supervisor, {})).status, 200)));
    const after = await list(node(0));
    const heads = all.slice(assignedCount, assignedCount + 3).map((c) => after.find((a) => a.id === c.id)!);
    assert.deepEqual(heads.map((c) => c.status), ['assigned', 'assigned', 'assigned'], 'the three oldest queued moved up');
    assert.equal((await queue(node(2))).length, REQUESTS - assignedCount - 3);
    for (const agent of await agents(node(1))) assert.ok(agent.conversations.length <= CAPACITY, `${agent.id} within capacity`);
  });

  it('loses no conversation, queue or capacity when Redis restarts from its append-only file', async () => {
    const before = { conversations: await list(node(0)), agents: await agents(node(0)), queue: await queue(node(0)) };
    assert.ok(before.conversations.length > 0 && before.queue.length > 0);
    await cluster.redis.restart();
    const afterRestart = await eventually(() => list(node(1)), (c) => c.length === before.conversations.length);
    assert.deepEqual(afterRestart, before.conversations);
    assert.deepEqual(await agents(node(2)), before.agents);
    assert.deepEqual(await queue(node(0)), before.queue);
    // And routing goes on: a new request joins the end of the queue.
    const token = await apiTokenFor(cluster.signingSecret, 'customer', 'after-restart');
    const created = await apiCall<{ conversation: ConversationView }>(node(2), 'POST', '/api/conversations', token, {});
    assert.equal(created.status, 201);
    assert.equal(created.body.conversation.queuePosition, before.queue.length + 1);
  });

  it('limits a customer\'s chat requests across nodes: the burst is shared, not one per node', async () => {
    const token = await apiTokenFor(cluster.signingSecret, 'customer', 'eager-customer');
    const statuses: number[] = [];
    // Each request on another node; each conversation ended (on yet another) so the next is a new request.
    for (let i = 0; i < 4; i += 1) {
      const answer = await apiCall<{ conversation: ConversationView }>(node(i), 'POST', '/api/conversations', token, {});
      statuses.push(answer.status);
      if (answer.status === 201) await apiCall(node(i + 1), 'POST', `/api/conversations/${answer.body.conversation.id}/end`, supervisor, {});
    }
    assert.deepEqual(statuses, [201, 201, 201, 429], 'a burst of 3 (the default) for the whole deployment');
  });

  it('revokes across nodes: reassigning a conversation on one node closes the previous agent\'s seat held on another', async () => {
    const [first, second] = await Promise.all(['rev-a', 'rev-b'].map((id) => apiTokenFor(cluster.signingSecret, 'agent', id)));
    await apiCall(node(0), 'POST', '/api/agents/sign-in', first, {});
    await apiCall(node(1), 'POST', '/api/agents/sign-in', second, {});
    const mine = await apiCall<{ conversations: Array<ConversationView & { token: string }> }>(node(0), 'GET', '/api/agents/me', first);
    const conversation = mine.body.conversations[0];
    assert.ok(conversation, 'the new agent got a conversation from the queue');
    const seat = await joinAtWithToken(cluster.nodes[0].signalingUrl, conversation.id, 'agent', conversation.token);
    const moved = await apiCall(node(2), 'POST', `/api/conversations/${conversation.id}/assign`, supervisor, { agentId: 'rev-b' });
    assert.equal(moved.status, 200);
    const refusal = await seat.expect('error');
    assert.equal(refusal.payload.code, 'token-revoked');
    assert.equal((await seat.closed).code, CLOSE_CODES.revoked, 'the seat on node 1 closed when node 3 reassigned the conversation');
  });

  it('relays between members on different nodes, and through nginx', async () => {
    const conversationId = `relay-${Date.now()}`;
    const secret = cluster.signingSecret;
    const agent = await joinAt(cluster.nodes[0].signalingUrl, secret, conversationId, 'agent');
    const customer = await joinAt(cluster.nodes[1].signalingUrl, secret, conversationId, 'customer');
    assert.equal(customer.joined.payload.members.length, 2, 'the customer sees the agent seated on another node');
    assert.equal((await agent.client.expect('presence')).payload.present, true);
    customer.client.send(relayed('chat-message', { text: 'hello from node 2' }, 1));
    const chat = await agent.client.expect('chat-message');
    assert.equal(chat.payload.text, 'hello from node 2');
    const viaNginx = await joinAt(cluster.nginx.signalingUrl, secret, conversationId, 'customer', { instance: 'customer-instance' });
    assert.equal(viaNginx.joined.payload.resumed, true, 'the same page resumes its seat through whichever node nginx picked');
    assert.equal((await customer.client.closed).code, 4001, 'the old connection on node 2 was told it was replaced');
    agent.client.send(relayed('chat-message', { text: 'back to you' }, 1));
    let reply = await viaNginx.client.next();
    while (reply.type === 'presence') reply = await viaNginx.client.next();
    assert.equal(reply.type, 'chat-message');
    agent.client.close();
    viaNginx.client.close();
  });

  it('counts wrong PINs across nodes: the fifth locks the session wherever it is typed', async () => {
    const conversationId = `pins-${Date.now()}`;
    const secret = cluster.signingSecret;
    const agent = await joinAt(cluster.nodes[0].signalingUrl, secret, conversationId, 'agent');
    agent.client.send(frame('ve-pin-create', { sessionId: 've-x', provider: 'cobrowse', kind: 'cobrowse', capabilities: { view: true, laserPointer: false, remoteControl: false, navigation: false } }, { id: 1 }));
    const { pin } = (await agent.client.expect('ve-pin')).payload;
    const wrong = pin === '000000' ? '111111' : '000000';
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const customer = await joinAt(cluster.nodes[attempt % 3].signalingUrl, secret, conversationId, 'customer');
      customer.client.send(frame('ve-pin-redeem', { pin: wrong }, { id: 10 + attempt }));
      const result = await customer.client.expect('ve-pin-result');
      if (attempt < 5) assert.deepEqual(result.payload, { outcome: 'pin-invalid', attemptsLeft: 5 - attempt }, `attempt ${attempt} on node ${(attempt % 3) + 1}`);
      else assert.deepEqual(result.payload, { outcome: 'pin-locked' });
      customer.client.close();
      await customer.client.closed;
    }
    const right = await joinAt(cluster.nodes[2].signalingUrl, secret, conversationId, 'customer');
    right.client.send(frame('ve-pin-redeem', { pin }, { id: 20 }));
    assert.deepEqual((await right.client.expect('ve-pin-result')).payload, { outcome: 'pin-locked' }, 'the right PIN no longer works');
    right.client.close();
    agent.client.close();
  });

  it('keeps a conversation going when a member\'s node is SIGKILLed: the member resumes through another node', async () => {
    const conversationId = `kill-${Date.now()}`;
    const secret = cluster.signingSecret;
    const agent = await joinAt(cluster.nodes[0].signalingUrl, secret, conversationId, 'agent');
    const customer = await joinAt(cluster.nodes[2].signalingUrl, secret, conversationId, 'customer');
    await agent.client.expect('presence');
    await cluster.nodes[2].kill();
    await customer.client.closed;
    // The customer's page reconnects through nginx, which skips the dead node.
    const back = await joinAt(cluster.nginx.signalingUrl, secret, conversationId, 'customer');
    assert.equal(back.joined.payload.resumed, true);
    assert.deepEqual(back.joined.payload.members.map((m) => m.role).sort(), ['agent', 'customer']);
    back.client.send(relayed('chat-message', { text: 'still here' }, 2));
    let message = await agent.client.next();
    while (message.type === 'presence') message = await agent.client.next();
    assert.equal(message.type, 'chat-message');
    agent.client.close();
    back.client.close();
  });

  it('frees the seat of a member whose node died and who never came back: another node adopts it and its grace period runs out', async () => {
    const conversationId = `gone-${Date.now()}`;
    const secret = cluster.signingSecret;
    const agent = await joinAt(cluster.nodes[0].signalingUrl, secret, conversationId, 'agent');
    const customer = await joinAt(cluster.nodes[1].signalingUrl, secret, conversationId, 'customer');
    await agent.client.expect('presence');
    await cluster.nodes[1].kill();
    await customer.client.closed;
    // Nobody said goodbye: node 1's liveness expires (3 heartbeats), node 1 or 3 adopts its seats, the grace period runs.
    const absent = await agent.client.expect('presence', 40_000);
    assert.deepEqual(absent.payload, { role: 'customer', present: false, reason: 'timeout' });
    // The seat is free: another customer identity may take it now.
    const next = await joinAt(cluster.nodes[0].signalingUrl, secret, conversationId, 'customer', { subject: 'someone-else' });
    assert.equal(next.joined.payload.resumed, false);
    agent.client.close();
    next.client.close();
  });
});
