/**
 * The engine's deployment options in real Chromium, over the in-memory hub: the capacity reporter
 * (default: `call-started` / `call-ended` to the server, never to the other member; or a host's own),
 * the calling option, and the media region resolved to the peer connection's ICE servers.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { CallEngine, type CallEngineOptions } from '../../src/engine/call-engine.js';
import type { CallEndInfo, CallStartInfo, CapacityReporter } from '../../src/engine/capacity-reporter.js';
import type { CallError } from '../../src/engine/errors.js';
import { setMediaRegions } from '../../src/media/regions.js';
import { MemoryHub } from '../../src/signaling/memory-transport.js';
import type { SignalingMessage } from '../../src/signaling/protocol.js';

const NA = [{ urls: 'turn:127.0.0.1:1?transport=udp', username: 'na', credential: 'na' }];
const EU = [{ urls: 'turn:127.0.0.2:1?transport=udp', username: 'eu', credential: 'eu' }];

let count = 0;
const engines: CallEngine[] = [];
const hubs: MemoryHub[] = [];

function setUp(options: Partial<CallEngineOptions> = {}, customerOptions: Partial<CallEngineOptions> = {}) {
  const notices: Array<SignalingMessage & { member: { conversationId: string; role: string } }> = [];
  const hub = new MemoryHub({ onNotice: (message, member) => notices.push({ ...message, member }) });
  hubs.push(hub);
  const conversationId = `deployment-${++count}`;
  const agent = new CallEngine({ transport: hub.createTransport({ conversationId, role: 'agent' }), ...options });
  const customer = new CallEngine({ transport: hub.createTransport({ conversationId, role: 'customer' }), ...customerOptions });
  engines.push(agent, customer);
  const received: SignalingMessage[] = [];
  customer.transport.on('message', (message) => received.push(message));
  return { agent, customer, notices, received, conversationId };
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
  for (const hub of hubs.splice(0)) hub.dispose();
  setMediaRegions(null);
});

describe('CallEngine deployment options', () => {
  describe('capacity reporter', () => {
    it('by default tells the server (not the customer) when the agent call starts and when it ends', async () => {
      const { agent, customer, notices, received, conversationId } = setUp();
      await customer.connect();
      await agent.startCall({ video: false });
      await waitUntil(() => notices.length === 1, 'call-started reported');
      const callId = agent.state.callId;
      expect(notices[0]).to.deep.include({ type: 'call-started', member: { conversationId, role: 'agent' }, payload: { callId, video: false } });
      await waitUntil(() => customer.state.phase === 'incoming');
      customer.reject();
      await waitUntil(() => notices.length === 2, 'call-ended reported');
      expect(notices[1]).to.deep.include({ type: 'call-ended', payload: { callId } });
      expect(received.map((m) => m.type)).not.to.include.members(['call-started', 'call-ended']);
    });

    it('calls a host reporter on every start and end, with the end reason; null reports nothing', async () => {
      const calls: Array<['start', CallStartInfo] | ['end', CallEndInfo]> = [];
      const reporter: CapacityReporter = {
        callStarted: (info) => void calls.push(['start', info]),
        callEnded: (info) => void calls.push(['end', info]),
      };
      const { agent, customer, notices, conversationId } = setUp({ capacityReporter: reporter });
      await customer.connect();
      await agent.startCall({ video: true });
      agent.end();
      expect(calls).to.deep.equal([
        ['start', { conversationId, callId: calls[0][1].callId, video: true }],
        ['end', { conversationId, callId: calls[0][1].callId, video: true, endReason: 'cancelled' }],
      ]);
      expect(notices, 'the default reporter is replaced').to.have.length(0);

      const silent = setUp({ capacityReporter: null });
      await silent.customer.connect();
      await silent.agent.startCall({ video: false });
      silent.agent.end();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(silent.notices).to.have.length(0);
    });

    it('reports the end when the engine is disposed mid-call, while the transport is still open', async () => {
      const ends: Array<{ endReason: string; transportState: string }> = [];
      const reporter: CapacityReporter = { callStarted: () => {}, callEnded: ({ endReason }) => void ends.push({ endReason, transportState: agent.transport.state }) };
      const { agent, customer } = setUp({ capacityReporter: reporter });
      await customer.connect();
      await agent.startCall({ video: false });
      agent.dispose();
      expect(ends).to.deep.equal([{ endReason: 'cancelled', transportState: 'open' }]);
    });

    it('a throwing reporter does not break the call', async () => {
      const errors: unknown[] = [];
      // The test framework treats uncaught errors as failures: collect them here instead.
      const previous = window.onerror;
      window.onerror = (_message, _source, _line, _column, error) => {
        errors.push(error);
        return true;
      };
      try {
        const { agent, customer } = setUp({
          capacityReporter: {
            callStarted: () => {
              throw new Error('host routing is down');
            },
            callEnded: () => Promise.reject(new Error('still down')),
          },
        });
        await customer.connect();
        await agent.startCall({ video: false });
        await waitUntil(() => customer.state.phase === 'incoming');
        agent.end();
        await waitUntil(() => errors.length === 2, 'both errors rethrown asynchronously');
        expect(agent.state.phase).to.equal('ended');
      } finally {
        window.onerror = previous;
      }
    });

    it('is not used on the customer side', async () => {
      const calls: string[] = [];
      const reporter: CapacityReporter = { callStarted: () => void calls.push('start'), callEnded: () => void calls.push('end') };
      const { agent, customer } = setUp({}, { capacityReporter: reporter });
      await customer.connect();
      await agent.startCall({ video: false });
      await waitUntil(() => customer.state.phase === 'incoming');
      customer.reject();
      expect(calls).to.deep.equal([]);
    });
  });

  describe('calling option', () => {
    it('voice-only means no video; off refuses every call with calls-disabled', async () => {
      const voice = setUp({ calling: 'voice-only' });
      expect(voice.agent.options).to.include({ calling: 'voice-only', allowVideo: false });
      expect((await rejection(voice.agent.startCall({ video: true }))).code).to.equal('video-not-allowed');

      const off = setUp({ calling: 'off' });
      expect(off.agent.options).to.include({ calling: 'off', allowVideo: false });
      expect((await rejection(off.agent.startCall({ video: false }))).code).to.equal('calls-disabled');
      expect(off.agent.state.phase).to.equal('idle');
      expect(setUp({ allowVideo: false }).agent.options.calling).to.equal('voice-only');
    });

    it('a customer engine with calls off declines an invite without ringing', async () => {
      const { agent, customer } = setUp({}, { calling: 'off' });
      await customer.connect();
      await agent.startCall({ video: false });
      await waitUntil(() => agent.state.phase === 'ended', 'declined');
      expect(agent.state.endReason).to.equal('rejected');
      expect(customer.state.phase).to.equal('idle');
    });
  });

  describe('media region', () => {
    it('resolves gcc to the North America servers (engine regions or the page map); explicit iceServers win', async () => {
      const regions = { na: { iceServers: NA }, eu: { iceServers: EU } };
      expect(setUp({ region: 'gcc', regions }).agent.options.iceServers).to.deep.equal(NA);
      expect(setUp({ region: 'eu', regions }).agent.options.iceServers).to.deep.equal(EU);
      expect(setUp({ region: 'gcc', regions, iceServers: [] }).agent.options.iceServers).to.deep.equal([]);
      setMediaRegions({ na: { iceServers: NA } });
      expect(setUp({ region: 'GCC' }).agent.options.iceServers).to.deep.equal(NA);
      expect(setUp().agent.options.iceServers, 'no region: no servers').to.deep.equal([]);
    });

    it('hands the resolved region and its servers to the media session', async () => {
      const seen: Array<{ region?: string; sfuUrl?: string; iceServers: RTCIceServer[] }> = [];
      const { agent, customer } = setUp({
        region: 'gcc',
        regions: { na: { iceServers: NA, sfuUrl: 'wss://sfu-na.example.test' } },
        mediaSessionFactory: (options) => {
          seen.push(options);
          return new (class {
            connectionState = 'new' as const;
            remoteStream = new MediaStream();
            on = () => () => {};
            once = () => () => {};
            off = () => {};
            prepare() {}
            async setTrack() {}
            async handleSignal() {}
            restartIce() {}
            async getStats() {
              return new Map() as unknown as RTCStatsReport;
            }
            close() {}
          })();
        },
      });
      await customer.connect();
      await agent.startCall({ video: false });
      expect(seen[0]).to.deep.include({ region: 'na', sfuUrl: 'wss://sfu-na.example.test', iceServers: NA });
    });

    it('throws invalid-state for an unknown region instead of silently using no relay', () => {
      const hub = new MemoryHub();
      hubs.push(hub);
      const make = () => new CallEngine({ transport: hub.createTransport({ conversationId: 'x', role: 'agent' }), region: 'mars' });
      expect(make).to.throw().with.property('code', 'invalid-state');
    });
  });
});
