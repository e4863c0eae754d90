/**
 * Benchmark 3: co-browse. chat-call-kit's co-browse (the e2e harness pages: PIN, accept, mirror in
 * the agent's <cobrowse-launcher>, over the reference server) next to plain rrweb live mode (record on
 * the customer, Replayer liveMode on the agent) over a bare ws relay on loopback. Same page content.
 */
import type { Browser, Page } from 'playwright-core';
import { closePage } from './browser.js';
import { conversationId, openSession, startRawRelay, trafficBetween, trafficSoFar, type Session, type Traffic } from './cobrowse-session.js';
import { delay, ratio, round, summarize, type Summary } from './stats.js';
import { startWireCounter, type WireCounter } from './wire.js';
import { BENCH_DEFLATE } from './deflate.js';

const AGENT_VIEWPORT = { width: 1000, height: 900 };
const CUSTOMER_VIEWPORT = { width: 1280, height: 760 };

declare const window: Window & { harness: { now(): number; arrivals: Record<string, number>; watchMirror(): boolean } };

/** `rrweb-deflate`: the baseline again, over a relay that negotiates the same compression as the reference server (typing only). */
type Row = 'cck' | 'rrweb' | 'rrweb-deflate';

export interface CobrowseResult {
  contender: Row;
  label: string;
  ok: boolean;
  error?: string;
  mirrorMs?: Record<string, number>;
  /** UTF-8 KiB of the frames' text from the accept to the mirror. */
  snapshotKiB?: Record<string, number>;
  /** The same, as really sent on the wire. */
  snapshotWireKiB?: Record<string, number>;
  mutationLatency?: Summary & { rate: number; sent: number; arrived: number };
  /** Typing and scrolling, per minute: frames' text, the same uncompressed on the wire, really on the wire. */
  typing?: { textBytesPerMinute: number; rawWireBytesPerMinute: number; wireBytesPerMinute: number };
  ratios?: Record<string, number>;
}

const LABELS: Record<Row, string> = {
  rrweb: 'plain rrweb live (baseline)',
  'rrweb-deflate': 'plain rrweb live + permessage-deflate',
  cck: 'chat-call-kit co-browse',
};

interface Endpoints {
  baseUrl: string;
  /** The customer's pages of chat-call-kit come through here (its signaling socket is counted). */
  customerOrigin: WireCounter;
  relays: Record<'rrweb' | 'rrweb-deflate', { direct: string; counter: WireCounter }>;
}

/** A session of `row` on the shop page with `elements` grid cells. */
function shopSession(browser: Browser, endpoints: Endpoints, row: Row, elements: number): Promise<Session> {
  const conversation = conversationId(`cobrowse-${row}`);
  if (row === 'cck') {
    const query = `conversation=${encodeURIComponent(conversation)}&visual=cobrowse`;
    return openSession(browser, {
      contender: 'cck',
      agentUrl: `${endpoints.baseUrl}/test-harness/visual/agent.html?${query}`,
      customerUrl: `${endpoints.customerOrigin.url}/test-harness/visual/shop.html?${query}&big=${elements}`,
      agentViewport: AGENT_VIEWPORT,
      customerViewport: CUSTOMER_VIEWPORT,
      mirrored: `#cell-${elements - 1}`,
      wire: endpoints.customerOrigin,
    });
  }
  const relay = endpoints.relays[row];
  const query = (url: string) => `conversation=${encodeURIComponent(conversation)}&relay=${encodeURIComponent(url)}`;
  return openSession(browser, {
    contender: 'rrweb',
    agentUrl: `${endpoints.baseUrl}/bench/rrweb/agent.html?${query(relay.direct)}`,
    customerUrl: `${endpoints.customerOrigin.url}/bench/rrweb/customer.html?${query(relay.counter.wsUrl)}&big=${elements}`,
    agentViewport: AGENT_VIEWPORT,
    customerViewport: CUSTOMER_VIEWPORT,
    mirrored: `#cell-${elements - 1}`,
    wire: relay.counter,
  });
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

/** Typing (5 characters/s) into the name field and scrolling (5 steps/s) for `seconds`; what was sent, scaled to a minute. */
async function typingAndScrolling(customer: Page, wire: WireCounter, seconds: number): Promise<NonNullable<CobrowseResult['typing']>> {
  await customer.locator('#name').click();
  await delay(300);
  const before: Traffic = await trafficSoFar(customer, wire);
  const steps = seconds * 5;
  for (let i = 0; i < steps; i += 1) {
    await customer.keyboard.type(String.fromCharCode(97 + (i % 26)));
    await customer.mouse.wheel(0, i % 20 < 10 ? 120 : -120);
    await delay(200);
  }
  await delay(500);
  const sent = trafficBetween(before, await trafficSoFar(customer, wire));
  const perMinute = (n: number) => Math.round((n * 60) / seconds);
  return { textBytesPerMinute: perMinute(sent.textBytes), rawWireBytesPerMinute: perMinute(sent.rawWireBytes), wireBytesPerMinute: perMinute(sent.wireBytes) };
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
  const plain = await startRawRelay(false);
  const compressed = await startRawRelay(BENCH_DEFLATE);
  const target = (url: string) => ({ host: '127.0.0.1', port: Number(new URL(url).port) });
  const endpoints: Endpoints = {
    baseUrl: options.baseUrl,
    customerOrigin: await startWireCounter(target(options.baseUrl)),
    relays: {
      rrweb: { direct: plain.url, counter: await startWireCounter({ host: '127.0.0.1', port: plain.port }) },
      'rrweb-deflate': { direct: compressed.url, counter: await startWireCounter({ host: '127.0.0.1', port: compressed.port }) },
    },
  };
  const results: CobrowseResult[] = [];
  const biggest = Math.max(...options.sizes);
  try {
    for (const row of ['rrweb', 'rrweb-deflate', 'cck'] as const) {
      const result: CobrowseResult = { contender: row, label: LABELS[row], ok: false, mirrorMs: {}, snapshotKiB: {}, snapshotWireKiB: {} };
      const started = Date.now();
      try {
        // The compressed baseline only types: its mirror and latency are the plain baseline's.
        for (const size of row === 'rrweb-deflate' ? [biggest] : options.sizes) {
          const session = await shopSession(options.browser, endpoints, row, size);
          const wire = row === 'cck' ? endpoints.customerOrigin : endpoints.relays[row].counter;
          try {
            result.mirrorMs![size] = round(session.mirrorMs);
            result.snapshotKiB![size] = round(session.snapshot.textBytes / 1024);
            result.snapshotWireKiB![size] = round(session.snapshot.wireBytes / 1024);
            if (size === biggest) {
              if (row !== 'rrweb-deflate') result.mutationLatency = await mutationStream(session.agent, session.customer, options.rate, options.streamSeconds);
              result.typing = await typingAndScrolling(session.customer, wire, options.typingSeconds);
            }
          } finally {
            await Promise.all([closePage(session.agent), closePage(session.customer)]);
          }
        }
        result.ok = true;
      } catch (error) {
        result.error = (error as Error).message.split('\n')[0];
      }
      options.log(`  cobrowse ${row}: ${result.ok ? 'done' : `FAILED ${result.error}`} (${Math.round((Date.now() - started) / 1000)} s)`);
      results.push(result);
    }
  } finally {
    await Promise.all([plain.close(), compressed.close(), endpoints.customerOrigin.close(), endpoints.relays.rrweb.counter.close(), endpoints.relays['rrweb-deflate'].counter.close()]);
  }
  const base = results.find((r) => r.contender === 'rrweb' && r.ok);
  const baseDeflate = results.find((r) => r.contender === 'rrweb-deflate' && r.ok);
  for (const r of results) {
    if (!r.ok || !base || r.contender === 'rrweb-deflate') continue;
    r.ratios = {};
    for (const size of options.sizes) r.ratios[`mirror${size}`] = ratio(r.mirrorMs![size]!, base.mirrorMs![size]!);
    r.ratios.mutationP50 = ratio(r.mutationLatency!.p50, base.mutationLatency!.p50);
    r.ratios.mutationP95 = ratio(r.mutationLatency!.p95, base.mutationLatency!.p95);
    // Both against the plain baseline's uncompressed frames: what the issue's targets are stated in.
    r.ratios.bytesUncompressed = ratio(r.typing!.rawWireBytesPerMinute, base.typing!.rawWireBytesPerMinute);
    r.ratios.bytesOnWire = ratio(r.typing!.wireBytesPerMinute, base.typing!.rawWireBytesPerMinute);
    if (baseDeflate) r.ratios.bytesOnWireVsDeflatedBaseline = ratio(r.typing!.wireBytesPerMinute, baseDeflate.typing!.wireBytesPerMinute);
  }
  return { sizes: options.sizes, results };
}
