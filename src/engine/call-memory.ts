/**
 * Remembers, per conversation and role, the call this page is in, so that the page loaded after a
 * reload (or a crash) knows it had one: the new engine starts by showing that call as ended instead
 * of pretending nothing happened. Uses the tab's `sessionStorage` by default (one tab, survives
 * reloads, gone with the tab); any `Storage`-like object can stand in, and `null` turns it off.
 */

export type CallMemoryStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const PREFIX = 'cck-call:';

export class CallMemory {
  readonly #storage: CallMemoryStorage | null;
  readonly #key: string;

  constructor(storage: CallMemoryStorage | null | undefined, conversationId: string, role: string) {
    this.#storage = storage === undefined ? defaultStorage() : storage;
    this.#key = `${PREFIX}${role}:${conversationId}`;
  }

  /** The call a previous page of this tab was in when it went away, if any (forgotten once read). */
  takeOrphan(): string | null {
    const callId = this.#try(() => this.#storage?.getItem(this.#key) ?? null);
    if (callId) this.forget();
    return callId ?? null;
  }

  remember(callId: string): void {
    this.#try(() => this.#storage?.setItem(this.#key, callId));
  }

  forget(): void {
    this.#try(() => this.#storage?.removeItem(this.#key));
  }

  /** Storage can throw (privacy modes, quota, sandboxed frames); remembering is best effort. */
  #try<T>(action: () => T): T | undefined {
    try {
      return action();
    } catch {
      return undefined;
    }
  }
}

function defaultStorage(): CallMemoryStorage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}
