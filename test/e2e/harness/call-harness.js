// Test harness: one CallEngine per page, driven by the Node tests through `window.harness`.
// It only observes the browser (records tracks, stats, frames); every call goes through the SDK.
import { CallEngine, WebSocketTransport } from '/dist/chat-call-kit.esm.js';
import { recordCapturedTracks, selectedPairs } from './webrtc-recording.js';

const captured = recordCapturedTracks();

const peerConnections = [];
const NativePeerConnection = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePeerConnection {
  constructor(configuration) {
    super(configuration);
    const entry = { pc: this, configuration, offers: 0 };
    peerConnections.push(entry);
    // Counts this side's offers: proves which side negotiates and that toggling video does not.
    const setLocalDescription = this.setLocalDescription.bind(this);
    this.setLocalDescription = async (description) => {
      await setLocalDescription(description);
      if (this.localDescription?.type === 'offer' && this.signalingState === 'have-local-offer') entry.offers += 1;
    };
  }
};

// Fault injection: while set, this page's heartbeats on the session's liveness channel are dropped,
// as if its packets stopped arriving on the other side while both still report `connected`.
let heartbeatsDropped = false;
const nativeSend = RTCDataChannel.prototype.send;
RTCDataChannel.prototype.send = function send(data) {
  if (heartbeatsDropped && this.label === 'cck-liveness') return;
  return nativeSend.call(this, data);
};

const now = () => performance.timeOrigin + performance.now();
const video = document.getElementById('remote');

const log = { phases: [], endReason: undefined, remoteMedia: [], events: [], errors: [], transport: [], connection: [], supervisor: [], presence: [] };
let engine;
let firstFrameAt;

window.harness = {
  /**
   * `fromServerConfig: true` configures the engine as a host page would from `GET /api/config`: the
   * deployment's calling option, region and region map. Other options go to the engine as given.
   */
  async join({ role, conversation, subject, fromServerConfig, ...options }) {
    // `subject`: who joins (a routed conversation admits only its assigned agent and its customer).
    const as = subject ? `&subject=${encodeURIComponent(subject)}` : '';
    const response = await fetch(`/api/demo-token?role=${role}&conversation=${encodeURIComponent(conversation)}${as}`);
    const { token } = await response.json();
    let deployment = {};
    if (fromServerConfig) {
      const config = await (await fetch('/api/config', { headers: { Authorization: `Bearer ${token}` } })).json();
      deployment = { calling: config.calling, region: config.region, regions: config.regions };
    }
    const transport = new WebSocketTransport({
      url: `ws://${location.host}/signaling`,
      conversationId: conversation,
      role,
      token,
    });
    engine = new CallEngine({ transport, displayName: role === 'agent' ? 'Alex (agent)' : undefined, ...deployment, ...options });
    engine.on('statechange', (state) => {
      log.phases.push(state.phase);
      if (state.phase === 'ended') log.endReason = state.endReason;
    });
    engine.on('remotemediastate', (state) => log.remoteMedia.push({ ...state }));
    transport.on('statechange', (state) => log.transport.push(state));
    engine.on('error', (error) => log.errors.push(error.code));
    engine.on('connectionstate', (state) => log.connection.push(state));
    engine.on('supervisor', (state) => log.supervisor.push(state));
    transport.on('presence', ({ role, present }) => log.presence.push({ role, present }));
    transport.on('joined', ({ members }) => log.presence.push(...members.map(({ role }) => ({ role, present: true, joined: true }))));
    for (const name of ['incoming', 'ringing', 'videofallback']) {
      engine.on(name, (detail) => log.events.push({ name, code: detail?.code }));
    }
    engine.on('remotestream', (stream) => {
      if (video.srcObject === stream) return;
      video.srcObject = stream;
      if (stream) void video.play().catch(() => {});
    });
    await engine.connect();
  },

  startCall: (options) => engine.startCall(options),
  accept: (options) => engine.accept(options),
  reject: () => engine.reject(),
  end: () => engine.end(),
  dispose: () => engine.dispose(),
  setMuted: (muted) => engine.setMuted(muted),
  setVideoEnabled: (enabled) => engine.setVideoEnabled(enabled),
  restartIce: () => engine.restartIce(),

  /** Starts timing: resolves the first remote video frame presented after now. */
  watchFirstFrame() {
    firstFrameAt = undefined;
    const startedAt = now();
    const onFrame = () => {
      firstFrameAt = now();
    };
    const wait = () => {
      if (video.srcObject && video.srcObject.getVideoTracks().length > 0) video.requestVideoFrameCallback(onFrame);
      else setTimeout(wait, 5);
    };
    wait();
    return startedAt;
  },
  firstFrameAt: () => firstFrameAt,
  now,

  phase: () => engine.state.phase,
  log: () => structuredClone(log),
  localMediaState: () => ({ ...engine.localMediaState }),

  /**
   * Bytes received and sent so far per media kind, and video frames decoded, from the peer
   * connection's own statistics. Not media: the SFU's bandwidth probation stream (mediasoup-client's
   * `probator` receiver, padding the SFU sends while it forwards video, paused or not).
   */
  async bytes() {
    const result = { inbound: { audio: 0, video: 0 }, outbound: { audio: 0, video: 0 }, framesDecoded: 0 };
    const stats = await engine.getStats();
    stats?.forEach((report) => {
      if (report.type === 'inbound-rtp' && (report.mid === 'probator' || report.trackIdentifier === 'probator')) return;
      if (report.type === 'inbound-rtp') {
        result.inbound[report.kind] += report.bytesReceived ?? 0;
        if (report.kind === 'video') result.framesDecoded += report.framesDecoded ?? 0;
      }
      if (report.type === 'outbound-rtp') result.outbound[report.kind] += report.bytesSent ?? 0;
    });
    return result;
  },
  /** The latest peer connection is connected with no negotiation under way. */
  negotiationSettled() {
    const pc = peerConnections.at(-1)?.pc;
    return pc?.signalingState === 'stable' && pc.connectionState === 'connected';
  },
  /** How many offers this side made on its latest peer connection. */
  offersMade: () => peerConnections.at(-1)?.offers ?? 0,
  /** Fault injection: the next remote description of `type` given to the latest peer connection is refused. */
  failNextRemoteDescription(type) {
    const pc = peerConnections.at(-1)?.pc;
    if (!pc) throw new Error('no peer connection');
    const original = pc.setRemoteDescription.bind(pc);
    pc.setRemoteDescription = async (description) => {
      if (description?.type !== type) return original(description);
      pc.setRemoteDescription = original;
      throw new DOMException('injected: the browser refused this description', 'OperationError');
    };
  },
  dropHeartbeats(dropped) {
    heartbeatsDropped = dropped;
  },
  connectionStates: () => structuredClone(log.connection),

  capturedTracks: () => captured.map((track) => ({ kind: track.kind, readyState: track.readyState })),
  peerConnectionStates: () => peerConnections.map(({ pc }) => pc.connectionState),
  peerConnectionConfigurations: () => peerConnections.map(({ configuration }) => configuration),
  liveLocalKinds: () => (engine.localStream ? engine.localStream.getTracks().filter((t) => t.readyState === 'live').map((t) => t.kind) : []),
  engineOptions: () => ({ calling: engine.options.calling, allowVideo: engine.options.allowVideo, iceServers: engine.options.iceServers }),
  /** The latest peer connection's selected candidate pair: local and remote candidate types and protocol. */
  async selectedCandidatePair() {
    const pc = peerConnections.at(-1)?.pc;
    if (!pc) return undefined;
    const stats = await pc.getStats();
    let pairId;
    stats.forEach((report) => {
      if (report.type === 'transport' && report.selectedCandidatePairId) pairId = report.selectedCandidatePairId;
    });
    const pair = pairId && stats.get(pairId);
    if (!pair) return undefined;
    const local = stats.get(pair.localCandidateId);
    const remote = stats.get(pair.remoteCandidateId);
    return {
      state: pair.state,
      local: { type: local?.candidateType, protocol: local?.protocol, relayProtocol: local?.relayProtocol, url: local?.url },
      remote: { type: remote?.candidateType, protocol: remote?.protocol },
    };
  },
  /** Bytes received so far on each inbound audio stream (one per sender: the other side, a supervisor who barged in). */
  async inboundAudioStreams() {
    const streams = {};
    (await engine.getStats())?.forEach((report) => {
      if (report.type === 'inbound-rtp' && report.kind === 'audio') streams[report.id] = report.bytesReceived ?? 0;
    });
    return streams;
  },
  supervisor: () => engine.supervisor,
  remoteAudioTracks: () => engine.remoteStream?.getAudioTracks().length ?? 0,
  /** Every open peer connection's selected candidate pair: both ends' address and port. */
  selectedPairs: () => selectedPairs(peerConnections.map(({ pc }) => pc)),
  /** Every candidate type this side gathered or received, from the statistics. */
  async candidateTypes() {
    const stats = await engine.getStats();
    const types = { local: new Set(), remote: new Set() };
    stats?.forEach((report) => {
      if (report.type === 'local-candidate') types.local.add(report.candidateType);
      if (report.type === 'remote-candidate') types.remote.add(report.candidateType);
    });
    return { local: [...types.local], remote: [...types.remote] };
  },
  iceUsernameFragment() {
    const pc = peerConnections.at(-1)?.pc;
    return pc?.localDescription?.sdp.match(/a=ice-ufrag:(\S+)/)?.[1];
  },
};
window.harnessReady = true;
