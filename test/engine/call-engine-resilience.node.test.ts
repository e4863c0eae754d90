/**
 * CallEngine through faults, in Node: real engines, the real reference server (in-process) and the
 * real `WebSocketTransport` over `ws`, with `FakeMediaSession` standing in for WebRTC (its media
 * signals really go through the engine, the transport and the server). A call survives dropped and
 * black-holed sockets and a server restarted with empty memory; what a user did meanwhile arrives
 * once; a reload or a leave ends the call on the other side at once; failures are told as failures;
 * errors reach only the party that caused them. (Real media in real browsers: test/e2e.)
 */
import '../support/fake-media-env.js';
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { issueToken } from '../../server/auth.js';
import type { ConversationView } from '../../server/routing.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { CallEngine, type CallEngineOptions } from '../../src/engine/call-engine.js';
import type { CallMemoryStorage } from '../../src/engine/call-memory.js';
import type { CallError } from '../../src/engine/errors.js';
import { createFakeMediaSessions, type FakeMediaSession } from '../../src/media/fake-media-session.js';
import type { ParticipantRole } from '../../src/signaling/protocol.js';
import { TransportError } from '../../src/signaling/transport.js';
import { WebSocketTransport, type WebSocketTransportOptions } from '../../src/signaling/websocket-transport.js';
import { agent as agentView, apiToken, eventually, requestChat, signIn } from '../server/api-helpers.js';
import { freshConversation } from '../server/helpers.js';
import { fakeMediaDevices, liveTracks } from '../support/fake-media-env.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const SECRET = 'engine-resilience-secret-engine-resilience';
const GRACE_MS = 1_000;
const servers: RunningServer[] = [];
const engines: CallEngine[] = [];
const proxies: TcpProxy[] = [];

afterEach(async () => {
  for (const engine of engines.splice(0)) engine.dispose();
  for (const proxy of proxies.splice(0)) await proxy.close();
  assert.deepEqual(liveTracks(), [], 'no device is left on');
});
after(() => Promise.all(servers.map((s) => s.close())));

async function server(options: Parameters<typeof startServer>[0] = {}): Promise<RunningServer> {
  const started = await startServer({ port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, resumeGraceMs: GRACE_MS, signingSecret: SECRET, ...options });
  servers.push(started);
  return started;
}

async function restart(old: RunningServer, downMs: number): Promise<RunningServer> {
  await old.close();
  servers.splice(servers.indexOf(old), 1);
  await sleep(downMs);
  return server({ port: old.port });
}

/** A tab's sessionStorage, kept across "reloads" of the same side. */
function memoryStorage(): CallMemoryStorage {
  const items = new Map<string, string>();
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: (k) => void items.delete(k) };
}

interface Side {
  engine: CallEngine;
  transport: WebSocketTransport;
  sessions: FakeMediaSession[];
  errors: CallError[];
  signaling: string[];
}

async function side(
  role: ParticipantRole,
  conversationId: string,
  url: string,
  options: {
    subject?: string;
    /** The conversation's token version, for a routed conversation (server/token-versions.ts). */
    version?: number;
    storage?: CallMemoryStorage;
    transport?: Partial<WebSocketTransportOptions>;
    engine?: Partial<CallEngineOptions>;
    autoConnect?: boolean;
  } = {},
): Promise<Side> {
  const token = await issueToken({ role, conversationId, subject: options.subject ?? `${role}-of-${conversationId}`, version: options.version }, SECRET);
  const transport = new WebSocketTransport({ url, conversationId, role, token, WebSocket, reconnectPolicy: { nextRetryDelayMs: () => 50 }, ...options.transport });
  const fakes = createFakeMediaSessions({ autoConnect: options.autoConnect ?? true });
  const engine = new CallEngine({
    transport,
    mediaSessionFactory: fakes.factory,
    mediaDevices: () => fakeMediaDevices,
    callMemory: options.storage ?? null,
    connectTimeoutMs: 3_000,
    ...options.engine,
  });
  engines.push(engine);
  const errors: CallError[] = [];
  const signaling: string[] = [];
  engine.on('error', (error) => errors.push(error));
  engine.on('signalingstate', (state) => signaling.push(state));
  await engine.connect();
  return { engine, transport, sessions: fakes.sessions, errors, signaling };
}

/** A call in `conversationId`; a routed one is joined as its assigned agent and its customer, with current tokens. */
async function inCall(url: string, conversationId = freshConversation('engine'), routed?: ConversationView) {
  const customer = await side('customer', conversationId, url, routed ? { subject: routed.customerId, version: 1 } : {});
  const agent = await side('agent', conversationId, url, routed?.agentId ? { subject: routed.agentId, version: 1 } : {});
  await agent.engine.startCall({ video: true });
  await waitFor(() => customer.engine.state.phase === 'incoming', 'ringing');
  await customer.engine.accept({ video: true });
  await waitFor(() => agent.engine.state.phase === 'active' && customer.engine.state.phase === 'active', 'both active');
  await waitFor(() => customer.engine.remoteMediaState !== null && agent.engine.remoteMediaState !== null, 'media states known');
  return { conversationId, agent, customer };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, label: string, timeoutMs = 5_000): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${label}: not within ${timeoutMs} ms`);
    await sleep(10);
  }
  return Date.now() - started;
}

describe('CallEngine in Node with FakeMediaSession: the basics over the real server', { timeout: 30_000 }, () => {
  it('places a call whose media sessions connect through media-signal, mutes both ways and hangs up', async () => {
    const srv = await server();
    const { agent, customer } = await inCall(srv.signalingUrl);
    const [agentMedia] = agent.sessions;
    assert.deepEqual(agentMedia.options.role, 'agent');
    assert.ok(agentMedia.received.some(({ payload, from }) => payload.fake === 'hello' && from === 'customer'), 'the sessions talked through the port');
    await customer.engine.setMuted(true);
    await waitFor(() => agent.engine.remoteMediaState?.muted === true, 'the agent sees the customer muted');
    agent.engine.end();
    await waitFor(() => customer.engine.state.phase === 'ended', 'the customer learns');
    assert.equal(customer.engine.state.endReason, 'remote-ended');
    assert.deepEqual([agent.errors, customer.errors], [[], []]);
  });

  it('gives the session a port whose requests reach the server: a peer-to-peer server answers media-unavailable', async () => {
    const srv = await server();
    const { agent } = await inCall(srv.signalingUrl);
    await assert.rejects(
      agent.sessions[0].options.signaling.request({ want: 'router-capabilities' }),
      (error: unknown) => error instanceof TransportError && error.code === 'media-unavailable',
    );
  });
});

describe('CallEngine in Node: signaling faults during a call', { timeout: 60_000 }, () => {
  it('a dropped socket: the call stays active, signaling shows reconnecting, and a mute made meanwhile arrives after', async () => {
    const srv = await server();
    const { conversationId, agent, customer } = await inCall(srv.signalingUrl);
    srv.dropConnections({ conversationId, role: 'customer' });
    await waitFor(() => customer.engine.signalingState === 'reconnecting', 'reconnecting');
    await customer.engine.setMuted(true);
    await waitFor(() => customer.engine.signalingState === 'connected', 'back');
    await waitFor(() => agent.engine.remoteMediaState?.muted === true, 'the mute arrived');
    assert.deepEqual([agent.engine.state.phase, customer.engine.state.phase], ['active', 'active']);
    assert.deepEqual(customer.signaling, ['connecting', 'connected', 'reconnecting', 'connected']);
  });

  it('a black-holed (half-open) socket: noticed by the ping, the end clicked into it reaches the other side once the network is back', async () => {
    const srv = await server();
    const proxy = await TcpProxy.start({ port: srv.port });
    proxies.push(proxy);
    const conversationId = freshConversation('half-open');
    const liveness = { transport: { liveness: { intervalMs: 500, timeoutMs: 500 } } };
    const customer = await side('customer', conversationId, srv.signalingUrl, liveness);
    const agent = await side('agent', conversationId, proxy.signalingUrl, liveness);
    await agent.engine.startCall({ video: false });
    await waitFor(() => customer.engine.state.phase === 'incoming', 'ringing');
    await customer.engine.accept({ video: false });
    await waitFor(() => agent.engine.state.phase === 'active' && customer.engine.state.phase === 'active', 'active');

    proxy.blackhole();
    await agent.engine.setMuted(true);
    const detectedMs = await waitFor(() => agent.engine.signalingState === 'reconnecting', 'the agent notices', 5_000);
    assert.ok(detectedMs < 2_000, `noticed after ${detectedMs} ms`);
    agent.engine.end();
    await sleep(300);
    assert.equal(customer.engine.state.phase, 'active', 'nothing got through yet');
    proxy.restore();
    await waitFor(() => customer.engine.state.phase === 'ended', 'the end arrived', 8_000);
    assert.equal(customer.engine.state.endReason, 'remote-ended');
  });

  for (const downMs of [300, 2_500]) {
    it(`a server restart (${downMs} ms down, empty memory): the call goes on, the mute made during the outage arrives, mute and end work after, capacity is re-established`, async () => {
      let srv = await server();
      await signIn(srv, 'alice', { capacity: 2 });
      const routed = (await requestChat(srv, `customer-${downMs}`)).conversation;
      const { agent, customer } = await inCall(srv.signalingUrl, routed.id, routed);

      const restarted = restart(srv, downMs);
      await waitFor(() => agent.engine.signalingState === 'reconnecting', 'the agent sees signaling trouble');
      await agent.engine.setMuted(true);
      srv = await restarted;
      await waitFor(() => agent.engine.signalingState === 'connected' && customer.engine.signalingState === 'connected', 'both back', 8_000);
      await waitFor(() => customer.engine.remoteMediaState?.muted === true, 'the mute made during the outage arrived');
      assert.deepEqual([agent.engine.state.phase, customer.engine.state.phase], ['active', 'active']);
      assert.equal(agent.transport.lastJoin?.resumed, false, 'the new server knew nothing');

      // The new server learned the call from the agent's announcement.
      const supervisor = await apiToken(srv, 'supervisor', 'sup');
      const busy = await eventually(() => agentView(srv, supervisor, 'alice'), (a) => a.callState === 'in-call', 'alice in a call again');
      assert.equal(busy.call?.conversationId, routed.id);

      await customer.engine.setVideoEnabled(false);
      await waitFor(() => agent.engine.remoteMediaState?.videoEnabled === false, 'camera off arrives after the restart');
      customer.engine.end();
      await waitFor(() => agent.engine.state.phase === 'ended', 'the end arrives');
      assert.equal(agent.engine.state.endReason, 'remote-ended');
      const endedAt = Date.now();
      await eventually(() => agentView(srv, supervisor, 'alice'), (a) => a.callState === 'idle', 'alice free again', 2_000);
      assert.ok(Date.now() - endedAt < 2_000);
      assert.deepEqual([agent.errors, customer.errors], [[], []]);
    });
  }
});

describe('CallEngine in Node: the other side going away', { timeout: 30_000 }, () => {
  it('a leave (dispose, pagehide) ends the call on the other side at once, not after the grace period', async () => {
    const srv = await server({ resumeGraceMs: 15_000 });
    const { agent, customer } = await inCall(srv.signalingUrl);
    customer.engine.dispose();
    const waited = await waitFor(() => agent.engine.state.phase === 'ended', 'ended', 2_000);
    assert.ok(waited < 2_000);
    assert.equal(agent.engine.state.endReason, 'remote-ended');
  });

  it('a reloaded page (a new instance of the same identity, the leave lost) ends the old call on the other side; the new page shows it ended and can take a new call', async () => {
    const srv = await server({ resumeGraceMs: 15_000 });
    const conversationId = freshConversation('reload');
    const storage = memoryStorage();
    const first = await side('customer', conversationId, srv.signalingUrl, { subject: 'the-customer', storage });
    const agent = await side('agent', conversationId, srv.signalingUrl);
    await agent.engine.startCall({ video: false });
    await waitFor(() => first.engine.state.phase === 'incoming', 'ringing');
    await first.engine.accept({ video: false });
    await waitFor(() => agent.engine.state.phase === 'active', 'active');
    // The page dies without a word (a crash, or a pagehide leave that never got out).
    srv.dropConnections({ conversationId, role: 'customer' });
    engines.splice(engines.indexOf(first.engine), 1);
    first.engine.removeAllListeners();
    const reloaded = await side('customer', conversationId, srv.signalingUrl, { subject: 'the-customer', storage });
    assert.equal(reloaded.engine.state.phase, 'ended', 'the new page knows its previous one was in a call');
    assert.equal(reloaded.engine.state.endReason, 'local-ended');
    const waited = await waitFor(() => agent.engine.state.phase === 'ended', 'the agent learns', 2_000);
    assert.ok(waited < 2_000);
    assert.equal(agent.engine.state.endReason, 'remote-ended');
    first.engine.dispose();
    await agent.engine.startCall({ video: false });
    await waitFor(() => reloaded.engine.state.phase === 'incoming', 'the reloaded page can take a new call');
    reloaded.engine.reject();
  });

  it('the other side gone past its grace period while media still flows: the call goes on', async () => {
    const srv = await server();
    const proxy = await TcpProxy.start({ port: srv.port });
    proxies.push(proxy);
    const conversationId = freshConversation('grace-media');
    const customer = await side('customer', conversationId, proxy.signalingUrl);
    const agent = await side('agent', conversationId, srv.signalingUrl);
    await agent.engine.startCall({ video: false });
    await waitFor(() => customer.engine.state.phase === 'incoming', 'ringing');
    await customer.engine.accept({ video: false });
    await waitFor(() => agent.engine.state.phase === 'active', 'active');
    proxy.blackhole();
    proxy.resetAll(); // the server sees the customer's socket go; the customer cannot reconnect
    await sleep(GRACE_MS + 500);
    assert.equal(agent.engine.state.phase, 'active', 'media (the fake session) is connected: the call is not ended');
    proxy.restore();
  });

  it('the other side gone past its grace period with no media either: the call ends as failed', async () => {
    const srv = await server();
    const proxy = await TcpProxy.start({ port: srv.port });
    proxies.push(proxy);
    const conversationId = freshConversation('grace-no-media');
    const customer = await side('customer', conversationId, proxy.signalingUrl);
    const agent = await side('agent', conversationId, srv.signalingUrl, { engine: { connectTimeoutMs: 30_000 } });
    await agent.engine.startCall({ video: false });
    await waitFor(() => customer.engine.state.phase === 'incoming', 'ringing');
    await customer.engine.accept({ video: false });
    await waitFor(() => agent.engine.state.phase === 'active', 'active');
    proxy.blackhole();
    proxy.resetAll();
    agent.sessions[0].setConnectionState('reconnecting');
    await waitFor(() => agent.engine.state.phase === 'ended', 'ended after the grace period', GRACE_MS + 3_000);
    assert.equal(agent.engine.state.endReason, 'failed');
    proxy.restore();
  });
});

describe('CallEngine in Node: telling the truth', { timeout: 30_000 }, () => {
  it('a call that fails on one side is "failed" there and "remote-failed" on the other, not a hang-up', async () => {
    const srv = await server();
    const conversationId = freshConversation('fail');
    const customer = await side('customer', conversationId, srv.signalingUrl, { autoConnect: false, engine: { connectTimeoutMs: 500 } });
    const agent = await side('agent', conversationId, srv.signalingUrl, { autoConnect: false, engine: { connectTimeoutMs: 10_000 } });
    await agent.engine.startCall({ video: false });
    await waitFor(() => customer.engine.state.phase === 'incoming', 'ringing');
    await customer.engine.accept({ video: false });
    // The customer's media never connects: its connect timeout fails the call.
    await waitFor(() => customer.engine.state.phase === 'ended', 'the customer gives up', 3_000);
    assert.equal(customer.engine.state.endReason, 'failed');
    assert.equal(customer.errors.at(-1)?.code, 'media-failed');
    await waitFor(() => agent.engine.state.phase === 'ended', 'the agent is told');
    assert.equal(agent.engine.state.endReason, 'remote-failed');
  });

  it('signaling closed for good with no call running (another page took the seat) is an error at once, not at the next click', async () => {
    const srv = await server();
    const conversationId = freshConversation('seat');
    const first = await side('customer', conversationId, srv.signalingUrl);
    // The same customer opens the conversation in another tab: it takes the seat, the first page's transport closes for good.
    await side('customer', conversationId, srv.signalingUrl);
    await waitFor(() => first.transport.state === 'closed', 'the first page is closed out');
    await waitFor(() => first.errors.length > 0, 'the first page says so');
    assert.equal(first.errors[0]!.code, 'signaling-failed');
    assert.equal(first.engine.state.phase, 'idle');
    assert.equal(first.signaling.at(-1), 'closed');
  });

  it("a transport closed with its own close() (the integrator's choice) is no error, nor is the engine's dispose", async () => {
    const srv = await server();
    const conversationId = freshConversation('closed');
    const closed = await side('customer', conversationId, srv.signalingUrl);
    const disposed = await side('agent', conversationId, srv.signalingUrl);
    closed.transport.close();
    disposed.engine.dispose();
    await sleep(100);
    assert.equal(closed.transport.state, 'closed');
    assert.deepEqual(closed.errors, []);
    assert.deepEqual(disposed.errors, []);
  });

  it('errors reach only the party whose message caused them: a refused message of another component is not the call\'s error', async () => {
    const srv = await server({ deployment: { calling: 'voice-only' } });
    const conversationId = freshConversation('errors');
    const customer = await side('customer', conversationId, srv.signalingUrl);
    const agent = await side('agent', conversationId, srv.signalingUrl);
    // Something else on the agent's page uses the same transport and gets refused.
    const transportErrors: string[] = [];
    agent.transport.on('error', (error) => transportErrors.push(error.code));
    agent.transport.send({ type: 'call-invite', payload: { callId: 'not-the-engines', video: true } });
    await waitFor(() => transportErrors.length === 1, 'refused');
    await sleep(50);
    assert.equal(agent.errors.length, 0, 'the engine shows nothing for it');
    // The engine's own refused message does fail its call, with the server's code.
    await agent.engine.startCall({ video: true });
    await waitFor(() => agent.engine.state.phase === 'ended', 'the refused call ends');
    assert.equal(agent.errors.at(-1)?.code, 'video-not-allowed');
    assert.equal(customer.engine.state.phase, 'idle', 'the customer never rang');
  });
});
