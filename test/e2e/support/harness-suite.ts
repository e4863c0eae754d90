/**
 * What every two-browser suite starts once and stops afterwards (also on failure): the reference
 * server on a free loopback port, serving the e2e harness pages at `/test-harness/`, the browsers
 * (`Browsers`, launched on first use) and every page the suite opened.
 */
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { startServer, type RunningServer } from '../../../server/server.js';
import { Browsers } from './browser.js';

const harnessDir = fileURLToPath(new URL('../harness/', import.meta.url));

export interface HarnessSuite<Opened> {
  /** The running server (from the suite's `before` on). */
  readonly server: RunningServer;
  readonly browsers: Browsers;
  /** Pages (sides) to close after the suite. */
  readonly opened: Opened[];
}

export function harnessSuite<Opened extends { close(): Promise<void> }>(options: { screens?: boolean } = {}): HarnessSuite<Opened> {
  let server: RunningServer | undefined;
  const browsers = new Browsers(options);
  const opened: Opened[] = [];
  before(async () => {
    server = await startServer({ port: 0, host: '127.0.0.1', staticMounts: { '/test-harness/': harnessDir } });
  });
  after(async () => {
    await Promise.all(opened.map((side) => side.close().catch(() => {})));
    await browsers.close();
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('the harness server starts in the suite’s before()');
      return server;
    },
    browsers,
    opened,
  };
}
