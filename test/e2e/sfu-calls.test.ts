/**
 * Calls through the SFU, end to end: the reference server in SFU mode with the real mediasoup
 * worker, two real Chromium pages configured from `GET /api/config` (so their engines pick the SFU
 * media session by themselves). Media flows both ways and every browser's selected candidate pairs
 * point at the SFU, never at the other browser; a region's `sfuUrl` decides the address browsers
 * send media to (a `gcc` deployment gets the North America SFU); a restarted server, which lost the
 * SFU and its transports, carries the call again once the sessions have rebuilt them.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { DeploymentConfig } from '../../server/deployment.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { sfuUnavailableReason } from '../support/sfu.js';
import { launchChromium } from './support/browser.js';
import { activeCall, type Side } from './support/call-pair.js';

const unavailable = await sfuUnavailableReason();
const harnessDir = fileURLToPath(new URL('./harness/', import.meta.url));
const FLOWING = 1_000;

describe('calls through the SFU', { timeout: 240_000, skip: unavailable ?? false }, () => {
  let browser: Browser;
  const servers: RunningServer[] = [];
  const open: Side[] = [];

  before(async () => {
    browser = await launchChromium();
  });

  after(async () => {
    await Promise.all(open.map((side) => side.close().catch(() => {})));
    await browser?.close();
    await Promise.all(servers.map((server) => server.close()));
  });

  async function sfuServer(deployment: Partial<DeploymentConfig>): Promise<RunningServer> {
    const server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', staticMounts: { '/test-harness/': harnessDir }, deployment, sfu: { workers: 1 } });
    servers.push(server);
    return server;
  }

  const videoCall = (server: RunningServer) => activeCall(browser, server.url, open, { video: true, label: 'sfu-call', join: { fromServerConfig: true } });

  async function waitForBothKinds(side: Side, label: string): Promise<void> {
    let last;
    for (let attempt = 0; attempt < 15; attempt += 1) {
      last = await side.inboundGrowth(1_000);
      if (last.audio > FLOWING && last.video > FLOWING) return;
    }
    assert.fail(`${label}: audio and video flowing, last second ${JSON.stringify(last)}`);
  }

  /** Every selected pair of `side` ends at an SFU transport on `address`, never at a port of `other`'s. */
  async function assertPairsPointAtSfu(server: RunningServer, side: Side, other: Side, address: string, label: string): Promise<void> {
    const sfuPorts = new Set(await server.sfu!.transportPorts());
    const pairs = await side.run((h) => h.selectedPairs());
    const otherPorts = new Set((await other.run((h) => h.selectedPairs())).map((pair) => pair.local.port));
    assert.equal(pairs.length, 2, `${label}: a send and a receive connection, got ${JSON.stringify(pairs)}`);
    for (const pair of pairs) {
      assert.equal(pair.remote.address, address, `${label}: media goes to the SFU's announced address`);
      assert.ok(sfuPorts.has(pair.remote.port), `${label}: ${pair.remote.port} is an SFU transport (${[...sfuPorts].join(', ')})`);
      assert.ok(!otherPorts.has(pair.remote.port), `${label}: not the other browser's port`);
    }
  }

  it('CCK_MEDIA=sfu: a video call carries audio and video both ways, and the candidate pairs point at the SFU', async () => {
    const server = await sfuServer({ media: 'sfu' });
    const { agent, customer } = await videoCall(server);
    await Promise.all([waitForBothKinds(agent, 'agent receives'), waitForBothKinds(customer, 'customer receives')]);
    await assertPairsPointAtSfu(server, agent, customer, '127.0.0.1', 'agent');
    await assertPairsPointAtSfu(server, customer, agent, '127.0.0.1', 'customer');
    for (const side of [agent, customer]) {
      const bytes = await side.bytes();
      assert.ok(bytes.outbound.audio > 0 && bytes.outbound.video > 0, 'each side sends audio and video up to the SFU');
    }
  });

  it('a restarted server (its SFU and every transport gone) carries the call again: the sessions rebuild', async () => {
    const first = await sfuServer({ media: 'sfu' });
    const { agent, customer } = await videoCall(first);
    await Promise.all([waitForBothKinds(agent, 'agent before'), waitForBothKinds(customer, 'customer before')]);
    const port = first.port;
    await first.close();
    servers.splice(servers.indexOf(first), 1);
    // The same address, empty memory: the pages rejoin, their seats are gone, so are the SFU's transports.
    // Development mode signs with the secret it keeps in its cache directory: the same one after the restart.
    const second = await startServer({ mode: 'development', port, host: '127.0.0.1', staticMounts: { '/test-harness/': harnessDir }, deployment: { media: 'sfu' }, sfu: { workers: 1 } });
    servers.push(second);
    await Promise.all([waitForBothKinds(agent, 'agent after the restart'), waitForBothKinds(customer, 'customer after the restart')]);
    assert.equal(await agent.phase(), 'active');
    assert.equal(await customer.phase(), 'active');
    await assertPairsPointAtSfu(second, agent, customer, '127.0.0.1', 'agent after the restart');
  });

  it('a gcc deployment sends its media to the North America SFU named by the region’s sfuUrl', async () => {
    // 127.0.0.2 is loopback too: a distinct address proves the candidates come from the region's sfuUrl.
    const server = await sfuServer({ region: 'gcc', regions: { na: { iceServers: [], sfuUrl: 'https://127.0.0.2/' } } });
    assert.equal(server.options.deployment.media, 'sfu', 'a media region with an SFU turns SFU mode on');
    const { agent, customer } = await videoCall(server);
    await Promise.all([waitForBothKinds(agent, 'agent receives'), waitForBothKinds(customer, 'customer receives')]);
    await assertPairsPointAtSfu(server, agent, customer, '127.0.0.2', 'agent');
    await assertPairsPointAtSfu(server, customer, agent, '127.0.0.2', 'customer');
  });
});
