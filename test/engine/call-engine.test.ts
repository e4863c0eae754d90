/**
 * CallEngine behaviour in real Chromium with fake devices: two engines in one page joined by the
 * in-memory transport, real peer connections between them. Device failures are produced by wrapping
 * the real `mediaDevices` so a test decides exactly when and how a prompt answers.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { CallEngine, type CallEngineOptions } from '../../src/engine/call-engine.js';
import type { CallError } from '../../src/engine/errors.js';
import { MemoryHub } from '../../src/signaling/memory-transport.js';

let conversationCount = 0;
const engines: CallEngine[] = [];

/** Records every track the wrapped devices hand out, and lets a test refuse or hold requests. */
class Devices {
  readonly tracks: MediaStreamTrack[] = [];
  refuse: ((constraints: MediaStreamConstraints) => DOMException | undefined) | undefined;
  hold: Promise<void> | undefined;
  readonly api = {
    getUserMedia: async (constraints: MediaStreamConstraints) => {
      await this.hold;
      const refusal = this.refuse?.(constraints);
      if (refusal) throw refusal;
      const stream = await navigator.mediaDevices.getUserMedia(constraints);
      this.tracks.push(...stream.getTracks());
      return stream;
    },
    enumerateDevices: () => navigator.mediaDevices.enumerateDevices(),
    addEventListener: (type: string, listener: EventListener) => navigator.mediaDevices.addEventListener(type, listener),
    removeEventListener: (type: string, listener: EventListener) => navigator.mediaDevices.removeEventListener(type, listener),
  } as unknown as MediaDevices;

  allEnded(): boolean {
    return this.tracks.every((t) => t.readyState === 'ended');
  }
}

function setUp(options: Partial<CallEngineOptions> = {}) {
  const hub = new MemoryHub();
  const conversationId = `c${++conversationCount}`;
  const agentDevices = new Devices();
  const customerDevices = new Devices();
  const agent = new CallEngine({
    transport: hub.createTransport({ conversationId, role: 'agent' }),
    mediaDevices: () => agentDevices.api,
    displayName: 'Alex',
    ...options,
  });
  const customer = new CallEngine({
    transport: hub.createTransport({ conversationId, role: 'customer' }),
    mediaDevices: () => customerDevices.api,
    ...options,
  });
  engines.push(agent, customer);
  return { agent, customer, agentDevices, customerDevices };
}

async function connected(options: Partial<CallEngineOptions> = {}, video = true) {
  const sides = setUp(options);
  await sides.customer.connect();
  await sides.agent.startCall({ video });
  await waitUntil(() => sides.customer.state.phase === 'incoming', 'customer rings');
  await sides.customer.accept({ video });
  await waitUntil(() => sides.agent.state.phase === 'active' && sides.customer.state.phase === 'active', 'both active', { timeout: 10_000 });
  return sides;
}

async function rejection(promise: Promise<unknown>): Promise<CallError> {
  try {
    await promise;
  } catch (error) {
    return error as CallError;
  }
  throw new Error('expected a rejection');
}

afterEach(() => {
  for (const engine of engines.splice(0)) engine.dispose();
});

describe('CallEngine', () => {
  describe('guards', () => {
    it('refuses to start a call from the customer side', async () => {
      const { customer } = setUp();
      expect((await rejection(customer.startCall())).code).to.equal('invalid-state');
    });

    it('refuses accept, reject and mute when nothing is ringing', async () => {
      const { customer } = setUp();
      expect((await rejection(customer.accept())).code).to.equal('invalid-state');
      expect(() => customer.reject()).to.throw().with.property('code', 'invalid-state');
      expect((await rejection(customer.setMuted(true))).code).to.equal('invalid-state');
    });

    it('refuses a video call in a voice-only deployment before touching any device', async () => {
      const { agent, agentDevices } = setUp({ allowVideo: false });
      expect((await rejection(agent.startCall({ video: true }))).code).to.equal('video-not-allowed');
      expect(agentDevices.tracks).to.have.length(0);
      expect(agent.state.phase).to.equal('idle');
    });

    it('refuses a second call while one is going on', async () => {
      const { agent } = await connected({}, false);
      expect((await rejection(agent.startCall())).code).to.equal('invalid-state');
    });
  });

  describe('a call between two engines', () => {
    it('rings the customer with the caller name and call kind, then connects both sides', async () => {
      const { agent, customer } = setUp();
      const incoming: unknown[] = [];
      customer.on('incoming', (call) => incoming.push(call));
      const ringing: unknown[] = [];
      agent.on('ringing', (r) => ringing.push(r));
      await customer.connect();
      await agent.startCall({ video: false });
      expect(agent.state).to.include({ phase: 'outgoing', video: false, direction: 'outgoing' });
      await waitUntil(() => incoming.length === 1 && ringing.length === 1);
      expect(incoming[0]).to.include({ video: false, callerName: 'Alex' });
      expect(customer.state).to.include({ phase: 'incoming', callerName: 'Alex', direction: 'incoming' });
      await customer.accept({ video: false });
      await waitUntil(() => agent.state.phase === 'active' && customer.state.phase === 'active', 'active', { timeout: 10_000 });
      expect(agent.state.activeSince).to.be.a('number');
    });

    it('tells the other engine about mute and camera changes', async () => {
      const { agent, customer } = await connected();
      await agent.setMuted(true);
      await waitUntil(() => customer.remoteMediaState?.muted === true);
      expect(agent.localMediaState).to.deep.equal({ muted: true, videoEnabled: true });
      await customer.setVideoEnabled(false);
      await waitUntil(() => agent.remoteMediaState?.videoEnabled === false);
      expect(customer.localStream?.getVideoTracks()).to.have.length(0);
    });

    it('stops every captured track before announcing the end', async () => {
      const { agent, customer, agentDevices, customerDevices } = await connected();
      let endedWithLiveTracks = true;
      agent.on('statechange', (state) => {
        if (state.phase === 'ended') endedWithLiveTracks = !agentDevices.allEnded();
      });
      agent.end();
      await waitUntil(() => customer.state.phase === 'ended');
      expect(endedWithLiveTracks).to.equal(false);
      expect(customerDevices.allEnded()).to.equal(true);
      expect(agent.localStream).to.equal(null);
      expect(agent.remoteStream).to.equal(null);
    });

    it('switches the camera mid-call and stops the old one', async () => {
      const { agent, agentDevices } = await connected();
      const { cameras } = await agent.listDevices();
      expect(cameras.length).to.be.greaterThan(0);
      const before = agent.localStream!.getVideoTracks()[0]!;
      await agent.switchDevice('camera', cameras.at(-1)!.deviceId);
      const after = agent.localStream!.getVideoTracks()[0]!;
      expect(after).to.not.equal(before);
      expect(before.readyState).to.equal('ended');
      expect(after.readyState).to.equal('live');
      expect(agentDevices.tracks).to.include(after);
    });

    it('reports the chosen speaker for renderers to apply', async () => {
      const { agent } = setUp();
      const chosen: string[] = [];
      agent.on('audiooutputchange', (id) => chosen.push(id));
      await agent.switchDevice('speaker', 'default');
      expect(chosen).to.deep.equal(['default']);
      expect(agent.audioOutputDeviceId).to.equal('default');
    });

    it('misses a call nobody answers within the ring timeout', async () => {
      const { agent, customer } = setUp({ ringTimeoutMs: 300 });
      await customer.connect();
      await agent.startCall();
      await waitUntil(() => agent.state.phase === 'ended' && customer.state.phase === 'ended');
      expect(agent.state.endReason).to.equal('missed');
      expect(customer.state.endReason).to.equal('missed');
    });

    it('fails with media-failed when the media path never connects', async () => {
      // Relay-only with no TURN server: no candidate pair can ever form.
      const { agent, customer } = setUp({ iceTransportPolicy: 'relay', connectTimeoutMs: 800 });
      await customer.connect();
      await agent.startCall();
      await waitUntil(() => customer.state.phase === 'incoming');
      await customer.accept();
      await waitUntil(() => agent.state.phase === 'ended' || customer.state.phase === 'ended', 'a side fails', { timeout: 5_000 });
      const failed = agent.state.endReason === 'failed' ? agent : customer;
      expect(failed.state.error?.code).to.equal('media-failed');
      await waitUntil(() => agent.state.phase === 'ended' && customer.state.phase === 'ended', 'both end');
    });
  });

  describe('devices', () => {
    it('falls back to audio when the camera is denied, and says so', async () => {
      const sides = setUp();
      sides.agentDevices.refuse = (c) => (c.video ? new DOMException('denied', 'NotAllowedError') : undefined);
      const fallbacks: CallError[] = [];
      sides.agent.on('videofallback', (error) => fallbacks.push(error));
      await sides.customer.connect();
      await sides.agent.startCall({ video: true });
      expect(fallbacks.map((e) => [e.code, e.device])).to.deep.equal([['permission-denied', 'camera']]);
      expect(sides.agent.localMediaState.videoEnabled).to.equal(false);
      expect(sides.agent.localStream!.getTracks().map((t) => t.kind)).to.deep.equal(['audio']);
      expect(sides.agent.state.phase).to.equal('outgoing');
    });

    it('fails the call with a typed error when the microphone is denied, and the customer stops ringing', async () => {
      const { agent, customer, agentDevices } = setUp();
      await customer.connect();
      agentDevices.refuse = () => new DOMException('denied', 'NotAllowedError');
      const error = await rejection(agent.startCall({ video: false }));
      expect([error.code, error.device]).to.deep.equal(['permission-denied', 'microphone']);
      expect(agent.state).to.include({ phase: 'ended', endReason: 'failed' });
      expect(agent.state.error?.code).to.equal('permission-denied');
      // It rang while the prompt was open; the failure cancels the ring before anyone could answer.
      await waitUntil(() => customer.state.phase === 'ended', 'the customer stops ringing');
      expect(customer.state.endReason).to.equal('cancelled');
    });

    it('maps a busy camera turned on mid-call to device-in-use and keeps the call', async () => {
      const { agent, agentDevices } = await connected({}, false);
      agentDevices.refuse = (c) => (c.video ? new DOMException('busy', 'NotReadableError') : undefined);
      const error = await rejection(agent.setVideoEnabled(true));
      expect(error.code).to.equal('device-in-use');
      expect(agent.state.phase).to.equal('active');
    });

    it('rings while the agent\'s devices start, and an answer that comes first waits for them', async () => {
      const { agent, customer, agentDevices } = setUp();
      await customer.connect();
      let answerPrompt!: () => void;
      agentDevices.hold = new Promise((resolve) => (answerPrompt = resolve));
      const starting = agent.startCall({ video: true });
      await waitUntil(() => customer.state.phase === 'incoming', 'the customer rings before the agent prompt is answered');
      expect(agentDevices.tracks).to.have.length(0);
      const accepting = customer.accept({ video: true });
      await waitUntil(() => agent.state.phase === 'connecting');
      answerPrompt();
      await Promise.all([starting, accepting]);
      await waitUntil(() => agent.state.phase === 'active' && customer.state.phase === 'active', 'both active', { timeout: 10_000 });
      await waitUntil(() => customer.remoteMediaState?.videoEnabled === true, 'the agent camera is reported on');
      const senders = agent.localStream!.getTracks().map((t) => t.kind).sort();
      expect(senders).to.deep.equal(['audio', 'video']);
      const received = async (kind: string) => {
        let bytes = 0;
        (await customer.getStats())?.forEach((r) => {
          if (r.type === 'inbound-rtp' && r.kind === kind) bytes += r.bytesReceived ?? 0;
        });
        return bytes;
      };
      let audio = 0;
      let video = 0;
      await waitUntil(async () => ((audio = await received('audio')), (video = await received('video')), audio > 0 && video > 0), 'the agent media reaches the customer', { timeout: 5_000 });
    });

    it('leaves no device on when the call ends while the permission prompt is open', async () => {
      const { agent, customer, agentDevices } = setUp();
      await customer.connect();
      let answerPrompt!: () => void;
      agentDevices.hold = new Promise((resolve) => (answerPrompt = resolve));
      const starting = agent.startCall({ video: true });
      await waitUntil(() => agent.state.phase === 'outgoing');
      agent.end();
      answerPrompt();
      await starting;
      expect(agent.state.endReason).to.equal('cancelled');
      expect(agentDevices.tracks.length).to.be.greaterThan(0);
      expect(agentDevices.allEnded()).to.equal(true);
    });
  });

  describe('dispose', () => {
    it('ends the call, closes the transport and removes every listener', async () => {
      const { agent, customer, agentDevices } = await connected();
      let events = 0;
      agent.on('statechange', () => events++);
      agent.dispose();
      expect(agent.transport.state).to.equal('closed');
      expect(agentDevices.allEnded()).to.equal(true);
      await waitUntil(() => customer.state.phase === 'ended');
      expect(customer.state.endReason).to.equal('remote-ended');
      expect(events).to.equal(1);
      expect(agent.listenerCount('statechange')).to.equal(0);
      expect((await rejection(agent.startCall())).code).to.equal('invalid-state');
    });
  });
});
