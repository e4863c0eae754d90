/**
 * Benchmark 4: the signaling relay under 2,000 concurrent conversations (4,000 sockets) on loopback,
 * for the reference server (protocol v2: sequenced, acknowledged, validated), a bare `ws` relay (the
 * floor; also with permessage-deflate) and a socket.io relay (a peer). Server and load generator are
 * separate child processes (RSS and CPU are the server's own); each run has a hard time limit.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ratio, round, summarize, type Summary } from './stats.js';

export const RELAYS = ['ws', 'ws-deflate', 'ws-deflate-lean', 'cck', 'socketio'] as const;
export type Relay = (typeof RELAYS)[number];
export const RELAY_LABELS: Record<Relay, string> = {
  ws: 'bare ws relay (floor)',
  'ws-deflate': 'bare ws + deflate (ws defaults)',
  'ws-deflate-lean': 'bare ws + deflate (lean)',
  cck: 'chat-call-kit server',
  socketio: 'socket.io relay',
};

export interface RelayResult {
  relay: Relay;
  label: string;
  ok: boolean;
  error?: string;
  sockets?: number;
  connectMs?: number;
  delivered?: number;
  elapsedMs?: number;
  timedOut?: boolean;
  messagesPerSecond?: number;
  latency?: Summary;
  rssMiB?: { idle: number; peak: number; after: number };
  /** Peak RSS growth divided by the sockets: what one connection costs the server. */
  rssKiBPerSocket?: number;
  /** The relay server's CPU time per delivered message (user + system), the least noisy cost figure. */
  serverCpuMicrosPerMessage?: number;
  ratios?: Record<string, number>;
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export function child(script: string, args: string[], env: Record<string, string>): ChildProcess {
  return fork(here(script), args, { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

export function next<T>(proc: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no '${type}' from ${proc.spawnargs.at(-1)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: { type: string; message?: string }) => {
      if (message.type === type) {
        cleanup();
        resolve(message as T);
      } else if (message.type === 'error') {
        cleanup();
        reject(new Error(message.message));
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child exited (${code}) before '${type}'`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      proc.off('message', onMessage);
      proc.off('exit', onExit);
    };
    proc.on('message', onMessage);
    proc.on('exit', onExit);
  });
}

export async function runRelay(relay: Relay, conversations: number, rounds: number, timeLimitMs: number): Promise<RelayResult> {
  const secret = randomBytes(32).toString('base64url');
  const env = { BENCH_SECRET: secret };
  const server = child('./signaling-server.ts', [relay], env);
  let load: ChildProcess | undefined;
  const result: RelayResult = { relay, label: RELAY_LABELS[relay], ok: false };
  try {
    const { port } = await next<{ port: number }>(server, 'ready', 20_000);
    load = child('./signaling-load.ts', [relay, String(port), String(conversations), String(rounds), String(timeLimitMs)], env);
    const connected = await next<{ sockets: number; connectMs: number }>(load, 'connected', 120_000);
    server.send({ type: 'mark' });
    const done = await next<{ delivered: number; elapsedMs: number; timedOut: boolean; latencies: number[] }>(load, 'done', timeLimitMs + 30_000);
    server.send({ type: 'rss' });
    const rss = await next<{ idleRss: number; peakRss: number; rss: number; cpuMicros: number }>(server, 'rss', 5_000);
    const mib = (n: number) => round(n / 1024 / 1024);
    Object.assign(result, {
      ok: true,
      sockets: connected.sockets,
      connectMs: round(connected.connectMs, 0),
      delivered: done.delivered,
      elapsedMs: round(done.elapsedMs, 0),
      timedOut: done.timedOut,
      messagesPerSecond: round(done.delivered / (done.elapsedMs / 1000), 0),
      latency: summarize(done.latencies),
      rssMiB: { idle: mib(rss.idleRss), peak: mib(rss.peakRss), after: mib(rss.rss) },
      rssKiBPerSocket: round((rss.peakRss - rss.idleRss) / 1024 / connected.sockets),
      serverCpuMicrosPerMessage: round(rss.cpuMicros / done.delivered, 1),
    });
  } catch (error) {
    result.error = (error as Error).message;
  } finally {
    load?.kill('SIGKILL');
    server.kill('SIGKILL');
  }
  return result;
}

/** The relays whose ratios are the target (cck against the floor): run `repeats` times, the others once. */
const REPEATED: ReadonlySet<Relay> = new Set<Relay>(['ws', 'cck']);

/**
 * Runs the relays (all, or `BENCH_RELAYS`), the floor and chat-call-kit `repeats` times interleaved
 * (the order rotates each round), and reports each relay's least disturbed run (the one with the
 * most messages per second): on a shared machine the load of other processes changes by the minute
 * and can only slow a run down, so one run per relay in a fixed order would let that noise decide
 * the ratios.
 */
export async function benchSignaling(options: { conversations: number; rounds: number; timeLimitMs: number; repeats?: number; log: (line: string) => void }) {
  const repeats = Math.max(1, options.repeats ?? 3);
  const only = process.env.BENCH_RELAYS?.split(',').map((s) => s.trim());
  const relays = RELAYS.filter((r) => !only || only.includes(r));
  const runs = new Map<Relay, RelayResult[]>(relays.map((relay) => [relay, []]));
  for (let round = 0; round < repeats; round += 1) {
    const order = relays.map((_, i) => relays[(i + round) % relays.length]!).filter((relay) => round === 0 || REPEATED.has(relay));
    for (const relay of order) {
      const started = Date.now();
      const r = await runRelay(relay, options.conversations, options.rounds, options.timeLimitMs);
      options.log(`  signaling ${relay} (${round + 1}/${REPEATED.has(relay) ? repeats : 1}): ${r.ok ? `${r.delivered} messages, ${r.messagesPerSecond}/s, p50 ${r.latency!.p50} ms${r.timedOut ? ' (TIME LIMIT)' : ''}` : `FAILED ${r.error}`} (${Math.round((Date.now() - started) / 1000)} s)`);
      runs.get(relay)!.push(r);
    }
  }
  const results = relays.map((relay) => leastDisturbed(runs.get(relay)!));
  const floor = results.find((r) => r.relay === 'ws' && r.ok);
  for (const r of results) {
    if (!r.ok || !floor) continue;
    r.ratios = {
      latencyP50: ratio(r.latency!.p50, floor.latency!.p50),
      latencyP99: ratio(r.latency!.p99, floor.latency!.p99),
      throughput: ratio(r.messagesPerSecond!, floor.messagesPerSecond!),
      peakRss: ratio(r.rssMiB!.peak, floor.rssMiB!.peak),
      rssPerSocket: ratio(r.rssKiBPerSocket!, floor.rssKiBPerSocket!),
      serverCpu: ratio(r.serverCpuMicrosPerMessage!, floor.serverCpuMicrosPerMessage!),
    };
  }
  return {
    conversations: options.conversations,
    sockets: options.conversations * 2,
    rounds: options.rounds,
    repeats,
    messagesPerExchange: 8,
    timeLimitMs: options.timeLimitMs,
    results,
    runs: Object.fromEntries(runs),
  };
}

/** A relay's least disturbed run: the one that relayed fastest (a failed run fails the relay). */
function leastDisturbed(list: RelayResult[]): RelayResult {
  const failed = list.find((r) => !r.ok);
  if (failed) return failed;
  return list.reduce((best, r) => (r.messagesPerSecond! > best.messagesPerSecond! ? r : best));
}
