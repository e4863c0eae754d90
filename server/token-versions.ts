/**
 * Revocation of conversation tokens, by version: every routed conversation keeps a token version
 * per role, tokens carry the version they were issued under (`ver`), and only tokens of the current
 * version join. Reassigning a conversation bumps the agent's version (the previous agent's tokens
 * stop working, the customer's keep working); ending one closes it (none of its tokens work any
 * more). A closed entry is kept until every token issued for the conversation has expired.
 *
 * Storage only, no policy: the rules are in server/conversation-access.ts. The in-memory store is
 * the embedded default; a shared store (Redis) implements the same interface.
 */
export interface TokenVersionEntry {
  /** Current version per role; a role never bumped is at 1. */
  readonly versions: Readonly<Record<string, number>>;
  /** The conversation ended: none of its tokens are accepted. */
  readonly closed: boolean;
}

export interface TokenVersions {
  /** The entry of a conversation the server routes; undefined for any other (QA mode, the host's own routing). */
  get(conversationId: string): TokenVersionEntry | undefined;
  /** A new routed conversation, every role at version 1. */
  open(conversationId: string): void;
  /** Revokes every token of `role` issued so far. */
  bump(conversationId: string, role: string): void;
  /** No token of the conversation is accepted any more; the entry is forgotten after `keepUntil` (epoch ms). */
  close(conversationId: string, keepUntil: number): void;
}

/** The version a token of `role` must carry, for an entry of `TokenVersions`. */
export const versionOf = (entry: TokenVersionEntry, role: string): number => entry.versions[role] ?? 1;

interface Stored {
  versions: Record<string, number>;
  closed: boolean;
  keepUntil: number;
}

/** Every entry as plain data (JSON-safe: `keepUntil` of an open entry is null). */
export type TokenVersionsSnapshot = ReadonlyArray<readonly [string, { versions: Record<string, number>; closed: boolean; keepUntil: number | null }]>;

const SWEEP_INTERVAL_MS = 60_000;

export class MemoryTokenVersions implements TokenVersions {
  readonly #entries = new Map<string, Stored>();
  readonly #now: () => number;
  #sweptAt: number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
    this.#sweptAt = now();
  }

  get(conversationId: string): TokenVersionEntry | undefined {
    const entry = this.#entries.get(conversationId);
    if (entry && entry.closed && entry.keepUntil <= this.#now()) {
      this.#entries.delete(conversationId);
      return undefined;
    }
    return entry;
  }

  open(conversationId: string): void {
    this.#entries.set(conversationId, { versions: {}, closed: false, keepUntil: Infinity });
  }

  bump(conversationId: string, role: string): void {
    const entry = this.#entries.get(conversationId);
    if (!entry) return;
    entry.versions[role] = (entry.versions[role] ?? 1) + 1;
  }

  close(conversationId: string, keepUntil: number): void {
    const entry = this.#entries.get(conversationId) ?? { versions: {}, closed: true, keepUntil };
    entry.closed = true;
    entry.keepUntil = keepUntil;
    this.#entries.set(conversationId, entry);
    if (this.#now() - this.#sweptAt >= SWEEP_INTERVAL_MS) this.sweep();
  }

  /** Forgets closed entries whose tokens have all expired. */
  sweep(): void {
    const now = this.#now();
    this.#sweptAt = now;
    for (const [id, entry] of this.#entries) if (entry.closed && entry.keepUntil <= now) this.#entries.delete(id);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Every entry, for a store that keeps the router's state as a document. */
  snapshot(): TokenVersionsSnapshot {
    return [...this.#entries].map(([id, entry]) => [id, { versions: { ...entry.versions }, closed: entry.closed, keepUntil: Number.isFinite(entry.keepUntil) ? entry.keepUntil : null }]);
  }

  static fromSnapshot(snapshot: TokenVersionsSnapshot, now: () => number = Date.now): MemoryTokenVersions {
    const store = new MemoryTokenVersions(now);
    for (const [id, entry] of snapshot) store.#entries.set(id, { versions: { ...entry.versions }, closed: entry.closed, keepUntil: entry.keepUntil ?? Infinity });
    return store;
  }
}
