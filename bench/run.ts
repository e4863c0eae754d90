/**
 * `npm run bench`: runs the benchmarks in one process on this machine, writes bench/results.json
 * and prints a table. Nothing here is asserted; see bench/README.md.
 * BENCH_ONLY=call-setup,bundle-size,cobrowse,cobrowse-pages,signaling,hygiene,sfu picks some; BENCH_CALLS,
 * BENCH_CONVERSATIONS and BENCH_CYCLES scale the runs down for a quick look; BENCH_CONTENDERS=cck,cck-sfu
 * picks call-setup contenders.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server/server.js';
import { launchBrowser } from './browser.js';
import { buildLibraries } from './libs.js';
import { benchCallSetup, type Contender } from './call-setup.js';
import { benchBundleSize } from './bundle-size.js';
import { benchCobrowse } from './cobrowse.js';
import { benchCobrowsePages, type FixturePage } from './cobrowse-pages.js';
import { benchSignaling } from './signaling.js';
import { benchCrossNode } from './cross-node.js';
import { benchHygiene } from './hygiene.js';
import { benchSfuForwarding } from './sfu-forwarding.js';
import { fmt, table } from './stats.js';

const started = Date.now();
const log = (line: string) => console.log(line);
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const wants = (name: string) => !only || only.includes(name);
const int = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), platform: platform(), release: release() },
  node: process.version,
};
const sections: string[] = [];
const hardLimit = setTimeout(() => {
  console.error('bench: hard time limit (14 min) reached, writing what was measured');
  finish(1);
}, 14 * 60_000);

function finish(code: number) {
  results.durationSeconds = Math.round((Date.now() - started) / 1000);
  const out = fileURLToPath(new URL('./results.json', import.meta.url));
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  sections.sort((a, b) => (/^## (\d\w?)/.exec(a)?.[1] ?? '9').localeCompare(/^## (\d\w?)/.exec(b)?.[1] ?? '9'));
  console.log(`\n${sections.join('\n\n')}\n`);
  console.log(`total ${results.durationSeconds} s; raw results in bench/results.json`);
  process.exit(code);
}

log('bench: building the peers (esbuild)…');
const libs = await buildLibraries();
const staticMounts = {
  '/bench/': fileURLToPath(new URL('./pages/', import.meta.url)),
  '/bench-lib/': libs.dir,
  '/test-harness/': fileURLToPath(new URL('../test/e2e/harness/', import.meta.url)),
  // The real-page fixtures' packages (dev dependencies), as installed.
  '/bench-deps/': fileURLToPath(new URL('../node_modules/', import.meta.url)),
};
// Co-browse's `wire/min` is measured with compression on (off by default: it costs memory per socket).
const server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', wsCompression: true, staticMounts });
// The same server in SFU mode, for the SFU rows (it needs Node 22, mediasoup and its worker).
const sfuServer = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', staticMounts, deployment: { media: 'sfu' } }).then(
  (running) => ({ running }),
  (error: unknown) => ({ unavailable: (error as Error).message }),
);
const sfuTarget = 'running' in sfuServer ? { baseUrl: sfuServer.running.url } : { unavailable: sfuServer.unavailable };
const browser = await launchBrowser();
results.chromium = browser.version();
const errors: string[] = [];

async function section(name: string, fn: () => Promise<void>) {
  if (!wants(name)) return;
  const t = Date.now();
  log(`bench: ${name}…`);
  try {
    await fn();
  } catch (error) {
    errors.push(`${name}: ${(error as Error).message}`);
    results[name] = { error: (error as Error).message };
    sections.push(`## ${name}\nFAILED: ${(error as Error).message}`);
  }
  log(`bench: ${name} done in ${Math.round((Date.now() - t) / 1000)} s`);
}

await section('bundle-size', async () => {
  const r = benchBundleSize(libs);
  results['bundle-size'] = r;
  sections.push(
    `## 2. Bundle size (minified / gzip -9; target: core < ${fmt(r.coreTargetGzipBytes / 1024)} KiB gzipped: ${r.coreWithinTarget ? 'met' : 'NOT met'})\n` +
      table(
        ['bundle', 'kind', 'min KiB', 'gzip KiB', 'note'],
        r.rows.map((row) => [row.name, row.kind, row.minBytes === undefined ? '-' : row.minBytes / 1024, row.gzipBytes === undefined ? '-' : row.gzipBytes / 1024, row.note ?? '']),
      ),
  );
});

await section('call-setup', async () => {
  const contenders = process.env.BENCH_CONTENDERS?.split(',').map((name) => name.trim()) as Contender[] | undefined;
  const r = await benchCallSetup({ browser, baseUrl: server.url, sfu: sfuTarget, calls: int('BENCH_CALLS', 20), log, ...(contenders ? { contenders } : {}) });
  results['call-setup'] = r;
  sections.push(
    `## 1. Call setup (${r.calls} calls each, ms; ratio = contender / floor)\n` +
      table(
        ['contender', 'ring p50', 'ring p95', 'frame p50', 'frame p95', 'audio p50', 'audio p95', 'x ring p50', 'x frame p50', 'x frame p95', 'x audio p50', 'x audio p95'],
        r.results.map((c) =>
          c.ok
            ? [
                c.label,
                c.clickToRing!.p50,
                c.clickToRing!.p95,
                c.acceptToFirstFrame!.p50,
                c.acceptToFirstFrame!.p95,
                c.acceptToFirstAudio!.p50,
                c.acceptToFirstAudio!.p95,
                c.ratios?.clickToRingP50 ?? NaN,
                c.ratios?.firstFrameP50 ?? NaN,
                c.ratios?.firstFrameP95 ?? NaN,
                c.ratios?.firstAudioP50 ?? NaN,
                c.ratios?.firstAudioP95 ?? NaN,
              ]
            : [c.label, `FAILED: ${c.error}`],
        ),
      ),
  );
});

await section('cobrowse', async () => {
  const r = await benchCobrowse({ browser, baseUrl: server.url, sizes: [1_000, 5_000], rate: 50, streamSeconds: int('BENCH_STREAM_SECONDS', 10), typingSeconds: int('BENCH_TYPING_SECONDS', 12), log });
  results.cobrowse = r;
  const kib = (n: number | undefined) => (n === undefined ? '-' : n / 1024);
  sections.push(
    `## 3. Co-browse, shop page (ms; KiB; ratio = contender / plain rrweb live; bytes while typing+scrolling per minute: text of the frames, uncompressed frames, really on the wire)\n` +
      table(
        ['contender', 'mirror 1k', 'mirror 5k', 'snapshot 5k', 'mut p50', 'mut p95', 'arrived', 'text/min', 'frames/min', 'wire/min', 'x mirror 5k', 'x mut p50', 'x mut p95', 'x bytes', 'x wire', 'x wire/deflated'],
        r.results.map((c) =>
          c.ok
            ? [
                c.label,
                c.mirrorMs![1000] ?? '-',
                c.mirrorMs![5000]!,
                c.snapshotKiB![5000]!,
                c.mutationLatency?.p50 ?? '-',
                c.mutationLatency?.p95 ?? '-',
                c.mutationLatency ? `${c.mutationLatency.arrived}/${c.mutationLatency.sent}` : '-',
                kib(c.typing?.textBytesPerMinute),
                kib(c.typing?.rawWireBytesPerMinute),
                kib(c.typing?.wireBytesPerMinute),
                c.ratios?.mirror5000 ?? '-',
                c.ratios?.mutationP50 ?? '-',
                c.ratios?.mutationP95 ?? '-',
                c.ratios?.bytesUncompressed ?? '-',
                c.ratios?.bytesOnWire ?? '-',
                c.ratios?.bytesOnWireVsDeflatedBaseline ?? '-',
              ]
            : [c.label, `FAILED: ${c.error}`],
        ),
      ),
  );
});

await section('cobrowse-pages', async () => {
  const pages = process.env.BENCH_PAGES?.split(',').map((s) => s.trim()) as FixturePage[] | undefined;
  const r = await benchCobrowsePages({ browser, baseUrl: server.url, log, mirrorRuns: int('BENCH_MIRROR_RUNS', 3), ...(pages ? { pages } : {}) });
  results['cobrowse-pages'] = r;
  const cell = (run: unknown, key: 'mirrorMs' | 'snapshotKiB' | 'pixelDiffPercent') => (run && typeof run === 'object' && key in run ? (run as Record<string, number>)[key]! : 'FAILED');
  sections.push(
    `## 3b. Co-browse, real pages at 1280x720 (mirror ms from accept, median of BENCH_MIRROR_RUNS=3 interleaved sessions; snapshot KiB of text; pixels differing replica vs customer, %, launcher area excluded; ratio = chat-call-kit / plain rrweb)\n` +
      table(
        ['page', 'rrweb mirror', 'cck mirror', 'x mirror', 'rrweb snapshot', 'cck snapshot', 'x snapshot', 'rrweb diff %', 'cck diff %'],
        r.results.map((p) => [
          p.label,
          cell(p.runs.rrweb, 'mirrorMs'),
          cell(p.runs.cck, 'mirrorMs'),
          p.ratios?.mirror ?? '-',
          cell(p.runs.rrweb, 'snapshotKiB'),
          cell(p.runs.cck, 'snapshotKiB'),
          p.ratios?.snapshot ?? '-',
          cell(p.runs.rrweb, 'pixelDiffPercent'),
          cell(p.runs.cck, 'pixelDiffPercent'),
        ]),
      ) +
      `\ndiff images (red = different): ${r.outDir}`,
  );
});

await section('hygiene', async () => {
  const r = await benchHygiene({ browser, baseUrl: server.url, cycles: int('BENCH_CYCLES', 30), log });
  results.hygiene = r;
  const first = r.samples[0];
  const last = r.samples.at(-1);
  sections.push(
    `## 5. Resource hygiene (chat-call-kit, ${r.completed}/${r.cycles} call cycles in one pair of pages${r.error ? `, FAILED: ${r.error}` : ''})\n` +
      table(
        ['after cycle', 'agent live tracks', 'agent open PCs', 'agent heap MiB', 'customer live tracks', 'customer open PCs', 'customer heap MiB'],
        [first, r.samples[Math.floor(r.samples.length / 2)], last]
          .filter((s) => s !== undefined)
          .map((s) => [s!.cycle, s!.agent.liveTracks, s!.agent.openPeerConnections, s!.agent.heapMiB ?? NaN, s!.customer.liveTracks, s!.customer.openPeerConnections, s!.customer.heapMiB ?? NaN]),
      ) +
      `\n${r.leaks.length ? `GROWS: ${r.leaks.join('; ')}` : 'nothing grows'}`,
  );
});

await section('sfu', async () => {
  if (!('running' in sfuServer) || !sfuServer.running.sfu) throw new Error(`no SFU: ${'unavailable' in sfuServer ? sfuServer.unavailable : 'not started'}`);
  const forwarding = await benchSfuForwarding({ browser, baseUrl: sfuServer.running.url, sfu: sfuServer.running.sfu, calls: int('BENCH_SFU_CALLS', 2), seconds: int('BENCH_SFU_SECONDS', 10), log });
  const setup = (results['call-setup'] as { results?: Array<{ contender: string; ok: boolean; ratios?: Record<string, number>; acceptToFirstFrame?: { p50: number; p95: number } }> } | undefined)?.results;
  const viaSfu = setup?.find((r) => r.contender === 'cck-sfu');
  const chunk = (results['bundle-size'] as { rows?: Array<{ file?: string; minBytes?: number; gzipBytes?: number }> } | undefined)?.rows?.find((row) => row.file === 'dist/chat-call-kit-sfu.js');
  const target = 1.3;
  const frameRatio = viaSfu?.ratios?.sfuVsP2pFrameP50;
  results.sfu = { forwarding, firstFrameRatioTarget: target, firstFrameRatioP50: frameRatio ?? null, firstFrameRatioP95: viaSfu?.ratios?.sfuVsP2pFrameP95 ?? null, chunk: chunk ?? null };
  sections.push(
    `## 6. SFU (mediasoup; target: accept-to-first-frame via SFU <= ${target}x peer-to-peer: ${frameRatio === undefined ? 'not measured (run call-setup)' : frameRatio <= target ? 'met' : 'NOT met'})\n` +
      table(
        ['measure', 'value', 'note'],
        [
          ['accept-to-first-frame p50, SFU / p2p', frameRatio ?? NaN, viaSfu?.acceptToFirstFrame ? `${fmt(viaSfu.acceptToFirstFrame.p50)} ms via SFU` : 'from call-setup'],
          ['accept-to-first-frame p95, SFU / p2p', viaSfu?.ratios?.sfuVsP2pFrameP95 ?? NaN, ''],
          ['mediasoup-client chunk, gzip KiB', chunk?.gzipBytes === undefined ? NaN : chunk.gzipBytes / 1024, chunk?.minBytes === undefined ? '' : `${fmt(chunk.minBytes / 1024)} KiB minified, fetched on the first SFU call`],
          ['worker CPU per forwarded stream, % of a core', forwarding.perStreamCpuPercent, `${forwarding.streams} streams (${forwarding.calls} video calls), ${fmt(forwarding.workerCpuPercent)} % in all over ${forwarding.seconds} s`],
        ],
      ),
  );
});

await browser.close().catch(() => {});
await server.close().catch(() => {});
if ('running' in sfuServer) await sfuServer.running.close().catch(() => {});

await section('signaling', async () => {
  const r = await benchSignaling({ conversations: int('BENCH_CONVERSATIONS', 2_000), rounds: int('BENCH_ROUNDS', 3), repeats: int('BENCH_SIGNALING_REPEATS', 5), timeLimitMs: 60_000, log });
  results.signaling = r;
  sections.push(
    `## 4. Signaling relay (${r.conversations} conversations = ${r.sockets} sockets, ${r.rounds} call setups x ${r.messagesPerExchange} messages each; floor and chat-call-kit: least disturbed of ${r.repeats} interleaved runs; ratio = relay / bare ws)\n` +
      table(
        ['relay', 'p50 ms', 'p99 ms', 'msg/s', 'server CPU µs/msg', 'peak RSS MiB', 'RSS growth MiB', 'KiB/socket', 'x p50', 'x p99', 'x msg/s', 'x CPU', 'x RSS', 'x KiB/socket'],
        r.results.map((x) =>
          x.ok
            ? [
                x.label,
                x.latency!.p50,
                x.latency!.p99,
                x.messagesPerSecond!,
                x.serverCpuMicrosPerMessage ?? NaN,
                x.rssMiB!.peak,
                x.rssMiB!.peak - x.rssMiB!.idle,
                x.rssKiBPerSocket!,
                x.ratios?.latencyP50 ?? NaN,
                x.ratios?.latencyP99 ?? NaN,
                x.ratios?.throughput ?? NaN,
                x.ratios?.serverCpu ?? NaN,
                x.ratios?.peakRss ?? NaN,
                x.ratios?.rssPerSocket ?? NaN,
              ]
            : [x.label, `FAILED: ${x.error}`],
        ),
      ),
  );
});

await section('signaling', async () => {
  const r = await benchCrossNode({ conversations: int('BENCH_CROSS_CONVERSATIONS', 1_000), rounds: int('BENCH_ROUNDS', 3), repeats: int('BENCH_CROSS_REPEATS', 2), timeLimitMs: 60_000, log });
  results.signalingCrossNode = r;
  const row = (label: string, x: typeof r.same) =>
    x.ok ? [label, x.latency!.p50, x.latency!.p99, x.messagesPerSecond!, x.rssMiBPer1000Sockets!.join(' / ')] : [label, `FAILED: ${x.error}`];
  sections.push(
    `## 4b. Signaling across nodes (state in Redis; ${r.conversations} conversations = ${r.sockets} sockets, ${r.rounds} call setups; least disturbed of ${r.repeats} interleaved runs)\n` +
      table(['mode', 'p50 ms', 'p99 ms', 'msg/s', 'RSS MiB / 1,000 sockets, per node'], [row('one node (both members on it)', r.same), row('two nodes (relay through Redis)', r.cross)]) +
      (r.ratios ? `\ncross-node / one node: p50 x${r.ratios.latencyP50}, p99 x${r.ratios.latencyP99}, msg/s x${r.ratios.throughput} (target p50 <= x${r.target.latencyP50})` : ''),
  );
});

results.errors = errors;
clearTimeout(hardLimit);
finish(errors.length ? 1 : 0);
