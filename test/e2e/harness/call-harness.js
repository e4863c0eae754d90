// Test harness: one CallEngine per page, driven by the Node tests through `window.harness`.
// It only observes the browser (records tracks, stats, frames); every call goes through the SDK.
import { CallEngine, WebSocketTransport } from '/dist/chat-call-kit.esm.js';

const captured = [];
const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints) => {
  const stream = await getUserMedia(constraints);
  captured.push(...stream.getTracks());
  return stream;
};

const peerConnections = [];
const NativePeerConnection = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePeerConnection {
  constructor(configuration) {
    super(configuration);
    peerConnections.push({ pc: this, configuration });
  }
};

const now = () => performance.timeOrigin + performance.now();
const video = document.getElementById('remote');

const log = { phases: [], endReason: undefined, remoteMedia: [], events: [], errors: [] };
let engine;
let firstFrameAt;

window.harness = {
  async join({ role, conversation, ...options }) {
    const response = await fetch(`/api/demo-token?role=${role}&conversation=${encodeURIComponent(conversation)}`);
    const { token } = await response.json();
    const transport = new WebSocketTransport({
      url: `ws://${location.host}/signaling`,
      conversationId: conversation,
      role,
      token,
    });
    engine = new CallEngine({ transport, displayName: role === 'agent' ? 'Alex (agent)' : undefined, ...options });
    engine.on('statechange', (state) => {
      log.phases.push(state.phase);
      if (state.phase === 'ended') log.endReason = state.endReason;
    });
    engine.on('remotemediastate', (state) => log.remoteMedia.push({ ...state }));
    engine.on('error', (error) => log.errors.push(error.code));
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

  /** Bytes received and sent so far, per media kind, from the peer connection's own statistics. */
  async bytes() {
    const result = { inbound: { audio: 0, video: 0 }, outbound: { audio: 0, video: 0 } };
    const stats = await engine.getStats();
    stats?.forEach((report) => {
      if (report.type === 'inbound-rtp') result.inbound[report.kind] += report.bytesReceived ?? 0;
      if (report.type === 'outbound-rtp') result.outbound[report.kind] += report.bytesSent ?? 0;
    });
    return result;
  },

  capturedTracks: () => captured.map((track) => ({ kind: track.kind, readyState: track.readyState })),
  peerConnectionStates: () => peerConnections.map(({ pc }) => pc.connectionState),
  peerConnectionConfigurations: () => peerConnections.map(({ configuration }) => configuration),
  liveLocalKinds: () => (engine.localStream ? engine.localStream.getTracks().filter((t) => t.readyState === 'live').map((t) => t.kind) : []),
  iceUsernameFragment() {
    const pc = peerConnections.at(-1)?.pc;
    return pc?.localDescription?.sdp.match(/a=ice-ufrag:(\S+)/)?.[1];
  },
};
window.harnessReady = true;
