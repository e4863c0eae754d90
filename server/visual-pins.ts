/**
 * The visual-engagement PIN service: the agent creates a session and gets a PIN, the customer
 * redeems it. A PIN is:
 * - drawn from a CSPRNG (`crypto.randomInt`), digits only, at least 6 of them;
 * - bound to one conversation: only the customer of that conversation can redeem it;
 * - single use: redeeming it removes it;
 * - short-lived: 10 minutes by default (`CCK_PIN_TTL_MS`), or less if the agent asks for less;
 * - guarded: after 5 wrong PINs in a conversation (`maxAttempts`) its pending session is locked
 *   (the right PIN no longer works) until the agent creates a new one;
 * - compared in constant time: SHA-256 of both sides, then `timingSafeEqual`, so neither the
 *   position of the first wrong digit nor the length leaks through timing.
 * The policy is the functions at the end of this file; `PinService` keeps their state in memory, and
 * `DocumentPinStore` (stores/pin-store.ts) in a store several nodes share.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { PayloadOf } from '../src/signaling/protocol.js';

export type VisualSessionInfo = NonNullable<PayloadOf<'ve-pin-result'>['session']>;

export interface PinServiceOptions {
  /** How long a PIN works. Default 10 minutes. */
  ttlMs: number;
  /** Digits per PIN, at least 6. Default 6. */
  length: number;
  /** Wrong PINs per conversation before its pending session is locked. Default 5. */
  maxAttempts: number;
  /** The clock, for tests. */
  now: () => number;
  /** Random integer in [0, max), for tests. Default `crypto.randomInt`. */
  randomInt: (max: number) => number;
}

export type RedeemOutcome =
  | { ok: true; session: VisualSessionInfo }
  | { ok: false; code: 'pin-invalid'; attemptsLeft: number }
  | { ok: false; code: 'pin-expired' | 'pin-locked' };

export interface CreatedPin {
  sessionId: string;
  pin: string;
  expiresAt: number;
}

interface PendingPin {
  /** SHA-256 of the PIN, hex (JSON-safe: a shared store keeps this state as a document). */
  readonly digest: string;
  readonly expiresAt: number;
  readonly session: VisualSessionInfo;
  /** The agent gave the session up: the PIN no longer works (but still reads as expired once its time is over). */
  revoked: boolean;
}

/** One conversation's PIN state: the policy below applies to it wherever it is stored. */
export interface ConversationPins {
  pending: PendingPin | undefined;
  failures: number;
  locked: boolean;
  lockedSessionId: string | undefined;
  touchedAt: number;
}

export const MIN_PIN_LENGTH = 6;
export const DEFAULT_PIN_TTL_MS = 10 * 60_000;
const SWEEP_INTERVAL_MS = 60_000;

export class PinConfigError extends Error {
  override name = 'PinConfigError';
}

/** Options from explicit overrides, then the environment (`CCK_PIN_TTL_MS`, `CCK_PIN_LENGTH`), then defaults. */
export function resolvePinOptions(overrides: Partial<PinServiceOptions> = {}, env: NodeJS.ProcessEnv = process.env): PinServiceOptions {
  const ttlMs = overrides.ttlMs ?? integerFromEnv(env, 'CCK_PIN_TTL_MS', DEFAULT_PIN_TTL_MS);
  const length = overrides.length ?? integerFromEnv(env, 'CCK_PIN_LENGTH', MIN_PIN_LENGTH);
  const maxAttempts = overrides.maxAttempts ?? 5;
  if (!Number.isInteger(ttlMs) || ttlMs < 1_000) throw new PinConfigError(`the PIN lifetime must be at least 1000 ms, got ${ttlMs}`);
  if (!Number.isInteger(length) || length < MIN_PIN_LENGTH || length > 12) {
    throw new PinConfigError(`PINs must have ${MIN_PIN_LENGTH}-12 digits, got ${length}`);
  }
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new PinConfigError(`maxAttempts must be at least 1, got ${maxAttempts}`);
  return { ttlMs, length, maxAttempts, now: overrides.now ?? Date.now, randomInt: overrides.randomInt ?? ((max) => randomInt(max)) };
}

/** What a user typed, as the service compares it: spaces and dashes are ignored ("123 456" = "123456"). */
export function normalizePin(input: string): string {
  return input.replace(/[\s-]/g, '');
}

export class PinService {
  readonly options: PinServiceOptions;
  readonly #conversations = new Map<string, ConversationPins>();
  readonly #sweep: ReturnType<typeof setInterval>;

  /** `env` is read for what `options` leaves out (`CCK_PIN_TTL_MS`, `CCK_PIN_LENGTH`); none by default. */
  constructor(options: Partial<PinServiceOptions> = {}, env: NodeJS.ProcessEnv = {}) {
    this.options = resolvePinOptions(options, env);
    this.#sweep = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.#sweep.unref?.();
  }

  /**
   * A new PIN for a session in `conversationId`. It replaces the conversation's pending PIN, if any,
   * and clears its wrong-attempt count and lock: the agent started over.
   */
  create(conversationId: string, session: VisualSessionInfo, ttlMs?: number): CreatedPin {
    const now = this.options.now();
    return createPin(this.#state(conversationId, now), this.options, session, ttlMs);
  }

  /**
   * Redeems `pin` in `conversationId`. `locked` is reported for the attempt that reaches the limit
   * and for every attempt after it, the right PIN included, until the agent creates a new one.
   * A PIN that matches but has expired is `pin-expired` and does not count as a wrong attempt.
   */
  redeem(conversationId: string, input: string): RedeemOutcome & { lockedSessionId?: string } {
    const now = this.options.now();
    return redeemPin(this.#state(conversationId, now), this.options, input);
  }

  /**
   * The agent gave the session up before its PIN was used: the PIN stops working. Returns whether a
   * pending PIN was revoked. (Typed after its lifetime, it still reads as `pin-expired`, so an agent
   * that revokes at expiry does not turn the customer's message into "wrong PIN".)
   */
  revoke(conversationId: string, sessionId: string): boolean {
    const state = this.#conversations.get(conversationId);
    return state !== undefined && revokePin(state, sessionId);
  }

  /** Forgets conversations with nothing pending that were idle for longer than a PIN lifetime. */
  sweep(): void {
    const now = this.options.now();
    for (const [id, state] of this.#conversations) {
      if (state.pending && state.pending.expiresAt + this.options.ttlMs <= now) state.pending = undefined;
      if (!state.pending && now - state.touchedAt > this.options.ttlMs) this.#conversations.delete(id);
    }
  }

  /** Conversations holding PIN state (for tests and diagnostics). */
  get size(): number {
    return this.#conversations.size;
  }

  dispose(): void {
    clearInterval(this.#sweep);
    this.#conversations.clear();
  }

  #state(conversationId: string, now: number): ConversationPins {
    let state = this.#conversations.get(conversationId);
    if (!state) {
      state = emptyPins(now);
      this.#conversations.set(conversationId, state);
    }
    state.touchedAt = now;
    return state;
  }
}

/** A conversation with no PIN history. */
export function emptyPins(now: number): ConversationPins {
  return { pending: undefined, failures: 0, locked: false, lockedSessionId: undefined, touchedAt: now };
}

/**
 * A new PIN for a session: it replaces the pending one, if any, and clears the wrong-attempt count
 * and lock (the agent started over). Changes `state` in place.
 */
export function createPin(state: ConversationPins, options: PinServiceOptions, session: VisualSessionInfo, ttlMs?: number): CreatedPin {
  const now = options.now();
  let pin = '';
  for (let i = 0; i < options.length; i += 1) pin += String(options.randomInt(10));
  const expiresAt = now + Math.min(options.ttlMs, ttlMs ?? options.ttlMs);
  state.pending = { digest: digest(pin), expiresAt, session: { ...session, capabilities: { ...session.capabilities } }, revoked: false };
  state.failures = 0;
  state.locked = false;
  state.lockedSessionId = undefined;
  state.touchedAt = now;
  return { sessionId: session.sessionId, pin, expiresAt };
}

/** One redeem attempt against `state` (changed in place): the policy of `PinService.redeem`. */
export function redeemPin(state: ConversationPins, options: PinServiceOptions, input: string): RedeemOutcome & { lockedSessionId?: string } {
  const now = options.now();
  state.touchedAt = now;
  if (state.locked) return { ok: false, code: 'pin-locked' };
  const candidate = Buffer.from(digest(normalizePin(input)), 'hex');
  const pending = state.pending;
  // Always one comparison of equal-length digests, whether or not a PIN is pending.
  const matches = timingSafeEqual(candidate, pending ? Buffer.from(pending.digest, 'hex') : EMPTY_DIGEST) && pending !== undefined;
  if (matches && pending.expiresAt <= now) {
    state.pending = undefined;
    return { ok: false, code: 'pin-expired' };
  }
  if (matches && !pending.revoked) {
    state.pending = undefined;
    state.failures = 0;
    return { ok: true, session: pending.session };
  }
  state.failures += 1;
  if (state.failures >= options.maxAttempts) {
    state.locked = true;
    state.lockedSessionId = pending?.session.sessionId;
    state.pending = undefined;
    return pending ? { ok: false, code: 'pin-locked', lockedSessionId: pending.session.sessionId } : { ok: false, code: 'pin-locked' };
  }
  return { ok: false, code: 'pin-invalid', attemptsLeft: options.maxAttempts - state.failures };
}

/** The agent gave the session up: its pending PIN stops working. Returns whether one was revoked. */
export function revokePin(state: ConversationPins, sessionId: string): boolean {
  const pending = state.pending;
  if (pending?.session.sessionId !== sessionId || pending.revoked) return false;
  pending.revoked = true;
  return true;
}

const EMPTY_DIGEST = createHash('sha256').update('\u0000no pin pending').digest();

function digest(pin: string): string {
  return createHash('sha256').update(pin, 'utf8').digest('hex');
}

function integerFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new PinConfigError(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return value;
}
