/**
 * The signaling strategy interface. The engine only ever talks to this; the SDK ships a WebSocket
 * implementation for the reference server and an in-memory one for tests and same-page use, and a
 * host with its own signaling implements the same shape.
 *
 * What a transport promises (docs/protocol.md, "Delivery"): messages to the other member arrive once
 * and in order, across dropped sockets, half-open sockets and server restarts (they are sequenced,
 * acknowledged and re-sent after any rejoin); requests are answered by their own reply or error.
 */
import type { TypedEmitter } from '../internal/typed-emitter.js';
import type {
  CallAnnouncement,
  MemberInfo,
  MessageOf,
  ParticipantRole,
  PayloadOf,
  ProtocolErrorCode,
  ReplyType,
  RequestType,
  SignalingMessage,
} from './protocol.js';

export type TransportState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Codes of `TransportError` and of the `error` event: the server's codes and the transport's own. */
export type TransportErrorCode = ProtocolErrorCode | 'connection-failed' | 'invalid-state' | 'timeout' | 'outbox-overflow';

/** What `connect()` and `request()` reject with and `send()` throws. `code` is stable; `message` is for humans. */
export class TransportError extends Error {
  override name = 'TransportError';
  readonly code: TransportErrorCode;

  constructor(code: TransportErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}

type Relayed = Exclude<
  SignalingMessage['type'],
  | 'join'
  | 'joined'
  | 'leave'
  | 'presence'
  | 'ping'
  | 'pong'
  | 'ack'
  | 'skip'
  | 'error'
  | 'call-started'
  | 'call-ended'
  | 'media-request'
  | 'media-response'
  | 've-pin-create'
  | 've-pin-redeem'
  | 've-pin-revoke'
  | 've-pin'
  | 've-pin-result'
  | 've-pin-status'
>;

/** What a transport sends to the other member: a relayed type and its payload (the transport adds the envelope). */
export type OutgoingMessage = { [K in Relayed]: { type: K; payload: PayloadOf<K> } }[Relayed];

/** What a client tells the server itself (consumed there, never relayed, answered only when refused). */
export type ServerNotice = { [K in 'call-started' | 'call-ended' | 've-pin-revoke']: { type: K; payload: PayloadOf<K> } }[
  'call-started' | 'call-ended' | 've-pin-revoke'
];

/** A request to the server, answered by its reply type (see `REPLY_TYPES`). */
export type RequestMessage = { [K in RequestType]: { type: K; payload: PayloadOf<K> } }[RequestType];

/** The reply that resolves `request()` for a request type. */
export type ReplyOf<T extends RequestType> = MessageOf<ReplyType<T>>;

export interface RequestOptions {
  /** Rejects with `timeout` when no reply came by then. Default 10 000 ms. */
  timeoutMs?: number;
}

/** Another member took its seat (again) or lost it, as the server (or hub) reports it. */
export interface PresenceEvent {
  readonly role: ParticipantRole;
  readonly present: boolean;
  /** The member's page instance (when present). A new instance means its previous page is gone. */
  readonly instance?: string;
  /** The call it announced when it (re)joined, if it is in one. */
  readonly call?: CallAnnouncement;
  /** Why it lost its seat: `left` on purpose, `timeout` after the grace period, `replaced` by a newer page. */
  readonly reason?: 'left' | 'timeout' | 'replaced';
}

/** What the server said in the latest `joined` reply. */
export interface JoinInfo {
  /** The seat was still held. False after a first join, after the grace period, or from a server that restarted. */
  readonly resumed: boolean;
  /** Every seated member, this one included. */
  readonly members: readonly MemberInfo[];
}

export interface TransportErrorEvent {
  code: TransportErrorCode;
  message: string;
  /** The refused message's sequence number, when the error answers one of this transport's `send()`s. */
  seq?: number;
}

/** The `close` event's reason when the transport's own `close()` closed it. */
export const LOCAL_CLOSE_REASON = 'closed';

export type TransportEvents = {
  /** A message from another member (once, in order) or one the server pushed (`from` absent). */
  message: [SignalingMessage];
  statechange: [TransportState];
  /** Joined (again): after every successful (re)join, before `presence` events for the members it lists. */
  joined: [JoinInfo];
  /** Another member's presence. Also reported after every (re)join for the members the join reply lists. */
  presence: [PresenceEvent];
  /**
   * Something went wrong. With `seq`: the server refused that relayed message of ours (it was not
   * delivered). Without: a problem of the connection itself. Request errors reject their `request()`.
   */
  error: [TransportErrorEvent];
  /**
   * Closed for good: `close()` was called (`reason` is `LOCAL_CLOSE_REASON`), or the server refused
   * to let us join, or another connection took our seat, or reconnecting gave up.
   */
  close: [{ reason: string }];
};

export interface SignalingTransport extends Pick<TypedEmitter<TransportEvents>, 'on' | 'once' | 'off'> {
  readonly state: TransportState;
  readonly role: ParticipantRole;
  readonly conversationId: string;
  /** This page's member instance: fresh for every transport, sent in every `join`. */
  readonly instance: string;
  /** Resolves once joined to the conversation; rejects if joining is refused. */
  connect(): Promise<void>;
  /**
   * Sends to the other member, reliably and in order: kept until acknowledged, re-sent after any
   * rejoin, delivered once. Returns the message's sequence number (an `error` event with the same
   * `seq` means the server refused it). Throws `TransportError` for what the server would refuse anyway.
   */
  send(message: OutgoingMessage): number;
  /**
   * Asks the server; resolves with its reply. Rejects with a `TransportError` carrying the server's
   * code when an `error` answers it, `timeout` when nothing does in time, `invalid-state` when closed.
   * Sent once joined (queued while not), and again after a rejoin if it was not answered yet.
   */
  request<T extends RequestType>(message: Extract<RequestMessage, { type: T }>, options?: RequestOptions): Promise<ReplyOf<T>>;
  /**
   * Optional: tells the server (not the other member) something, e.g. that this agent's call started
   * or ended, which the reference server uses for agent capacity. Queued while down. Transports without
   * a server to tell leave it out; the engine's default capacity reporter then reports nothing.
   */
  notifyServer?(notice: ServerNotice): void;
  /**
   * Optional: the call this member is in (or null), announced in every later (re)join so the server
   * and the other member can reconcile after a drop or a server restart.
   */
  announce?(call: CallAnnouncement | null): void;
  /** Leaves the conversation (the other member is told at once) and releases everything; cannot be reused. */
  close(): void;
}
