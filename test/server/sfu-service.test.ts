/**
 * The server's SFU against the real mediasoup worker: the request/reply exchange of a call (router
 * capabilities, transports on the announced address, produce, the other member's streams offered
 * paused and resumed, pause/resume/close), a router per conversation closed with the conversation,
 * and bad or out-of-place requests refused with stable codes. Real media through real browsers is
 * in test/e2e/sfu-calls.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SfuNotice } from '../../src/media/sfu/sfu-protocol.js';
import { SfuError } from '../../server/sfu/sfu-error.js';
import { SfuService, type SfuMember } from '../../server/sfu/sfu-service.js';
import { loadSfuForTests, sfuUnavailableReason } from '../support/sfu.js';

const unavailable = await sfuUnavailableReason();

const OPUS = { mimeType: 'audio/opus', payloadType: 111, clockRate: 48_000, channels: 2, parameters: {}, rtcpFeedback: [] };
const VP8 = { mimeType: 'video/VP8', payloadType: 96, clockRate: 90_000, parameters: {}, rtcpFeedback: [] };
const rtp = (codec: typeof OPUS | typeof VP8, ssrc: number) => ({ mid: String(ssrc), codecs: [codec], headerExtensions: [], encodings: [{ ssrc }], rtcp: { cname: `c${ssrc}` } });
const DTLS = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }] };

describe('SfuService (real mediasoup worker)', { timeout: 60_000, skip: unavailable ?? false }, () => {
  let sfu: SfuService;
  const notices: Array<{ member: SfuMember; notice: SfuNotice }> = [];
  const noticesFor = (conversationId: string, source: string) => notices.filter((n) => n.member.conversationId === conversationId && n.member.source === source).map((n) => n.notice);
  const until = async (condition: () => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const refusal = async (promise: Promise<unknown>, code: string) => {
    await assert.rejects(promise, (error: unknown) => error instanceof SfuError && error.code === code);
  };

  before(async () => {
    sfu = await SfuService.start(
      {
        workers: 2,
        listenIp: '127.0.0.1',
        announcedAddress: '127.0.0.1',
        portRange: undefined,
        workerBin: undefined,
        log: () => {},
        notify: (member, notice) => notices.push({ member, notice }),
      },
      await loadSfuForTests(),
    );
  });
  after(async () => sfu?.close());

  it('starts one worker per configured core', () => {
    assert.equal(sfu.workerCount, 2);
  });

  it('carries a call: capabilities, transports on the announced address, produce, offer, resume', async () => {
    const agent = { conversationId: 'c-call', source: 'agent', callId: 'call-1' } as const;
    const customer = { conversationId: 'c-call', source: 'customer', callId: 'call-1' } as const;
    const { rtpCapabilities } = (await sfu.handle(agent, { op: 'capabilities' })) as { rtpCapabilities: { codecs: Array<{ mimeType: string }> } };
    assert.deepEqual(rtpCapabilities.codecs.map((codec) => codec.mimeType).filter((m) => !m.endsWith('/rtx')), ['audio/opus', 'video/VP8']);

    const send = (await sfu.handle(agent, { op: 'create-transport', direction: 'send' })) as { transportId: string; iceCandidates: Array<{ address: string; protocol: string }> };
    assert.ok(send.iceCandidates.length >= 2, 'udp and tcp candidates');
    assert.ok(send.iceCandidates.every((candidate) => candidate.address === '127.0.0.1'));
    assert.deepEqual(await sfu.handle(agent, { op: 'connect-transport', transportId: send.transportId, dtlsParameters: DTLS }), {});
    const audio = (await sfu.handle(agent, { op: 'produce', transportId: send.transportId, kind: 'audio', rtpParameters: rtp(OPUS, 1111) })) as { producerId: string };
    const video = (await sfu.handle(agent, { op: 'produce', transportId: send.transportId, kind: 'video', rtpParameters: rtp(VP8, 2222) })) as { producerId: string };

    // The customer's receive transport gets the agent's streams offered, paused, after its reply.
    const recv = (await sfu.handle(customer, { op: 'create-transport', direction: 'recv', rtpCapabilities })) as { transportId: string };
    assert.ok(recv.transportId);
    await until(() => noticesFor('c-call', 'customer').filter((n) => n.event === 'consumer-added').length === 2, 'two offers');
    const offers = noticesFor('c-call', 'customer').filter((n) => n.event === 'consumer-added');
    assert.deepEqual(offers.map((o) => [o.producerId, o.kind, o.source]).sort(), [[audio.producerId, 'audio', 'agent'], [video.producerId, 'video', 'agent']].sort());
    for (const offer of offers) assert.deepEqual(await sfu.handle(customer, { op: 'resume-consumer', consumerId: offer.consumerId }), {});
    assert.equal(await sfu.forwardedStreams(), 2);

    // Pausing and resuming the sender's stream, then closing it: the offer is withdrawn.
    assert.deepEqual(await sfu.handle(agent, { op: 'pause-producer', producerId: video.producerId }), {});
    assert.deepEqual(await sfu.handle(agent, { op: 'resume-producer', producerId: video.producerId }), {});
    assert.deepEqual(await sfu.handle(agent, { op: 'close-producer', producerId: video.producerId }), {});
    const videoOffer = offers.find((o) => o.kind === 'video');
    await until(() => noticesFor('c-call', 'customer').some((n) => n.event === 'consumer-closed' && n.consumerId === videoOffer?.consumerId), 'video withdrawn');

    // The agent hangs up: its audio offer is withdrawn too.
    assert.deepEqual(await sfu.handle(agent, { op: 'close' }), {});
    const audioOffer = offers.find((o) => o.kind === 'audio');
    await until(() => noticesFor('c-call', 'customer').some((n) => n.event === 'consumer-closed' && n.consumerId === audioOffer?.consumerId), 'audio withdrawn');
    assert.equal(await sfu.forwardedStreams(), 0);
  });

  it('offers a stream produced later to a member already receiving, and gives new ICE credentials on restart', async () => {
    const agent = { conversationId: 'c-later', source: 'agent', callId: 'call-2' } as const;
    const customer = { conversationId: 'c-later', source: 'customer', callId: 'call-2' } as const;
    const { rtpCapabilities } = await sfu.handle(customer, { op: 'capabilities' });
    await sfu.handle(customer, { op: 'create-transport', direction: 'recv', rtpCapabilities });
    const send = (await sfu.handle(agent, { op: 'create-transport', direction: 'send' })) as { transportId: string; iceParameters: { usernameFragment: string } };
    await sfu.handle(agent, { op: 'produce', transportId: send.transportId, kind: 'audio', rtpParameters: rtp(OPUS, 3333) });
    await until(() => noticesFor('c-later', 'customer').some((n) => n.event === 'consumer-added'), 'the offer');
    const restarted = (await sfu.handle(agent, { op: 'restart-ice', transportId: send.transportId })) as { iceParameters: { usernameFragment: string } };
    assert.notEqual(restarted.iceParameters.usernameFragment, send.iceParameters.usernameFragment);
  });

  it('lets a supervisor who only listens receive everything while the others are offered nothing of it', async () => {
    const agent = { conversationId: 'c-monitor', source: 'agent', callId: 'call-3' } as const;
    const supervisor = { conversationId: 'c-monitor', source: 'supervisor', callId: 'call-3' } as const;
    const { rtpCapabilities } = await sfu.handle(agent, { op: 'capabilities' });
    await sfu.handle(agent, { op: 'create-transport', direction: 'recv', rtpCapabilities });
    const send = (await sfu.handle(agent, { op: 'create-transport', direction: 'send' })) as { transportId: string };
    await sfu.handle(agent, { op: 'produce', transportId: send.transportId, kind: 'audio', rtpParameters: rtp(OPUS, 4444) });
    await sfu.handle(supervisor, { op: 'create-transport', direction: 'recv', rtpCapabilities });
    await until(() => noticesFor('c-monitor', 'supervisor').some((n) => n.event === 'consumer-added'), 'the supervisor hears the agent');
    assert.equal(noticesFor('c-monitor', 'agent').length, 0, 'the agent is offered nothing while the supervisor listens');

    // Barging in: the supervisor's voice is offered to the agent; its video is refused.
    const supervisorSend = (await sfu.handle(supervisor, { op: 'create-transport', direction: 'send' })) as { transportId: string };
    await refusal(sfu.handle(supervisor, { op: 'produce', transportId: supervisorSend.transportId, kind: 'video', rtpParameters: rtp(VP8, 5555) }), 'forbidden');
    await sfu.handle(supervisor, { op: 'produce', transportId: supervisorSend.transportId, kind: 'audio', rtpParameters: rtp(OPUS, 6666) });
    await until(() => noticesFor('c-monitor', 'agent').some((n) => n.event === 'consumer-added' && n.source === 'supervisor'), 'the agent hears the supervisor');
  });

  it('keeps one router per conversation and closes it when the conversation ends', async () => {
    const before = sfu.conversationCount;
    await sfu.handle({ conversationId: 'c-one', source: 'agent', callId: 'x' }, { op: 'capabilities' });
    await sfu.handle({ conversationId: 'c-one', source: 'customer', callId: 'x' }, { op: 'capabilities' });
    await sfu.handle({ conversationId: 'c-two', source: 'agent', callId: 'y' }, { op: 'capabilities' });
    assert.equal(sfu.conversationCount, before + 2);
    sfu.conversationEnded('c-one');
    sfu.conversationEnded('c-two');
    assert.equal(sfu.conversationCount, before);
  });

  it('ends a member’s media when it leaves, and a new call replaces the previous call’s transports', async () => {
    const agent = { conversationId: 'c-leave', source: 'agent', callId: 'call-a' } as const;
    const send = (await sfu.handle(agent, { op: 'create-transport', direction: 'send' })) as { transportId: string };
    await sfu.handle({ ...agent, callId: 'call-b' }, { op: 'capabilities' });
    await refusal(sfu.handle({ ...agent, callId: 'call-b' }, { op: 'restart-ice', transportId: send.transportId }), 'media-not-found');
    const next = (await sfu.handle({ ...agent, callId: 'call-b' }, { op: 'create-transport', direction: 'send' })) as { transportId: string };
    sfu.memberLeft('c-leave', 'agent');
    await new Promise((resolve) => setImmediate(resolve));
    await refusal(sfu.handle({ ...agent, callId: 'call-b' }, { op: 'restart-ice', transportId: next.transportId }), 'media-not-found');
  });

  it('refuses bad requests with stable codes and keeps serving', async () => {
    const member = { conversationId: 'c-bad', source: 'customer', callId: 'call-z' } as const;
    await refusal(sfu.handle(member, { op: 'launch-rockets' }), 'invalid-message');
    await refusal(sfu.handle(member, { op: 'create-transport', direction: 'sideways' }), 'invalid-message');
    await refusal(sfu.handle(member, { op: 'connect-transport', transportId: 'nope', dtlsParameters: DTLS }), 'media-not-found');
    await refusal(sfu.handle(member, { op: 'resume-consumer', consumerId: 'nope' }), 'media-not-found');
    const send = (await sfu.handle(member, { op: 'create-transport', direction: 'send' })) as { transportId: string };
    // mediasoup's own validation of the parameters it is given.
    await refusal(sfu.handle(member, { op: 'produce', transportId: send.transportId, kind: 'audio', rtpParameters: { codecs: 'opus' } }), 'invalid-message');
    await sfu.handle(member, { op: 'connect-transport', transportId: send.transportId, dtlsParameters: DTLS });
    await refusal(sfu.handle(member, { op: 'connect-transport', transportId: send.transportId, dtlsParameters: DTLS }), 'invalid-message');
    assert.ok((await sfu.handle(member, { op: 'capabilities' })).rtpCapabilities);
  });
});
