/**
 * Real calls between two browser pages (fake camera and microphone) over the reference server, for
 * every browser pair and media mode of `support/browser.ts` (Chromium → Chromium, Chromium →
 * Firefox, Firefox → Chromium by default; the agent's browser first; peer-to-peer and through the
 * SFU): states on both sides, media flowing where it should and nowhere else (inbound-rtp bytes per
 * kind, video frames decoded), renegotiation that never breaks a call, and every captured track
 * ended afterwards.
 *
 * Through the SFU, Chromium → Chromium runs every case that is not about the peer-to-peer session's
 * own negotiation; the Firefox pairs run a representative subset (accept with video and hang up,
 * mute and camera off), which keeps `npm test` within its time budget.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BROWSER_PAIRS, MEDIA_MODES, joinOptionsFor, mediaModeUnavailable, type BrowserPair, type MediaMode } from './support/browser.js';
import { delay, openSide, uniqueConversation, type Side } from './support/call-pair.js';
import { harnessSuite } from './support/harness-suite.js';

/** Bytes in one second that prove a stream is really flowing (fake audio is ~4 KB/s, video far more). */
const FLOWING = 1_000;
/** Time for in-flight packets to drain after a sender stops. */
const SETTLE_MS = 600;

const suite = harnessSuite<Side>({ closeAfterEach: true });
const { browsers } = suite;

async function assertAllCapturedTracksEnded(side: Side, label: string): Promise<void> {
  const tracks = await side.run((h) => h.capturedTracks());
  assert.ok(
    tracks.every((t) => t.readyState === 'ended'),
    `${label}: every captured track is ended, got ${JSON.stringify(tracks)}`,
  );
  const pcs = await side.run((h) => h.peerConnectionStates());
  assert.ok(pcs.every((s) => s === 'closed'), `${label}: every peer connection is closed, got ${JSON.stringify(pcs)}`);
}

type Kinds = { audio?: boolean; video?: boolean };

/** Waits (up to `timeoutMs`) until one second of inbound media on `side` has every wanted kind flowing. */
async function waitForMedia(side: Side, want: Kinds, label: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: Awaited<ReturnType<Side['inboundGrowth']>> | undefined;
  while (Date.now() < deadline) {
    last = await side.inboundGrowth(1_000);
    const audioOk = !want.audio || last.audio > FLOWING;
    const videoOk = !want.video || (last.video > FLOWING && last.frames > 0);
    if (audioOk && videoOk) return;
  }
  const states = await side.run((h) => ({ connection: h.log().connection, settled: h.negotiationSettled(), offers: h.offersMade() }));
  assert.fail(`${label}: media flowing ${JSON.stringify(want)}, last second: ${JSON.stringify(last)}; ${JSON.stringify(states)}`);
}

/** Audio and video arrive both ways, video frames advancing. */
async function assertFullMediaBothWays(agent: Side, customer: Side, label: string): Promise<void> {
  await Promise.all([
    waitForMedia(agent, { audio: true, video: true }, `${label}: agent receives`),
    waitForMedia(customer, { audio: true, video: true }, `${label}: customer receives`),
  ]);
}

/**
 * The `renewed` sides (default both) negotiated new ICE credentials after `before`, and the call is
 * up on both. (Peer-to-peer a restart renews the one path between them; through the SFU each side
 * has its own path to the SFU, and only the sides that asked renew theirs.)
 */
async function waitForRestart(agent: Side, customer: Side, before: { agent?: string; customer?: string }, renewed: readonly Side[] = [agent, customer]): Promise<void> {
  if (renewed.includes(agent)) await agent.waitFor(`(h) => h.iceUsernameFragment() !== ${JSON.stringify(before.agent)}`, 15_000);
  if (renewed.includes(customer)) await customer.waitFor(`(h) => h.iceUsernameFragment() !== ${JSON.stringify(before.customer)}`, 15_000);
  assert.equal(await agent.phase(), 'active');
  assert.equal(await customer.phase(), 'active');
}

async function fragments(agent: Side, customer: Side) {
  const [a, c] = await Promise.all([agent.run((h) => h.iceUsernameFragment()), customer.run((h) => h.iceUsernameFragment())]);
  return { agent: a, customer: c };
}

/** Registers nothing: a case that does not apply to this mode and pair. */
const notHere = (() => {}) as unknown as typeof it;

function callSuite(browserPair: BrowserPair, mode: MediaMode, unavailable: string | undefined): void {
const p2p = mode === 'p2p';
/** Cases about the peer-to-peer session's own negotiation (who offers, refused descriptions, glare, the silence watchdog, rebuilds). */
const itP2p = p2p ? it : notHere;
/** Cases beyond the representative subset: through the SFU, only Chromium → Chromium runs them. */
const itFull = p2p || (browserPair.agent === 'chromium' && browserPair.customer === 'chromium') ? it : notHere;

async function pair(options: Record<string, unknown> = {}): Promise<{ agent: Side; customer: Side; conversation: string }> {
  const conversation = uniqueConversation('call');
  const server = await suite.serverFor(mode);
  const [agentBrowser, customerBrowser] = await Promise.all([browsers.get(browserPair.agent), browsers.get(browserPair.customer)]);
  const [agent, customer] = await Promise.all([openSide(agentBrowser, server.url), openSide(customerBrowser, server.url)]);
  suite.opened.push(agent, customer);
  await customer.join({ role: 'customer', conversation, ...joinOptionsFor(mode), ...options });
  await agent.join({ role: 'agent', conversation, ...joinOptionsFor(mode), ...options });
  return { agent, customer, conversation };
}

/** Rings, answers and waits until both sides are active. */
async function connectedCall(video: boolean, acceptVideo: boolean) {
  const sides = await pair();
  await sides.agent.run((h, v) => h.startCall({ video: v as boolean }), video);
  await sides.customer.waitForPhase('incoming');
  await sides.customer.run((h, v) => h.accept({ video: v as boolean }), acceptVideo);
  await Promise.all([sides.agent.waitForPhase('active', 20_000), sides.customer.waitForPhase('active', 20_000)]);
  await settled(sides.customer);
  return sides;
}

/**
 * Connected, with no negotiation under way. (The customer offers while it rings; if that path is not
 * up when its media permission exists, it restarts ICE to gather again.)
 */
async function settled(customer: Side): Promise<void> {
  await customer.waitFor((h) => h.negotiationSettled(), 15_000);
}

async function offers(agent: Side, customer: Side): Promise<number[]> {
  return Promise.all([agent.run((h) => h.offersMade()), customer.run((h) => h.offersMade())]);
}

describe(`calls ${browserPair.label} (${mode})`, { timeout: 300_000, skip: unavailable ?? false }, () => {

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
    await settled(customer);
    if (p2p) assert.equal(await agent.run((h) => h.offersMade()), 0, 'the agent never offers');
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

  itFull('video call accepted with audio only: the customer sends no video, and the customer hangs up', async () => {
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

  itFull('voice call accepted: audio both ways, no video anywhere', async () => {
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

  itFull('voice call upgraded to video: video flows (peer-to-peer: the video slot is there from the start, so without renegotiating)', async () => {
    const { agent, customer } = await connectedCall(false, false);
    const offered = await offers(agent, customer);
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
    if (p2p) {
      assert.deepEqual(await offers(agent, customer), offered, 'no renegotiation for video');
      assert.equal(offered[0], 0, 'the agent never offers');
    }

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

    // The same from the customer's side: no frame repeats once the camera is off.
    await customer.run((h) => h.setVideoEnabled(false));
    await agent.waitFor((h) => h.log().remoteMedia.at(-1)?.videoEnabled === false);
    await delay(SETTLE_MS);
    const agentIn = await agent.inboundGrowth(1_500);
    assert.equal(agentIn.video, 0, `no video arrives once the customer turned it off: ${JSON.stringify(agentIn)}`);
    assert.ok(agentIn.audio > FLOWING, 'the customer is still heard');

    await customer.run((h) => h.end());
    await agent.waitForPhase('ended');
    await assertAllCapturedTracksEnded(agent, 'agent');
    await assertAllCapturedTracksEnded(customer, 'customer');
  });

  itFull('reject: the customer declines, both sides end as rejected and the agent releases its devices', async () => {
    const { agent, customer } = await pair();
    await agent.run((h) => h.startCall({ video: true }));
    await customer.waitForPhase('incoming');
    await agent.waitFor((h) => h.log().events.some((e) => e.name === 'ringing'));
    if (p2p) {
      // ICE and DTLS run while it rings, and only the customer offers. (Through the SFU each side
      // prepares its own transports to the SFU while it rings; there is no offer between them.)
      await customer.waitFor((h) => h.negotiationSettled());
      assert.deepEqual(await offers(agent, customer), [0, 1], 'one offer while ringing, from the customer');
    }
    await customer.run((h) => h.reject());
    await agent.waitForPhase('ended');
    assert.equal((await agent.log()).endReason, 'rejected');
    assert.equal((await customer.log()).endReason, 'rejected');
    assert.deepEqual(await customer.run((h) => h.capturedTracks()), [], 'the customer never touched a device');
    await assertAllCapturedTracksEnded(agent, 'agent');
    await assertAllCapturedTracksEnded(customer, 'customer');
  });

  itFull('cancel while ringing: the agent hangs up before an answer and the customer stops ringing', async () => {
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

  itFull('ring timeout: an unanswered call is missed on both sides', async () => {
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

  itFull('a second call in the same conversation works after the first ended', async () => {
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

  itFull('a signaling drop mid-call: the transport rejoins, the call goes on and later messages still arrive', async () => {
    const { agent, customer, conversation } = await connectedCall(false, false);
    const dropped = (await suite.serverFor(mode)).dropConnections({ role: 'agent', conversationId: conversation });
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

  itP2p('glare: both sides turn video on at once in a voice call; no renegotiation, video flows both ways', async () => {
    const { agent, customer } = await connectedCall(false, false);
    const offered = await offers(agent, customer);
    assert.equal(offered[0], 0, 'only the customer offers');
    await Promise.all([agent.run((h) => h.setVideoEnabled(true)), customer.run((h) => h.setVideoEnabled(true))]);
    await agent.waitFor((h) => h.log().remoteMedia.at(-1)?.videoEnabled === true);
    await customer.waitFor((h) => h.log().remoteMedia.at(-1)?.videoEnabled === true);
    await assertFullMediaBothWays(agent, customer, 'after both turned video on');
    assert.deepEqual(await offers(agent, customer), offered, 'video needed no new offer');
    assert.deepEqual([await agent.phase(), await customer.phase()], ['active', 'active']);
    assert.deepEqual([(await agent.log()).errors, (await customer.log()).errors], [[], []], 'no error on either side');
    await customer.run((h) => h.end());
    await agent.waitForPhase('ended');
    await assertAllCapturedTracksEnded(agent, 'agent');
    await assertAllCapturedTracksEnded(customer, 'customer');
  });

  for (const from of ['agent', 'customer', 'both'] as const) {
    itFull(`ICE restart asked by ${from === 'both' ? 'both sides at once' : `the ${from}`}: new ICE credentials ${p2p ? 'on both sides' : 'on each asking side’s path to the SFU'}, media resumes both ways`, async () => {
      const { agent, customer } = await connectedCall(true, true);
      const before = await fragments(agent, customer);
      const restarting = from === 'both' ? [agent, customer] : from === 'agent' ? [agent] : [customer];
      await Promise.all(restarting.map((side) => side.run((h) => h.restartIce())));
      await waitForRestart(agent, customer, before, p2p ? [agent, customer] : restarting);
      await assertFullMediaBothWays(agent, customer, `after the restart asked by ${from}`);
      if (p2p) assert.equal(await agent.run((h) => h.offersMade()), 0, 'the agent only asks; the customer offers');
      assert.deepEqual([(await agent.log()).errors, (await customer.log()).errors], [[], []], 'no error on either side');
      // A second restart works as well as the first.
      const second = await fragments(agent, customer);
      await agent.run((h) => h.restartIce());
      await waitForRestart(agent, customer, second, p2p ? [agent, customer] : [agent]);
      await assertFullMediaBothWays(agent, customer, 'after a second restart');
      await agent.run((h) => h.end());
      await customer.waitForPhase('ended');
      await assertAllCapturedTracksEnded(agent, 'agent');
      await assertAllCapturedTracksEnded(customer, 'customer');
    });
  }

  for (const refusing of ['agent', 'customer'] as const) {
    itP2p(`a remote description the ${refusing}'s browser refuses is recovered from: the call stays up and media resumes`, async () => {
      const { agent, customer } = await connectedCall(true, true);
      const side = refusing === 'agent' ? agent : customer;
      // The agent is given offers, the customer answers.
      await side.run((h, type) => h.failNextRemoteDescription(type as 'offer' | 'answer'), refusing === 'agent' ? 'offer' : 'answer');
      const before = await fragments(agent, customer);
      const offered = await customer.run((h) => h.offersMade());
      await customer.run((h) => h.restartIce());
      // The restart offer that was refused (or whose answer was), then a new one: two more.
      await customer.waitFor(`(h) => h.offersMade() >= ${offered + 2}`, 15_000);
      await waitForRestart(agent, customer, before);
      await assertFullMediaBothWays(agent, customer, `after the ${refusing} refused a description`);
      assert.deepEqual([await agent.phase(), await customer.phase()], ['active', 'active']);
      await agent.run((h) => h.end());
      await customer.waitForPhase('ended');
    });
  }

  itP2p('connected but nothing arriving: the watchdog notices and recovers with an ICE restart', async () => {
    const { agent, customer } = await connectedCall(true, true);
    const before = await fragments(agent, customer);
    // The agent's packets stop reaching the customer while ICE on both sides still says connected.
    await agent.run((h) => h.dropHeartbeats(true));
    await customer.waitFor((h) => h.log().connection.includes('reconnecting'), 15_000);
    await agent.run((h) => h.dropHeartbeats(false));
    await waitForRestart(agent, customer, before);
    await customer.waitFor((h) => h.log().connection.at(-1) === 'connected', 15_000);
    await assertFullMediaBothWays(agent, customer, 'after the watchdog recovered');
    assert.deepEqual([await agent.phase(), await customer.phase()], ['active', 'active']);
    await agent.run((h) => h.end());
    await customer.waitForPhase('ended');
  });

  itP2p('still nothing arriving after that ICE restart: both sides start over on a new peer connection and media resumes', async () => {
    const { agent, customer } = await connectedCall(true, true);
    await agent.run((h) => h.dropHeartbeats(true));
    // First an ICE restart (5 s of silence), then, still silent, a new peer connection on each side.
    await customer.waitFor((h) => h.peerConnectionStates().length === 2, 25_000);
    await agent.waitFor((h) => h.peerConnectionStates().length === 2, 15_000);
    await agent.run((h) => h.dropHeartbeats(false));
    for (const side of [agent, customer]) {
      assert.equal((await side.run((h) => h.peerConnectionStates()))[0], 'closed', 'the old peer connection is closed');
    }
    await assertFullMediaBothWays(agent, customer, 'on the new peer connections');
    assert.deepEqual([await agent.phase(), await customer.phase()], ['active', 'active']);
    assert.equal(await agent.run((h) => h.offersMade()), 0, 'still only the customer offers');
    await customer.run((h) => h.end());
    await agent.waitForPhase('ended');
    await assertAllCapturedTracksEnded(agent, 'agent');
    await assertAllCapturedTracksEnded(customer, 'customer');
  });
});
}

for (const mode of MEDIA_MODES) {
  const unavailable = await mediaModeUnavailable(mode);
  for (const browserPair of BROWSER_PAIRS) callSuite(browserPair, mode, unavailable);
}
