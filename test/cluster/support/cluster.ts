/**
 * A scaled-out deployment for a test: one redis-server (append-only), `size` reference-server
 * processes sharing it (`CCK_REDIS_URL`), and nginx in front with `deploy/nginx.conf`. The nodes run
 * in development mode (the demo pages need its demo tokens) with one cache directory, so they share
 * its development secret, which the test reads to issue tokens. `stop()` ends every process and
 * removes the directory, also after a failure (call it from `after`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { developmentSecret } from '../../../server/dev-secret.js';
import { ServerProcess } from '../../e2e/support/server-process.js';
import { Nginx } from './nginx.js';
import { RedisServer } from '../../support/redis-server.js';

export interface Cluster {
  redis: RedisServer;
  nodes: ServerProcess[];
  nginx: Nginx;
  signingSecret: string;
  stop(): Promise<void>;
}

export async function startCluster(size = 3, env: Record<string, string> = {}): Promise<Cluster> {
  const cache = mkdtempSync(join(tmpdir(), 'cck-cluster-cache-'));
  const signingSecret = developmentSecret({ XDG_CACHE_HOME: cache }).secret;
  const redis = await RedisServer.start();
  const nodes: ServerProcess[] = [];
  let nginx: Nginx | undefined;
  const stop = async () => {
    await nginx?.stop();
    await Promise.all(nodes.map((node) => node.stop()));
    await redis.stop();
    rmSync(cache, { recursive: true, force: true });
  };
  try {
    const nodeEnv = { CCK_REDIS_URL: redis.url, XDG_CACHE_HOME: cache, ...env };
    nodes.push(...(await Promise.all(Array.from({ length: size }, () => ServerProcess.start(nodeEnv)))));
    nginx = await Nginx.start(nodes.map((node) => node.port));
  } catch (error) {
    await stop();
    throw error;
  }
  return { redis, nodes, nginx, signingSecret, stop };
}
