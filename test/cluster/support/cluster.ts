/**
 * A scaled-out deployment for a test: one redis-server (append-only), `size` reference-server
 * processes sharing it (`CCK_REDIS_URL`, one signing secret), and nginx in front with
 * `deploy/nginx.conf`. `stop()` ends every process, also after a failure (call it from `after`).
 */
import { randomBytes } from 'node:crypto';
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
  const signingSecret = randomBytes(32).toString('hex');
  const redis = await RedisServer.start();
  const nodes: ServerProcess[] = [];
  let nginx: Nginx | undefined;
  const stop = async () => {
    await nginx?.stop();
    await Promise.all(nodes.map((node) => node.stop()));
    await redis.stop();
  };
  try {
    const nodeEnv = { CCK_REDIS_URL: redis.url, CCK_SIGNING_SECRET: signingSecret, ...env };
    nodes.push(...(await Promise.all(Array.from({ length: size }, () => ServerProcess.start(nodeEnv)))));
    nginx = await Nginx.start(nodes.map((node) => node.port));
  } catch (error) {
    await stop();
    throw error;
  }
  return { redis, nodes, nginx, signingSecret, stop };
}
