/**
 * One co-browse session for the benchmarks, either contender: chat-call-kit (agent creates a PIN,
 * customer enters it and accepts, over the reference server) or plain rrweb live mode (the customer
 * page's `start()` calls `record()`; events go through a bare ws relay). Measures the time from the
 * accept to a given element existing in the agent's mirror, and what the customer sent meanwhile.
 */
import type { Browser, Page } from 'playwright-core';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket, type PerMessageDeflateOptions } from 'ws';
import { openPage } from './browser.js';
import { frameBytes, textBytes, type WireCounter } from './wire.js';

export type Contender = 'cck' | 'rrweb';

export interface BenchHarness {
  now(): number;
  sentFrames: string[];
  arrivals: Record<string, number>;
  mirrorDocument(): Document | null;
  mirrorFrameSelector: string;
  watchMirror(): boolean;
  start(): number;
}
declare const window: Window & { harness: BenchHarness };

export interface SessionSpec {
  contender: Contender;
  /** Absolute URLs, query included (conversation, relay, contender). */
  agentUrl: string;
  customerUrl: string;
  agentViewport: { width: number; height: number };
  customerViewport: { width: number; height: number };
  /** The element whose presence in the mirror means the page is mirrored. */
  mirrored: string;
  /** Counts what the customer's browser writes into its WebSocket connection. */
  wire: WireCounter;
}

export interface Session {
  agent: Page;
  customer: Page;
  mirrorMs: number;
  /** What the customer sent from the accept to the mirror: UTF-8 bytes of the frames' text, the same frames uncompressed on the wire, and really on the wire. */
  snapshot: Traffic;
}

export interface Traffic {
  textBytes: number;
  rawWireBytes: number;
  wireBytes: number;
}

/** What the customer page has sent so far (frames' text, their uncompressed size on the wire) and the wire counter. */
export async function trafficSoFar(customer: Page, wire: WireCounter): Promise<Traffic> {
  const frames = await customer.evaluate(() => window.harness.sentFrames);
  return { textBytes: frames.reduce((sum, f) => sum + textBytes(f), 0), rawWireBytes: frames.reduce((sum, f) => sum + frameBytes(f), 0), wireBytes: wire.upstreamBytes() };
}

export function trafficBetween(before: Traffic, after: Traffic): Traffic {
  return { textBytes: after.textBytes - before.textBytes, rawWireBytes: after.rawWireBytes - before.rawWireBytes, wireBytes: after.wireBytes - before.wireBytes };
}

let counter = 0;
export const conversationId = (label: string) => `bench-${label}-${process.pid}-${++counter}`;

export async function openSession(browser: Browser, spec: SessionSpec): Promise<Session> {
  const [agent, customer] = await Promise.all([
    openPage(browser, spec.agentUrl, 'harnessReady', spec.agentViewport),
    openPage(browser, spec.customerUrl, 'harnessReady', spec.customerViewport),
  ]);
  let acceptedAt: number;
  let before: Traffic;
  if (spec.contender === 'cck') {
    await agent.getByRole('button', { name: 'Co-browse', exact: true }).click();
    const pinLocator = agent.locator('cobrowse-launcher [part~="pin"]').first();
    await pinLocator.waitFor();
    const pin = (await pinLocator.innerText()).trim();
    // The offer in the chat is what shows the customer's PIN entry.
    await agent.getByRole('button', { name: 'Send PIN to chat', exact: true }).click();
    await customer.getByRole('textbox', { name: 'Session PIN', exact: true }).fill(pin);
    await customer.getByRole('button', { name: 'Join', exact: true }).click();
    await customer.getByRole('button', { name: 'Accept', exact: true }).waitFor();
    before = await trafficSoFar(customer, spec.wire);
    acceptedAt = await customer.evaluate(() => {
      const at = window.harness.now();
      const launcher = document.querySelector('cobrowse-launcher')!;
      (launcher.shadowRoot!.querySelector('[part~="accept-button"]') as HTMLButtonElement).click();
      return at;
    });
  } else {
    before = await trafficSoFar(customer, spec.wire);
    acceptedAt = await customer.evaluate(() => window.harness.start());
  }
  await agent.waitForFunction((selector) => window.harness.mirrorDocument()?.querySelector(selector) != null, spec.mirrored, { timeout: 30_000, polling: 5 });
  const mirroredAt = await agent.evaluate(() => window.harness.now());
  const snapshot = trafficBetween(before, await trafficSoFar(customer, spec.wire));
  return { agent, customer, mirrorMs: mirroredAt - acceptedAt, snapshot };
}

/** The plain-rrweb baseline's relay: pairs sockets by `?c=`, forwards every frame, nothing else. */
export async function startRawRelay(perMessageDeflate: boolean | PerMessageDeflateOptions = false): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, maxPayload: 64 * 1024 * 1024, perMessageDeflate });
  const rooms = new Map<string, Set<WebSocket>>();
  wss.on('connection', (socket, request) => {
    const c = new URL(request.url ?? '/', 'http://x').searchParams.get('c') ?? '';
    const room = rooms.get(c) ?? new Set<WebSocket>();
    rooms.set(c, room);
    room.add(socket);
    socket.on('message', (data, isBinary) => {
      for (const other of room) if (other !== socket && other.readyState === WebSocket.OPEN) other.send(data, { binary: isBinary });
    });
    socket.on('close', () => room.delete(socket));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        http.close(() => resolve());
      }),
  };
}
