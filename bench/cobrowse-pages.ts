/**
 * Benchmark 3b: co-browse on real pages, built from packages installed from the registry (Swagger UI,
 * reveal.js, Prism, Bootstrap, Shoelace, Chart.js) and a form-heavy page of ours (`pages/cobrowse/`).
 * For each page and contender: time from the accept to the page's last element in the mirror, what
 * the customer sent meanwhile (text and wire), and fidelity: the share of pixels that differ between
 * the customer's page and the agent's replica, both 1280x720, the customer's launcher area left out.
 */
import type { Browser, Page } from 'playwright-core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closePage } from './browser.js';
import { conversationId, openSession, startRawRelay, type Contender, type Session } from './cobrowse-session.js';
import { pixelDiff, type Rect } from './fidelity.js';
import { delay, percentile, ratio, round } from './stats.js';
import { startWireCounter, type WireCounter } from './wire.js';

export const PAGES = ['swagger', 'reveal', 'code', 'bootstrap', 'shoelace', 'chart', 'form'] as const;
export type FixturePage = (typeof PAGES)[number];
export const PAGE_LABELS: Record<FixturePage, string> = {
  swagger: 'Swagger UI',
  reveal: 'reveal.js',
  code: 'Prism code page',
  bootstrap: 'Bootstrap',
  shoelace: 'Shoelace',
  chart: 'Chart.js',
  form: 'form page (ours)',
};

const VIEWPORT = { width: 1280, height: 720 };
/** Room for the agent's launcher with its screen at 1280x720 and scale 1. */
const AGENT_VIEWPORT = { width: 1320, height: 1000 };

declare const window: Window & { harness: { mirrorDocument(): Document | null; mirrorFrameSelector: string } };

const median = (values: number[]) => percentile(values, 50);

export interface PageRun {
  mirrorMs: number;
  snapshotKiB: number;
  snapshotWireKiB: number;
  /** Percent of compared pixels that differ. */
  pixelDiffPercent: number;
  /** The customer's launcher UI left out of the comparison (its box, and its fixed session bar). */
  excludedLauncher?: Rect[];
  diffFile?: string;
}

export interface PageResult {
  page: FixturePage;
  label: string;
  runs: Partial<Record<Contender, PageRun | { error: string }>>;
  ratios?: { mirror: number; snapshot: number };
}

/** Waits until the replica has nothing left to load (fonts, images), then a little for sampled canvases. */
async function settle(agent: Page): Promise<void> {
  await agent
    .waitForFunction(
      () => {
        const doc = window.harness.mirrorDocument();
        if (!doc) return false;
        return doc.fonts.status === 'loaded' && [...doc.images].every((image) => image.complete);
      },
      undefined,
      { timeout: 10_000, polling: 50 },
    )
    .catch(() => {});
  await delay(1_500);
}

async function fidelity(session: Session, page: FixturePage, contender: Contender, outDir: string): Promise<Pick<PageRun, 'pixelDiffPercent' | 'excludedLauncher' | 'diffFile'>> {
  await settle(session.agent);
  const selector = await session.agent.evaluate(() => window.harness.mirrorFrameSelector);
  const [customerPng, replicaPng, launcher] = await Promise.all([
    session.customer.screenshot({ animations: 'allow' }),
    session.agent.locator(selector).screenshot({ animations: 'allow' }),
    session.customer.evaluate(() => {
      // The launcher's box, and what of its shadow tree is drawn outside it (the fixed session bar).
      const launcher = document.querySelector('cobrowse-launcher');
      const fixed = [...(launcher?.shadowRoot?.querySelectorAll('*') ?? [])].filter((element) => getComputedStyle(element).position === 'fixed');
      return [document.getElementById('launcher-slot'), ...fixed]
        .map((element) => element?.getBoundingClientRect())
        .filter((box) => box && box.width > 0 && box.height > 0)
        .map((box) => ({ x: box!.x, y: box!.y, width: box!.width, height: box!.height }));
    }),
  ]);
  const diff = pixelDiff(customerPng, replicaPng, launcher, join(outDir, `${page}-${contender}.png`));
  return { pixelDiffPercent: round(diff.percent, 2), ...(launcher.length > 0 ? { excludedLauncher: launcher } : {}), diffFile: diff.diffFile };
}

export async function benchCobrowsePages(options: {
  browser: Browser;
  baseUrl: string;
  pages?: readonly FixturePage[];
  /** Sessions per page and contender (the time to first mirror is their median). Default 3. */
  mirrorRuns?: number;
  log: (line: string) => void;
}): Promise<{ outDir: string; results: PageResult[] }> {
  const mirrorRuns = Math.max(1, options.mirrorRuns ?? 3);
  const outDir = join(tmpdir(), `cck-bench-fidelity-${process.pid}`);
  const relay = await startRawRelay(false);
  const port = (url: string) => Number(new URL(url).port);
  // The customer's pages come from another origin than the agent's (as on a real site), through a
  // counter of what the customer's browser writes into its WebSockets.
  const customerOrigin: WireCounter = await startWireCounter({ host: '127.0.0.1', port: port(options.baseUrl) });
  const relayCounter: WireCounter = await startWireCounter({ host: '127.0.0.1', port: relay.port });
  const results: PageResult[] = [];
  try {
    for (const page of options.pages ?? PAGES) {
      const result: PageResult = { page, label: PAGE_LABELS[page], runs: {} };
      const times: Record<Contender, number[]> = { rrweb: [], cck: [] };
      // Interleaved sessions, the median time of each contender (one session's time is mostly the
      // shared machine's noise); the fidelity and the snapshot size come from the last one.
      for (let run = 1; run <= mirrorRuns; run += 1) {
        const last = run === mirrorRuns;
        for (const contender of ['rrweb', 'cck'] as const) {
          if (result.runs[contender]) continue;
          const started = Date.now();
          const conversation = encodeURIComponent(conversationId(`pages-${contender}`));
          const relayQuery = (url: string) => (contender === 'rrweb' ? `&relay=${encodeURIComponent(url)}` : '&visual=cobrowse');
          let session: Session | undefined;
          try {
            session = await openSession(options.browser, {
              contender,
              agentUrl:
                contender === 'cck'
                  ? `${options.baseUrl}/bench/cobrowse/agent.html?conversation=${conversation}&visual=cobrowse`
                  : `${options.baseUrl}/bench/rrweb/agent.html?conversation=${conversation}&screen=1280x720${relayQuery(relay.url)}`,
              customerUrl: `${customerOrigin.url}/bench/cobrowse/${page}.html?contender=${contender}&conversation=${conversation}${relayQuery(relayCounter.wsUrl)}`,
              agentViewport: AGENT_VIEWPORT,
              customerViewport: VIEWPORT,
              mirrored: '#bench-end',
              wire: contender === 'cck' ? customerOrigin : relayCounter,
            });
            times[contender].push(session.mirrorMs);
            if (last) {
              result.runs[contender] = {
                mirrorMs: round(median(times[contender])),
                snapshotKiB: round(session.snapshot.textBytes / 1024),
                snapshotWireKiB: round(session.snapshot.wireBytes / 1024),
                ...(await fidelity(session, page, contender, outDir)),
              };
            }
          } catch (error) {
            result.runs[contender] = { error: (error as Error).message.split('\n')[0]! };
          } finally {
            if (session) await Promise.all([closePage(session.agent), closePage(session.customer)]);
          }
          const outcome = result.runs[contender];
          if (outcome) {
            const text = 'error' in outcome ? `FAILED ${outcome.error}` : `${outcome.mirrorMs} ms (median of ${times[contender].map(Math.round).join(', ')}), ${outcome.pixelDiffPercent} % pixels differ`;
            options.log(`  cobrowse page ${page} ${contender}: ${text} (${Math.round((Date.now() - started) / 1000)} s)`);
          }
        }
      }
      const base = result.runs.rrweb;
      const ours = result.runs.cck;
      if (base && ours && !('error' in base) && !('error' in ours)) {
        result.ratios = { mirror: ratio(ours.mirrorMs, base.mirrorMs), snapshot: ratio(ours.snapshotKiB, base.snapshotKiB) };
      }
      results.push(result);
    }
  } finally {
    await Promise.all([relay.close(), customerOrigin.close(), relayCounter.close()]);
  }
  return { outDir, results };
}
