/**
 * The storage primitive every shared kind of state is built on: named JSON documents, each read and
 * replaced atomically on its own. The rules (routing, capacity, PIN policy) run in TypeScript on a
 * document's current value; the store only guarantees that a change is applied to the value it was
 * computed from (compare-and-set on a version), retrying when another node got there first.
 *
 * `MemoryDocumentStore` is the in-process default (and the fake of tests); `RedisDocumentStore`
 * (redis-document-store.ts) shares documents between nodes.
 */

/** What a change computes from a document's current value. */
export interface DocumentChange<T, R> {
  /** The document's next value; `undefined` deletes it. */
  next: T | undefined;
  result: R;
  /** The document expires this long after this write; absent or 0 keeps it until deleted. */
  ttlMs?: number;
}

export interface DocumentStore {
  /** The document's value, or undefined when it does not exist (or expired). */
  read<T>(key: string): Promise<T | undefined>;
  /**
   * Applies `change` atomically. `change` gets a private copy of the current value and must be a
   * pure function of it: under contention it runs again on the newer value, and only the run whose
   * write went in returns its result.
   */
  update<T, R>(key: string, change: (current: T | undefined) => DocumentChange<T, R>): Promise<R>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

interface Entry {
  readonly json: string;
  readonly expiresAt: number;
}

export class MemoryDocumentStore implements DocumentStore {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  read<T>(key: string): Promise<T | undefined> {
    return Promise.resolve(this.#get<T>(key));
  }

  update<T, R>(key: string, change: (current: T | undefined) => DocumentChange<T, R>): Promise<R> {
    // One synchronous step: nothing can interleave with it in this process.
    try {
      const { next, result, ttlMs } = change(this.#get<T>(key));
      if (next === undefined) this.#entries.delete(key);
      else this.#entries.set(key, { json: JSON.stringify(next), expiresAt: ttlMs ? this.#now() + ttlMs : Infinity });
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Documents held (for tests). */
  get size(): number {
    return this.#entries.size;
  }

  close(): Promise<void> {
    this.#entries.clear();
    return Promise.resolve();
  }

  #get<T>(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return JSON.parse(entry.json) as T;
  }
}
