// The floor: a minimal hand-written RTCPeerConnection exchange over the same relay (the reference
// server's /signaling, through the SDK's WebSocketTransport, as protocol `call-invite` and
// `media-signal` messages carrying `{ sdp }` / `{ ice }`, as the SDK's peer-to-peer session does). Ring = the invite arrives. Accept = the customer captures and sends the offer; the agent
// (which captured when it clicked) answers. No pre-negotiation, no state machine: the least a call needs.
import { WebSocketTransport } from '/dist/chat-call-kit.esm.js';
import { capture, demoToken, mark, showRemote, stopTracks } from '../common.js';

let transport;
let role;
let pc;
let local;
let callId;
let pendingCandidates = [];

function newPeerConnection() {
  const connection = new RTCPeerConnection({ iceServers: [] });
  connection.onicecandidate = ({ candidate }) => {
    if (candidate) transport.send({ type: 'media-signal', payload: { callId, payload: { ice: clean(candidate.toJSON()) } } });
  };
  const remote = new MediaStream();
  connection.ontrack = ({ track }) => {
    remote.addTrack(track);
    showRemote(remote);
  };
  return connection;
}

function clean(candidate) {
  const out = { candidate: candidate.candidate };
  if (candidate.sdpMid != null) out.sdpMid = candidate.sdpMid;
  if (candidate.sdpMLineIndex != null) out.sdpMLineIndex = candidate.sdpMLineIndex;
  if (candidate.usernameFragment != null) out.usernameFragment = candidate.usernameFragment;
  return out;
}

async function onMessage(message) {
  const { type, payload } = message;
  const signal = type === 'media-signal' && payload.callId === callId ? payload.payload : undefined;
  if (type === 'call-invite') {
    callId = payload.callId;
    mark('rungAt');
  } else if (signal?.sdp) {
    const description = signal.sdp;
    if (description.type === 'offer') {
      // Agent: answer with the media captured when the call was started.
      pc = newPeerConnection();
      local = await local;
      for (const track of local.getTracks()) pc.addTrack(track, local);
      await pc.setRemoteDescription(description);
      for (const c of pendingCandidates.splice(0)) await pc.addIceCandidate(c);
      await pc.setLocalDescription();
      transport.send({ type: 'media-signal', payload: { callId, payload: { sdp: { type: 'answer', sdp: pc.localDescription.sdp } } } });
    } else {
      await pc.setRemoteDescription(description);
      for (const c of pendingCandidates.splice(0)) await pc.addIceCandidate(c);
    }
  } else if (signal?.ice) {
    if (pc?.remoteDescription) await pc.addIceCandidate(signal.ice);
    else pendingCandidates.push(signal.ice);
  }
}

export const contender = {
  async setup(options) {
    role = options.role;
    const token = await demoToken(role, options.conversation);
    transport = new WebSocketTransport({ url: `ws://${location.host}/signaling`, conversationId: options.conversation, role, token });
    transport.on('message', (message) => void onMessage(message).catch((error) => console.error(error)));
    await transport.connect();
  },
  async start() {
    mark('clickAt');
    callId = `floor-${crypto.randomUUID()}`;
    pendingCandidates = [];
    transport.send({ type: 'call-invite', payload: { callId, video: true } });
    local = capture(); // in parallel with ringing, awaited when the offer arrives
    await local;
  },
  async accept() {
    mark('acceptAt');
    pendingCandidates = [];
    local = await capture();
    pc = newPeerConnection();
    for (const track of local.getTracks()) pc.addTrack(track, local);
    await pc.setLocalDescription();
    transport.send({ type: 'media-signal', payload: { callId, payload: { sdp: { type: 'offer', sdp: pc.localDescription.sdp } } } });
  },
  async hangup() {
    pc?.close();
    pc = undefined;
    stopTracks(await local);
    local = undefined;
    showRemote(null);
  },
  idle: () => !pc,
};
