/**
 * TURN for real: a GCC deployment whose North America region points at a coturn started on
 * loopback. Both Chromium pages configure their engines from `GET /api/config` and force relay
 * (`iceTransportPolicy: 'relay'`): the peer connections are built with the North America servers,
 * the selected candidate pairs are relayed, and audio and video flow both ways through coturn.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/server.js';
import { launchChromium } from './support/browser.js';
import { openSide, uniqueConversation, type Side } from './support/call-pair.js';
import { startCoturn, turnUnavailableReason, type Coturn } from './support/coturn.js';

const harnessDir = fileURLToPath(new URL('./harness/', import.meta.url));
const FLOWING = 1_000;
const unavailable = turnUnavailableReason();

describe('a relay-only call through coturn', { timeout: 120_000, skip: unavailable ?? false }, () => {
  let coturn: Coturn;
  let server: RunningServer;
  let browser: Browser;
  const open: Side[] = [];

  before(async () => {
    coturn = await startCoturn();
    server = await startServer({
      mode: 'development',
      port: 0,
      host: '127.0.0.1',
      staticMounts: { '/test-harness/': harnessDir },
      deployment: {
        calling: 'video-and-voice',
        region: 'gcc',
        regions: {
          na: { iceServers: [{ urls: coturn.url, username: coturn.username, credential: coturn.credential }] },
          // A region the call must not use: nothing listens there.
          eu: { iceServers: [{ urls: 'turn:127.0.0.1:9?transport=udp', username: 'eu', credential: 'eu' }] },
        },
      },
    });
    browser = await launchChromium();
  });

  after(async () => {
    await Promise.all(open.map((side) => side.close().catch(() => {})));
    await browser?.close();
    await server?.close();
    await coturn?.stop();
  });

  it('GCC resolves to the North America TURN server, and audio and video flow relayed both ways', async (t) => {
    const conversation = uniqueConversation('turn');
    const [agent, customer] = await Promise.all([openSide(browser, server.url), openSide(browser, server.url)]);
    open.push(agent, customer);
    const options = { conversation, fromServerConfig: true, iceTransportPolicy: 'relay' };
    await customer.join({ role: 'customer', ...options });
    await agent.join({ role: 'agent', ...options });

    await agent.run((h) => h.startCall({ video: true }));
    await customer.waitForPhase('incoming');
    await customer.run((h) => h.accept({ video: true }));
    await Promise.all([agent.waitForPhase('active', 20_000), customer.waitForPhase('active', 20_000)]);

    const expectedServers = [{ urls: coturn.url, username: coturn.username, credential: coturn.credential }];
    for (const [label, side] of [['agent', agent], ['customer', customer]] as const) {
      const configurations = await side.run((h) => h.peerConnectionConfigurations());
      assert.equal(configurations.length, 1, `${label}: one peer connection`);
      assert.deepEqual(configurations[0].iceServers, expectedServers, `${label}: RTCPeerConnection was given the North America servers`);
      assert.equal(configurations[0].iceTransportPolicy, 'relay', `${label}: relay only`);

      const pair = await side.run((h) => h.selectedCandidatePair());
      assert.ok(pair, `${label}: a selected candidate pair`);
      assert.equal(pair.local.type, 'relay', `${label}: the local candidate is relayed: ${JSON.stringify(pair)}`);
      assert.equal(pair.remote.type, 'relay', `${label}: the remote candidate is relayed: ${JSON.stringify(pair)}`);
      assert.match(String(pair.local.url), new RegExp(`127\\.0\\.0\\.1:${coturn.port}`), `${label}: relayed by our coturn`);
      const types = await side.run((h) => h.candidateTypes());
      assert.deepEqual(types.local, ['relay'], `${label}: no host or server-reflexive candidate was even gathered`);
      t.diagnostic(`${label} selected pair: ${JSON.stringify(pair)}`);
    }

    const [agentIn, customerIn] = await Promise.all([agent.inboundGrowth(1_500), customer.inboundGrowth(1_500)]);
    t.diagnostic(`bytes in 1.5 s through TURN: agent ${JSON.stringify(agentIn)}, customer ${JSON.stringify(customerIn)}`);
    assert.ok(agentIn.audio > FLOWING && agentIn.video > FLOWING, `agent receives audio and video through TURN: ${JSON.stringify(agentIn)}`);
    assert.ok(customerIn.audio > FLOWING && customerIn.video > FLOWING, `customer receives audio and video through TURN: ${JSON.stringify(customerIn)}`);

    await agent.run((h) => h.end());
    await customer.waitForPhase('ended');
    const log = coturn.output();
    assert.match(log, /ALLOCATE processed, success/, 'coturn allocated relays');
    assert.match(log, /CREATE_PERMISSION processed, success/, 'coturn opened permissions for the peers');
    // coturn's own account of the relayed bytes, logged when the closed peer connections release their allocations.
    const relayed = await coturnPeerBytes(coturn, 5_000);
    t.diagnostic(`coturn relayed ${relayed} bytes to and from the peers`);
    assert.ok(relayed > 20_000, `coturn itself counted the media it relayed: ${relayed} bytes`);
  });
});

/** Sum of the `peer usage` bytes (received + sent) coturn logged, waiting until it logged some. */
async function coturnPeerBytes(coturn: Coturn, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = [...coturn.output().matchAll(/peer usage: .*?rb=(\d+), sp=\d+, sb=(\d+)/g)];
    if (lines.length > 0 || Date.now() > deadline) return lines.reduce((sum, [, rb, sb]) => sum + Number(rb) + Number(sb), 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
