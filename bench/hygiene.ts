/**
 * Benchmark 5: resource hygiene. One pair of chat-call-kit pages makes `cycles` video calls in a row
 * (start, ring, accept, media flowing, hang up); after each: live captured tracks, open peer
 * connections and the JS heap (after a forced GC) on both pages. Anything that grows is reported.
 */
import type { Browser } from 'playwright-core';
import { closePage, openPage } from './browser.js';
import { delay, round } from './stats.js';

declare const window: Window & {
  bench: {
    setup(o: unknown): Promise<void>;
    start(): Promise<void>;
    accept(): Promise<void>;
    hangup(): Promise<void>;
    idle(): boolean;
    marks(): Record<string, number>;
    clearMarks(): void;
    watch(): number;
    stopWatching(): void;
    resources(): { liveTracks: number; openPeerConnections: number; peerConnections: number; heap: number | null };
  };
  gc?: () => void;
};

export interface HygieneSample {
  cycle: number;
  agent: { liveTracks: number; openPeerConnections: number; heapMiB: number | null };
  customer: { liveTracks: number; openPeerConnections: number; heapMiB: number | null };
}

export async function benchHygiene(options: { browser: Browser; baseUrl: string; cycles: number; log: (line: string) => void }) {
  const url = `${options.baseUrl}/bench/call/call.html?c=cck`;
  const [agent, customer] = await Promise.all([openPage(options.browser, url, 'benchReady'), openPage(options.browser, url, 'benchReady')]);
  const samples: HygieneSample[] = [];
  let error: string | undefined;
  try {
    const conversation = `bench-hygiene-${process.pid}`;
    await customer.evaluate((c) => window.bench.setup({ role: 'customer', conversation: c }), conversation);
    await agent.evaluate((c) => window.bench.setup({ role: 'agent', conversation: c }), conversation);
    const measure = async (page: typeof agent) => {
      const r = await page.evaluate(async () => {
        window.gc?.();
        await new Promise((resolve) => setTimeout(resolve, 50));
        window.gc?.();
        return window.bench.resources();
      });
      return { liveTracks: r.liveTracks, openPeerConnections: r.openPeerConnections, heapMiB: r.heap === null ? null : round(r.heap / 1024 / 1024, 2) };
    };
    for (let cycle = 1; cycle <= options.cycles; cycle += 1) {
      await Promise.all([agent.evaluate(() => window.bench.clearMarks()), customer.evaluate(() => window.bench.clearMarks())]);
      await agent.evaluate(() => window.bench.start());
      await customer.waitForFunction(() => window.bench.marks().rungAt !== undefined, undefined, { timeout: 10_000, polling: 10 });
      await Promise.all([agent.evaluate(() => window.bench.watch()), customer.evaluate(() => window.bench.watch())]);
      await customer.evaluate(() => window.bench.accept());
      await Promise.all(
        [agent, customer].map((p) => p.waitForFunction(() => window.bench.marks().frameAt !== undefined, undefined, { timeout: 15_000, polling: 20 })),
      );
      await Promise.all([agent.evaluate(() => window.bench.stopWatching()), customer.evaluate(() => window.bench.stopWatching())]);
      await agent.evaluate(() => window.bench.hangup());
      await Promise.all([agent, customer].map((p) => p.waitForFunction(() => window.bench.idle(), undefined, { timeout: 5_000, polling: 20 })));
      await delay(300);
      samples.push({ cycle, agent: await measure(agent), customer: await measure(customer) });
    }
  } catch (e) {
    error = (e as Error).message.split('\n')[0];
  } finally {
    await Promise.all([closePage(agent), closePage(customer)]);
  }
  // Growth: last sample vs. the first (the first call warms up code and caches).
  const first = samples[0];
  const last = samples.at(-1);
  const growth =
    first && last
      ? {
          agentLiveTracks: last.agent.liveTracks,
          customerLiveTracks: last.customer.liveTracks,
          agentOpenPeerConnections: last.agent.openPeerConnections,
          customerOpenPeerConnections: last.customer.openPeerConnections,
          agentHeapMiB: first.agent.heapMiB !== null && last.agent.heapMiB !== null ? round(last.agent.heapMiB - first.agent.heapMiB, 2) : null,
          customerHeapMiB: first.customer.heapMiB !== null && last.customer.heapMiB !== null ? round(last.customer.heapMiB - first.customer.heapMiB, 2) : null,
        }
      : undefined;
  const leaks: string[] = [];
  if (growth) {
    if (growth.agentLiveTracks || growth.customerLiveTracks) leaks.push(`live captured tracks after hang-up: agent ${growth.agentLiveTracks}, customer ${growth.customerLiveTracks}`);
    if (growth.agentOpenPeerConnections || growth.customerOpenPeerConnections) {
      leaks.push(`open peer connections after hang-up: agent ${growth.agentOpenPeerConnections}, customer ${growth.customerOpenPeerConnections}`);
    }
    // Heap: a steady climb of more than 64 KiB per call over the run is reported as growth.
    const perCall = (mib: number | null) => (mib === null ? 0 : (mib * 1024) / Math.max(1, samples.length - 1));
    if (perCall(growth.agentHeapMiB) > 64) leaks.push(`agent JS heap grows ~${Math.round(perCall(growth.agentHeapMiB))} KiB per call`);
    if (perCall(growth.customerHeapMiB) > 64) leaks.push(`customer JS heap grows ~${Math.round(perCall(growth.customerHeapMiB))} KiB per call`);
  }
  options.log(`  hygiene: ${samples.length}/${options.cycles} cycles${error ? ` FAILED ${error}` : ''}; ${leaks.length ? leaks.join('; ') : 'nothing grows'}`);
  return { cycles: options.cycles, completed: samples.length, error, growth, leaks, samples };
}
