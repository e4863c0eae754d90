/**
 * CLI entry: `tsx server/main.ts` (`npm run serve`), production unless told otherwise; `npm start`
 * adds `--development` for the demo. Configuration comes from the environment, see server/config.ts
 * and docs/security.md. `CCK_LOG=debug` prints every server event as a JSON line on stderr;
 * otherwise only failures are printed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config.js';
import type { ServerLog, ServerMode } from './config.js';
import { publicConfig } from './deployment.js';
import { startServer } from './server.js';

const verbose = process.env.CCK_LOG === 'debug';
const log: ServerLog = (event, fields = {}) => {
  if (verbose || event === 'internal-error' || event === 'http-error') {
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);
  }
};

try {
  const requested = modeFromArguments(process.argv.slice(2), process.env);
  const server = await startServer({ log, ...(requested === undefined ? {} : { mode: requested }) });
  const { port, mode, rootDir, deployment } = server.options;
  console.log(`chat-call-kit reference server on http://localhost:${port}/ (${mode} mode)`);
  const media = publicConfig(deployment);
  const region = media.region === media.mediaRegion ? media.region : `${media.region} -> ${media.mediaRegion}`;
  console.log(`calls: ${deployment.calling}, visual engagement: ${deployment.visualProvider}, media region: ${region}, media: ${deployment.media === 'sfu' ? `through the SFU (${server.sfu?.workerCount ?? 0} mediasoup workers)` : 'peer-to-peer'}`);
  if (server.stores === 'redis') console.log('state: shared in Redis (CCK_REDIS_URL): this node is one of a deployment');
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

/**
 * `--development` (what `npm start` passes): the demo, explicitly. It refuses an environment that
 * says production rather than quietly picking one of the two.
 */
function modeFromArguments(args: string[], env: NodeJS.ProcessEnv): ServerMode | undefined {
  const unknown = args.filter((arg) => arg !== '--development');
  if (unknown.length > 0) throw new ConfigError(`unknown argument ${unknown[0]} (the only one is --development; everything else is environment variables)`);
  if (args.length === 0) return undefined;
  if (env.CCK_MODE?.trim() === 'production' || env.NODE_ENV === 'production') {
    throw new ConfigError('--development (npm start) contradicts CCK_MODE/NODE_ENV=production: use npm run serve for production');
  }
  return 'development';
}
