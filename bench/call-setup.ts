/**
 * Benchmark 1: call setup between two headless Chromium pages (fake devices, loopback), for
 * chat-call-kit, the floor (hand-written RTCPeerConnection exchange over the same relay), simple-peer
 * (same relay) and PeerJS (its own `peer` server on loopback), and chat-call-kit with its media through
 * the reference server's SFU (a second server, in SFU mode). Metrics (see bench/README.md):
 * click-to-ring, accept-to-first-remote-frame and accept-to-first-audio, both ways.
 */
import type { Browser, Page } from 'playwright-core';
import { PeerServer } from 'peer';
import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { closePage, openPage } from './browser.js';
import { delay, ratio, summarize, withTimeout, type Summary } from './stats.js';

export const CONTENDERS = ['floor', 'cck', 'cck-sfu', 'simple-peer', 'peerjs'] as const;
export type Contender = (typeof CONTENDERS)[number];
export const LABELS: Record<Contender, string> = {
  floor: 'floor (raw RTCPeerConnection)',
  cck: 'chat-call-kit',
  'cck-sfu': 'chat-call-kit via SFU',
  'simple-peer': 'simple-peer',
  peerjs: 'PeerJS',
};

interface Marks {
  clickAt?: number;
  rungAt?: number;
  acceptAt?: number;
  frameAt?: number;
  audioAt?: number;
}

declare const window: Window & {
  bench: {
    setup(options: unknown): Promise<void>;
    start(): Promise<void>;
    accept(): Promise<void>;
    hangup(): Promise<void>;
    idle(): boolean;
    watch(): number;
    stopWatching(): void;
    marks(): Marks;
    clearMarks(): void;
    resources(): { liveTracks: number; openPeerConnections: number; peerConnections: number; heap: number | null };
  };
};

export interface CallSample {
  ringMs: number;
  frameMs: number;
  audioMs: number;
  frame: { agentSeesCustomer: number; customerSeesAgent: number };
  audio: { agentHearsCustomer: number; customerHearsAgent: number };
}

export interface ContenderResult {
  contender: Contender;
  label: string;
  ok: boolean;
  error?: string;
  calls: number;
  failures: number;
  clickToRing?: Summary;
  acceptToFirstFrame?: Summary;
  acceptToFirstAudio?: Summary;
  ratios?: Record<string, number>;
  samples?: CallSample[];
}

export interface CallSetupOptions {
  browser: Browser;
  baseUrl: string;
  /** The reference server in SFU mode (the `cck-sfu` contender's), or why there is none. */
  sfu: { baseUrl: string } | { unavailable: string };
  calls: number;
  contenders?: readonly Contender[];
  log: (line: string) => void;
}

export async function startPeerServer(): Promise<{ port: number; path: string; close(): Promise<void> }> {
  const path = '/peerjs';
  const http = await new Promise<HttpServer>((resolve) => {
    PeerServer({ port: 0, host: '127.0.0.1', path, allow_discovery: false }, (server) => resolve(server as HttpServer));
  });
  const port = (http.address() as AddressInfo).port;
  return {
    port,
    path,
    close: () =>
      new Promise((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

let conversationCounter = 0;

/** Opens a pair for one contender, runs `warmup + calls` calls, returns the measured ones. */
export async function runContender(options: CallSetupOptions & { contender: Contender; peerServer?: { port: number; path: string } }): Promise<ContenderResult> {
  const { browser, contender, calls, log } = options;
  const result: ContenderResult = { contender, label: LABELS[contender], ok: false, calls: 0, failures: 0 };
  if (contender === 'cck-sfu' && 'unavailable' in options.sfu) return { ...result, error: `no SFU: ${options.sfu.unavailable}` };
  const baseUrl = contender === 'cck-sfu' && 'baseUrl' in options.sfu ? options.sfu.baseUrl : options.baseUrl;
  const url = `${baseUrl}/bench/call/call.html?c=${contender}`;
  const pages: Page[] = [];
  try {
    const [agent, customer] = await Promise.all([openPage(browser, url, 'benchReady'), openPage(browser, url, 'benchReady')]);
    pages.push(agent, customer);
    conversationCounter += 1;
    const conversation = `bench-${contender}-${process.pid}-${conversationCounter}`;
    const setup = { conversation, peerServer: options.peerServer };
    await customer.evaluate((o) => window.bench.setup({ ...o, role: 'customer' }), setup);
    await agent.evaluate((o) => window.bench.setup({ ...o, role: 'agent' }), setup);
    const samples: CallSample[] = [];
    const warmup = 1;
    for (let i = 0; i < calls + warmup; i += 1) {
      try {
        const sample = await withTimeout(oneCall(agent, customer), 20_000, `${contender} call ${i + 1}`);
        if (i >= warmup) samples.push(sample);
      } catch (error) {
        result.failures += 1;
        log(`    ${contender}: call ${i + 1} failed: ${(error as Error).message}`);
        if (result.failures > 3) throw error;
      }
      await hangup(agent, customer);
    }
    result.calls = samples.length;
    result.samples = samples;
    result.clickToRing = summarize(samples.map((s) => s.ringMs));
    result.acceptToFirstFrame = summarize(samples.map((s) => s.frameMs));
    result.acceptToFirstAudio = summarize(samples.map((s) => s.audioMs));
    result.ok = samples.length > 0;
  } catch (error) {
    result.error = (error as Error).message.split('\n')[0];
  } finally {
    await Promise.all(pages.map(closePage));
  }
  return result;
}

export async function oneCall(agent: Page, customer: Page): Promise<CallSample> {
  await Promise.all([agent.evaluate(() => window.bench.clearMarks()), customer.evaluate(() => window.bench.clearMarks())]);
  await agent.evaluate(() => window.bench.start());
  await customer.waitForFunction(() => window.bench.marks().rungAt !== undefined, undefined, { timeout: 10_000, polling: 10 });
  // Both sides watch before the accept: first frame / first audio after this instant.
  await Promise.all([agent.evaluate(() => window.bench.watch()), customer.evaluate(() => window.bench.watch())]);
  await delay(50);
  await customer.evaluate(() => window.bench.accept());
  const done = () => {
    const m = window.bench.marks();
    return m.frameAt !== undefined && m.audioAt !== undefined;
  };
  await Promise.all([
    agent.waitForFunction(done, undefined, { timeout: 15_000, polling: 20 }),
    customer.waitForFunction(done, undefined, { timeout: 15_000, polling: 20 }),
  ]);
  const a = await agent.evaluate(() => window.bench.marks());
  const c = await customer.evaluate(() => window.bench.marks());
  const acceptAt = c.acceptAt!;
  const frame = { agentSeesCustomer: a.frameAt! - acceptAt, customerSeesAgent: c.frameAt! - acceptAt };
  const audio = { agentHearsCustomer: a.audioAt! - acceptAt, customerHearsAgent: c.audioAt! - acceptAt };
  return {
    ringMs: c.rungAt! - a.clickAt!,
    // Both ways: the call is set up when each side sees / hears the other.
    frameMs: Math.max(frame.agentSeesCustomer, frame.customerSeesAgent),
    audioMs: Math.max(audio.agentHearsCustomer, audio.customerHearsAgent),
    frame,
    audio,
  };
}

export async function hangup(agent: Page, customer: Page): Promise<void> {
  await Promise.all([agent.evaluate(() => window.bench.stopWatching()), customer.evaluate(() => window.bench.stopWatching())]);
  await agent.evaluate(() => window.bench.hangup()).catch(() => {});
  await customer.evaluate(() => window.bench.hangup()).catch(() => {});
  await Promise.all([
    agent.waitForFunction(() => window.bench.idle(), undefined, { timeout: 5_000, polling: 20 }).catch(() => {}),
    customer.waitForFunction(() => window.bench.idle(), undefined, { timeout: 5_000, polling: 20 }).catch(() => {}),
  ]);
  await delay(150);
}

export async function benchCallSetup(options: CallSetupOptions): Promise<{ calls: number; results: ContenderResult[] }> {
  const contenders = options.contenders ?? CONTENDERS;
  let peerServer: Awaited<ReturnType<typeof startPeerServer>> | undefined;
  const results: ContenderResult[] = [];
  try {
    for (const contender of contenders) {
      let extra: { peerServer?: { port: number; path: string } } = {};
      if (contender === 'peerjs') {
        try {
          peerServer ??= await startPeerServer();
          extra = { peerServer: { port: peerServer.port, path: peerServer.path } };
        } catch (error) {
          results.push({ contender, label: LABELS[contender], ok: false, calls: 0, failures: 0, error: `peer server: ${(error as Error).message}` });
          continue;
        }
      }
      const started = Date.now();
      const result = await runContender({ ...options, contender, ...extra });
      options.log(`  call-setup ${contender}: ${result.ok ? `${result.calls} calls` : `FAILED ${result.error}`} (${Math.round((Date.now() - started) / 1000)} s)`);
      results.push(result);
    }
  } finally {
    await peerServer?.close().catch(() => {});
  }
  const floor = results.find((r) => r.contender === 'floor' && r.ok);
  const p2p = results.find((r) => r.contender === 'cck' && r.ok);
  for (const r of results) {
    if (!r.ok || !floor) continue;
    r.ratios = {
      clickToRingP50: ratio(r.clickToRing!.p50, floor.clickToRing!.p50),
      clickToRingP95: ratio(r.clickToRing!.p95, floor.clickToRing!.p95),
      firstFrameP50: ratio(r.acceptToFirstFrame!.p50, floor.acceptToFirstFrame!.p50),
      firstFrameP95: ratio(r.acceptToFirstFrame!.p95, floor.acceptToFirstFrame!.p95),
      firstAudioP50: ratio(r.acceptToFirstAudio!.p50, floor.acceptToFirstAudio!.p50),
      firstAudioP95: ratio(r.acceptToFirstAudio!.p95, floor.acceptToFirstAudio!.p95),
    };
  }
  const viaSfu = results.find((r) => r.contender === 'cck-sfu' && r.ok);
  if (viaSfu && p2p) {
    // The SFU's own target: through the SFU vs chat-call-kit peer-to-peer, same machine, same run.
    viaSfu.ratios = {
      ...viaSfu.ratios,
      sfuVsP2pFrameP50: ratio(viaSfu.acceptToFirstFrame!.p50, p2p.acceptToFirstFrame!.p50),
      sfuVsP2pFrameP95: ratio(viaSfu.acceptToFirstFrame!.p95, p2p.acceptToFirstFrame!.p95),
      sfuVsP2pAudioP50: ratio(viaSfu.acceptToFirstAudio!.p50, p2p.acceptToFirstAudio!.p50),
    };
  }
  return { calls: options.calls, results };
}
