/**
 * Rate limits that must hold across nodes (a customer's chat requests: behind a round-robin balancer
 * a per-node limit would multiply by the number of nodes). Same token-bucket rule as
 * `limits/token-bucket.ts` (`burst` tokens, refilled at `ratePerSecond`, a refused take takes
 * nothing); `LocalRateLimitStore` keeps the buckets in this process (`KeyedRateLimiter`),
 * `DocumentRateLimitStore` keeps each caller's bucket as a document shared by every node, expiring
 * once it would be full again.
 */
import { KeyedRateLimiter, type RateDecision } from '../limits/keyed-rate-limiter.js';
import type { DocumentStore } from './document-store.js';

export interface RateLimitStore {
  take(key: string, amount?: number): Promise<RateDecision>;
}

export interface RateLimit {
  ratePerSecond: number;
  burst: number;
}

export class LocalRateLimitStore implements RateLimitStore {
  readonly #limiter: KeyedRateLimiter;

  constructor(limit: RateLimit) {
    this.#limiter = new KeyedRateLimiter(limit);
  }

  take(key: string, amount = 1): Promise<RateDecision> {
    return Promise.resolve(this.#limiter.take(key, amount));
  }
}

interface Bucket {
  tokens: number;
  /** Epoch ms of `tokens` (wall clock: shared by every node). */
  at: number;
}

export class DocumentRateLimitStore implements RateLimitStore {
  readonly #documents: DocumentStore;
  readonly #name: string;
  readonly #limit: RateLimit;
  readonly #now: () => number;

  /** `name` separates the limits kept in one store (`conversation-requests`). */
  constructor(documents: DocumentStore, name: string, limit: RateLimit, now: () => number = Date.now) {
    this.#documents = documents;
    this.#name = name;
    this.#limit = limit;
    this.#now = now;
  }

  take(key: string, amount = 1): Promise<RateDecision> {
    const { ratePerSecond, burst } = this.#limit;
    return this.#documents.update<Bucket, RateDecision>(`rate:${this.#name}:${key}`, (current) => {
      const now = this.#now();
      const elapsed = Math.max(0, now - (current?.at ?? now));
      const tokens = Math.min(burst, (current?.tokens ?? burst) + (elapsed / 1_000) * ratePerSecond);
      const ok = amount <= tokens;
      const left = ok ? tokens - amount : tokens;
      const untilFull = Math.ceil(((burst - left) / ratePerSecond) * 1_000);
      const result: RateDecision = ok ? { ok: true } : { ok: false, retryAfterMs: amount > burst ? Infinity : Math.max(1, Math.ceil(((amount - tokens) / ratePerSecond) * 1_000)) };
      return { next: { tokens: left, at: now }, result, ttlMs: Math.max(1, untilFull) };
    });
  }
}
