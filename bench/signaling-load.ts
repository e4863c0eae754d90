/**
 * Child process: the load for one relay. Opens `conversations` pairs of sockets on 127.0.0.1 (batched),
 * then every conversation runs `rounds` call-setup exchanges as ping-pong (invite, ringing, offer,
 * answer, 2 ICE candidates each way: 8 messages, each sent when the previous one arrived), all
 * conversations at once. Each message carries its send time in its `id`; the receiver records
 * the relay latency. Reports over IPC: latencies (sampled), delivered messages, elapsed time.
 */
import { WebSocket } from 'ws';
import { io, type Socket } from 'socket.io-client';
import { issueToken } from '../server/auth.js';

const [kind, portText, conversationsText, roundsText, timeLimitText] = process.argv.slice(2);
const port = Number(portText);
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
    ['agent', 'sdp', { callId, description: { type: 'offer', sdp: SDP } }],
    ['customer', 'sdp', { callId, description: { type: 'answer', sdp: SDP } }],
    ['agent', 'ice', { callId, candidate: CANDIDATE }],
    ['customer', 'ice', { callId, candidate: CANDIDATE }],
    ['agent', 'ice', { callId, candidate: CANDIDATE }],
    ['customer', 'ice', { callId, candidate: CANDIDATE }],
  ];
}

interface Endpoint {
  send(text: string): void;
  onMessage(handler: (text: string) => void): void;
  close(): void;
}

async function open(conversation: string, role: 'agent' | 'customer'): Promise<Endpoint> {
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
    socket.send(JSON.stringify({ v: 1, type: 'join', conversationId: conversation, from: role, id: `join-${conversation}-${role}`, payload: { token } }));
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
          const sendStep = () => {
            if (performance.now() > deadline) {
              timedOut = true;
              return resolve();
            }
            const [from, type, payload] = steps[step]!;
            const text = JSON.stringify({ v: 1, type, conversationId: conversation, from, id: `${performance.now()}#${round}.${step}`, payload });
            bytes += text.length;
            (from === 'agent' ? agent : customer).send(text);
          };
          const onMessage = (text: string) => {
            const message = JSON.parse(text) as { type: string; id: string };
            if (message.type === 'presence' || message.type === 'joined') return;
            if (message.type === 'error') {
              console.error(`relay error: ${text.slice(0, 300)}`);
              return;
            }
            latencies.push(performance.now() - Number(message.id.split('#')[0]));
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
