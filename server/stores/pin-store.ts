/**
 * Where visual-engagement PINs and their wrong-attempt counters live. The policy (CSPRNG digits,
 * single use, lifetime, lock after `maxAttempts` wrong tries, constant-time comparison) is
 * `visual-pins.ts`'s; a store only keeps the state and applies each attempt atomically:
 * - `LivePinStore`: the in-process `PinService` (the embedded default);
 * - `DocumentPinStore`: one document per conversation in a `DocumentStore` shared by every node, so
 *   five wrong tries lock the PIN whichever nodes they arrive at. The document expires a PIN
 *   lifetime after it was last touched (after its pending PIN's expiry, if later).
 */
import type { DocumentStore } from './document-store.js';
import {
  createPin,
  emptyPins,
  redeemPin,
  resolvePinOptions,
  revokePin,
  type ConversationPins,
  type CreatedPin,
  type PinService,
  type PinServiceOptions,
  type RedeemOutcome,
  type VisualSessionInfo,
} from '../visual-pins.js';

export type RedeemResult = RedeemOutcome & { lockedSessionId?: string };

export interface PinStore {
  create(conversationId: string, session: VisualSessionInfo, ttlMs?: number): Promise<CreatedPin>;
  redeem(conversationId: string, input: string): Promise<RedeemResult>;
  revoke(conversationId: string, sessionId: string): Promise<boolean>;
  close(): Promise<void>;
}

export class LivePinStore implements PinStore {
  readonly service: PinService;

  constructor(service: PinService) {
    this.service = service;
  }

  create(conversationId: string, session: VisualSessionInfo, ttlMs?: number): Promise<CreatedPin> {
    return Promise.resolve(this.service.create(conversationId, session, ttlMs));
  }

  redeem(conversationId: string, input: string): Promise<RedeemResult> {
    return Promise.resolve(this.service.redeem(conversationId, input));
  }

  revoke(conversationId: string, sessionId: string): Promise<boolean> {
    return Promise.resolve(this.service.revoke(conversationId, sessionId));
  }

  close(): Promise<void> {
    this.service.dispose();
    return Promise.resolve();
  }
}

export class DocumentPinStore implements PinStore {
  readonly options: PinServiceOptions;
  readonly #documents: DocumentStore;

  constructor(documents: DocumentStore, options: Partial<PinServiceOptions> = {}, env: NodeJS.ProcessEnv = {}) {
    this.#documents = documents;
    this.options = resolvePinOptions(options, env);
  }

  create(conversationId: string, session: VisualSessionInfo, ttlMs?: number): Promise<CreatedPin> {
    return this.#apply(conversationId, (state) => createPin(state, this.options, session, ttlMs));
  }

  redeem(conversationId: string, input: string): Promise<RedeemResult> {
    return this.#apply(conversationId, (state) => redeemPin(state, this.options, input));
  }

  revoke(conversationId: string, sessionId: string): Promise<boolean> {
    return this.#apply(conversationId, (state) => revokePin(state, sessionId));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #apply<R>(conversationId: string, rule: (state: ConversationPins) => R): Promise<R> {
    return this.#documents.update<ConversationPins, R>(`pins:${conversationId}`, (current) => {
      const now = this.options.now();
      const state = current ?? emptyPins(now);
      const result = rule(state);
      const keepUntil = Math.max(state.touchedAt, state.pending?.expiresAt ?? 0) + this.options.ttlMs;
      return { next: state, result, ttlMs: Math.max(1, keepUntil - now) };
    });
  }
}
