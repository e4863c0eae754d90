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

export interface DocumentRoutingOptions extends CapacityOptions, Pick<RouterOptions, 'retentionMs' | 'tokenLifetimeMs' | 'onAccessRevoked'> {
  log: ServerLog;
}

const ROUTING_KEY = 'routing';

export class DocumentRoutingStore implements RoutingStore {
  readonly #documents: DocumentStore;
  readonly #options: DocumentRoutingOptions;

  constructor(documents: DocumentStore, options: DocumentRoutingOptions) {
    this.#documents = documents;
    this.#options = options;
  }

  async read<R>(query: (router: Router) => R): Promise<R> {
    const snapshot = await this.#documents.read<RouterSnapshot>(ROUTING_KEY);
    return query(this.#router(snapshot, { log: () => {} }));
  }

  async change<R>(change: (router: Router) => R): Promise<R> {
    let events: Array<() => void> = [];
    const result = await this.#documents.update<RouterSnapshot, R>(ROUTING_KEY, (snapshot) => {
      // Only the run whose write goes in reports what happened (logs, revoked access).
      events = [];
      const { onAccessRevoked } = this.#options;
      const router = this.#router(snapshot, {
        log: (event, fields) => events.push(() => this.#options.log(event, fields)),
        ...(onAccessRevoked ? { onAccessRevoked: (...args) => events.push(() => onAccessRevoked(...args)) } : {}),
      });
      const outcome = change(router);
      return { next: router.snapshot(), result: outcome };
    });
    for (const event of events) event();
    return result;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #router(snapshot: RouterSnapshot | undefined, reports: Pick<RouterOptions, 'log' | 'onAccessRevoked'>): Router {
    const options: RouterOptions & CapacityOptions = { ...this.#options, ...reports };
    // Revocations are reported after the write went in, never from a run that may be retried.
    if (!reports.onAccessRevoked) delete options.onAccessRevoked;
    return Router.fromSnapshot(snapshot ?? EMPTY, options);
  }
}

const EMPTY: RouterSnapshot = { agents: { seq: 0, assignments: 0, agents: [] }, conversations: [], queue: [], seq: 0, tokenVersions: [] };

function settle<R>(run: () => R): Promise<R> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
