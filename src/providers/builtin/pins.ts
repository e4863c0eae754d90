/**
 * How the built-in providers get and redeem PINs. The default, `SignalingPinService`, asks the
 * reference server's PIN service over the conversation's transport (the requests `ve-pin-create` /
 * `ve-pin-redeem` through `transport.request()`, answered by `ve-pin` / `ve-pin-result`, the notice
 * `ve-pin-revoke`, with `ve-pin-status`
 * telling the agent when its PIN was redeemed or locked). `MemoryPinService` does the same in memory,
 * for tests and same-page use (like `MemoryHub` for transports).
 */
import { TypedEmitter } from '../../internal/typed-emitter.js';
import type { PayloadOf } from '../../signaling/protocol.js';
import { TransportError, type ReplyOf, type RequestMessage, type SignalingTransport } from '../../signaling/transport.js';
import { VisualError } from '../errors.js';
import type { VisualCapabilities, VisualKind } from '../types.js';

export interface PinRequest {
  sessionId: string;
  provider: string;
  kind: VisualKind;
  capabilities: VisualCapabilities;
  /** Shorter than the service's lifetime, if given. */
  ttlMs?: number;
}

export interface PinGrant {
  sessionId: string;
  pin: string;
  expiresAt: number;
}

/** The session a redeemed PIN belongs to. */
export interface RedeemedSession {
  sessionId: string;
  provider: string;
  kind: VisualKind;
  capabilities: VisualCapabilities;
}

export type PinStatus = { sessionId: string; status: 'redeemed' | 'locked' };

/** One side's view of a PIN service. */
export interface PinClient {
  /** Agent. */
  create(request: PinRequest): Promise<PinGrant>;
  /** Customer. Rejects with `pin-invalid` (with `attemptsLeft`), `pin-expired` or `pin-locked`. */
  redeem(pin: string): Promise<RedeemedSession>;
  /** Agent: the PIN of `sessionId` stops working. */
  revoke(sessionId: string): void;
  /** Agent: a PIN of this conversation was redeemed or locked. Returns the unsubscribe function. */
  onStatus(listener: (status: PinStatus) => void): () => void;
}

export type PinClientFactory = (transport: SignalingTransport) => PinClient;

const DEFAULT_TIMEOUT_MS = 10_000;

/** The reference server's PIN service, over the conversation's own signaling. */
export class SignalingPinService implements PinClient {
  readonly #transport: SignalingTransport;
  readonly #timeoutMs: number;

  constructor(transport: SignalingTransport, options: { timeoutMs?: number } = {}) {
    this.#transport = transport;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  static factory: PinClientFactory = (transport) => new SignalingPinService(transport);

  async create(request: PinRequest): Promise<PinGrant> {
    const reply = await this.#request({
      type: 've-pin-create',
      payload: {
        sessionId: request.sessionId,
        provider: request.provider,
        kind: request.kind,
        capabilities: { ...request.capabilities },
        ...(request.ttlMs ? { ttlMs: Math.max(1_000, Math.round(request.ttlMs)) } : {}),
      },
    });
    return { sessionId: reply.payload.sessionId, pin: reply.payload.pin, expiresAt: reply.payload.expiresAt };
  }

  async redeem(pin: string): Promise<RedeemedSession> {
    const normalized = normalizePin(pin);
    if (!normalized) throw new VisualError('pin-invalid', 'type the PIN the agent gave you');
    const reply = await this.#request({ type: 've-pin-redeem', payload: { pin: normalized.slice(0, 32) } });
    return redeemOutcome(reply.payload);
  }

  revoke(sessionId: string): void {
    const transport = this.#transport;
    if (typeof transport.notifyServer !== 'function') return;
    try {
      transport.notifyServer({ type: 've-pin-revoke', payload: { sessionId } });
    } catch {
      // A closed transport: the PIN expires by itself.
    }
  }

  onStatus(listener: (status: PinStatus) => void): () => void {
    return this.#transport.on('message', (message) => {
      if (message.type === 've-pin-status' && message.from === undefined) listener({ ...message.payload });
    });
  }

  /** Asks the PIN service; a refusal fails at once with the server's code, silence after the timeout. */
  async #request<T extends 've-pin-create' | 've-pin-redeem'>(message: Extract<RequestMessage, { type: T }>): Promise<ReplyOf<T>> {
    try {
      return await this.#transport.request(message, { timeoutMs: this.#timeoutMs });
    } catch (error) {
      const code = error instanceof TransportError ? error.code : 'unknown';
      const text = code === 'timeout' ? `the PIN service did not answer within ${this.#timeoutMs} ms` : `the PIN service refused: ${code}`;
      throw new VisualError('signaling-failed', text, { cause: error });
    }
  }
}

/** Turns a `ve-pin-result` into the session, or the typed error. */
export function redeemOutcome(payload: PayloadOf<'ve-pin-result'>): RedeemedSession {
  switch (payload.outcome) {
    case 'ok':
      if (!payload.session) throw new VisualError('provider-failed', 'the PIN service answered without a session');
      return { ...payload.session, capabilities: { ...payload.session.capabilities } };
    case 'pin-invalid':
      return fail(new VisualError('pin-invalid', 'that PIN is not valid', payload.attemptsLeft === undefined ? {} : { attemptsLeft: payload.attemptsLeft }));
    case 'pin-expired':
      return fail(new VisualError('pin-expired', 'that PIN has expired'));
    case 'pin-locked':
      return fail(new VisualError('pin-locked', 'too many wrong PINs: the session is locked'));
  }
}

function fail(error: VisualError): never {
  throw error;
}

/** Spaces and dashes are not part of a PIN ("123 456" = "123456"), as on the server. */
export function normalizePin(input: string): string {
  return input.replace(/[\s-]/g, '');
}

interface MemoryPending {
  pin: string;
  expiresAt: number;
  session: RedeemedSession;
}

type MemoryEvents = { status: [string, PinStatus] };

/**
 * The PIN service's rules in memory (CSPRNG PINs of 6 digits, single use, expiring, 5 wrong
 * attempts lock), for tests and same-page use. `clientFor(conversationId)` gives each side its client.
 */
export class MemoryPinService extends TypedEmitter<MemoryEvents> {
  readonly #pending = new Map<string, MemoryPending>();
  readonly #failures = new Map<string, number>();
  readonly #locked = new Set<string>();
  readonly ttlMs: number;
  readonly maxAttempts: number;
  readonly #now: () => number;

  constructor(options: { ttlMs?: number; maxAttempts?: number; now?: () => number } = {}) {
    super();
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.#now = options.now ?? Date.now;
  }

  /** A factory for the built-in providers' `pins` option. */
  get factory(): PinClientFactory {
    return (transport) => this.clientFor(transport.conversationId);
  }

  clientFor(conversationId: string): PinClient {
    return {
      create: async (request) => {
        const bytes = globalThis.crypto.getRandomValues(new Uint32Array(6));
        const pin = Array.from(bytes, (n) => String(n % 10)).join('');
        const expiresAt = this.#now() + Math.min(this.ttlMs, request.ttlMs ?? this.ttlMs);
        const session: RedeemedSession = {
          sessionId: request.sessionId,
          provider: request.provider,
          kind: request.kind,
          capabilities: { ...request.capabilities },
        };
        this.#pending.set(conversationId, { pin, expiresAt, session });
        this.#failures.delete(conversationId);
        this.#locked.delete(conversationId);
        return { sessionId: request.sessionId, pin, expiresAt };
      },
      redeem: async (input) => {
        const pin = normalizePin(input);
        if (this.#locked.has(conversationId)) throw new VisualError('pin-locked', 'too many wrong PINs: the session is locked');
        const pending = this.#pending.get(conversationId);
        if (pending && pending.pin === pin) {
          this.#pending.delete(conversationId);
          if (pending.expiresAt <= this.#now()) throw new VisualError('pin-expired', 'that PIN has expired');
          this.emit('status', conversationId, { sessionId: pending.session.sessionId, status: 'redeemed' });
          return pending.session;
        }
        const failures = (this.#failures.get(conversationId) ?? 0) + 1;
        this.#failures.set(conversationId, failures);
        if (failures >= this.maxAttempts) {
          this.#locked.add(conversationId);
          this.#pending.delete(conversationId);
          if (pending) this.emit('status', conversationId, { sessionId: pending.session.sessionId, status: 'locked' });
          throw new VisualError('pin-locked', 'too many wrong PINs: the session is locked');
        }
        throw new VisualError('pin-invalid', 'that PIN is not valid', { attemptsLeft: this.maxAttempts - failures });
      },
      revoke: (sessionId) => {
        if (this.#pending.get(conversationId)?.session.sessionId === sessionId) this.#pending.delete(conversationId);
      },
      onStatus: (listener) =>
        this.on('status', (conversation, status) => {
          if (conversation === conversationId) queueMicrotask(() => listener(status));
        }),
    };
  }
}
