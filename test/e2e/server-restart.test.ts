/**
 * A call survives its signaling server being killed (SIGKILL: no goodbye, all memory gone) and
 * started again on the same port, in real Chromium with the demo's panels: during 3 s, 10 s and
 * 30 s outages media keeps flowing, both panels stay in the call and say the call service is
 * being reconnected; a mute clicked during the outage arrives after it; a camera turned off during
 * it hides the other side's tile at once (no frozen picture) and its message arrives after;
 * afterwards mute, camera and end work both ways. The demo's pages need development mode, which
 * signs with the secret it keeps in its cache directory (never a configured one, docs/security.md).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from './support/browser.js';
import { uniqueConversation } from './support/call-pair.js';
import { closeAll, framesAdvance, inCall, openDemoPair, shows, status, toggle, videoCall, type DemoPair } from './support/demo-pages.js';
import { ServerProcess } from './support/server-process.js';

const RECONNECTING = 'Reconnecting to the call service…';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let browser: Browser;
const cache = mkdtempSync(join(tmpdir(), 'cck-restart-cache-'));
const processes: ServerProcess[] = [];

async function serverProcess(env: Record<string, string>): Promise<ServerProcess> {
  const server = await ServerProcess.start({ XDG_CACHE_HOME: cache, ...env });
  processes.push(server);
  return server;
}

/** After the outage: mute and camera, each way, reach the other side. */
async function controlsWorkBothWays({ agent, customer }: DemoPair): Promise<void> {
  await toggle(agent, 'Mute', 'Unmute');
  await shows(customer, 'Agent is muted', true);
  await toggle(agent, 'Unmute', 'Mute');
  await shows(customer, 'Agent is muted', false);
  await toggle(customer, 'Turn off video', 'Turn on video');
  await shows(agent, 'Customer camera is off', true);
  assert.equal(await agent.getByLabel('Customer video').count(), 0, 'the agent sees the avatar, not a frozen picture');
  await toggle(customer, 'Turn on video', 'Turn off video');
  await shows(agent, 'Customer camera is off', false);
  await framesAdvance(agent, 'Customer video');
  await toggle(agent, 'Turn off video', 'Turn on video');
  await shows(customer, 'Agent camera is off', true);
  await toggle(agent, 'Turn on video', 'Turn off video');
  await framesAdvance(customer, 'Agent video');
}

/**
 * Kills the server, keeps it down `downMs`, and checks the call through it. The customer toggles
 * its microphone during the outage; returns whether it is muted now.
 */
async function outage(server: ServerProcess, pair: DemoPair, downMs: number, mutedBefore: boolean, t: { diagnostic(message: string): void }): Promise<boolean> {
  const { agent, customer } = pair;
  await server.kill();
  const killedAt = Date.now();
  await Promise.all([status(agent, RECONNECTING), status(customer, RECONNECTING)]);
  t.diagnostic(`${downMs} ms outage: both panels said "${RECONNECTING}" ${Date.now() - killedAt} ms after the kill`);
  await Promise.all([framesAdvance(agent, 'Customer video'), framesAdvance(customer, 'Agent video')]);
  const muted = !mutedBefore;
  await toggle(customer, muted ? 'Mute' : 'Unmute', muted ? 'Unmute' : 'Mute');
  await sleep(Math.max(0, killedAt + downMs - Date.now()));
  // Still down: media still flows, both still in the call.
  await Promise.all([framesAdvance(agent, 'Customer video'), framesAdvance(customer, 'Agent video')]);
  assert.deepEqual([await inCall(agent), await inCall(customer)], [true, true], 'both panels stay in the call');
  // The agent's camera goes off: no frames, and the "camera off" message waits for the server. The
  // customer's tile goes at once: no frozen picture.
  await toggle(agent, 'Turn off video', 'Turn on video');
  await customer.getByLabel('Agent video').waitFor({ state: 'detached', timeout: 5_000 });
  assert.equal(await customer.getByText('Agent camera is off').count(), 0, 'the camera-off message is late');

  await server.start();
  const backAt = Date.now();
  await Promise.all([status(agent, 'In a call', 20_000), status(customer, 'In a call', 20_000)]);
  t.diagnostic(`${downMs} ms outage: both rejoined ${Date.now() - backAt} ms after the server was back`);
  await shows(agent, 'Customer is muted', muted);
  await shows(customer, 'Agent camera is off', true);
  await toggle(agent, 'Turn on video', 'Turn off video');
  await framesAdvance(customer, 'Agent video');
  return muted;
}

describe('calls survive a killed and restarted signaling server', { timeout: 420_000 }, () => {
  before(async () => {
    browser = await launchChromium();
  });

  after(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await browser?.close();
    rmSync(cache, { recursive: true, force: true });
  });

  it('3 s, 10 s and 30 s outages in one call; the agent ends it afterwards', async (t) => {
    const server = await serverProcess({});
    const pair = await openDemoPair(browser, { agent: server.url, customer: server.url }, uniqueConversation('restart'));
    try {
      await videoCall(pair);
      let muted = false;
      for (const downMs of [3_000, 10_000, 30_000]) {
        muted = await outage(server, pair, downMs, muted, t);
        await controlsWorkBothWays(pair);
      }
      await pair.agent.getByRole('button', { name: 'End call' }).click();
      await status(pair.customer, 'The other side ended the call');
      await status(pair.agent, 'Call ended');
    } finally {
      await closeAll(pair.agent, pair.customer);
      await server.stop();
    }
  });

  it('in development mode with the persisted secret: the restarted server admits the open pages; the customer ends the call afterwards', async (t) => {
    const server = await serverProcess({});
    const secretFile = join(cache, 'chat-call-kit', 'dev-secret');
    assert.equal(statSync(secretFile).mode & 0o777, 0o600, 'the development secret is kept, readable by the user only');
    const pair = await openDemoPair(browser, { agent: server.url, customer: server.url }, uniqueConversation('restart-dev'));
    try {
      await videoCall(pair);
      const muted = await outage(server, pair, 3_000, false, t);
      assert.equal(muted, true);
      await controlsWorkBothWays(pair);
      await pair.customer.getByRole('button', { name: 'End call' }).click();
      await status(pair.agent, 'The other side ended the call');
    } finally {
      await closeAll(pair.agent, pair.customer);
      await server.stop();
    }
  });
});
