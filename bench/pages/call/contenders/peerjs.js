// PeerJS with its own signaling server (the `peer` package, started in-process on loopback). Its API
// rings by sending the offer: the agent's `peer.call(id, stream)` needs the agent's media first, the
// customer's `call` event is the ring, and `call.answer(stream)` is the accept.
import { Peer } from '/bench-lib/peerjs.js';
import { capture, mark, showRemote, stopTracks } from '../common.js';

let peer;
let call;
let local;
let otherId;

function track(c) {
  call = c;
  c.on('stream', (stream) => showRemote(stream));
  c.on('error', (error) => console.error('peerjs call', error.message));
}

export const contender = {
  async setup({ role, conversation, peerServer }) {
    const id = `${conversation}-${role}`.replace(/[^A-Za-z0-9_-]/g, '_');
    otherId = `${conversation}-${role === 'agent' ? 'customer' : 'agent'}`.replace(/[^A-Za-z0-9_-]/g, '_');
    peer = new Peer(id, { host: '127.0.0.1', port: peerServer.port, path: peerServer.path, secure: false, config: { iceServers: [] }, debug: 0 });
    peer.on('call', (c) => {
      mark('rungAt');
      track(c);
    });
    peer.on('error', (error) => console.error('peerjs', error.type, error.message));
    await new Promise((resolve, reject) => {
      peer.once('open', resolve);
      peer.once('error', reject);
    });
  },
  async start() {
    mark('clickAt');
    local = await capture();
    track(peer.call(otherId, local));
  },
  async accept() {
    mark('acceptAt');
    local = await capture();
    call.answer(local);
  },
  async hangup() {
    call?.close();
    call = undefined;
    stopTracks(local);
    local = undefined;
    showRemote(null);
  },
  idle: () => !call,
};
