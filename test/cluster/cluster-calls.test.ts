/**
 * Calls across nodes in real Chromium with the demo's panels: redis-server, three reference-server
 * nodes, nginx in front (deploy/nginx.conf). The agent's page talks to one node and the customer's to
 * another; media flows, mute and end work both ways, also across a Redis restart mid-call. Then the
 * node of one member is SIGKILLed mid-call: that member's page reconnects through nginx to a
 * surviving node and resumes, and the call goes on (media, mute both ways, end).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../e2e/support/browser.js';
import { uniqueConversation } from '../e2e/support/call-pair.js';
import { closeAll, framesAdvance, inCall, openDemoPair, shows, status, toggle, videoCall } from '../e2e/support/demo-pages.js';
import type { ServerProcess } from '../e2e/support/server-process.js';
import { eventually } from './support/cluster-api.js';
import { Nginx } from './support/nginx.js';
import { startCluster, type Cluster } from './support/cluster.js';

async function muteBothWays(agent: Page, customer: Page): Promise<void> {
  await toggle(agent, 'Mute', 'Unmute');
  await shows(customer, 'Agent is muted', true);
  await toggle(agent, 'Unmute', 'Mute');
  await shows(customer, 'Agent is muted', false);
  await toggle(customer, 'Mute', 'Unmute');
  await shows(agent, 'Customer is muted', true);
  await toggle(customer, 'Unmute', 'Mute');
  await shows(agent, 'Customer is muted', false);
}

/** The node whose log shows `role` taking (or resuming) its seat in `conversation` most recently. */
function nodeSeating(nodes: readonly ServerProcess[], conversation: string, role: string): ServerProcess | undefined {
  const needle = (event: string) => `"event":"${event}","conversationId":"${conversation}","role":"${role}"`;
  return nodes.find((node) => node.alive && (node.output.includes(needle('join')) || node.output.includes(needle('resume'))));
}

describe('calls between members on different nodes', { timeout: 300_000 }, () => {
  let cluster: Cluster;
  let browser: Browser;

  before(async () => {
    // CCK_LOG=debug: each node logs its seat events, so the test knows where each member is.
    [cluster, browser] = await Promise.all([startCluster(3, { CCK_LOG: 'debug' }), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  it('agent on node 1, customer on node 2: media flows, mute both ways (also after a Redis restart), the customer ends it; then the agent ends the next one', async () => {
    const [one, two] = cluster.nodes;
    const pair = await openDemoPair(browser, { agent: one.url, customer: two.url }, uniqueConversation('cross-node'));
    try {
      assert.equal(nodeSeating(cluster.nodes, pair.conversation, 'agent'), one);
      assert.equal(nodeSeating(cluster.nodes, pair.conversation, 'customer'), two);
      await videoCall(pair);
      await Promise.all([framesAdvance(pair.agent, 'Customer video'), framesAdvance(pair.customer, 'Agent video')]);
      await muteBothWays(pair.agent, pair.customer);
      // Redis restarts mid-call: the nodes reconnect and re-subscribe; what was lost meanwhile is re-sent end to end.
      await cluster.redis.restart();
      await muteBothWays(pair.agent, pair.customer);
      await pair.customer.getByRole('button', { name: 'End call' }).click();
      await status(pair.agent, 'The other side ended the call');
      await videoCall(pair);
      await framesAdvance(pair.customer, 'Agent video');
      await pair.agent.getByRole('button', { name: 'End call' }).click();
      await status(pair.customer, 'The other side ended the call');
    } finally {
      await closeAll(pair.agent, pair.customer);
    }
  });

  it('the customer\'s node SIGKILLed mid-call: the customer resumes through nginx on another node and the call goes on', async (t) => {
    const [agentNode, ...others] = cluster.nodes;
    // The customer's load balancer spreads it over the two other nodes (deploy/nginx.conf, two upstreams).
    const balancer = await Nginx.start(others.map((node) => node.port));
    const pair = await openDemoPair(browser, { agent: agentNode.url, customer: balancer.url }, uniqueConversation('kill-node'));
    try {
      await videoCall(pair);
      const customerNode = nodeSeating(others, pair.conversation, 'customer');
      assert.ok(customerNode, 'the customer is seated on one of the balanced nodes');
      const survivor = others.find((node) => node !== customerNode)!;
      await customerNode.kill();
      const killedAt = Date.now();
      // Media is peer to peer: it keeps flowing while signaling moves.
      await Promise.all([framesAdvance(pair.agent, 'Customer video'), framesAdvance(pair.customer, 'Agent video')]);
      await eventually(async () => nodeSeating([survivor], pair.conversation, 'customer'), (node) => node === survivor, 30_000);
      t.diagnostic(`customer resumed on the surviving node ${Date.now() - killedAt} ms after its node was killed`);
      await Promise.all([status(pair.agent, 'In a call', 20_000), status(pair.customer, 'In a call', 20_000)]);
      assert.deepEqual([await inCall(pair.agent), await inCall(pair.customer)], [true, true]);
      await Promise.all([framesAdvance(pair.agent, 'Customer video'), framesAdvance(pair.customer, 'Agent video')]);
      await muteBothWays(pair.agent, pair.customer);
      await pair.customer.getByRole('button', { name: 'End call' }).click();
      await status(pair.agent, 'The other side ended the call');
    } finally {
      await closeAll(pair.agent, pair.customer);
      await balancer.stop();
    }
  });
});
