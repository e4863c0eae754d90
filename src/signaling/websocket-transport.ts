/**
 * `WebSocketTransport`: the SDK's SignalingTransport for the reference server's `/signaling`
 * endpoint (or any server speaking docs/protocol.md). It joins, reconnects with exponential backoff
 * and jitter after an unexpected drop (rejoining with the same identity so the server replays what
 * was missed), and queues outgoing messages while it is down. Browser-only APIs: no Node imports.
 *
 * Events: `message` carries relayed messages from the other member only; the server's `presence`
 * and `error` messages surface as the `presence` and `error` events, and `joined` is consumed here.
 * After every (re)join, `presence` reports the other member's state from the join reply, so the
 * engine learns whether the other side is there (or left while we were away).
 */
import { TypedEmitter } from '../internal/typed-emitter.js';
import {
  CLOSE_CODES,
  RELAYED_TYPES,
  SERVER_BOUND_TYPES,
  SERVER_REPLY_TYPES,
  createMessage,
  parseMessage,
} from './protocol.js';
import type { MessageOf, MessageType, ParticipantRole, ProtocolErrorCode, SignalingMessage } from './protocol.js';
import type { OutgoingMessage, ServerNotice, SignalingTransport, TransportEvents, TransportState } from './transport.js';

export type TransportErrorCode = ProtocolErrorCode | 'connection-failed' | 'invalid-state';

/** What `connect()` rejects with and `send()` throws. `code` is stable; `message` is for humans. */
export class TransportError extends Error {
  override name = 'TransportError';
  readonly code: TransportErrorCode;

  constructor(code: TransportErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * The part of the WebSocket API this transport uses. The browser's `WebSocket` and the `ws`
 * package's `WebSocket` both fit. Handler parameters are `never` so that either implementation's
 * event types are accepted; the handlers below declare the shapes they read.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: never) => unknown) | null;
  onmessage: ((event: never) => unknown) | null;
  onclose: ((event: never) => unknown) | null;
  onerror: ((event: never) => unknown) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface ReconnectOptions {
  /** Delay before the first retry. Default 250 ms. */
  initialDelayMs: number;
  /** Cap on the delay. Default 5000 ms. */
  maxDelayMs: number;
  /** Growth of the delay per failed attempt. Default 2. */
  factor: number;
  /** Random spread, as a fraction of the delay (0.2 = ±20 %), so clients do not retry in lockstep. Default 0.2. */
  jitter: number;
  /** Consecutive failed retries before giving up with `connection-failed`. Default Infinity. */
  maxAttempts: number;
}

export interface WebSocketTransportOptions {
  /** `ws://` or `wss://` URL of the signaling endpoint. */
  url: string;
  conversationId: string;
  role: ParticipantRole;
  /** The join token, or a function returning a fresh one; the function is called before every (re)join. */
  token: string | (() => string | Promise<string>);
  /** The WebSocket implementation. Default `globalThis.WebSocket`; Node tests pass the `ws` package's. */
  WebSocket?: WebSocketConstructor;
  reconnect?: Partial<ReconnectOptions>;
  /** A connection that has not joined within this time is dropped and retried. Default 10000 ms. */
  joinTimeoutMs?: number;
}

/** What the server said in its latest `joined` reply. */
export interface JoinInfo {
  resumed: boolean;
  present: ParticipantRole[];
}

const DEFAULT_RECONNECT: ReconnectOptions = {
  initialDelayMs: 250,
  maxDelayMs: 5_000,
  factor: 2,
  jitter: 0.2,
  maxAttempts: Number.POSITIVE_INFINITY,
};

const OPEN = 1;

/** Refusals of a join that another attempt could fix; every other refusal is final. */
const RETRYABLE_JOIN_ERRORS: ReadonlySet<string> = new Set(['internal']);

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: TransportError) => void;
}

export class WebSocketTransport extends TypedEmitter<TransportEvents> implements SignalingTransport {
  readonly role: ParticipantRole;
  readonly conversationId: string;
  readonly #url: string;
  readonly #token: WebSocketTransportOptions['token'];
  readonly #WebSocket: WebSocketConstructor | undefined;
  readonly #reconnect: ReconnectOptions;
  readonly #joinTimeoutMs: number;

  #state: TransportState = 'idle';
  #socket: WebSocketLike | null = null;
  /** Serialized messages waiting for the connection, in send order. */
  #queue: string[] = [];
  /** Consecutive failed attempts since the last successful join. */
  #failures = 0;
  #everJoined = false;
  #joinId: string | null = null;
  #joined = false;
  #lastJoin: JoinInfo | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #joinTimer: ReturnType<typeof setTimeout> | undefined;
  #pendingConnect: Deferred | null = null;

  constructor(options: WebSocketTransportOptions) {
    super();
    this.#url = options.url;
    this.conversationId = options.conversationId;
    this.role = options.role;
    this.#token = options.token;
    // Looked up when connecting, not here: constructing works anywhere (Node 20 has no WebSocket).
    this.#WebSocket = options.WebSocket;
    this.#reconnect = { ...DEFAULT_RECONNECT, ...options.reconnect };
    this.#joinTimeoutMs = options.joinTimeoutMs ?? 10_000;
  }

  get state(): TransportState {
    return this.#state;
  }

  /** The latest join reply, or null before the first join. `resumed: false` after a reconnect means the server lost our seat. */
  get lastJoin(): JoinInfo | null {
    return this.#lastJoin;
  }

  /**
   * Resolves once joined. A connection that cannot be established is retried under the reconnect
   * policy (state stays `connecting`); rejects when the server refuses the join (`error.code` is its
   * code), when the policy gives up (`connection-failed`) or when `close()` is called first (`invalid-state`).
   */
  connect(): Promise<void> {
    if (this.#state === 'closed') {
      return Promise.reject(new TransportError('invalid-state', 'the transport is closed'));
    }
    if (this.#state === 'open') return Promise.resolve();
    if (this.#pendingConnect) return this.#pendingConnect.promise;
    const pending = deferred();
    this.#pendingConnect = pending;
    if (this.#state === 'idle') {
      this.#setState('connecting');
      void this.#open();
    }
    return pending.promise;
  }

  /**
   * Sends to the other member, or queues while not joined. Throws a TransportError: `invalid-state`
   * after close(), `forbidden` for a type that is not relayed, or the protocol's code when the message
   * would be refused by the server (invalid payload, too large). Nothing is sent in that case.
   */
  send(message: OutgoingMessage): void {
    if (this.#state === 'closed') throw new TransportError('invalid-state', 'the transport is closed');
    const text = encodeOutgoing(message, this.conversationId, this.role);
    if (this.#joined && this.#socket?.readyState === OPEN) this.#socket.send(text);
    else this.#queue.push(text);
  }

  /** Tells the server itself (`call-started`, `call-ended`); same queueing and checks as `send`. */
  notifyServer(notice: ServerNotice): void {
    if (this.#state === 'closed') throw new TransportError('invalid-state', 'the transport is closed');
    const text = encodeNotice(notice, this.conversationId, this.role);
    if (this.#joined && this.#socket?.readyState === OPEN) this.#socket.send(text);
    else this.#queue.push(text);
  }

  /** Leaves the conversation (no grace period on the server) and stops for good. */
  close(): void {
    if (this.#state === 'closed') return;
    const socket = this.#socket;
    if (socket && this.#joined && socket.readyState === OPEN) {
      socket.send(JSON.stringify(createMessage('leave', { conversationId: this.conversationId, from: this.role, payload: {} })));
    }
    this.#shutDown('closed', new TransportError('invalid-state', 'the transport was closed before it joined'));
  }

  async #open(): Promise<void> {
    let token: string;
    try {
      token = typeof this.#token === 'function' ? await this.#token() : this.#token;
    } catch (error) {
      if (this.#state !== 'closed') this.#retry(`the token provider failed: ${describe(error)}`);
      return;
    }
    if (this.#state === 'closed') return;

    const WebSocketImpl = this.#WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
    if (!WebSocketImpl) {
      this.#fail('connection-failed', 'no WebSocket implementation available; pass options.WebSocket');
      return;
    }
    let socket: WebSocketLike;
    try {
      socket = new WebSocketImpl(this.#url);
    } catch (error) {
      // A malformed URL never gets better.
      this.#fail('connection-failed', `cannot open ${this.#url}: ${describe(error)}`);
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      if (socket !== this.#socket) return;
      const join = createMessage('join', { conversationId: this.conversationId, from: this.role, payload: { token } });
      this.#joinId = join.id;
      socket.send(JSON.stringify(join));
    };
    socket.onmessage = (event: { data: unknown }) => {
      if (socket === this.#socket) this.#onFrame(event.data);
    };
    socket.onclose = (event: { code: number; reason: string }) => {
      if (socket === this.#socket) this.#onSocketClosed(event.code, event.reason);
    };
    // A failed connection also fires `close`, which is where it is handled.
    socket.onerror = () => {};
    this.#joinTimer = setTimeout(() => {
      if (socket !== this.#socket) return;
      this.#dropSocket();
      this.#retry(`no join reply within ${this.#joinTimeoutMs} ms`);
    }, this.#joinTimeoutMs);
  }

  #onFrame(data: unknown): void {
    if (typeof data !== 'string') {
      this.emit('error', { code: 'invalid-message', message: 'the server sent a binary frame' });
      return;
    }
    const parsed = parseMessage(data);
    if (!parsed.ok) {
      this.emit('error', { code: parsed.code, message: `the server sent an invalid message: ${parsed.detail}` });
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'joined':
        this.#onJoined(message);
        return;
      case 'presence':
        this.emit('presence', { role: message.payload.role, present: message.payload.present });
        return;
      case 'error':
        this.#onServerError(message);
        return;
      default:
        if (RELAYED_TYPES.has(message.type) && this.#isFromOtherMember(message)) {
          this.emit('message', message);
        } else if (SERVER_REPLY_TYPES.has(message.type) && message.from === 'server') {
          // An answer to one of our server-bound requests (the visual-engagement PIN service).
          this.emit('message', message);
        } else {
          this.emit('error', { code: 'invalid-message', message: `unexpected ${message.type} message from ${message.from}` });
        }
    }
  }

  #onJoined(message: MessageOf<'joined'>): void {
    clearTimeout(this.#joinTimer);
    this.#joined = true;
    this.#everJoined = true;
    this.#failures = 0;
    this.#lastJoin = { resumed: message.payload.resumed, present: [...message.payload.present] };
    // Flush before announcing `open`, so messages queued while down go out ahead of anything a listener sends.
    const socket = this.#socket;
    const queued = this.#queue.splice(0);
    for (const text of queued) socket?.send(text);
    this.#setState('open');
    // A statechange listener may have closed us already.
    if (this.#state !== 'open') return;
    const other = otherRole(this.role);
    this.emit('presence', { role: other, present: message.payload.present.includes(other) });
    const pending = this.#pendingConnect;
    this.#pendingConnect = null;
    pending?.resolve();
  }

  #onServerError(message: MessageOf<'error'>): void {
    const { code, message: text, replyTo } = message.payload;
    const joinRefused = !this.#joined && replyTo !== undefined && replyTo === this.#joinId;
    if (joinRefused && !RETRYABLE_JOIN_ERRORS.has(code)) {
      this.#fail(code, `the server refused to join: ${text}`);
      return;
    }
    if (joinRefused) {
      this.#dropSocket();
      this.#retry(`the server could not join us: ${text}`);
      return;
    }
    // `replyTo` is not part of the event's declared type, but is passed along for correlation.
    const detail: { code: ProtocolErrorCode; message: string; replyTo?: string } = { code, message: text };
    if (replyTo !== undefined) detail.replyTo = replyTo;
    this.emit('error', detail);
  }

  #onSocketClosed(code: number, reason: string): void {
    this.#dropSocket();
    if (code === CLOSE_CODES.replaced) {
      // Another connection took our seat; reconnecting would only take it back and start a tug of war.
      this.#shutDown(`replaced: ${reason || 'joined again from another connection'}`, new TransportError('conversation-full', 'replaced by another connection'));
      return;
    }
    this.#retry(`the connection closed (${code}${reason ? ` ${reason}` : ''})`);
  }

  #retry(reason: string): void {
    this.#failures += 1;
    if (this.#failures > this.#reconnect.maxAttempts) {
      this.#fail('connection-failed', `gave up after ${this.#reconnect.maxAttempts} retries: ${reason}`);
      return;
    }
    this.#setState(this.#everJoined ? 'reconnecting' : 'connecting');
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      if (this.#state !== 'closed') void this.#open();
    }, this.#backoffDelay());
  }

  #backoffDelay(): number {
    const { initialDelayMs, maxDelayMs, factor, jitter } = this.#reconnect;
    const base = Math.min(maxDelayMs, initialDelayMs * factor ** (this.#failures - 1));
    return Math.max(0, base * (1 + jitter * (2 * Math.random() - 1)));
  }

  /** Closed for good after something the transport cannot recover from. */
  #fail(code: ProtocolErrorCode | 'connection-failed', message: string): void {
    this.#shutDown(message, new TransportError(code, message), { code, message });
  }

  #shutDown(reason: string, rejection: TransportError, error?: TransportEvents['error'][0]): void {
    clearTimeout(this.#retryTimer);
    this.#dropSocket();
    this.#queue = [];
    this.#setState('closed');
    const pending = this.#pendingConnect;
    this.#pendingConnect = null;
    pending?.reject(rejection);
    if (error) this.emit('error', error);
    this.emit('close', { reason });
  }

  /** Forgets the current socket: its late events are ignored and it is closed if still open. */
  #dropSocket(): void {
    clearTimeout(this.#joinTimer);
    const socket = this.#socket;
    this.#socket = null;
    this.#joined = false;
    this.#joinId = null;
    if (!socket) return;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    // Kept as a no-op: `ws` throws on an `error` event nobody listens to (closing while connecting emits one).
    socket.onerror = () => {};
    if (socket.readyState <= OPEN) socket.close(1000, 'client closed');
  }

  #isFromOtherMember(message: SignalingMessage): boolean {
    return message.conversationId === this.conversationId && message.from === otherRole(this.role);
  }

  #setState(state: TransportState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit('statechange', state);
  }
}

/**
 * Builds and checks an outgoing envelope exactly as the server will: only relayed types, a valid
 * payload, within the size limit. Returns the serialized message; throws a TransportError otherwise.
 */
export function encodeOutgoing(message: OutgoingMessage, conversationId: string, role: ParticipantRole): string {
  const type: MessageType = message.type;
  if (!RELAYED_TYPES.has(type)) {
    throw new TransportError('forbidden', `${type} messages cannot be sent to the other member`);
  }
  const envelope = createMessage(type, { conversationId, from: role, payload: message.payload as never });
  const text = JSON.stringify(envelope);
  const checked = parseMessage(text);
  if (!checked.ok) throw new TransportError(checked.code, `refusing to send ${type}: ${checked.detail}`);
  return text;
}

/** As `encodeOutgoing`, for the types a client sends to the server itself (`SERVER_BOUND_TYPES`). */
export function encodeNotice(notice: ServerNotice, conversationId: string, role: ParticipantRole): string {
  const type: MessageType = notice.type;
  if (!SERVER_BOUND_TYPES.has(type)) {
    throw new TransportError('forbidden', `${type} is not a message for the server`);
  }
  const envelope = createMessage(type, { conversationId, from: role, payload: notice.payload as never });
  const text = JSON.stringify(envelope);
  const checked = parseMessage(text);
  if (!checked.ok) throw new TransportError(checked.code, `refusing to send ${type}: ${checked.detail}`);
  return text;
}

export function otherRole(role: ParticipantRole): ParticipantRole {
  return role === 'agent' ? 'customer' : 'agent';
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: TransportError) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
