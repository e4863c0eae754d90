/**
 * 200 conversations with live calls through a server restart: a real server process is SIGKILLed
 * and started again on the same port while 400 engines (Node, `ws`, `FakeMediaSession`) are in 200
 * active calls. Every call is still active on both sides afterwards, messages still flow both ways,
 * and the clients came back without a storm (connection attempts per client are counted).
 */
import '../support/fake-media-env.js';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { issueToken } from '../../server/auth.js';
import { CallEngine } from '../../src/engine/call-engine.js';
import { createFakeMediaSessions } from '../../src/media/fake-media-session.js';
import type { ParticipantRole } from '../../src/signaling/protocol.js';
import { WebSocketTransport } from '../../src/signaling/websocket-transport.js';
import { fakeMediaDevices, liveTracks } from '../support/fake-media-env.js';
import { ServerProcess } from './support/server-process.js';

const CONVERSATIONS = 200;
const SECRET = 'restart-200-secret-restart-200-secret!!';
const cache = mkdtempSync(join(tmpdir(), 'cck-restart-200-'));
const engines: CallEngine[] = [];
let server: ServerProcess | undefined;

/** Counts connection attempts: a reconnect storm shows up as many per client. */
let attempts = 0;
class CountingWebSocket extends WebSocket {
  constructor(url: string) {
    super(url);
    attempts += 1;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(condition: () => boolean, label: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${label}: not within ${timeoutMs} ms`);
    await sleep(25);
  }
  return Date.now() - started;
}

async function engine(role: ParticipantRole, conversationId: string, url: string): Promise<CallEngine> {
  const token = await issueToken({ role, conversationId, subject: `${role}-${conversationId}` }, SECRET);
  const transport = new WebSocketTransport({ url, conversationId, role, token, WebSocket: CountingWebSocket });
  const created = new CallEngine({
    transport,
    mediaSessionFactory: createFakeMediaSessions().factory,
    mediaDevices: () => fakeMediaDevices,
    callMemory: null,
    capacityReporter: null,
  });
  engines.push(created);
  return created;
}

/** Runs `task` over `items`, `size` at a time (opening 400 sockets at once would be a storm of our own). */
async function inBatches<T>(items: T[], size: number, task: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(task));
}

describe(`${CONVERSATIONS} conversations with live calls through a server restart`, { timeout: 300_000 }, () => {
  after(async () => {
    for (const e of engines.splice(0)) e.dispose();
    await server?.stop();
    rmSync(cache, { recursive: true, force: true });
  });

  it('every call is still active on both sides afterwards, and mute and end still reach the other side', async (t) => {
    // Production (a configured secret is never used by development); all 400 sockets come from one address.
    server = await ServerProcess.start({ CCK_MODE: 'production', CCK_SIGNING_SECRET: SECRET, CCK_MAX_CONNECTIONS_PER_IP: '1000', XDG_CACHE_HOME: cache });
    const calls: Array<{ agent: CallEngine; customer: CallEngine }> = [];
    const ids = Array.from({ length: CONVERSATIONS }, (_, i) => `load-${process.pid}-${i}`);
    await inBatches(ids, 25, async (conversationId) => {
      const customer = await engine('customer', conversationId, server!.signalingUrl);
      const agent = await engine('agent', conversationId, server!.signalingUrl);
      await customer.connect();
      await agent.startCall({ video: false });
      await waitFor(() => customer.state.phase === 'incoming', 'ringing', 20_000);
      await customer.accept({ video: false });
      calls.push({ agent, customer });
    });
    const everyone = calls.flatMap((c) => [c.agent, c.customer]);
    await waitFor(() => everyone.every((e) => e.state.phase === 'active'), 'all calls active', 30_000);
    const attemptsBefore = attempts;

    await server.kill();
    await waitFor(() => everyone.every((e) => e.signalingState === 'reconnecting'), 'everyone notices', 10_000);
    await sleep(1_000);
    await server.start();
    const rejoinedMs = await waitFor(() => everyone.every((e) => e.signalingState === 'connected'), 'everyone rejoined', 60_000);
    const perClient = (attempts - attemptsBefore) / everyone.length;
    t.diagnostic(`${everyone.length} clients rejoined within ${rejoinedMs} ms of the restart; ${perClient.toFixed(2)} connection attempts per client`);
    assert.ok(perClient <= 6, `no reconnect storm: ${perClient.toFixed(2)} attempts per client`);

    const notActive = everyone.filter((e) => e.state.phase !== 'active');
    assert.equal(notActive.length, 0, `every call still active on both sides (${notActive.length} are not)`);

    await Promise.all(calls.map(({ customer }) => customer.setMuted(true)));
    await waitFor(() => calls.every(({ agent }) => agent.remoteMediaState?.muted === true), 'every agent sees its customer muted', 30_000);
    await Promise.all(calls.map(({ agent }) => agent.setMuted(true)));
    await waitFor(() => calls.every(({ customer }) => customer.remoteMediaState?.muted === true), 'every customer sees its agent muted', 30_000);
    for (const { agent } of calls) agent.end();
    await waitFor(() => calls.every(({ customer }) => customer.state.endReason === 'remote-ended'), 'every end arrives', 30_000);
    for (const e of engines.splice(0)) e.dispose();
    assert.deepEqual(liveTracks(), [], 'no device left on');
  });
});
