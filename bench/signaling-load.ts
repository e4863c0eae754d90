/**
 * Child process: the load for one relay. Opens `conversations` pairs of sockets on 127.0.0.1 (batched),
 * then every conversation runs `rounds` call-setup exchanges as ping-pong (invite, ringing, offer,
 * answer, 2 ICE candidates each way: 8 messages, each sent when the previous one arrived), all
 * conversations at once. The frames are protocol v2 as the SDK sends them (per-sender `seq`, the
 * cumulative `ack` of what was received piggy-backed on the next frame, the call's media signals as
 * `media-signal`), and every relay forwards the same bytes. The sender records each frame's send
 * time by its `seq`; the receiver records the relay latency. Reports over IPC: latencies (sampled),
 * delivered messages, elapsed time.
 */
import { WebSocket } from 'ws';
import { io, type Socket } from 'socket.io-client';
import { issueToken } from '../server/auth.js';

const [kind, portText, conversationsText, roundsText, timeLimitText] = process.argv.slice(2);
// `port`, or `customerPort,agentPort`: the cross-node row puts each member on its own node.
const [customerPort, agentPort = customerPort] = portText.split(',').map(Number);
const conversations = Number(conversationsText);
const rounds = Number(roundsText);
const timeLimitMs = Number(timeLimitText);
const secret = process.env.BENCH_SECRET ?? '';

const SDP = `v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n${'a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08\r\n'.repeat(1)}${'a=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n'.repeat(28)}`;
const CANDIDATE = { candidate: 'candidate:842163049 1 udp 1677729535 127.0.0.1 54321 typ host generation 0 ufrag abcd network-id 1', sdpMid: '0', sdpMLineIndex: 0 };

/** The exchange: [sender role, type, payload]. */
function exchange(callId: string): Array<['agent' | 'customer', string, Record<string, unknown>]> {
  return [
    ['agent', 'call-invite', { callId, video: true, callerName: 'Alex (agent)' }],
    ['customer', 'call-ringing', { callId }],
    ['agent', 'media-signal', { callId, payload: { sdp: { type: 'offer', sdp: SDP } } }],
    ['customer', 'media-signal', { callId, payload: { sdp: { type: 'answer', sdp: SDP } } }],
    ['agent', 'media-signal', { callId, payload: { ice: CANDIDATE } }],
    ['customer', 'media-signal', { callId, payload: { ice: CANDIDATE } }],
    ['agent', 'media-signal', { callId, payload: { ice: CANDIDATE } }],
    ['customer', 'media-signal', { callId, payload: { ice: CANDIDATE } }],
  ];
}

/** One member's end of the v2 stream: its next `seq`, what it received last (its `ack`), send times by seq. */
interface Stream {
  nextSeq: number;
  received: number;
  acked: number;
  sentAt: Map<number, number>;
}
const stream = (): Stream => ({ nextSeq: 1, received: 0, acked: 0, sentAt: new Map() });

/** A relayed v2 frame, acknowledging (piggy-backed) what `self` received since its last frame. */
function frame(self: Stream, type: string, payload: Record<string, unknown>): { text: string; seq: number } {
  const seq = self.nextSeq++;
  const ack = self.received > self.acked ? self.received : undefined;
  if (ack !== undefined) self.acked = ack;
  return { text: JSON.stringify({ v: 2, type, seq, ...(ack === undefined ? {} : { ack }), payload }), seq };
}

interface Endpoint {
  send(text: string): void;
  onMessage(handler: (text: string) => void): void;
  close(): void;
}

async function open(conversation: string, role: 'agent' | 'customer'): Promise<Endpoint> {
  const port = role === 'agent' ? agentPort : customerPort;
  if (kind === 'socketio') {
    const socket: Socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], query: { c: conversation }, reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return { send: (text) => socket.emit('m', text), onMessage: (h) => socket.on('m', h), close: () => socket.close() };
  }
  const url = kind === 'cck' ? `ws://127.0.0.1:${port}/signaling` : `ws://127.0.0.1:${port}/?c=${encodeURIComponent(conversation)}`;
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const handlers: Array<(text: string) => void> = [];
  if (kind === 'cck') {
    const token = await issueToken({ role, conversationId: conversation }, secret);
    socket.send(JSON.stringify({ v: 2, type: 'join', id: 1, payload: { conversationId: conversation, role, token, instance: `${conversation}-${role}` } }));
    await new Promise<void>((resolve, reject) => {
      const onJoin = (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { type: string };
        if (message.type === 'joined') {
          socket.off('message', onJoin);
          resolve();
        } else if (message.type === 'error') reject(new Error(data.toString()));
      };
      socket.on('message', onJoin);
    });
  }
  socket.on('message', (data: Buffer) => {
    const text = data.toString();
    for (const h of handlers) h(text);
  });
  return { send: (text) => socket.send(text), onMessage: (h) => handlers.push(h), close: () => socket.terminate() };
}

const latencies: number[] = [];
let delivered = 0;
let bytes = 0;

async function main() {
  const connectStarted = performance.now();
  const pairs: Array<{ conversation: string; agent: Endpoint; customer: Endpoint }> = [];
  const BATCH = 100;
  for (let i = 0; i < conversations; i += BATCH) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(BATCH, conversations - i) }, async (_, j) => {
        const conversation = `load-${i + j}`;
        const customer = await open(conversation, 'customer');
        const agent = await open(conversation, 'agent');
        return { conversation, agent, customer };
      }),
    );
    pairs.push(...batch);
  }
  const connectMs = performance.now() - connectStarted;
  process.send!({ type: 'connected', sockets: pairs.length * 2, connectMs });

  const started = performance.now();
  const deadline = started + timeLimitMs;
  let timedOut = false;
  await Promise.all(
    pairs.map(
      ({ conversation, agent, customer }) =>
        new Promise<void>((resolve) => {
          let round = 0;
          let step = 0;
          let steps = exchange(`${conversation}-0`);
          const streams = { agent: stream(), customer: stream() };
          const sendStep = () => {
            if (performance.now() > deadline) {
              timedOut = true;
              return resolve();
            }
            const [from, type, payload] = steps[step]!;
            const self = streams[from];
            const { text, seq } = frame(self, type, payload);
            self.sentAt.set(seq, performance.now());
            bytes += text.length;
            (from === 'agent' ? agent : customer).send(text);
          };
          const onMessage = (text: string) => {
            const message = JSON.parse(text) as { type: string; seq?: number; from?: 'agent' | 'customer' };
            if (message.type === 'presence' || message.type === 'joined' || message.type === 'pong' || message.type === 'ack') return;
            if (message.type === 'error') {
              console.error(`relay error: ${text.slice(0, 300)}`);
              return;
            }
            const from = steps[step]![0];
            const sender = streams[from];
            const receiver = streams[from === 'agent' ? 'customer' : 'agent'];
            receiver.received = message.seq!;
            latencies.push(performance.now() - sender.sentAt.get(message.seq!)!);
            sender.sentAt.delete(message.seq!);
            delivered += 1;
            step += 1;
            if (step === steps.length) {
              round += 1;
              step = 0;
              steps = exchange(`${conversation}-${round}`);
              if (round === rounds) return resolve();
            }
            sendStep();
          };
          agent.onMessage(onMessage);
          customer.onMessage(onMessage);
          sendStep();
        }),
    ),
  );
  const elapsedMs = performance.now() - started;
  // At most 20,000 latency samples go back (evenly spaced): enough for p99, small over IPC.
  const stride = Math.max(1, Math.floor(latencies.length / 20_000));
  process.send!({
    type: 'done',
    delivered,
    bytes,
    elapsedMs,
    connectMs,
    timedOut,
    latencies: latencies.filter((_, i) => i % stride === 0),
  });
  for (const p of pairs) {
    p.agent.close();
    p.customer.close();
  }
}

main().catch((error: Error) => {
  process.send!({ type: 'error', message: error.message });
});
