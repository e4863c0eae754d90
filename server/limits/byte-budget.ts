/**
 * A shared byte budget, e.g. for the messages buffered for every absent member together: each
 * holder reserves before it keeps bytes and releases what it drops. A reservation that does not fit
 * is refused whole; the caller decides what giving up means (the registry evicts the member).
 */
export class ByteBudget {
  readonly limit: number;
  #used = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  reserve(bytes: number): boolean {
    if (this.#used + bytes > this.limit) return false;
    this.#used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }

  get used(): number {
    return this.#used;
  }
}
