/**
 * Where agents, capacity, conversations and the queue live. The rules are the `Router`'s (least-loaded
 * routing, the FIFO queue, capacity arithmetic); a store only decides where its state is kept and
 * makes each operation atomic on its own:
 * - `LiveRoutingStore` keeps one live `Router` in this process (the embedded default);
 * - `DocumentRoutingStore` keeps the router's state as one document of a `DocumentStore` (Redis, for
 *   several nodes): an operation rebuilds a `Router` from the document, applies the same rule, and
 *   writes the result back by compare-and-set, so two nodes can never both hand out the same unit.
 */
import type { CapacityOptions } from '../capacity.js';
import type { ServerLog } from '../config.js';
import { Router, type RouterOptions, type RouterSnapshot } from '../routing.js';
import type { DocumentStore } from './document-store.js';

export interface RoutingStore {
  /** Runs `query` on the current state. Whatever it changes is not kept. */
  read<R>(query: (router: Router) => R): Promise<R>;
  /**
   * Runs `change` on the current state, atomically, and keeps what it changed. `change` may run more
   * than once (another node changed the state meanwhile), so it must only act through the router.
   */
  change<R>(change: (router: Router) => R): Promise<R>;
  close(): Promise<void>;
}

export class LiveRoutingStore implements RoutingStore {
  readonly router: Router;

  constructor(router: Router) {
    this.router = router;
  }

  read<R>(query: (router: Router) => R): Promise<R> {
    return settle(() => query(this.router));
  }

  change<R>(change: (router: Router) => R): Promise<R> {
    // Synchronous, like every router operation: nothing interleaves with it.
    return settle(() => change(this.router));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export interface DocumentRoutingOptions extends CapacityOptions {
  log: ServerLog;
  /** Ended conversations are forgotten this long after they ended. Default one hour. */
  endedRetentionMs?: number;
}

const ROUTING_KEY = 'routing';
const HOUR_MS = 60 * 60_000;

export class DocumentRoutingStore implements RoutingStore {
  readonly #documents: DocumentStore;
  readonly #options: DocumentRoutingOptions;
  readonly #now: () => number;

  constructor(documents: DocumentStore, options: DocumentRoutingOptions) {
    this.#documents = documents;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async read<R>(query: (router: Router) => R): Promise<R> {
    const snapshot = await this.#documents.read<RouterSnapshot>(ROUTING_KEY);
    return query(this.#router(snapshot, () => {}));
  }

  async change<R>(change: (router: Router) => R): Promise<R> {
    let events: [string, Record<string, unknown> | undefined][] = [];
    const result = await this.#documents.update<RouterSnapshot, R>(ROUTING_KEY, (snapshot) => {
      // Only the run whose write goes in reports what happened.
      events = [];
      const router = this.#router(snapshot, (event, fields) => events.push([event, fields]));
      const outcome = change(router);
      return { next: forgetEnded(router.snapshot(), this.#now() - (this.#options.endedRetentionMs ?? HOUR_MS)), result: outcome };
    });
    for (const [event, fields] of events) this.#options.log(event, fields);
    return result;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #router(snapshot: RouterSnapshot | undefined, log: ServerLog): Router {
    const options: RouterOptions & CapacityOptions = { ...this.#options, log };
    return Router.fromSnapshot(snapshot ?? EMPTY, options);
  }
}

const EMPTY: RouterSnapshot = { agents: { seq: 0, assignments: 0, agents: [] }, conversations: [], queue: [] };

/** Drops conversations that ended before `limit` (their agents and the queue no longer name them). */
function forgetEnded(snapshot: RouterSnapshot, limit: number): RouterSnapshot {
  const kept = snapshot.conversations.filter((c) => c.status !== 'ended' || (c.endedAt ?? 0) >= limit);
  return kept.length === snapshot.conversations.length ? snapshot : { ...snapshot, conversations: kept };
}

function settle<R>(run: () => R): Promise<R> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
