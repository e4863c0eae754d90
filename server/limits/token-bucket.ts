/**
 * A token bucket: `burst` tokens at most, refilled at `ratePerSecond`. Taking more than is left
 * fails and takes nothing, so a refused message costs the sender nothing it could have used.
 */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  #tokens: number;
  #updatedAt: number;
  readonly #now: () => number;

  constructor(ratePerSecond: number, burst: number, now: () => number = performance.now.bind(performance)) {
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#updatedAt = now();
  }

  /** Takes `amount` tokens if there are that many; an amount above `burst` never fits. */
  take(amount = 1): boolean {
    this.#refill();
    if (amount > this.#tokens) return false;
    this.#tokens -= amount;
    return true;
  }

  /** Milliseconds until `amount` tokens are available (0 when they are now; Infinity above `burst`). */
  waitMs(amount = 1): number {
    this.#refill();
    if (amount > this.burst) return Infinity;
    if (amount <= this.#tokens) return 0;
    return Math.ceil(((amount - this.#tokens) / this.ratePerSecond) * 1_000);
  }

  /** Whether the bucket is full (an idle bucket: forgetting it changes nothing). */
  get full(): boolean {
    this.#refill();
    return this.#tokens >= this.burst;
  }

  #refill(): void {
    const now = this.#now();
    const elapsed = now - this.#updatedAt;
    this.#updatedAt = now;
    if (elapsed > 0) this.#tokens = Math.min(this.burst, this.#tokens + (elapsed / 1_000) * this.ratePerSecond);
  }
}
