/**
 * Benchmark 3: co-browse. chat-call-kit's co-browse (the e2e harness pages: PIN, accept, mirror in
 * the agent's <cobrowse-launcher>, over the reference server) next to plain rrweb live mode (record on
 * the customer, Replayer liveMode on the agent) over a bare ws relay on loopback. Same page content.
 */
import type { Browser, Page } from 'playwright-core';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { closePage, openPage } from './browser.js';
import { delay, ratio, round, summarize, type Summary } from './stats.js';

const AGENT_VIEWPORT = { width: 1000, height: 900 };
const CUSTOMER_VIEWPORT = { width: 1280, height: 760 };

interface H {
  now(): number;
  sentFrames: string[];
  arrivals: Record<string, number>;
  mirrorDocument(): Document | null;
  watchMirror(): boolean;
  start(): number;
}
declare const window: Window & { harness: H; __sent?: number[] };

export interface CobrowseResult {
  contender: 'cck' | 'rrweb';
  label: string;
  ok: boolean;
  error?: string;
  mirrorMs?: Record<string, number>;
  snapshotKiB?: Record<string, number>;
  mutationLatency?: Summary & { rate: number; sent: number; arrived: number };
  bytesPerMinute?: number;
  ratios?: Record<string, number>;
}

async function startRawRelay(): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, maxPayload: 64 * 1024 * 1024 });
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
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        http.close(() => resolve());
      }),
  };
}

let counter = 0;
const conversationId = (label: string) => `bench-${label}-${process.pid}-${++counter}`;

/** Opens a session on a page of `elements` grid cells; returns the pages and the mirror time. */
async function openSession(
  browser: Browser,
  baseUrl: string,
  contender: 'cck' | 'rrweb',
  elements: number,
  relayUrl: string,
): Promise<{ agent: Page; customer: Page; mirrorMs: number; snapshotBytes: number }> {
  const conversation = conversationId(`cobrowse-${contender}`);
  let agent: Page;
  let customer: Page;
  let acceptedAt: number;
  if (contender === 'cck') {
    const query = `conversation=${encodeURIComponent(conversation)}&visual=cobrowse`;
    [agent, customer] = await Promise.all([
      openPage(browser, `${baseUrl}/test-harness/visual/agent.html?${query}`, 'harnessReady', AGENT_VIEWPORT),
      openPage(browser, `${baseUrl}/test-harness/visual/shop.html?${query}&big=${elements}`, 'harnessReady', CUSTOMER_VIEWPORT),
    ]);
    await agent.getByRole('button', { name: 'Co-browse', exact: true }).click();
    const pinLocator = agent.locator('cobrowse-launcher [part~="pin"]').first();
    await pinLocator.waitFor();
    const pin = (await pinLocator.innerText()).trim();
    await customer.getByRole('textbox', { name: 'Session PIN', exact: true }).fill(pin);
    await customer.getByRole('button', { name: 'Join', exact: true }).click();
    await customer.getByRole('button', { name: 'Accept', exact: true }).waitFor();
    acceptedAt = await customer.evaluate(() => {
      const at = window.harness.now();
      const launcher = document.querySelector('cobrowse-launcher')!;
      (launcher.shadowRoot!.querySelector('[part~="accept-button"]') as HTMLButtonElement).click();
      return at;
    });
  } else {
    const query = `conversation=${encodeURIComponent(conversation)}&relay=${encodeURIComponent(relayUrl)}`;
    [agent, customer] = await Promise.all([
      openPage(browser, `${baseUrl}/bench/rrweb/agent.html?${query}`, 'harnessReady', AGENT_VIEWPORT),
      openPage(browser, `${baseUrl}/bench/rrweb/customer.html?${query}&big=${elements}`, 'harnessReady', CUSTOMER_VIEWPORT),
    ]);
    acceptedAt = await customer.evaluate(() => window.harness.start());
  }
  await agent.waitForFunction((n) => window.harness.mirrorDocument()?.getElementById(`cell-${n - 1}`) != null, elements, { timeout: 20_000, polling: 5 });
  const mirroredAt = await agent.evaluate(() => window.harness.now());
  const snapshotBytes = await customer.evaluate(() => window.harness.sentFrames.reduce((sum, f) => sum + f.length, 0));
  return { agent, customer, mirrorMs: mirroredAt - acceptedAt, snapshotBytes };
}

/** 50 mutations/s for `seconds`: the marker's text becomes m0, m1, ...; arrival seen in the mirror. */
async function mutationStream(agent: Page, customer: Page, rate: number, seconds: number) {
  if (!(await agent.evaluate(() => window.harness.watchMirror()))) throw new Error('no mirror document to watch');
  const count = rate * seconds;
  // A string, not a function: tsx's keepNames would otherwise inject `__name` calls the page lacks.
  const sent = (await customer.evaluate(`new Promise((resolve) => {
    const rate = ${rate}, n = ${count}, times = [];
    let i = 0;
    const started = performance.now();
    // A steady schedule (no setInterval drift): mutation i at started + i * 1000 / rate.
    function loop() {
      while (i < n && performance.now() >= started + (i * 1000) / rate) {
        document.getElementById('marker').textContent = 'm' + i;
        times.push(window.harness.now());
        i += 1;
      }
      if (i < n) setTimeout(loop, 2); else resolve(times);
    }
    loop();
  })`)) as number[];
  await delay(1_000);
  const arrivals = await agent.evaluate(() => window.harness.arrivals);
  const latencies: number[] = [];
  sent.forEach((at, i) => {
    const arrived = arrivals[`m${i}`];
    if (arrived !== undefined) latencies.push(arrived - at);
  });
  return { ...summarize(latencies), rate, sent: sent.length, arrived: latencies.length };
}

/** Typing (5 characters/s) into the name field and scrolling (5 steps/s) for `seconds`; bytes sent, scaled to a minute. */
async function typingAndScrolling(customer: Page, seconds: number): Promise<number> {
  const before = await customer.evaluate(() => window.harness.sentFrames.reduce((sum, f) => sum + f.length, 0));
  await customer.locator('#name').click();
  const steps = seconds * 5;
  for (let i = 0; i < steps; i += 1) {
    await customer.keyboard.type(String.fromCharCode(97 + (i % 26)));
    await customer.mouse.wheel(0, i % 20 < 10 ? 120 : -120);
    await delay(200);
  }
  await delay(500);
  const after = await customer.evaluate(() => window.harness.sentFrames.reduce((sum, f) => sum + f.length, 0));
  return ((after - before) * 60) / seconds;
}

export async function benchCobrowse(options: {
  browser: Browser;
  baseUrl: string;
  sizes: number[];
  rate: number;
  streamSeconds: number;
  typingSeconds: number;
  log: (line: string) => void;
}): Promise<{ sizes: number[]; results: CobrowseResult[] }> {
  const relay = await startRawRelay();
  const results: CobrowseResult[] = [];
  try {
    for (const contender of ['rrweb', 'cck'] as const) {
      const result: CobrowseResult = { contender, label: contender === 'cck' ? 'chat-call-kit co-browse' : 'plain rrweb live (baseline)', ok: false, mirrorMs: {}, snapshotKiB: {} };
      const started = Date.now();
      try {
        for (const size of options.sizes) {
          const session = await openSession(options.browser, options.baseUrl, contender, size, relay.url);
          result.mirrorMs![size] = round(session.mirrorMs);
          result.snapshotKiB![size] = round(session.snapshotBytes / 1024);
          if (size === Math.max(...options.sizes)) {
            result.mutationLatency = await mutationStream(session.agent, session.customer, options.rate, options.streamSeconds);
            result.bytesPerMinute = Math.round(await typingAndScrolling(session.customer, options.typingSeconds));
          }
          await Promise.all([closePage(session.agent), closePage(session.customer)]);
        }
        result.ok = true;
      } catch (error) {
        result.error = (error as Error).message.split('\n')[0];
      }
      options.log(`  cobrowse ${contender}: ${result.ok ? 'done' : `FAILED ${result.error}`} (${Math.round((Date.now() - started) / 1000)} s)`);
      results.push(result);
    }
  } finally {
    await relay.close();
  }
  const base = results.find((r) => r.contender === 'rrweb' && r.ok);
  for (const r of results) {
    if (!r.ok || !base) continue;
    r.ratios = {};
    for (const size of options.sizes) r.ratios[`mirror${size}`] = ratio(r.mirrorMs![size]!, base.mirrorMs![size]!);
    r.ratios.mutationP50 = ratio(r.mutationLatency!.p50, base.mutationLatency!.p50);
    r.ratios.mutationP95 = ratio(r.mutationLatency!.p95, base.mutationLatency!.p95);
    r.ratios.bytesPerMinute = ratio(r.bytesPerMinute!, base.bytesPerMinute!);
  }
  return { sizes: options.sizes, results };
}
