/**
 * Benchmark 6: what the SFU costs the server. `calls` video calls through the reference server's SFU
 * (two pages each, fake camera and microphone: audio and video both ways, 4 forwarded streams per
 * call) are held for `seconds`; the mediasoup workers' CPU time over that window (user + system,
 * from `getrusage` in each worker) is divided by the window and by the streams forwarded.
 */
import type { Browser, Page } from 'playwright-core';
import type { SfuService } from '../server/sfu/sfu-service.js';
import { closePage, openPage } from './browser.js';
import { hangup, oneCall } from './call-setup.js';
import { delay } from './stats.js';

export interface SfuForwardingResult {
  calls: number;
  streams: number;
  seconds: number;
  /** Worker CPU over the window, in percent of one core. */
  workerCpuPercent: number;
  /** The same per forwarded stream. */
  perStreamCpuPercent: number;
}

export async function benchSfuForwarding(options: { browser: Browser; baseUrl: string; sfu: SfuService; calls: number; seconds: number; log: (line: string) => void }): Promise<SfuForwardingResult> {
  const { browser, baseUrl, sfu, calls, seconds } = options;
  const pages: Page[] = [];
  try {
    const url = `${baseUrl}/bench/call/call.html?c=cck-sfu`;
    for (let i = 0; i < calls; i += 1) {
      const [agent, customer] = await Promise.all([openPage(browser, url, 'benchReady'), openPage(browser, url, 'benchReady')]);
      pages.push(agent, customer);
      const setup = { conversation: `bench-sfu-cpu-${process.pid}-${i}` };
      await customer.evaluate((o) => (window as unknown as BenchWindow).bench.setup({ ...o, role: 'customer' }), setup);
      await agent.evaluate((o) => (window as unknown as BenchWindow).bench.setup({ ...o, role: 'agent' }), setup);
      await oneCall(agent, customer);
    }
    // Let the encoders ramp up to their steady bitrate before measuring.
    await delay(3_000);
    const streams = await sfu.forwardedStreams();
    const cpuBefore = await sfu.cpuTimeMs();
    const startedAt = performance.now();
    await delay(seconds * 1_000);
    const cpuAfter = await sfu.cpuTimeMs();
    const elapsed = performance.now() - startedAt;
    const workerCpuPercent = ((cpuAfter - cpuBefore) / elapsed) * 100;
    for (let i = 0; i < pages.length; i += 2) await hangup(pages[i]!, pages[i + 1]!);
    return { calls, streams, seconds, workerCpuPercent, perStreamCpuPercent: streams > 0 ? workerCpuPercent / streams : NaN };
  } finally {
    await Promise.all(pages.map(closePage));
  }
}

type BenchWindow = { bench: { setup(options: unknown): Promise<void> } };
