/**
 * CLI entry: `tsx server/main.ts` (what `npm start` runs after building). Configuration comes from
 * the environment, see server/config.ts and docs/protocol.md. `CCK_LOG=debug` prints every server
 * event as a JSON line on stderr; otherwise only failures are printed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config.js';
import type { ServerLog } from './config.js';
import { publicConfig } from './deployment.js';
import { startServer } from './server.js';

const verbose = process.env.CCK_LOG === 'debug';
const log: ServerLog = (event, fields = {}) => {
  if (verbose || event === 'internal-error' || event === 'http-error') {
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);
  }
};

try {
  const server = await startServer({ log });
  const { port, mode, rootDir, deployment } = server.options;
  console.log(`chat-call-kit reference server on http://localhost:${port}/ (${mode} mode)`);
  const media = publicConfig(deployment);
  const region = media.region === media.mediaRegion ? media.region : `${media.region} -> ${media.mediaRegion}`;
  console.log(`calls: ${deployment.calling}, visual engagement: ${deployment.visualProvider}, media region: ${region}, media: ${deployment.media === 'sfu' ? `through the SFU (${server.sfu?.workerCount ?? 0} mediasoup workers)` : 'peer-to-peer'}`);
  if (!existsSync(join(rootDir, 'dist'))) console.log('note: dist/ is missing; run `npm run build` to serve the SDK');

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: shutting down`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  console.error(`chat-call-kit reference server failed to start: ${message}`);
  process.exit(1);
}
