/**
 * One token bucket per key (a customer id, an IP address), for limits that follow a caller across
 * requests. Full buckets are forgotten on a periodic sweep, so memory follows the active callers
 * only; past `maxKeys` active callers new keys are refused rather than growing without bound.
 */
import { TokenBucket } from './token-bucket.js';

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

export interface KeyedRateLimiterOptions {
  ratePerSecond: number;
  burst: number;
  /** Most keys tracked at once. */
  maxKeys?: number;
  now?: () => number;
}

export class KeyedRateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #options: Required<Omit<KeyedRateLimiterOptions, 'now'>> & { now?: () => number };
  #takesSinceSweep = 0;

  constructor(options: KeyedRateLimiterOptions) {
    this.#options = { maxKeys: 100_000, ...options };
  }

  take(key: string, amount = 1): RateDecision {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= this.#options.maxKeys) this.sweep();
      if (this.#buckets.size >= this.#options.maxKeys) return { ok: false, retryAfterMs: 1_000 };
      bucket = new TokenBucket(this.#options.ratePerSecond, this.#options.burst, this.#options.now);
      this.#buckets.set(key, bucket);
    }
    if (++this.#takesSinceSweep >= 1_000) this.sweep();
    if (bucket.take(amount)) return { ok: true };
    return { ok: false, retryAfterMs: Math.max(1, bucket.waitMs(amount)) };
  }

  /** Forgets the buckets that refilled completely. */
  sweep(): void {
    this.#takesSinceSweep = 0;
    for (const [key, bucket] of this.#buckets) if (bucket.full) this.#buckets.delete(key);
  }

  get size(): number {
    return this.#buckets.size;
  }
}
