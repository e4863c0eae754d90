// chat-call-kit: one CallEngine per page over the reference server, exactly as an integrator uses it.
import { CallEngine, WebSocketTransport } from '/dist/chat-call-kit.esm.js';
import { demoToken, mark, showRemote } from '../common.js';

/** The contender with these engine options on top of the defaults (cck-sfu.js adds the SFU region). */
export function cckContender(engineOptions = {}) {
  let engine;
  return {
    async setup({ role, conversation }) {
      const token = await demoToken(role, conversation);
      const transport = new WebSocketTransport({ url: `ws://${location.host}/signaling`, conversationId: conversation, role, token });
      engine = new CallEngine({ transport, iceServers: [], displayName: role === 'agent' ? 'Agent' : undefined, ...engineOptions });
      engine.on('incoming', () => mark('rungAt'));
      engine.on('remotestream', (stream) => showRemote(stream));
      await engine.connect();
    },
    async start() {
      mark('clickAt');
      await engine.startCall({ video: true });
    },
    async accept() {
      mark('acceptAt');
      await engine.accept({ video: true });
    },
    async hangup() {
      if (engine.state.phase !== 'ended' && engine.state.phase !== 'idle') engine.end();
    },
    idle: () => engine.state.phase === 'ended' || engine.state.phase === 'idle',
    phase: () => engine.state.phase,
  };
}

export const contender = cckContender();
