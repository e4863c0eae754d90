/**
 * The stores in Redis (`CCK_REDIS_URL`): routing and capacity, PINs and seats are documents of one
 * `RedisDocumentStore`; the relay between nodes is a `RedisBus`. Every node of a deployment points at
 * the same Redis (and key prefix). With Redis's append-only file on, a Redis restart loses nothing:
 * the client reconnects and replays what it queued meanwhile.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisBus } from '../cluster/bus.js';
import { ClusterSeatRegistry } from '../cluster/cluster-seats.js';
import type { ServerOptions } from '../config.js';
import type { PinServiceOptions } from '../visual-pins.js';
import { DocumentPinStore } from './pin-store.js';
import { DocumentRateLimitStore } from './rate-limit-store.js';
import { RedisDocumentStore } from './redis-document-store.js';
import { DocumentRoutingStore } from './routing-store.js';
import type { RedisStoreOptions, RoutingPolicy, ServerStores } from './stores.js';

export async function redisStores(
  options: ServerOptions,
  redis: RedisStoreOptions,
  policy: RoutingPolicy,
  pins: Partial<PinServiceOptions> = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServerStores> {
  const prefix = redis.prefix ?? 'cck:';
  const onError = (error: Error) => options.log('redis-error', { message: error.message });
  // Commands issued while Redis restarts wait in the client's queue and run once it is back.
  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: null, enableOfflineQueue: true });
  client.on('error', onError);
  await client.connect();
  const documents = new RedisDocumentStore(client, { prefix });
  const bus = new RedisBus(client, onError);
  const node = randomUUID();
  return {
    kind: 'redis',
    routing: new DocumentRoutingStore(documents, {
      log: options.log,
      defaultCapacity: options.agentCapacity,
      conversationUnits: options.conversationUnits,
      presenceTimeoutMs: options.agentPresenceTimeoutMs,
      ...policy,
    }),
    pins: new DocumentPinStore(documents, pins, env),
    rateLimits: (name, limit) => new DocumentRateLimitStore(documents, name, limit),
    seats: (registryOptions) => new ClusterSeatRegistry({ ...registryOptions, documents, bus, node, prefix }),
    async close() {
      await documents.close();
      await bus.close();
      client.disconnect();
    },
  };
}
