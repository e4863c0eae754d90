/**
 * Real peer-to-peer calls between two Chromium pages (fake camera and microphone) over the
 * reference server: states on both sides, media flowing where it should and nowhere else, and
 * every captured track ended afterwards.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/server.js';
import { launchChromium } from './support/browser.js';
import { delay, openSide, uniqueConversation, type Side } from './support/call-pair.js';

const harnessDir = fileURLToPath(new URL('./harness/', import.meta.url));
/** Bytes in one second that prove a stream is really flowing (fake audio is ~4 KB/s, video far more). */
const FLOWING = 1_000;
/** Time for in-flight packets to drain after a sender stops. */
const SETTLE_MS = 600;

let server: RunningServer;
let browser: Browser;
const open: Side[] = [];

async function pair(options: Record<string, unknown> = {}): Promise<{ agent: Side; customer: Side; conversation: string }> {
  const conversation = uniqueConversation('call');
  const [agent, customer] = await Promise.all([openSide(browser, server.url), openSide(browser, server.url)]);
  open.push(agent, customer);
  await customer.join({ role: 'customer', conversation, ...options });
  await agent.join({ role: 'agent', conversation, ...options });
  return { agent, customer, conversation };
}

/** Rings, answers and waits until both sides are active. */
async function connectedCall(video: boolean, acceptVideo: boolean) {
  const sides = await pair();
  await sides.agent.run((h, v) => h.startCall({ video: v as boolean }), video);
  await sides.customer.waitForPhase('incoming');
  await sides.customer.run((h, v) => h.accept({ video: v as boolean }), acceptVideo);
  await Promise.all([sides.agent.waitForPhase('active'), sides.customer.waitForPhase('active')]);
  return sides;
}

async function assertAllCapturedTracksEnded(side: Side, label: string): Promise<void> {
  const tracks = await side.run((h) => h.capturedTracks());
  assert.ok(
    tracks.every((t) => t.readyState === 'ended'),
    `${label}: every captured track is ended, got ${JSON.stringify(tracks)}`,
  );
  const pcs = await side.run((h) => h.peerConnectionStates());
  assert.ok(pcs.every((s) => s === 'closed'), `${label}: every peer connection is closed, got ${JSON.stringify(pcs)}`);
}

describe('peer-to-peer calls between two browsers', { timeout: 180_000 }, () => {
  before(async () => {
    server = await startServer({ port: 0, host: '127.0.0.1', staticMounts: { '/test-harness/': harnessDir } });
    browser = await launchChromium();
  });

  after(async () => {
    await Promise.all(open.map((side) => side.close().catch(() => {})));
    await browser?.close();
    await server?.close();
  });

  it('video call accepted with video: both sides send and receive audio and video, and the agent hangs up', async (t) => {
    const { agent, customer } = await pair();
    await agent.run((h) => h.startCall({ video: true }));
    await customer.waitForPhase('incoming');
    const agentWatch = await agent.run((h) => h.watchFirstFrame());
    const customerWatch = await customer.run((h) => h.watchFirstFrame());
    const acceptedAt = await customer.run(async (h) => {
      const at = h.now();
      await h.accept({ video: true });
      return at;
    });
    await Promise.all([agent.waitForPhase('active'), customer.waitForPhase('active')]);
    await agent.waitFor((h) => h.firstFrameAt() !== undefined);
    await customer.waitFor((h) => h.firstFrameAt() !== undefined);
    const agentFrame = (await agent.run((h) => h.firstFrameAt()))!;
    const customerFrame = (await customer.run((h) => h.firstFrameAt()))!;
    assert.ok(agentWatch <= acceptedAt && customerWatch <= acceptedAt, 'frame watches started before the accept');
    t.diagnostic(`accept-to-first-remote-frame: agent sees customer ${Math.round(agentFrame - acceptedAt)} ms, customer sees agent ${Math.round(customerFrame - acceptedAt)} ms`);

    const [agentIn, customerIn] = await Promise.all([agent.inboundGrowth(1_000), customer.inboundGrowth(1_000)]);
    assert.ok(agentIn.audio > FLOWING && agentIn.video > FLOWING, `agent receives audio and video: ${JSON.stringify(agentIn)}`);
    assert.ok(customerIn.audio > FLOWING && customerIn.video > FLOWING, `customer receives audio and video: ${JSON.stringify(customerIn)}`);

    await agent.run((h) => h.end());
    await customer.waitForPhase('ended');
    assert.equal((await agent.log()).endReason, 'local-ended');
    assert.equal((await customer.log()).endReason, 'remote-ended');
    assert.deepEqual((await agent.log()).phases, ['outgoing', 'connecting', 'active', 'ended']);
    assert.deepEqual((await customer.log()).phases, ['incoming', 'connecting', 'active', 'ended']);
    await assertAllCapturedTracksEnded(agent, 'agent');
    await assertAllCapturedTracksEnded(customer, 'customer');
  });

  it('video call accepted with audio only: the customer sends no video, and the customer hangs up', async () => {
    const { agent, customer } = await connectedCall(true, false);
    const customerTracks = await customer.run((h) => h.capturedTracks());
    assert.deepEqual(customerTracks.map((t) => t.kind), ['audio'], 'the customer camera is never opened');

    const [agentIn, customerIn] = await Promise.all([agent.inboundGrowth(1_000), customer.inboundGrowth(1_000)]);
    assert.ok(agentIn.audio > FLOWING, `agent hears the customer: ${JSON.stringify(agentIn)}`);
    assert.equal(agentIn.video, 0, 'agent receives no video');
    assert.ok(customerIn.audio > FLOWING && customerIn.video > FLOWING, `customer still sees and hears the agent: ${JSON.stringify(customerIn)}`);
    const agentLog = await agent.log();
    assert.deepEqual(agentLog.remoteMedia.at(-1), { muted: false, videoEnabled: false }, 'agent is told the customer camera is off');

    await customer.run((h) => h.end());
    await agent.waitForPhase('ended');
    assert.equal((await agent.log()).endReason, 'remote-ended');
    assert.equal((await customer.log()).endReason, 'local-ended');
    await assertAllCapturedTracksEnded(agent, 'agent');
    await assertAllCapturedTracksEnded(customer, 'customer');
  });

  it('voice call accepted: audio both ways, no video anywhere', async () => {
    const { agent, customer } = await connectedCall(false, false);
    const [agentIn, customerIn] = await Promise.all([agent.inboundGrowth(1_000), customer.inboundGrowth(1_000)]);
    assert.ok(agentIn.audio > FLOWING && customerIn.audio > FLOWING, `audio both ways: ${JSON.stringify({ agentIn, customerIn })}`);
    assert.equal(agentIn.video + customerIn.video, 0, 'no video either way');
    for (const side of [agent, customer]) {
      const kinds = (await side.run((h) => h.capturedTracks())).map((t) => t.kind);
      assert.deepEqual(kinds, ['audio'], 'no camera opened in a voice call');
    }
    await agent.run((h) => h.end());
    await customer.waitForPhase('ended');
    await assertAllCapturedTracksEnded(agent, 'agent');
    await assertAllCapturedTracksEnded(customer, 'customer');
  });

  it('voice call upgraded to video: turning the camera on renegotiates and video starts flowing', async () => {
    const { agent, customer } = await connectedCall(false, false);
    await customer.run((h) => h.watchFirstFrame());
    await agent.run((h) => h.setVideoEnabled(true));
    await customer.waitFor((h) => h.log().remoteMedia.at(-1)?.videoEnabled === true);
    await customer.waitFor((h) => h.firstFrameAt() !== undefined);
    const customerIn = await customer.inboundGrowth(1_000);
    assert.ok(customerIn.video > FLOWING, `customer now receives the agent's video: ${JSON.stringify(customerIn)}`);

    await customer.run((h) => h.setVideoEnabled(true));
    await agent.waitFor((h) => h.log().remoteMedia.at(-1)?.videoEnabled === true);
    await delay(SETTLE_MS);
    const agentIn = await agent.inboundGrowth(1_000);
    assert.ok(agentIn.video > FLOWING, `agent now receives the customer's video: ${JSON.stringify(agentIn)}`);
    assert.equal(await agent.phase(), 'active');
    assert.equal(await customer.phase(), 'active');

    await agent.run((h) => h.end());
    await customer.waitForPhase('ended');
    await assertAllCapturedTracksEnded(agent, 'agent');
    await assertAllCapturedTracksEnded(customer, 'customer');
  });

  it('mute and video off are seen by the other engine and stop sending live media', async () => {
    const { agent, customer } = await connectedCall(true, true);

    await agent.run((h) => h.setMuted(true));
    await customer.waitFor((h) => h.log().remoteMedia.at(-1)?.muted === true);
    await delay(SETTLE_MS);
    let customerIn = await customer.inboundGrowth(1_000);
    assert.equal(customerIn.audio, 0, 'no audio arrives from a muted agent');
    assert.ok(customerIn.video > FLOWING, 'video still flows while muted');

    await agent.run((h) => h.setVideoEnabled(false));
    await customer.waitFor((h) => h.log().remoteMedia.at(-1)?.videoEnabled === false);
    assert.deepEqual(await agent.run((h) => h.liveLocalKinds()), ['audio'], 'the agent camera is stopped, its light off');
    await delay(SETTLE_MS);
    customerIn = await customer.inboundGrowth(1_000);
    assert.equal(customerIn.video, 0, 'no video arrives once the agent turned it off');

    await agent.run(async (h) => {
      await h.setMuted(false);
      await h.setVideoEnabled(true);
    });
    await customer.waitFor((h) => {
      const last = h.log().remoteMedia.at(-1);
      return last?.muted === false && last.videoEnabled === true;
    });
    await delay(SETTLE_MS);
    customerIn = await customer.inboundGrowth(1_000);
    assert.ok(customerIn.audio > FLOWING && customerIn.video > FLOWING, `audio and video resume: ${JSON.stringify(customerIn)}`);

    await customer.run((h) => h.end());
    await agent.waitForPhase('ended');
    await assertAllCapturedTracksEnded(agent, 'agent');
    await assertAllCapturedTracksEnded(customer, 'customer');
  });

  it('reject: the customer declines, both sides end as rejected and the agent releases its devices', async () => {
    const { agent, customer } = await pair();
    await agent.run((h) => h.startCall({ video: true }));
    await customer.waitForPhase('incoming');
    await agent.waitFor((h) => h.log().events.some((e) => e.name === 'ringing'));
    await customer.run((h) => h.reject());
    await agent.waitForPhase('ended');
    assert.equal((await agent.log()).endReason, 'rejected');
    assert.equal((await customer.log()).endReason, 'rejected');
    assert.deepEqual(await customer.run((h) => h.capturedTracks()), [], 'the customer never touched a device');
    await assertAllCapturedTracksEnded(agent, 'agent');
    await assertAllCapturedTracksEnded(customer, 'customer');
  });

  it('cancel while ringing: the agent hangs up before an answer and the customer stops ringing', async () => {
    const { agent, customer } = await pair();
    await agent.run((h) => h.startCall({ video: false }));
    await customer.waitForPhase('incoming');
    await agent.run((h) => h.end());
    await customer.waitForPhase('ended');
    assert.equal((await agent.log()).endReason, 'cancelled');
    assert.equal((await customer.log()).endReason, 'cancelled');
    await assertAllCapturedTracksEnded(agent, 'agent');
    await assertAllCapturedTracksEnded(customer, 'customer');
  });

  it('ring timeout: an unanswered call is missed on both sides', async () => {
    const { agent, customer } = await pair({ ringTimeoutMs: 1_500 });
    const startedAt = Date.now();
    await agent.run((h) => h.startCall({ video: true }));
    await customer.waitForPhase('incoming');
    await Promise.all([agent.waitForPhase('ended'), customer.waitForPhase('ended')]);
    assert.ok(Date.now() - startedAt >= 1_400, 'not before the timeout');
    assert.equal((await agent.log()).endReason, 'missed');
    assert.equal((await customer.log()).endReason, 'missed');
    await assertAllCapturedTracksEnded(agent, 'agent');
  });

  it('a second call in the same conversation works after the first ended', async () => {
    const { agent, customer } = await connectedCall(false, false);
    await agent.run((h) => h.end());
    await customer.waitForPhase('ended');
    await agent.run((h) => h.startCall({ video: true }));
    await customer.waitForPhase('incoming');
    await customer.run((h) => h.accept({ video: true }));
    await Promise.all([agent.waitForPhase('active'), customer.waitForPhase('active')]);
    const agentIn = await agent.inboundGrowth(1_000);
    assert.ok(agentIn.video > FLOWING, 'the second call carries video');
    await agent.run((h) => h.end());
    await customer.waitForPhase('ended');
    await assertAllCapturedTracksEnded(agent, 'agent');
    await assertAllCapturedTracksEnded(customer, 'customer');
  });

  it('a signaling drop mid-call: the transport rejoins, the call goes on and later messages still arrive', async () => {
    const { agent, customer, conversation } = await connectedCall(false, false);
    const dropped = server.dropConnections({ role: 'agent', conversationId: conversation });
    assert.equal(dropped, 1, 'the agent socket was cut');
    // Sent while the transport is down: queued, then delivered after the rejoin.
    await agent.waitFor((h) => h.log().transport.includes('reconnecting'));
    await agent.run((h) => h.setMuted(true));
    await customer.waitFor((h) => h.log().remoteMedia.at(-1)?.muted === true);
    assert.equal(await agent.phase(), 'active');
    assert.equal(await customer.phase(), 'active');
    const customerIn = await customer.inboundGrowth(1_000);
    assert.equal(customerIn.audio, 0, 'the mute sent while reconnecting took effect');
    await customer.run((h) => h.end());
    await agent.waitForPhase('ended');
    assert.equal((await agent.log()).endReason, 'remote-ended');
  });

  it('an ICE restart mid-call renegotiates the path and media keeps flowing', async () => {
    const { agent, customer } = await connectedCall(true, true);
    const before = await agent.run((h) => h.iceUsernameFragment());
    await agent.run((h) => h.restartIce());
    await agent.waitFor((h) => h.iceUsernameFragment() !== undefined);
    await delay(1_000);
    const afterRestart = await agent.run((h) => h.iceUsernameFragment());
    assert.notEqual(afterRestart, before, 'new ICE credentials were negotiated');
    const customerIn = await customer.inboundGrowth(1_000);
    assert.ok(customerIn.audio > FLOWING && customerIn.video > FLOWING, 'media still flows after the restart');
    assert.equal(await customer.phase(), 'active');
    await agent.run((h) => h.end());
  });
});
