/**
 * Server memory stays bounded (issue #10, row 11), measured as the resident memory of a real server
 * process while it is attacked: a peer that stops reading (RSS grew 136 -> 191 MiB), messages piling
 * up for absent members (191 -> 252 MiB; under protocol v2 the server keeps none: the sender keeps
 * what is unacknowledged), one unauthenticated socket flooding big frames (90 -> 258 MiB). The rate
 * limits are raised in these runs so what is measured is the memory bound, not the rate limit in
 * front of it.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { issueToken } from '../../server/auth.js';
import { CLOSE_CODES, MAX_MESSAGE_BYTES } from '../../src/signaling/protocol.js';
import { TestClient, frame, freshConversation, joinFrame, relayed } from './helpers.js';
import { spawnServer, type ServerProcess } from './server-process.js';

const SECRET = 'memory-Strong-secret/0123456789+abcdefghijKLMN';
const MIB = 1024 * 1024;
/** What the server may grow by under each attack: its caps plus room for V8's garbage (unbounded, each attack adds 200 MiB or more). */
const BOUND_MIB = 110;
const EVENTS_DATA = 'x'.repeat(59_000);
const UNLIMITED_RATES = {
  CCK_RATE_MESSAGES_PER_S: '1000000',
  CCK_RATE_MESSAGE_BURST: '1000000',
  CCK_RATE_BYTES_PER_S: String(10_000 * MIB),
  CCK_RATE_BYTE_BURST: String(10_000 * MIB),
  CCK_RATE_COBROWSE_MESSAGES_PER_S: '1000000',
  CCK_RATE_COBROWSE_MESSAGE_BURST: '1000000',
  CCK_RATE_COBROWSE_BYTES_PER_S: String(10_000 * MIB),
  CCK_RATE_COBROWSE_BYTE_BURST: String(10_000 * MIB),
};

/** Samples the process's RSS every 50 ms while `attack` runs; resolves with the peak growth in MiB. */
async function peakGrowth(server: ServerProcess, attack: () => Promise<void>): Promise<{ baseline: number; peak: number }> {
  const baseline = server.rss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, server.rss())), 50);
  try {
    await attack();
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, server.rss());
  return { baseline: baseline / MIB, peak: peak / MIB };
}

/** Sends as fast as the client's own socket takes it, without letting the test process balloon. */
async function pump(socket: WebSocket, frames: number, frame: (i: number) => string): Promise<void> {
  for (let i = 0; i < frames; i += 1) {
    if (socket.readyState !== WebSocket.OPEN) return;
    while (socket.bufferedAmount > 4 * MIB) await new Promise((resolve) => setTimeout(resolve, 2));
    socket.send(frame(i));
  }
  while (socket.readyState === WebSocket.OPEN && socket.bufferedAmount > 0) await new Promise((resolve) => setTimeout(resolve, 5));
}

const events = (i: number) => JSON.stringify(relayed('ve-events', { sessionId: 's-1', epoch: 'e-1', seq: i, data: EVENTS_DATA, final: true }, i + 1));

describe('memory under attack, measured on a server process', { timeout: 240_000 }, () => {
  // A fresh process per attack: each starts from an idle server's memory.
  let server: ServerProcess;
  let url: string;

  beforeEach(async () => {
    server = spawnServer({
      CCK_SIGNING_SECRET: SECRET,
      CCK_RESUME_GRACE_MS: '60000',
      CCK_JOIN_TIMEOUT_MS: '4000',
      ...UNLIMITED_RATES,
    });
    url = `ws://127.0.0.1:${await server.listening}/signaling`;
  });
  afterEach(() => server.stop());

  const joinAs = async (conversationId: string, role: 'agent' | 'customer') => {
    const client = await TestClient.open(url);
    client.send(joinFrame(conversationId, role, await issueToken({ role, conversationId, subject: `${role}-m` }, SECRET)));
    await client.expect('joined');
    return client;
  };

  it('a peer that stops reading is dropped at the backlog cap: 200 MB sent at it, memory stays bounded', async (t) => {
    const conversationId = freshConversation('stops-reading');
    const agent = await joinAs(conversationId, 'agent');
    const customer = await joinAs(conversationId, 'customer');
    await agent.expect('presence');
    agent.socket.pause();
    const { baseline, peak } = await peakGrowth(server, () => pump(customer.socket, 3_400, events));
    t.diagnostic(`RSS ${baseline.toFixed(0)} -> peak ${peak.toFixed(0)} MiB while 200 MB went to a peer that does not read`);
    assert.ok(peak - baseline < BOUND_MIB, `grew ${(peak - baseline).toFixed(0)} MiB (bound ${BOUND_MIB})`);
    // The slow agent lost its connection (no close frame: it would queue behind the unread backlog).
    agent.socket.resume();
    const dropped = await Promise.race([agent.closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000))]);
    assert.equal(dropped?.code, 1006, 'the server dropped the peer that does not read');
    agent.socket.terminate();
    customer.close();
  });

  it('messages for absent members are not kept: 40 away members, 236 MB aimed at them', async (t) => {
    const senders: TestClient[] = [];
    for (let i = 0; i < 40; i += 1) {
      const conversationId = freshConversation('absent');
      const agent = await joinAs(conversationId, 'agent');
      const customer = await joinAs(conversationId, 'customer');
      await agent.expect('presence');
      customer.terminate();
      senders.push(agent);
    }
    const { baseline, peak } = await peakGrowth(server, async () => {
      for (const agent of senders) {
        await pump(agent.socket, 100, events);
      }
    });
    t.diagnostic(`RSS ${baseline.toFixed(0)} -> peak ${peak.toFixed(0)} MiB with 236 MB aimed at absent members (none kept)`);
    assert.ok(peak - baseline < BOUND_MIB, `grew ${(peak - baseline).toFixed(0)} MiB (bound ${BOUND_MIB})`);
    // The senders are still served: the server answers a ping on each.
    for (const agent of senders) {
      agent.send(frame('ping', {}));
      await agent.expect('pong');
    }
    for (const agent of senders) agent.close();
  });

  it('one unauthenticated socket flooding 1 MiB frames is cut off, memory stays bounded', async (t) => {
    const socket = new WebSocket(url);
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('error', () => {});
    const big = JSON.stringify({ junk: 'y'.repeat(MIB - 64) });
    assert.ok(big.length > MAX_MESSAGE_BYTES);
    const { baseline, peak } = await peakGrowth(server, () => pump(socket, 400, () => big));
    t.diagnostic(`RSS ${baseline.toFixed(0)} -> peak ${peak.toFixed(0)} MiB while one socket sent up to 400 MiB of frames`);
    assert.ok(peak - baseline < BOUND_MIB, `grew ${(peak - baseline).toFixed(0)} MiB (bound ${BOUND_MIB})`);
    // Unlimited rates here: the bounded inbound queue held the memory, the join deadline ended it.
    // (With the default rates it is cut off sooner, with CLOSE_CODES.rateLimited.)
    assert.ok([CLOSE_CODES.joinTimeout, CLOSE_CODES.rateLimited].includes((await closed) as 4008), 'the server closed it');
  });
});
