/**
 * Documents in Redis, shared by every node. A document is a hash `{ v, d }`: `d` its JSON, `v` a
 * version drawn from one counter for the whole keyspace (so a deleted and re-created document never
 * repeats a version a stale writer could match). A write is one Lua script that sets the document
 * only if its version is still the one the change was computed from; otherwise the change runs again
 * on the newer value. Changes to one key from this node are queued locally, so retries only happen
 * between nodes.
 */
import type { Redis } from 'ioredis';
import type { DocumentChange, DocumentStore } from './document-store.js';

const COMPARE_AND_SET = `
local current = redis.call('HGET', KEYS[1], 'v') or '0'
if current ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  return 1
end
local version = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'v', version, 'd', ARGV[2])
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) else redis.call('PERSIST', KEYS[1]) end
return 1
`;

/** Attempts before a change gives up (only reachable under pathological contention). */
const MAX_ATTEMPTS = 500;

type CasClient = Redis & {
  cckCompareAndSet(key: string, counter: string, expected: string, json: string, ttlMs: string): Promise<number>;
};

export interface RedisDocumentStoreOptions {
  /** Prefix of every key this store writes (`cck:` by default); tests give each run its own. */
  prefix?: string;
}

export class RedisDocumentStore implements DocumentStore {
  readonly #redis: CasClient;
  readonly #prefix: string;
  /** Per key, the tail of this node's queue of changes. */
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(redis: Redis, options: RedisDocumentStoreOptions = {}) {
    redis.defineCommand('cckCompareAndSet', { numberOfKeys: 2, lua: COMPARE_AND_SET });
    this.#redis = redis as CasClient;
    this.#prefix = options.prefix ?? 'cck:';
  }

  async read<T>(key: string): Promise<T | undefined> {
    const json = await this.#redis.hget(this.#key(key), 'd');
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  update<T, R>(key: string, change: (current: T | undefined) => DocumentChange<T, R>): Promise<R> {
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const run = previous.then(
      () => this.#apply(key, change),
      () => this.#apply(key, change),
    );
    this.#queues.set(key, run);
    void run.then(
      () => this.#forget(key, run),
      () => this.#forget(key, run),
    );
    return run;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#queues.values()]);
  }

  async #apply<T, R>(key: string, change: (current: T | undefined) => DocumentChange<T, R>): Promise<R> {
    const redisKey = this.#key(key);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const [version, json] = await this.#redis.hmget(redisKey, 'v', 'd');
      const current = json === null ? undefined : (JSON.parse(json) as T);
      const { next, result, ttlMs } = change(current);
      const written = await this.#redis.cckCompareAndSet(
        redisKey,
        `${this.#prefix}version`,
        version ?? '0',
        next === undefined ? '' : JSON.stringify(next),
        String(ttlMs ?? 0),
      );
      if (written === 1) return result;
      // Another node won this round; back off a little, more after repeated losses.
      if (attempt > 3) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt, 20)));
    }
    throw new Error(`document ${key} stayed contended for ${MAX_ATTEMPTS} attempts`);
  }

  #forget(key: string, run: Promise<unknown>): void {
    if (this.#queues.get(key) === run) this.#queues.delete(key);
  }

  #key(key: string): string {
    return `${this.#prefix}doc:${key}`;
  }
}
