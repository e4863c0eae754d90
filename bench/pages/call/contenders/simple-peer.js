// simple-peer over the same relay: its signals travel as protocol `media-signal` messages (`{ sdp }` /
// `{ ice }`, as the SDK's peer-to-peer session sends them) through the
// SDK's WebSocketTransport; ringing is an app-level `call-invite` as in the floor. Accept = the
// customer captures and creates the initiator peer; the agent answers with the media it captured on click.
import { WebSocketTransport } from '/dist/chat-call-kit.esm.js';
import SimplePeer from '/bench-lib/simple-peer.js';
import { capture, demoToken, mark, showRemote, stopTracks } from '../common.js';

let transport;
let peer;
let local;
let callId;

function newPeer(initiator, stream) {
  const p = new SimplePeer({ initiator, stream, trickle: true, config: { iceServers: [] } });
  p.on('signal', (data) => {
    if (data.type === 'offer' || data.type === 'answer') {
      transport.send({ type: 'media-signal', payload: { callId, payload: { sdp: { type: data.type, sdp: data.sdp } } } });
    } else if (data.candidate) {
      const c = { candidate: data.candidate.candidate };
      if (data.candidate.sdpMid != null) c.sdpMid = data.candidate.sdpMid;
      if (data.candidate.sdpMLineIndex != null) c.sdpMLineIndex = data.candidate.sdpMLineIndex;
      transport.send({ type: 'media-signal', payload: { callId, payload: { ice: c } } });
    }
  });
  p.on('stream', (stream) => showRemote(stream));
  p.on('error', (error) => console.error('simple-peer', error.message));
  return p;
}

async function onMessage({ type, payload }) {
  const signal = type === 'media-signal' && payload.callId === callId ? payload.payload : undefined;
  if (type === 'call-invite') {
    callId = payload.callId;
    mark('rungAt');
  } else if (signal?.sdp) {
    if (signal.sdp.type === 'offer') peer = newPeer(false, await local);
    peer.signal(signal.sdp);
  } else if (signal?.ice) {
    peer?.signal({ candidate: signal.ice });
  }
}

export const contender = {
  async setup({ role, conversation }) {
    const token = await demoToken(role, conversation);
    transport = new WebSocketTransport({ url: `ws://${location.host}/signaling`, conversationId: conversation, role, token });
    transport.on('message', (message) => void onMessage(message).catch((error) => console.error(error)));
    await transport.connect();
  },
  async start() {
    mark('clickAt');
    callId = `sp-${crypto.randomUUID()}`;
    transport.send({ type: 'call-invite', payload: { callId, video: true } });
    local = capture();
    await local;
  },
  async accept() {
    mark('acceptAt');
    local = await capture();
    peer = newPeer(true, local);
  },
  async hangup() {
    peer?.destroy();
    peer = undefined;
    stopTracks(await local);
    local = undefined;
    showRemote(null);
  },
  idle: () => !peer,
};
