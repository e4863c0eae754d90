/**
 * PeerSession's negotiation rules, with two real sessions in one page (fake devices) and a relay
 * between them that the test can hold: only the customer offers, the agent asks; candidates that
 * gave no path before the media permission are gathered again at the first media; a slot whose
 * track is taken away stops sending (inactive encodings). The cross-browser behaviour of the same
 * rules is proven end to end in test/e2e/calls.test.ts.
 */
import { expect, waitUntil } from '@open-wc/testing';
import type { MediaPayload, MediaSessionOptions } from '../../src/media/media-session.js';
import { PeerSession } from '../../src/media/peer-session.js';
import { parsePeerSignal, type PeerSignal } from '../../src/media/peer-signal.js';

interface Watched {
  pc: RTCPeerConnection;
  offers: string[];
}

const created: Watched[] = [];
const Native = window.RTCPeerConnection;
before(() => {
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      const watched: Watched = { pc: this, offers: [] };
      created.push(watched);
      const setLocal = this.setLocalDescription.bind(this);
      this.setLocalDescription = async (description?: RTCLocalSessionDescriptionInit) => {
        await setLocal(description);
        if (this.localDescription?.type === 'offer' && this.signalingState === 'have-local-offer') {
          watched.offers.push(this.localDescription.sdp.match(/a=ice-ufrag:(\S+)/)?.[1] ?? '');
        }
      };
    }
  } as typeof RTCPeerConnection;
});
after(() => {
  window.RTCPeerConnection = Native;
});

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A call's session options with a port that hands every signal to `deliver`. */
function sessionOptions(role: 'agent' | 'customer', deliver: (payload: MediaPayload) => void): MediaSessionOptions {
  return {
    callId: 'peer-test',
    conversationId: 'peer-test',
    role,
    iceServers: [],
    signaling: { send: deliver, request: () => Promise.reject(new Error('peer-to-peer: no server-side session')) },
  };
}

/** Two sessions; `hold.answers` keeps the agent's answers back until `release()`. */
function pair() {
  const fromAgent: PeerSignal[] = [];
  const held: MediaPayload[] = [];
  const hold = { answers: false };
  const sessions: { agent?: PeerSession; customer?: PeerSession } = {};
  const customer = new PeerSession(sessionOptions('customer', (payload) => void sessions.agent!.handleSignal(payload, 'customer')));
  const customerPc = created.at(-1)!;
  const agent = new PeerSession(
    sessionOptions('agent', (payload) => {
      const signal = parsePeerSignal(payload)!;
      fromAgent.push(signal);
      if (hold.answers && (signal.type === 'sdp' || held.length > 0)) held.push(payload);
      else void customer.handleSignal(payload, 'agent');
    }),
  );
  const agentPc = created.at(-1)!;
  Object.assign(sessions, { agent, customer });
  const release = () => {
    hold.answers = false;
    for (const payload of held.splice(0)) void customer.handleSignal(payload, 'agent');
  };
  cleanups.push(() => {
    agent.close();
    customer.close();
  });
  return { customer, agent, customerPc, agentPc, fromAgent, hold, release };
}

async function microphone(): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const track = stream.getAudioTracks()[0]!;
  cleanups.push(() => track.stop());
  return track;
}

async function camera(): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: true });
  const track = stream.getVideoTracks()[0]!;
  cleanups.push(() => track.stop());
  return track;
}

describe('PeerSession negotiation', () => {
  it('the customer makes every offer; the agent answers, and asks for a restart instead of offering', async () => {
    const { customer, agent, customerPc, agentPc, fromAgent } = pair();
    customer.prepare(['audio', 'video']);
    agent.prepare(['audio', 'video']);
    await waitUntil(() => customer.connectionState === 'connected' && agent.connectionState === 'connected', 'connected', { timeout: 10_000 });
    expect(agentPc.offers).to.deep.equal([]);
    expect(customerPc.offers.length).to.equal(1);

    agent.restartIce();
    expect(fromAgent.at(-1)).to.deep.equal({ type: 'negotiate', iceRestart: true });
    await waitUntil(() => customerPc.offers.length === 2 && customerPc.pc.signalingState === 'stable', 'the customer restarted', { timeout: 10_000 });
    expect(customerPc.offers[1]).to.not.equal(customerPc.offers[0]);
    expect(agentPc.offers).to.deep.equal([]);
  });

  it('offered before the media permission, still no path 2 s after the first media: it gathers again (ICE restart)', async () => {
    const { customer, agent, customerPc, hold, release } = pair();
    hold.answers = true;
    customer.prepare(['audio', 'video']);
    agent.prepare(['audio', 'video']);
    await waitUntil(() => customerPc.offers.length === 1, 'the offer went out while ringing');
    // The answer has not arrived: the early candidates gave no path.
    await customer.setTrack('audio', await microphone());
    // Still no path 2 s after the first media: the customer restarts ICE (after the pending answer).
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    release();
    await waitUntil(() => customerPc.offers.length === 2, 'a second offer, with fresh ICE', { timeout: 10_000 });
    expect(customerPc.offers[1]).to.not.equal(customerPc.offers[0]);
    await waitUntil(() => customer.connectionState === 'connected' && agent.connectionState === 'connected', 'connected', { timeout: 10_000 });
  });

  it('connected before the media: the first media needs no new offer', async () => {
    const { customer, agent, customerPc } = pair();
    customer.prepare(['audio', 'video']);
    agent.prepare(['audio', 'video']);
    await waitUntil(() => customer.connectionState === 'connected', 'connected', { timeout: 10_000 });
    await customer.setTrack('audio', await microphone());
    await customer.setTrack('video', await camera());
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(customerPc.offers.length).to.equal(1);
  });

  it('a slot whose track is taken away gets inactive encodings; given a track again, they are active', async () => {
    const { customer, agent, agentPc } = pair();
    customer.prepare(['audio', 'video']);
    agent.prepare(['audio', 'video']);
    await waitUntil(() => agent.connectionState === 'connected', 'connected', { timeout: 10_000 });
    const sender = () => agentPc.pc.getTransceivers().find((t) => t.receiver.track.kind === 'video')!.sender;
    const encodings = () => sender().getParameters().encodings.map((e) => e.active);
    expect(encodings()).to.deep.equal([true], 'a slot that never had a track is left as it is');
    const track = await camera();
    await agent.setTrack('video', track);
    expect(sender().track).to.equal(track);
    await agent.setTrack('video', null);
    expect(sender().track).to.equal(null);
    expect(encodings()).to.deep.equal([false]);
    await agent.setTrack('video', track);
    expect(encodings()).to.deep.equal([true]);
  });
});
