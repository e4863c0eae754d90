/**
 * The server's state stores, chosen once at start: in this process (the default of `npm start`), or
 * in Redis when `CCK_REDIS_URL` (or the `redis` override) names one, so that any number of nodes
 * behind a load balancer share seats, agents, capacity, routing, the queue and PINs.
 */
import { AgentRegistry } from '../capacity.js';
import type { ServerOptions } from '../config.js';
import { ConversationRegistry, type RegistryOptions, type SeatRegistry } from '../conversations.js';
import { Router, type RouterOptions } from '../routing.js';
import { PinService, type PinServiceOptions } from '../visual-pins.js';
import { LivePinStore, type PinStore } from './pin-store.js';
import { LocalRateLimitStore, type RateLimit, type RateLimitStore } from './rate-limit-store.js';
import { LiveRoutingStore, type RoutingStore } from './routing-store.js';

export interface ServerStores {
  routing: RoutingStore;
  pins: PinStore;
  /** Rate limits that hold across nodes (a customer's chat requests). */
  rateLimits(name: string, limit: RateLimit): RateLimitStore;
  /** The seat registry (in memory, or shared with the other nodes and relaying to them). */
  seats(options: RegistryOptions): SeatRegistry;
  /** `memory` or `redis`. */
  readonly kind: 'memory' | 'redis';
  close(): Promise<void>;
}

/** Where the state is kept: a Redis URL (`redis://host:port/db`) and a key prefix for this deployment. */
export interface RedisStoreOptions {
  url: string;
  /** Prefix of every key and channel; `cck:` by default (`CCK_REDIS_PREFIX`). */
  prefix?: string;
}

/** The router's policy options that do not depend on where its state is kept. */
export type RoutingPolicy = Pick<RouterOptions, 'retentionMs' | 'tokenLifetimeMs' | 'onAccessRevoked'>;

export interface StoreOverrides {
  routing?: RoutingPolicy;
  /** Shares state through Redis; default from `CCK_REDIS_URL` / `CCK_REDIS_PREFIX`, else in memory. */
  redis?: RedisStoreOptions | null;
  pins?: Partial<PinServiceOptions>;
}

export function redisOptionsFrom(overrides: StoreOverrides, env: NodeJS.ProcessEnv): RedisStoreOptions | null {
  if (overrides.redis !== undefined) return overrides.redis;
  const url = env.CCK_REDIS_URL?.trim();
  if (!url) return null;
  return { url, ...(env.CCK_REDIS_PREFIX ? { prefix: env.CCK_REDIS_PREFIX } : {}) };
}

export async function createStores(options: ServerOptions, overrides: StoreOverrides = {}, env: NodeJS.ProcessEnv = process.env): Promise<ServerStores> {
  const redis = redisOptionsFrom(overrides, env);
  if (!redis) return memoryStores(options, overrides.routing ?? {}, overrides.pins, env);
  // Loaded only when asked for: the embedded server does not need a Redis client.
  const { redisStores } = await import('./redis-stores.js');
  return redisStores(options, redis, overrides.routing ?? {}, overrides.pins, env);
}

export function memoryStores(
  options: ServerOptions,
  policy: RoutingPolicy = {},
  pins: Partial<PinServiceOptions> = {},
  env: NodeJS.ProcessEnv = process.env,
): ServerStores {
  const agents = new AgentRegistry({
    defaultCapacity: options.agentCapacity,
    conversationUnits: options.conversationUnits,
    presenceTimeoutMs: options.agentPresenceTimeoutMs,
  });
  const pinStore = new LivePinStore(new PinService(pins, env));
  return {
    kind: 'memory',
    routing: new LiveRoutingStore(new Router(agents, { log: options.log, ...policy })),
    pins: pinStore,
    rateLimits: (_name, limit) => new LocalRateLimitStore(limit),
    seats: (registryOptions) => new ConversationRegistry(registryOptions),
    close: () => pinStore.close(),
  };
}
