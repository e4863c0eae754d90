/**
 * TURN for real: a GCC deployment whose North America region points at a coturn started on
 * loopback with ephemeral credentials (`use-auth-secret`, the TURN REST scheme; issue #10 row 9).
 * Both Chromium pages configure their engines from `GET /api/config` with their conversation
 * tokens and force relay (`iceTransportPolicy: 'relay'`): each gets its own minutes-long
 * credential, the selected candidate pairs are relayed, and audio and video flow both ways through
 * coturn. Who gets credentials, and which ones coturn refuses, is asked of coturn directly.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { issueApiToken } from '../../server/auth.js';
import type { PublicDeploymentConfig } from '../../server/deployment.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { turnCredential } from '../../server/turn-credentials.js';
import type { MediaRegion } from '../../src/media/regions.js';
import { api, expectStatus, requestChat, signIn } from '../server/api-helpers.js';
import { token } from '../server/helpers.js';
import { launchChromium } from './support/browser.js';
import { openSide, uniqueConversation, type Side } from './support/call-pair.js';
import { startCoturn, turnUnavailableReason, type Coturn } from './support/coturn.js';
import { TurnClient } from './support/turn-client.js';

const harnessDir = fileURLToPath(new URL('./harness/', import.meta.url));
const FLOWING = 1_000;
const unavailable = turnUnavailableReason();
const TURN_SECRET = randomBytes(32).toString('base64url');
const TTL_S = 600;
/** What docs/security.md tells production to deny (loopback stays allowed here: both browsers relay on it). */
const PRIVATE_RANGES = ['0.0.0.0-0.255.255.255', '10.0.0.0-10.255.255.255', '100.64.0.0-100.127.255.255', '169.254.0.0-169.254.255.255', '172.16.0.0-172.31.255.255', '192.168.0.0-192.168.255.255'];

/** The North America TURN servers a token is given by `GET /api/config`. */
async function naServers(server: RunningServer, bearer: string): Promise<RTCIceServer[]> {
  const config = expectStatus(await api<PublicDeploymentConfig>(server, 'GET', '/api/config', { token: bearer }), 200, 'GET /api/config');
  return [...(config.regions.na as MediaRegion).iceServers];
}

describe('a relay-only call through coturn', { timeout: 120_000, skip: unavailable ?? false }, () => {
  let coturn: Coturn;
  let server: RunningServer;
  let browser: Browser;
  const open: Side[] = [];

  before(async () => {
    coturn = await startCoturn({ authSecret: TURN_SECRET, deniedPeerIps: PRIVATE_RANGES });
    server = await startServer({
      mode: 'development',
      port: 0,
      host: '127.0.0.1',
      staticMounts: { '/test-harness/': harnessDir },
      turn: { secret: TURN_SECRET, ttlS: TTL_S },
      deployment: {
        calling: 'video-and-voice',
        region: 'gcc',
        regions: {
          // No credentials in the map: the server signs one per member.
          na: { iceServers: [{ urls: coturn.url }] },
          // A region the call must not use: nothing listens there.
          eu: { iceServers: [{ urls: 'turn:127.0.0.1:9?transport=udp' }] },
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

    const usernames: string[] = [];
    for (const [label, side] of [['agent', agent], ['customer', customer]] as const) {
      const configurations = await side.run((h) => h.peerConnectionConfigurations());
      assert.equal(configurations.length, 1, `${label}: one peer connection`);
      const servers = configurations[0].iceServers ?? [];
      assert.deepEqual(servers.map((s) => s.urls), [coturn.url], `${label}: RTCPeerConnection was given the North America server`);
      const [expiry, member] = splitUsername(String(servers[0].username));
      assert.equal(member, `${conversation}:${label}`, `${label}: a credential of its own`);
      const left = expiry - Date.now() / 1000;
      assert.ok(left > TTL_S - 120 && left <= TTL_S, `${label}: valid for minutes (${Math.round(left)} s left)`);
      usernames.push(String(servers[0].username));
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
    for (const username of usernames) assert.ok(log.includes(username), `coturn authenticated ${username}`);
  });

  it('gives credentials only to members of a live conversation, each its own, never to API tokens', async () => {
    const customerApi = await issueApiToken({ role: 'customer', subject: 'no-conversation' }, server.options.signingSecret);
    assert.deepEqual(await naServers(server, customerApi), [], 'a customer API token gets no TURN server (and no credential)');
    const supervisorApi = await issueApiToken({ role: 'supervisor', subject: 'sup' }, server.options.signingSecret);
    assert.deepEqual(await naServers(server, supervisorApi), []);

    await signIn(server, 'turn-agent');
    const chat = await requestChat(server, 'turn-customer');
    const [customerServer] = await naServers(server, chat.token);
    assert.match(String(customerServer.username), new RegExp(`^\\d+:${chat.conversation.id}:customer$`));
    const agentToken = await token(server, { role: 'agent', conversationId: chat.conversation.id, subject: 'turn-agent' });
    const [agentServer] = await naServers(server, agentToken);
    assert.match(String(agentServer.username), new RegExp(`^\\d+:${chat.conversation.id}:agent$`));
    assert.notEqual(agentServer.credential, customerServer.credential);

    expectStatus(await api(server, 'POST', `/api/conversations/${chat.conversation.id}/end`, { token: chat.token }), 200);
    assert.deepEqual(await naServers(server, chat.token), [], 'nothing for a conversation that ended');
  });

  it('coturn accepts the issued credentials and refuses expired, foreign and static ones, and private peers', async () => {
    const chat = await requestChat(server, 'turn-customer-2');
    const [issued] = await naServers(server, chat.token);
    const attempts: Array<[string, string, string, 'success' | number]> = [
      ['issued', String(issued.username), String(issued.credential), 'success'],
      ['expired a minute ago', ...pair(turnCredential(TURN_SECRET, 'c:customer', -60)), 401],
      ['signed with another secret', ...pair(turnCredential('not-the-shared-secret', 'c:customer', TTL_S)), 401],
      ['a static user', 'test', 'change-me', 401],
    ];
    for (const [label, username, password, expected] of attempts) {
      const client = await TurnClient.open(coturn.port);
      try {
        const answer = await client.allocate(username, password);
        assert.equal(answer.status, expected, `${label}: ${JSON.stringify(answer)}`);
        if (answer.status !== 'success') continue;
        for (const peer of ['10.1.2.3', '192.168.1.10', '172.20.0.5', '169.254.169.254']) {
          const permission = await client.createPermission(peer);
          assert.equal(permission.status, 403, `denied-peer-ip keeps ${peer} out: ${JSON.stringify(permission)}`);
        }
        assert.equal((await client.createPermission('127.0.0.1')).status, 'success', 'the loopback peers of this test are allowed');
      } finally {
        client.close();
      }
    }
  });
});

const pair = (credential: { username: string; credential: string }): [string, string] => [credential.username, credential.credential];

function splitUsername(username: string): [number, string] {
  const colon = username.indexOf(':');
  return [Number(username.slice(0, colon)), username.slice(colon + 1)];
}

/** Sum of the `peer usage` bytes (received + sent) coturn logged, waiting until it logged some. */
async function coturnPeerBytes(coturn: Coturn, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = [...coturn.output().matchAll(/peer usage: .*?rb=(\d+), sp=\d+, sb=(\d+)/g)];
    if (lines.length > 0 || Date.now() > deadline) return lines.reduce((sum, [, rb, sb]) => sum + Number(rb) + Number(sb), 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
