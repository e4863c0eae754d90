// Test harness: one SfuSession (the lazy SFU chunk, as the bundles load it) talking to the server's
// SFU through the test's small WebSocket bridge, driven by the Node test through `window.harness`.
import { SfuSession } from '/dist/chat-call-kit-sfu.js';
import { recordPeerConnections, selectedPairs } from '../webrtc-recording.js';

const peerConnections = recordPeerConnections();

const video = document.getElementById('remote');
const log = { states: [], errors: [], remoteTracks: [] };
let session;
let socket;
let local;

window.harness = {
  /** Joins the bridge as `source` of `callId` and opens a session (receive only for a listener). */
  async open({ bridgeUrl, conversationId, source, callId, receiveOnly = false }) {
    socket = new WebSocket(`${bridgeUrl}?conversation=${encodeURIComponent(conversationId)}&source=${source}&call=${encodeURIComponent(callId)}`);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error('bridge unreachable'));
    });
    const pending = new Map();
    let nextId = 0;
    const port = {
      request(payload) {
        const id = ++nextId;
        socket.send(JSON.stringify({ id, payload }));
        return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
      },
    };
    socket.onmessage = ({ data }) => {
      const message = JSON.parse(data);
      if (message.notice) {
        void session.handleNotice(message.notice);
        return;
      }
      const waiter = pending.get(message.replyTo);
      pending.delete(message.replyTo);
      if (message.ok) waiter?.resolve(message.payload);
      else waiter?.reject(Object.assign(new Error(message.message), { code: message.code }));
    };
    session = new SfuSession({ port, iceServers: [], receiveOnly });
    session.on('connectionstatechange', (state) => log.states.push(state));
    session.on('error', (error) => log.errors.push(error.message));
    session.on('remotetrack', (track) => {
      log.remoteTracks.push(track.kind);
      if (video.srcObject !== session.remoteStream) {
        video.srcObject = session.remoteStream;
        void video.play().catch(() => {});
      }
    });
    session.prepare(['audio', 'video']);
  },
  async send({ audio = true, video: withVideo = true } = {}) {
    local = await navigator.mediaDevices.getUserMedia({ audio, video: withVideo });
    for (const track of local.getTracks()) await session.setTrack(track.kind, track);
  },
  setTrack: (kind, on) => session.setTrack(kind, on ? local.getTracks().find((t) => t.kind === kind) : null),
  restartIce: () => session.restartIce(),
  state: () => session.connectionState,
  log: () => structuredClone(log),
  remoteKinds: () => session.remoteStream.getTracks().map((t) => t.kind).sort(),
  /** Bytes received and sent per kind, from the session's merged statistics. */
  async bytes() {
    const result = { inbound: { audio: 0, video: 0 }, outbound: { audio: 0, video: 0 }, framesDecoded: 0 };
    (await session.getStats()).forEach((report) => {
      if (report.type === 'inbound-rtp') {
        result.inbound[report.kind] += report.bytesReceived ?? 0;
        if (report.kind === 'video') result.framesDecoded += report.framesDecoded ?? 0;
      }
      if (report.type === 'outbound-rtp') result.outbound[report.kind] += report.bytesSent ?? 0;
    });
    return result;
  },
  /** Each peer connection's selected candidate pair: the remote address and port media goes to. */
  selectedRemotes: async () => (await selectedPairs(peerConnections)).map((pair) => pair.remote),
  peerConnectionStates: () => peerConnections.map((pc) => pc.connectionState),
  close() {
    session.close();
    for (const track of local?.getTracks() ?? []) track.stop();
    socket.close();
  },
};
window.harnessReady = true;
