/**
 * The deployment's configuration in real browsers: pages configure their engines from
 * `GET /api/config`. A GCC deployment's peer connections get the North America servers (asserted on
 * what `RTCPeerConnection` was constructed with); explicit `iceServers` win; a voice-only deployment
 * offers no video and its server refuses a video call; a deployment with calls off has none.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { DeploymentConfig } from '../../server/deployment.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { launchChromium } from './support/browser.js';
import { openSide, uniqueConversation, type Side } from './support/call-pair.js';

const harnessDir = fileURLToPath(new URL('./harness/', import.meta.url));
// Unreachable on purpose (nothing listens on port 1): these tests look at configuration, not relaying.
const NA_SERVERS = [{ urls: 'turn:127.0.0.1:1?transport=udp', username: 'na-user', credential: 'na-secret' }];
const EU_SERVERS = [{ urls: 'turn:127.0.0.2:1?transport=udp', username: 'eu-user', credential: 'eu-secret' }];

let browser: Browser;
const servers: RunningServer[] = [];
const open: Side[] = [];

async function deployment(config: Partial<DeploymentConfig>): Promise<RunningServer> {
  const server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', staticMounts: { '/test-harness/': harnessDir }, deployment: config });
  servers.push(server);
  return server;
}

/** An agent and a customer page in one conversation, engines configured from the server's config (plus `agentOptions`). */
async function pair(server: RunningServer, agentOptions: Record<string, unknown> = {}) {
  const conversation = uniqueConversation('deployment');
  const [agent, customer] = await Promise.all([openSide(browser, server.url), openSide(browser, server.url)]);
  open.push(agent, customer);
  await customer.join({ role: 'customer', conversation, fromServerConfig: true });
  await agent.join({ role: 'agent', conversation, fromServerConfig: true, ...agentOptions });
  return { agent, customer };
}

const startCallOutcome = (side: Side, video: boolean) =>
  side.run((h, v) => h.startCall({ video: v as boolean }).then(() => 'started', (error: { code?: string }) => error.code ?? String(error)), video);

describe('deployment configuration in real browsers', { timeout: 120_000 }, () => {
  before(async () => {
    browser = await launchChromium();
  });

  after(async () => {
    await Promise.all(open.map((side) => side.close().catch(() => {})));
    await browser?.close();
    await Promise.all(servers.map((server) => server.close()));
  });

  describe('media region', () => {
    let gcc: RunningServer;
    before(async () => {
      gcc = await deployment({ region: 'gcc', regions: { na: { iceServers: NA_SERVERS }, eu: { iceServers: EU_SERVERS } } });
    });

    it('a GCC conversation: both peer connections are built with the North America servers', async () => {
      const { agent, customer } = await pair(gcc);
      await agent.run((h) => h.startCall({ video: true }));
      await customer.waitForPhase('incoming');
      for (const [label, side] of [['agent', agent], ['customer', customer]] as const) {
        const configurations = await side.run((h) => h.peerConnectionConfigurations());
        assert.equal(configurations.length, 1, `${label}: one peer connection`);
        assert.deepEqual(configurations[0].iceServers, NA_SERVERS, `${label}: RTCPeerConnection got the North America servers`);
        assert.deepEqual((await side.run((h) => h.engineOptions())).iceServers, NA_SERVERS, `${label}: the engine resolved gcc to na`);
      }
      await agent.run((h) => h.end());
      await customer.waitForPhase('ended');
    });

    it("explicit iceServers win over the region's", async () => {
      const explicit = [{ urls: 'stun:127.0.0.1:3' }];
      const { agent, customer } = await pair(gcc, { iceServers: explicit });
      await agent.run((h) => h.startCall({ video: false }));
      await customer.waitForPhase('incoming');
      assert.deepEqual((await agent.run((h) => h.peerConnectionConfigurations()))[0].iceServers, explicit);
      assert.deepEqual((await customer.run((h) => h.peerConnectionConfigurations()))[0].iceServers, NA_SERVERS, 'the other side still uses the region');
      await agent.run((h) => h.end());
      await customer.waitForPhase('ended');
    });
  });

  describe('calling option', () => {
    it('voice-only: the engine offers no video, voice calls work', async () => {
      const server = await deployment({ calling: 'voice-only' });
      const { agent, customer } = await pair(server);
      assert.deepEqual(await agent.run((h) => h.engineOptions().calling), 'voice-only');
      assert.equal(await agent.run((h) => h.engineOptions().allowVideo), false);
      assert.equal(await startCallOutcome(agent, true), 'video-not-allowed');
      assert.equal(await agent.phase(), 'idle', 'nothing rang');
      assert.equal(await startCallOutcome(agent, false), 'started');
      await customer.waitForPhase('incoming');
      await customer.run((h) => h.accept({ video: false }));
      await Promise.all([agent.waitForPhase('active'), customer.waitForPhase('active')]);
      await agent.run((h) => h.end());
      await customer.waitForPhase('ended');
    });

    it('voice-only: the server refuses a video call from a misconfigured engine with video-not-allowed, and the customer never rings', async () => {
      const server = await deployment({ calling: 'voice-only' });
      const { agent, customer } = await pair(server, { calling: 'video-and-voice' });
      assert.equal(await startCallOutcome(agent, true), 'started', 'this engine thinks video is allowed');
      await agent.waitForPhase('ended');
      const log = await agent.log();
      assert.equal(log.endReason, 'failed');
      assert.ok(log.errors.includes('video-not-allowed'), `the agent sees video-not-allowed: ${JSON.stringify(log.errors)}`);
      assert.deepEqual((await customer.log()).phases, [], 'the customer never rang');
    });

    it('off: the engine refuses every call with calls-disabled, and so does the server', async () => {
      const server = await deployment({ calling: 'off' });
      const { agent, customer } = await pair(server);
      assert.equal(await agent.run((h) => h.engineOptions().calling), 'off');
      assert.equal(await startCallOutcome(agent, false), 'calls-disabled');

      const misconfigured = await pair(server, { calling: 'video-and-voice' });
      assert.equal(await startCallOutcome(misconfigured.agent, false), 'started');
      await misconfigured.agent.waitForPhase('ended');
      assert.ok((await misconfigured.agent.log()).errors.includes('calls-disabled'), 'the server refused it');
      assert.deepEqual((await misconfigured.customer.log()).phases, [], 'the customer never rang');
      assert.deepEqual((await customer.log()).phases, []);
    });
  });
});
