/**
 * `WebSocketTransport`: the SDK's SignalingTransport for the reference server's `/signaling`
 * endpoint (or any server speaking docs/protocol.md). This file is the socket's lifecycle: opening
 * and joining, noticing a dead connection (application ping with a timeout), and reconnecting under
 * a `ReconnectPolicy` after any drop, rejoining with the same page instance. Everything the protocol
 * itself guarantees (sequencing, acknowledgements, re-sends, requests) lives in `MemberSession`.
 *
 * Browser-only APIs: no Node imports. Node (tests, load generators) passes the `ws` package's
 * `WebSocket` as `options.WebSocket`.
 *
 * Events: `message` carries relayed messages from the other member (once, in order) and the
 * server's pushes; `joined` follows every (re)join, and `presence` then reports every other member
 * the join reply lists (`present: false` when the other seat is empty).
 */
import { TypedEmitter } from '../internal/typed-emitter.js';
import { Liveness, DEFAULT_LIVENESS, type LivenessOptions } from './liveness.js';
import { MemberSession, otherRole, type MemberSessionTimings } from './member-session.js';
import { CLOSE_CODES, PROTOCOL_VERSION, randomId } from './protocol.js';
import type { CallAnnouncement, ParticipantRole, ProtocolErrorCode, RequestType } from './protocol.js';
import { DefaultReconnectPolicy, type ReconnectPolicy } from './reconnect-policy.js';
import { LOCAL_CLOSE_REASON, TransportError } from './transport.js';
import type {
  JoinInfo,
  OutgoingMessage,
  ReplyOf,
  RequestMessage,
  RequestOptions,
  ServerNotice,
  SignalingTransport,
  TransportEvents,
  TransportState,
} from './transport.js';

export { TransportError, otherRole };
export type { TransportErrorCode, JoinInfo } from './transport.js';

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

export interface WebSocketTransportOptions {
  /** `ws://` or `wss://` URL of the signaling endpoint. */
  url: string;
  conversationId: string;
  role: ParticipantRole;
  /** The join token, or a function returning a fresh one; the function is called before every (re)join. */
  token: string | (() => string | Promise<string>);
  /** The WebSocket implementation. Default `globalThis.WebSocket`; Node passes the `ws` package's. */
  WebSocket?: WebSocketConstructor;
  /** When to retry after a drop. Default `DefaultReconnectPolicy` (LiveKit's schedule, never giving up). */
  reconnectPolicy?: ReconnectPolicy;
  /** A connection that has not joined within this time is dropped and retried. Default 10000 ms. */
  joinTimeoutMs?: number;
  /** Dead-connection detection (ping after quiet time, then a timeout). */
  liveness?: Partial<LivenessOptions>;
  /** Acknowledgement, re-send and request timings (see `MemberSessionTimings`). */
  timings?: Partial<MemberSessionTimings>;
  /** This page's member instance. Default: a fresh random id (one per transport, i.e. per page load). */
  instance?: string;
}

const OPEN = 1;

/** Refusals of a join that another attempt could fix; every other refusal is final. */
const RETRYABLE_JOIN_ERRORS: ReadonlySet<string> = new Set(['internal']);
const PING_FRAME = `{"v":${PROTOCOL_VERSION},"type":"ping","payload":{}}`;

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: TransportError) => void;
}

export class WebSocketTransport extends TypedEmitter<TransportEvents> implements SignalingTransport {
  readonly role: ParticipantRole;
  readonly conversationId: string;
  readonly instance: string;
  readonly #url: string;
  readonly #token: WebSocketTransportOptions['token'];
  readonly #WebSocket: WebSocketConstructor | undefined;
  readonly #policy: ReconnectPolicy;
  readonly #joinTimeoutMs: number;
  readonly #session: MemberSession;
  readonly #liveness: Liveness;

  #state: TransportState = 'idle';
  #socket: WebSocketLike | null = null;
  /** Failed attempts since the last successful join. */
  #failures = 0;
  /** When the current outage started (for the policy's `elapsedMs`). */
  #lostAt = 0;
  #everJoined = false;
  #lastJoin: JoinInfo | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #joinTimer: ReturnType<typeof setTimeout> | undefined;
  #pendingConnect: Deferred | null = null;

  constructor(options: WebSocketTransportOptions) {
    super();
    this.#url = options.url;
    this.conversationId = options.conversationId;
    this.role = options.role;
    this.instance = options.instance ?? randomId();
    this.#token = options.token;
    // Looked up when connecting, not here: constructing works anywhere (Node 20 has no WebSocket).
    this.#WebSocket = options.WebSocket;
    this.#policy = options.reconnectPolicy ?? new DefaultReconnectPolicy();
    this.#joinTimeoutMs = options.joinTimeoutMs ?? 10_000;
    this.#session = new MemberSession(
      { conversationId: this.conversationId, role: this.role, instance: this.instance },
      (event, ...args) => this.emit(event, ...args),
      {
        joined: (info) => this.#onJoined(info),
        joinRefused: (code, message) => this.#onJoinRefused(code, message),
        usable: () => this.#state === 'open',
      },
      options.timings,
    );
    this.#liveness = new Liveness(
      { ...DEFAULT_LIVENESS, ...options.liveness },
      () => this.#socket?.send(PING_FRAME),
      () => this.#lost('no answer to ping: the connection is dead'),
    );
  }

  get state(): TransportState {
    return this.#state;
  }

  /** The latest join reply, or null before the first join. `resumed: false` after a reconnect means the server lost our seat. */
  get lastJoin(): JoinInfo | null {
    return this.#lastJoin;
  }

  /** Relayed messages not acknowledged by the other member yet. */
  get unacknowledged(): number {
    return this.#session.unacknowledged;
  }

  /**
   * Resolves once joined. A connection that cannot be established is retried under the reconnect
   * policy (state stays `connecting`); rejects when the server refuses the join (`error.code` is its
   * code), when the policy gives up (`connection-failed`) or when `close()` is called first (`invalid-state`).
   */
  connect(): Promise<void> {
    if (this.#state === 'closed') return Promise.reject(new TransportError('invalid-state', 'the transport is closed'));
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

  send(message: OutgoingMessage): number {
    return this.#session.send(message);
  }

  request<T extends RequestType>(message: Extract<RequestMessage, { type: T }>, options?: RequestOptions): Promise<ReplyOf<T>> {
    return this.#session.request(message, options);
  }

  /** Tells the server itself (`call-started`, `call-ended`, `ve-pin-revoke`); queued while down. */
  notifyServer(notice: ServerNotice): void {
    this.#session.notify(notice);
  }

  announce(call: CallAnnouncement | null): void {
    this.#session.announce(call);
  }

  /** Leaves the conversation (no grace period on the server) and stops for good. */
  close(): void {
    if (this.#state === 'closed') return;
    const socket = this.#socket;
    if (socket && this.#session.joined && socket.readyState === OPEN) socket.send(this.#session.leaveFrame());
    this.#shutDown(LOCAL_CLOSE_REASON, new TransportError('invalid-state', 'the transport was closed'));
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
      this.#session.attach((text) => {
        if (socket.readyState === OPEN) socket.send(text);
      });
      socket.send(this.#session.joinFrame(token));
      this.#liveness.start();
    };
    socket.onmessage = (event: { data: unknown }) => {
      if (socket !== this.#socket) return;
      this.#liveness.heard();
      if (typeof event.data === 'string') this.#session.receive(event.data);
      else this.emit('error', { code: 'invalid-message', message: 'the server sent a binary frame' });
    };
    socket.onclose = (event: { code: number; reason: string }) => {
      if (socket === this.#socket) this.#onSocketClosed(event.code, event.reason);
    };
    // A failed connection also fires `close`, which is where it is handled.
    socket.onerror = () => {};
    this.#joinTimer = setTimeout(() => {
      if (socket === this.#socket) this.#lost(`no join reply within ${this.#joinTimeoutMs} ms`);
    }, this.#joinTimeoutMs);
  }

  #onJoined(info: JoinInfo): void {
    clearTimeout(this.#joinTimer);
    this.#everJoined = true;
    this.#failures = 0;
    this.#lastJoin = info;
    this.#setState('open');
    const pending = this.#pendingConnect;
    this.#pendingConnect = null;
    pending?.resolve();
  }

  #onJoinRefused(code: ProtocolErrorCode, text: string): void {
    if (RETRYABLE_JOIN_ERRORS.has(code)) {
      this.#lost(`the server could not join us: ${text}`);
      return;
    }
    this.#fail(code, `the server refused to join: ${text}`);
  }

  #onSocketClosed(code: number, reason: string): void {
    if (code === CLOSE_CODES.replaced) {
      // Another connection took our seat; reconnecting would only take it back and start a tug of war.
      this.#dropSocket();
      this.#shutDown(`replaced: ${reason || 'joined again from another connection'}`, new TransportError('conversation-full', 'replaced by another connection'));
      return;
    }
    this.#lost(`the connection closed (${code}${reason ? ` ${reason}` : ''})`);
  }

  /** The connection is gone (closed, dead or never joined): drop it and retry. */
  #lost(reason: string): void {
    if (this.#state === 'closed') return;
    this.#dropSocket();
    this.#retry(reason);
  }

  #retry(reason: string): void {
    if (this.#failures === 0) this.#lostAt = Date.now();
    const delay = this.#policy.nextRetryDelayMs({ retryCount: this.#failures, elapsedMs: Date.now() - this.#lostAt });
    this.#failures += 1;
    if (delay === null) {
      this.#fail('connection-failed', `gave up after ${this.#failures - 1} retries: ${reason}`);
      return;
    }
    this.#setState(this.#everJoined ? 'reconnecting' : 'connecting');
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      if (this.#state !== 'closed') void this.#open();
    }, delay);
  }

  /** Closed for good after something the transport cannot recover from. */
  #fail(code: ProtocolErrorCode | 'connection-failed', message: string): void {
    this.#shutDown(message, new TransportError(code, message), { code, message });
  }

  #shutDown(reason: string, rejection: TransportError, error?: TransportEvents['error'][0]): void {
    clearTimeout(this.#retryTimer);
    this.#dropSocket();
    this.#session.shutDown(rejection);
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
    this.#liveness.stop();
    this.#session.detach();
    const socket = this.#socket;
    this.#socket = null;
    if (!socket) return;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    // Kept as a no-op: `ws` throws on an `error` event nobody listens to (closing while connecting emits one).
    socket.onerror = () => {};
    if (socket.readyState <= OPEN) socket.close(1000, 'client closed');
  }

  #setState(state: TransportState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit('statechange', state);
  }
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
