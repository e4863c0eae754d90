/**
 * Benchmark 4b, the cross-node row of the signaling benchmark: the same load as benchmark 4 (call
 * setups as ping-pong, protocol v2), against the reference server with its state in Redis
 * (`CCK_REDIS_URL`, a redis-server of its own on a free port), once with both members of every
 * conversation on one node, once with the customer on node A and the agent on node B (every frame
 * relayed through Redis pub/sub). Runs interleave; each mode's least disturbed run is reported.
 * Ratios are cross-node / same-node; RSS is per 1,000 sockets per node.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { RedisServer } from '../test/support/redis-server.js';
import { child, next } from './signaling.js';
import { ratio, round, summarize, type Summary } from './stats.js';

export type CrossNodeMode = 'same-node' | 'cross-node';

export interface CrossNodeRun {
  mode: CrossNodeMode;
  ok: boolean;
  error?: string;
  delivered?: number;
  messagesPerSecond?: number;
  latency?: Summary;
  /** Peak RSS growth per 1,000 sockets, on each node. */
  rssMiBPer1000Sockets?: number[];
}

interface RssReport {
  idleRss: number;
  peakRss: number;
}

async function runMode(mode: CrossNodeMode, redisUrl: string, conversations: number, rounds: number, timeLimitMs: number): Promise<CrossNodeRun> {
  const secret = randomBytes(32).toString('base64url');
  // Each run has its own keys: nothing left from the previous one.
  const env = { BENCH_SECRET: secret, CCK_REDIS_URL: redisUrl, CCK_REDIS_PREFIX: `bench-${randomBytes(4).toString('hex')}:` };
  const servers: ChildProcess[] = Array.from({ length: mode === 'same-node' ? 1 : 2 }, () => child('./signaling-server.ts', ['cck'], env));
  let load: ChildProcess | undefined;
  const result: CrossNodeRun = { mode, ok: false };
  try {
    const ports = (await Promise.all(servers.map((server) => next<{ port: number }>(server, 'ready', 30_000)))).map((r) => r.port);
    load = child('./signaling-load.ts', ['cck', ports.join(','), String(conversations), String(rounds), String(timeLimitMs)], env);
    const connected = await next<{ sockets: number }>(load, 'connected', 120_000);
    for (const server of servers) server.send({ type: 'mark' });
    const done = await next<{ delivered: number; elapsedMs: number; latencies: number[] }>(load, 'done', timeLimitMs + 30_000);
    const rss = await Promise.all(
      servers.map((server) => {
        const report = next<RssReport>(server, 'rss', 5_000);
        server.send({ type: 'rss' });
        return report;
      }),
    );
    const socketsPerNode = connected.sockets / servers.length;
    Object.assign(result, {
      ok: true,
      delivered: done.delivered,
      messagesPerSecond: round(done.delivered / (done.elapsedMs / 1000), 0),
      latency: summarize(done.latencies),
      rssMiBPer1000Sockets: rss.map((r) => round(((r.peakRss - r.idleRss) / 1024 / 1024 / socketsPerNode) * 1000)),
    });
  } catch (error) {
    result.error = (error as Error).message;
  } finally {
    load?.kill('SIGKILL');
    for (const server of servers) server.kill('SIGKILL');
  }
  return result;
}

export async function benchCrossNode(options: { conversations: number; rounds: number; repeats: number; timeLimitMs: number; log: (line: string) => void }) {
  const redis = await RedisServer.start();
  const runs: Record<CrossNodeMode, CrossNodeRun[]> = { 'same-node': [], 'cross-node': [] };
  try {
    for (let i = 0; i < options.repeats; i += 1) {
      const order: CrossNodeMode[] = i % 2 === 0 ? ['same-node', 'cross-node'] : ['cross-node', 'same-node'];
      for (const mode of order) {
        const r = await runMode(mode, redis.url, options.conversations, options.rounds, options.timeLimitMs);
        options.log(`  signaling ${mode} via Redis (${i + 1}/${options.repeats}): ${r.ok ? `${r.delivered} messages, ${r.messagesPerSecond}/s, p50 ${r.latency!.p50} ms` : `FAILED ${r.error}`}`);
        runs[mode].push(r);
      }
    }
  } finally {
    await redis.stop();
  }
  const best = (list: CrossNodeRun[]) => list.find((r) => !r.ok) ?? list.reduce((a, b) => (b.messagesPerSecond! > a.messagesPerSecond! ? b : a));
  const same = best(runs['same-node']);
  const cross = best(runs['cross-node']);
  const ratios =
    same.ok && cross.ok
      ? {
          latencyP50: ratio(cross.latency!.p50, same.latency!.p50),
          latencyP99: ratio(cross.latency!.p99, same.latency!.p99),
          throughput: ratio(cross.messagesPerSecond!, same.messagesPerSecond!),
        }
      : undefined;
  return { conversations: options.conversations, sockets: options.conversations * 2, rounds: options.rounds, repeats: options.repeats, same, cross, ratios, target: { latencyP50: 1.5 }, runs };
}
