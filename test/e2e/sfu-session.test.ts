/**
 * `SfuSession` (the lazy chunk, as the bundles load it) in real Chromium pages against the real
 * mediasoup worker, without the engine: two sessions exchange audio and video through the SFU (each
 * page's selected candidate pairs point at the SFU's transports), pausing a kind stops it and
 * resuming starts it again, an ICE restart keeps media flowing, and a server that lost the call's
 * transports gets them built again. A small WebSocket bridge stands in for the signaling server's
 * media hook (the real wiring is tested in sfu-calls.test.ts).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SfuSource } from '../../src/media/sfu/sfu-protocol.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { SfuError } from '../../server/sfu/sfu-error.js';
import { SfuService, type SfuMember } from '../../server/sfu/sfu-service.js';
import { loadSfuForTests, sfuUnavailableReason } from '../support/sfu.js';
import { launchChromium } from './support/browser.js';
import { delay, runInPage } from './support/call-pair.js';

const unavailable = await sfuUnavailableReason();
const harnessDir = fileURLToPath(new URL('./harness/', import.meta.url));
const FLOWING = 1_000;

type Bytes = { inbound: { audio: number; video: number }; outbound: { audio: number; video: number }; framesDecoded: number };
interface SessionHarness {
  open(options: Record<string, unknown>): Promise<void>;
  send(): Promise<void>;
  setTrack(kind: 'audio' | 'video', on: boolean): Promise<void>;
  restartIce(): void;
  state(): string;
  log(): { states: string[]; errors: string[]; remoteTracks: string[] };
  remoteKinds(): string[];
  bytes(): Promise<Bytes>;
  selectedRemotes(): Promise<Array<{ address: string; port: number; protocol: string }>>;
  peerConnectionStates(): string[];
  close(): void;
}

const inPage = <R>(page: Page, fn: (harness: SessionHarness, arg: unknown) => R | Promise<R>, arg?: unknown) => runInPage<SessionHarness, R>(page, fn, arg);

describe('SfuSession through the real SFU', { timeout: 180_000, skip: unavailable ?? false }, () => {
  let sfu: SfuService;
  let web: RunningServer;
  let bridge: Server;
  let bridgeUrl: string;
  let browser: Browser;
  const pages: Page[] = [];
  /** Ports of every transport the SFU created, from its create-transport replies. */
  const sfuPorts = new Set<number>();
  const sockets = new Map<string, WebSocket>();
  let conversationCounter = 0;

  before(async () => {
    sfu = await SfuService.start(
      {
        workers: 1,
        listenIp: '127.0.0.1',
        announcedAddress: undefined,
        portRange: undefined,
        workerBin: undefined,
        log: () => {},
        notify: (member, notice) => sockets.get(key(member))?.send(JSON.stringify({ notice })),
      },
      await loadSfuForTests(),
    );
    web = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', staticMounts: { '/test-harness/': harnessDir } });
    bridge = createServer();
    const wss = new WebSocketServer({ server: bridge });
    wss.on('connection', (socket, request) => {
      const query = new URL(request.url ?? '/', 'http://bridge').searchParams;
      const member: SfuMember = { conversationId: query.get('conversation')!, source: query.get('source') as SfuSource, callId: query.get('call')! };
      sockets.set(key(member), socket);
      socket.on('message', (data) => {
        const { id, payload } = JSON.parse(String(data)) as { id: number; payload: unknown };
        sfu.handle(member, payload).then(
          (reply) => {
            for (const candidate of (reply.iceCandidates as Array<{ port: number }> | undefined) ?? []) sfuPorts.add(candidate.port);
            socket.send(JSON.stringify({ replyTo: id, ok: true, payload: reply }));
          },
          (error: unknown) => {
            const code = error instanceof SfuError ? error.code : 'internal';
            socket.send(JSON.stringify({ replyTo: id, ok: false, code, message: String(error) }));
          },
        );
      });
    });
    await new Promise<void>((resolve) => bridge.listen(0, '127.0.0.1', resolve));
    bridgeUrl = `ws://127.0.0.1:${(bridge.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  });

  after(async () => {
    await Promise.all(pages.map((page) => page.context().close().catch(() => {})));
    await browser?.close();
    for (const socket of sockets.values()) socket.terminate();
    await new Promise<void>((resolve) => (bridge ? bridge.close(() => resolve()) : resolve()));
    await web?.close();
    await sfu?.close();
  });

  const key = (member: SfuMember) => `${member.conversationId}/${member.source}/${member.callId}`;

  async function openPage(source: SfuSource, conversationId: string, options: { receiveOnly?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    pages.push(page);
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
    await page.goto(`${web.url}/test-harness/sfu/session.html`);
    await page.waitForFunction(() => (window as unknown as { harnessReady?: boolean }).harnessReady === true);
    await inPage(page, (h, o) => h.open(o as Record<string, unknown>), { bridgeUrl, conversationId, source, callId: 'call-1', ...options });
    return page;
  }

  const bytes = (page: Page): Promise<Bytes> => inPage(page, (h) => h.bytes());

  /** Bytes received per kind (and video frames decoded) over one second. */
  async function growth(page: Page): Promise<{ audio: number; video: number; frames: number }> {
    const before = await bytes(page);
    await delay(1_000);
    const after = await bytes(page);
    return { audio: after.inbound.audio - before.inbound.audio, video: after.inbound.video - before.inbound.video, frames: after.framesDecoded - before.framesDecoded };
  }

  async function waitForFlow(page: Page, want: { audio: boolean; video: boolean }, label: string): Promise<void> {
    let last;
    for (let attempt = 0; attempt < 15; attempt += 1) {
      last = await growth(page);
      if ((!want.audio || last.audio > FLOWING) && (want.video ? last.video > FLOWING && last.frames > 0 : last.video === 0)) return;
    }
    assert.fail(`${label}: want ${JSON.stringify(want)}, last second ${JSON.stringify(last)}`);
  }

  async function callPair(): Promise<{ agent: Page; customer: Page; conversationId: string }> {
    conversationCounter += 1;
    const conversationId = `sfu-session-${process.pid}-${conversationCounter}`;
    const [agent, customer] = await Promise.all([openPage('agent', conversationId), openPage('customer', conversationId)]);
    await Promise.all([inPage(agent, (h) => h.send()), inPage(customer, (h) => h.send())]);
    return { agent, customer, conversationId };
  }

  it('carries audio and video both ways, and every selected candidate pair points at the SFU', async () => {
    const { agent, customer } = await callPair();
    await Promise.all([waitForFlow(agent, { audio: true, video: true }, 'agent receives'), waitForFlow(customer, { audio: true, video: true }, 'customer receives')]);
    for (const [label, page] of [['agent', agent], ['customer', customer]] as const) {
      assert.equal(await inPage(page, (h) => h.state()), 'connected', `${label} session connected`);
      const remotes = await inPage(page, (h) => h.selectedRemotes());
      assert.equal(remotes.length, 2, `${label}: a send and a receive connection`);
      for (const remote of remotes) {
        assert.equal(remote.address, '127.0.0.1');
        assert.ok(sfuPorts.has(remote.port), `${label}: ${remote.port} is one of the SFU's transports (${[...sfuPorts].join(', ')}), not the other browser`);
      }
      assert.deepEqual(await inPage(page, (h) => h.remoteKinds()), ['audio', 'video']);
    }
  });

  it('a paused kind stops arriving and flows again once resumed; an ICE restart keeps media flowing', async () => {
    const { agent, customer } = await callPair();
    await waitForFlow(customer, { audio: true, video: true }, 'before pausing');
    await inPage(agent, (h) => h.setTrack('video', false));
    await delay(500);
    await waitForFlow(customer, { audio: true, video: false }, 'agent video paused');
    await inPage(agent, (h) => h.setTrack('video', true));
    await waitForFlow(customer, { audio: true, video: true }, 'agent video resumed');
    await inPage(agent, (h) => h.restartIce());
    await inPage(customer, (h) => h.restartIce());
    await delay(500);
    await Promise.all([waitForFlow(agent, { audio: true, video: true }, 'after restart, agent'), waitForFlow(customer, { audio: true, video: true }, 'after restart, customer')]);
  });

  it('rebuilds its transports when the server lost them (a restarted SFU) and media flows again', async () => {
    const { agent, customer, conversationId } = await callPair();
    await waitForFlow(customer, { audio: true, video: true }, 'before the loss');
    sfu.conversationEnded(conversationId);
    await Promise.all([inPage(agent, (h) => h.restartIce()), inPage(customer, (h) => h.restartIce())]);
    await Promise.all([waitForFlow(agent, { audio: true, video: true }, 'agent after rebuild'), waitForFlow(customer, { audio: true, video: true }, 'customer after rebuild')]);
    const log = await inPage(customer, (h) => h.log());
    assert.deepEqual(log.errors, []);
  });

  it('closing a session closes both its peer connections and withdraws its streams from the other side', async () => {
    const { agent, customer } = await callPair();
    await waitForFlow(customer, { audio: true, video: true }, 'before closing');
    await inPage(agent, (h) => h.close());
    // mediasoup-client also opens (and closes) peer connections of its own to read the browser's capabilities.
    const states = await inPage(agent, (h) => h.peerConnectionStates());
    assert.ok(states.length >= 2 && states.every((state) => state === 'closed'), `every peer connection closed: ${states.join(', ')}`);
    await customer.waitForFunction(() => (window as unknown as { harness: SessionHarness }).harness.remoteKinds().length === 0, undefined, { timeout: 10_000, polling: 50 });
  });
});
