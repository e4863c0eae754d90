/**
 * What every two-browser suite starts once and stops afterwards (also on failure): the reference
 * server on a free loopback port, serving the e2e harness pages at `/test-harness/`, one more per
 * other media mode a suite asks for (`serverFor`, started on first use), the browsers (`Browsers`,
 * launched on first use) and every page the suite opened.
 */
import { fileURLToPath } from 'node:url';
import { after, afterEach, before } from 'node:test';
import type { LimitOptions } from '../../../server/limits/options.js';
import { startServer, type RunningServer } from '../../../server/server.js';
import { Browsers, serverOptionsFor, type MediaMode } from './browser.js';

const harnessDir = fileURLToPath(new URL('../harness/', import.meta.url));

export interface HarnessSuite<Opened> {
  /** The running server (from the suite's `before` on). */
  readonly server: RunningServer;
  /** The server of a media mode (`p2p`: `server`), started on first use, stopped with the suite. */
  serverFor(mode: MediaMode): Promise<RunningServer>;
  readonly browsers: Browsers;
  /** Pages (sides) to close after the suite. */
  readonly opened: Opened[];
}

/**
 * `closeAfterEach`: every test's pages are closed when it ends (a suite whose tests share pages
 * leaves it off); otherwise they are closed after the suite. `limits`: the server's, where a suite
 * measures something the rate limits would otherwise cut off first.
 */
export function harnessSuite<Opened extends { close(): Promise<void> }>(
  options: { screens?: boolean; closeAfterEach?: boolean; limits?: Partial<LimitOptions> } = {},
): HarnessSuite<Opened> {
  let server: RunningServer | undefined;
  const others = new Map<MediaMode, Promise<RunningServer>>();
  const browsers = new Browsers({ screens: options.screens ?? false });
  const opened: Opened[] = [];
  const closeOpened = () => Promise.all(opened.splice(0).map((side) => side.close().catch(() => {})));
  // Idle pages of finished calls would only compete for the two cores with the next test.
  if (options.closeAfterEach) afterEach(closeOpened);
  // Every media mode's server is the same demo server (development mode, the harness pages, the suite's limits).
  const serverOptions = {
    mode: 'development',
    port: 0,
    host: '127.0.0.1',
    staticMounts: { '/test-harness/': harnessDir },
    ...(options.limits ? { limits: options.limits } : {}),
  } as const;
  before(async () => {
    server = await startServer(serverOptions);
  });
  after(async () => {
    await closeOpened();
    await browsers.close();
    await Promise.all([...others.values()].map(async (other) => (await other.catch(() => undefined))?.close()));
    await server?.close();
  });
  const serverFor = (mode: MediaMode): Promise<RunningServer> => {
    if (mode === 'p2p') return Promise.resolve(handle.server);
    let other = others.get(mode);
    if (!other) {
      other = startServer({ ...serverOptions, ...serverOptionsFor(mode) });
      others.set(mode, other);
    }
    return other;
  };
  const handle: HarnessSuite<Opened> = {
    get server() {
      if (!server) throw new Error('the harness server starts in the suite’s before()');
      return server;
    },
    serverFor,
    browsers,
    opened,
  };
  return handle;
}
