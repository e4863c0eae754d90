/**
 * Agent capacity with real calls: two Chromium pages run the engines of a routed conversation, and
 * the agent's engine reports its calls to the reference server (the default capacity reporter).
 * An agent in a call receives no routed conversation while another agent with capacity does; a
 * queued request is routed when the call ends; a supervisor still assigns during the call; and the
 * capacity comes back after every kind of call end, including the agent's browser closing (within 2 s:
 * the page leaves as it goes).
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { AgentView } from '../../server/capacity.js';
import type { ConversationView } from '../../server/routing.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { agent as agentView, api, apiToken, conversation, eventually, expectStatus, requestChat, signIn } from '../server/api-helpers.js';
import { launchChromium } from './support/browser.js';
import { openSide, type Side } from './support/call-pair.js';

const harnessDir = fileURLToPath(new URL('./harness/', import.meta.url));
/** The server's resume grace period: how long a vanished agent's call still counts. */
const GRACE_MS = 1_500;

let server: RunningServer;
let browser: Browser;
let supervisor: string;
const open: Side[] = [];

/** Both sides of a routed conversation, joined as its assigned agent and its customer (nobody else may). */
async function sides(routed: ConversationView, agentOptions: Record<string, unknown> = {}) {
  const [agent, customer] = await Promise.all([openSide(browser, server.url), openSide(browser, server.url)]);
  open.push(agent, customer);
  await customer.join({ role: 'customer', conversation: routed.id, subject: routed.customerId });
  await agent.join({ role: 'agent', conversation: routed.id, subject: routed.agentId, ...agentOptions });
  return { agent, customer };
}

async function connectedCall(agent: Side, customer: Side, video = false): Promise<void> {
  await agent.run((h, v) => h.startCall({ video: v as boolean }), video);
  await customer.waitForPhase('incoming');
  await customer.run((h, v) => h.accept({ video: v as boolean }), video);
  await Promise.all([agent.waitForPhase('active'), customer.waitForPhase('active')]);
}

const view = (id: string) => agentView(server, supervisor, id);
const waitFor = (id: string, check: (a: AgentView) => boolean, label: string, timeoutMs = 5_000) => eventually(() => view(id), check, label, timeoutMs);
const inCall = (a: AgentView) => a.callState === 'in-call';
const idle = (a: AgentView) => a.callState === 'idle';

describe('agent capacity with real calls', { timeout: 120_000 }, () => {
  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', resumeGraceMs: GRACE_MS, staticMounts: { '/test-harness/': harnessDir } });
    supervisor = await apiToken(server, 'supervisor', 'sup');
    browser = await launchChromium();
  });

  after(async () => {
    await Promise.all(open.map((side) => side.close().catch(() => {})));
    await browser?.close();
    await server?.close();
  });

  it('routes around an agent in a call, lets a supervisor assign to it, and drains the queue to it when the call ends', async () => {
    await signIn(server, 'alice', { capacity: 3 });
    const c1 = (await requestChat(server, 'customer-1')).conversation;
    assert.equal(c1.agentId, 'alice');
    await signIn(server, 'bob', { capacity: 1 });

    const { agent, customer } = await sides(c1);
    await connectedCall(agent, customer, true);
    const busy = await waitFor('alice', inCall, 'alice in a call');
    assert.deepEqual([busy.used, busy.available, busy.call?.conversationId], [3, 0, c1.id], 'the call takes all of alice\'s capacity');

    const c2 = (await requestChat(server, 'customer-2')).conversation;
    assert.equal(c2.agentId, 'bob', 'the request goes to bob, who has capacity, not to alice in her call');
    const c3 = (await requestChat(server, 'customer-3')).conversation;
    assert.deepEqual([c3.status, c3.queuePosition], ['queued', 1], 'bob is full and alice is in a call: queued');
    const c4 = (await requestChat(server, 'customer-4')).conversation;
    assert.deepEqual([c4.status, c4.queuePosition], ['queued', 2]);

    const assigned = expectStatus(
      await api<{ conversation: { agentId: string; assignedBy: string } }>(server, 'POST', `/api/conversations/${c4.id}/assign`, { token: supervisor, body: { agentId: 'alice' } }),
      200,
      'supervisor assignment during the call',
    );
    assert.deepEqual([assigned.conversation.agentId, assigned.conversation.assignedBy], ['alice', 'supervisor']);
    assert.equal((await conversation(server, supervisor, c3.id)).status, 'queued', 'still nothing routed to alice');

    await agent.run((h) => h.end());
    await customer.waitForPhase('ended');
    const free = await waitFor('alice', idle, 'alice after hanging up');
    assert.equal((await conversation(server, supervisor, c3.id)).agentId, 'alice', 'the queued request was routed to alice when her call ended');
    assert.deepEqual([free.conversations.length, free.used, free.available], [3, 3, 0]);
  });

  it('capacity comes back after every kind of call end, including a closed agent browser', async (t) => {
    await signIn(server, 'carol', { capacity: 2 });
    const routed = (await requestChat(server, 'customer-carol')).conversation;
    assert.equal(routed.agentId, 'carol');
    const pages = await sides(routed, { ringTimeoutMs: 2_000 });
    const customer = pages.customer;
    let agent = pages.agent;
    const ringing = async () => {
      await agent.run((h) => h.startCall({ video: false }));
      await customer.waitForPhase('incoming');
      await waitFor('carol', inCall, 'ringing counts as in a call');
    };
    const ends: Array<[string, () => Promise<void>]> = [
      ['the agent hangs up', async () => {
        await connectedCall(agent, customer);
        await waitFor('carol', inCall, 'in the call');
        await agent.run((h) => h.end());
      }],
      ['the customer hangs up', async () => {
        await connectedCall(agent, customer);
        await waitFor('carol', inCall, 'in the call');
        await customer.run((h) => h.end());
      }],
      ['the customer rejects', async () => {
        await ringing();
        await customer.run((h) => h.reject());
      }],
      ['the agent cancels while ringing', async () => {
        await ringing();
        await agent.run((h) => h.end());
      }],
      ['nobody answers (missed)', async () => {
        await ringing();
        await agent.waitForPhase('ended', 5_000);
      }],
      ['the agent engine is disposed mid-call (leave)', async () => {
        await connectedCall(agent, customer);
        await waitFor('carol', inCall, 'in the call');
        await agent.run((h) => h.dispose());
      }],
    ];
    for (const [kind, end] of ends) {
      await end();
      const back = await waitFor('carol', idle, `after: ${kind}`);
      assert.deepEqual([back.used, back.available], [1, 1], `${kind}: the conversation's unit only`);
      t.diagnostic(`capacity restored after: ${kind}`);
      if (kind.includes('disposed')) {
        // A fresh engine for the agent (the old one is gone), as a reloaded console would have.
        await agent.close();
        await customer.waitForPhase('ended');
        agent = await openSide(browser, server.url);
        open.push(agent);
        await agent.join({ role: 'agent', conversation: routed.id, subject: routed.agentId, ringTimeoutMs: 2_000 });
      }
    }

    // The agent's browser closes mid-call: the page leaves as it goes (pagehide), the capacity is back at once.
    await connectedCall(agent, customer, true);
    await waitFor('carol', inCall, 'in the call before the browser closes');
    const closedAt = Date.now();
    await agent.close();
    const back = await waitFor('carol', idle, 'after the closed browser', 2_000);
    const waited = Date.now() - closedAt;
    t.diagnostic(`capacity restored ${waited} ms after the agent's browser closed (grace ${GRACE_MS} ms)`);
    assert.deepEqual([back.used, back.available], [1, 1], 'the conversation stays with carol, the call is gone');
    await customer.waitForPhase('ended', 2_000);
    assert.equal((await customer.log()).endReason, 'remote-ended', 'the customer was told the agent left');
  });
});
