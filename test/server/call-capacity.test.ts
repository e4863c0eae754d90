/**
 * Calls and capacity over the real signaling endpoint: an agent's `call-started` takes all of its
 * capacity; every kind of call end gives it back (`call-ended`, `leave`, a socket that never comes
 * back within the grace period, the customer gone for good) while a drop that does recover keeps
 * the call. And the deployment's calling option is enforced on the wire.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../server/server.js';
import type { CallingOption } from '../../src/engine/calling.js';
import { agent, apiToken, conversation, eventually, requestChat, signIn } from './api-helpers.js';
import { SUITE_TIMEOUT_MS, frame, join, relayed } from './helpers.js';

const GRACE_MS = 300;

async function routedPair(server: RunningServer, customerId: string) {
  const { conversation: routed } = await requestChat(server, customerId);
  // The assigned agent: no other agent's token joins a routed conversation.
  const agentSide = await join(server, routed.id, 'agent', { subject: routed.agentId ?? 'unassigned' });
  const customerSide = await join(server, routed.id, 'customer', { subject: customerId });
  await agentSide.client.expect('presence');
  return { id: routed.id, agentId: routed.agentId, agent: agentSide.client, customer: customerSide.client, agentToken: agentSide.token };
}

let ids = 1;
const started = (_conversationId: string, callId: string, video = true) => frame('call-started', { callId, video }, { id: ids++ });
const ended = (_conversationId: string, callId: string) => frame('call-ended', { callId }, { id: ids++ });
const activeCall = (callId: string) => ({ callId, phase: 'active' as const, video: true, muted: false, videoEnabled: true });

describe('agent capacity during calls, over signaling', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  let supervisor: string;

  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, resumeGraceMs: GRACE_MS });
    supervisor = await apiToken(server, 'supervisor', 'sup');
    await signIn(server, 'ana', { capacity: 20 });
  });
  after(() => server.close());

  const inCall = async () => (await agent(server, supervisor, 'ana')).callState === 'in-call';
  const waitIdle = (label: string) => eventually(() => agent(server, supervisor, 'ana'), (a) => a.callState === 'idle', label, 3_000);
  const waitInCall = (label: string) => eventually(() => agent(server, supervisor, 'ana'), (a) => a.callState === 'in-call', label, 3_000);

  it('call-started takes all capacity and is not relayed; call-ended gives it back', async () => {
    const pair = await routedPair(server, 'cc-1');
    assert.equal(pair.agentId, 'ana');
    pair.agent.send(started(pair.id, 'call-1'));
    const busy = await waitInCall('after call-started');
    assert.deepEqual([busy.used, busy.available, busy.call?.callId, busy.call?.conversationId], [20, 0, 'call-1', pair.id]);
    assert.equal((await conversation(server, supervisor, pair.id)).call?.callId, 'call-1');
    await pair.customer.expectSilence(100);

    const whileBusy = (await requestChat(server, 'cc-queued')).conversation;
    assert.equal(whileBusy.status, 'queued', 'nothing is routed to an agent in a call');

    pair.agent.send(ended(pair.id, 'call-1'));
    const free = await waitIdle('after call-ended');
    assert.deepEqual([free.used, free.available], [2, 18], 'two conversations, no call');
    assert.equal((await conversation(server, supervisor, whileBusy.id)).agentId, 'ana', 'the queued request was routed when the call ended');
    pair.agent.close();
    pair.customer.close();
  });

  it('a call-ended for an older call does not end the current one', async () => {
    const pair = await routedPair(server, 'cc-2');
    pair.agent.send(started(pair.id, 'old'));
    pair.agent.send(started(pair.id, 'new'));
    pair.agent.send(ended(pair.id, 'old'));
    await pair.agent.expectSilence(150);
    assert.equal(await inCall(), true);
    pair.agent.send(ended(pair.id, 'new'));
    await waitIdle('after the current call ended');
    pair.agent.close();
    pair.customer.close();
  });

  it('leave ends the agent call at once', async () => {
    const pair = await routedPair(server, 'cc-3');
    pair.agent.send(started(pair.id, 'call'));
    await waitInCall('started');
    pair.agent.send(frame('leave', {}));
    await waitIdle('after leave');
    pair.agent.close();
    pair.customer.close();
  });

  it('a dropped agent socket that comes back within the grace period, announcing its call, keeps the call', async () => {
    const pair = await routedPair(server, 'cc-4');
    pair.agent.send(started(pair.id, 'call'));
    await waitInCall('started');
    pair.agent.terminate();
    const back = await join(server, pair.id, 'agent', { token: pair.agentToken, call: activeCall('call') });
    assert.equal(back.joined.payload.resumed, true);
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 150));
    assert.equal(await inCall(), true, 'still in the call after the grace period');
    back.client.send(ended(pair.id, 'call'));
    await waitIdle('ended after the resume');
    back.client.close();
    pair.customer.close();
  });

  it('a dropped agent socket that never comes back frees the capacity after the grace period', async () => {
    const pair = await routedPair(server, 'cc-5');
    pair.agent.send(started(pair.id, 'call'));
    await waitInCall('started');
    const droppedAt = Date.now();
    pair.agent.terminate();
    await pair.customer.expect('presence');
    assert.ok(Date.now() - droppedAt >= GRACE_MS - 20, 'not before the grace period');
    const free = await waitIdle('after the grace period');
    assert.equal(free.conversations.includes(pair.id), true, 'the conversation stays with the agent (the customer is still there)');
    pair.customer.close();
  });

  it('the customer gone for good ends the call too; both gone ends the conversation', async () => {
    const pair = await routedPair(server, 'cc-6');
    pair.agent.send(started(pair.id, 'call'));
    await waitInCall('started');
    pair.customer.send(frame('leave', {}));
    await waitIdle('after the customer left');
    pair.agent.send(frame('leave', {}));
    await eventually(() => conversation(server, supervisor, pair.id), (c) => c.status === 'ended', 'the conversation ended');
    assert.equal((await conversation(server, supervisor, pair.id)).endReason, 'members-left');
    pair.agent.close();
    pair.customer.close();
  });

  it('refuses call-started and call-ended from the customer (forbidden)', async () => {
    const pair = await routedPair(server, 'cc-7');
    const fake = frame('call-started', { callId: 'x', video: false }, { id: 99 });
    pair.customer.send(fake);
    await pair.customer.expectError('forbidden', { replyTo: 99 });
    assert.equal(await inCall(), false);
    pair.agent.close();
    pair.customer.close();
  });

  it('ignores calls in conversations that were not routed (QA mode), without an error', async () => {
    const qa = await join(server, 'qa-conversation', 'agent');
    qa.client.send(started('qa-conversation', 'call'));
    await qa.client.expectSilence(100);
    assert.equal(await inCall(), false);
    qa.client.close();
  });
});

describe('the calling option on the wire', { timeout: SUITE_TIMEOUT_MS }, () => {
  const servers: RunningServer[] = [];
  after(() => Promise.all(servers.map((s) => s.close())));

  async function deployment(calling: CallingOption) {
    const server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, deployment: { calling } });
    servers.push(server);
    await signIn(server, 'ana');
    const supervisor = await apiToken(server, 'supervisor', 'sup');
    const pair = await routedPair(server, 'customer');
    return { server, supervisor, ...pair };
  }

  it('voice-only: a video invite, a video accept and a video call-started are refused with video-not-allowed and go nowhere', async () => {
    const { server, supervisor, id, agent: agentClient, customer } = await deployment('voice-only');
    const videoInvite = relayed('call-invite', { callId: 'v', video: true }, 1);
    agentClient.send(videoInvite);
    const error = await agentClient.expectError('video-not-allowed', { seq: 1 });
    assert.match(error.payload.message, /voice-only/);
    // The customer gets a skip in its place: its view of the agent's sequence has no gap.
    assert.deepEqual(await customer.next(), { v: 2, type: 'skip', seq: 1, payload: {} });
    const videoStarted = started(id, 'v', true);
    agentClient.send(videoStarted);
    await agentClient.expectError('video-not-allowed', { replyTo: videoStarted.id! });
    assert.equal((await agent(server, supervisor, 'ana')).callState, 'idle', 'a refused call takes no capacity');
    const videoAccept = relayed('call-accept', { callId: 'v', video: true }, 1, 1);
    customer.send(videoAccept);
    await customer.expectError('video-not-allowed', { seq: 1 });
    assert.deepEqual(await agentClient.next(), { v: 2, type: 'skip', seq: 1, ack: 1, payload: {} }, 'the refused frame\'s ack still arrives');

    const voiceInvite = relayed('call-invite', { callId: 'a', video: false }, 2);
    agentClient.send(voiceInvite);
    assert.equal((await customer.expect('call-invite')).seq, 2, 'a voice call goes through');
    agentClient.send(started(id, 'a', false));
    await eventually(() => agent(server, supervisor, 'ana'), (a) => a.callState === 'in-call', 'voice call counted');
    agentClient.close();
    customer.close();
  });

  it('off: every invite and call-started is refused with calls-disabled', async () => {
    const { id, agent: agentClient, customer } = await deployment('off');
    let seq = 0;
    for (const video of [false, true]) {
      const invite = relayed('call-invite', { callId: `c-${video}`, video }, ++seq);
      agentClient.send(invite);
      await agentClient.expectError('calls-disabled', { seq });
      assert.equal((await customer.expect('skip')).seq, seq, 'the customer never rings');
    }
    const notice = started(id, 'c', false);
    agentClient.send(notice);
    await agentClient.expectError('calls-disabled', { replyTo: notice.id! });
    await customer.expectSilence(100);
    const chat = relayed('chat-message', { text: 'the chat still works' }, seq + 1);
    agentClient.send(chat);
    assert.equal((await customer.expect('chat-message')).payload.text, 'the chat still works');
    agentClient.close();
    customer.close();
  });
});
