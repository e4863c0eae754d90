/**
 * The signaling strategy interface. The engine only ever talks to this; the SDK ships a WebSocket
 * implementation for the reference server and an in-memory one for tests and same-page use, and a
 * host with its own signaling implements the same shape.
 */
import type { TypedEmitter } from '../internal/typed-emitter.js';
import type { ParticipantRole, ProtocolErrorCode, SignalingMessage } from './protocol.js';

export type TransportState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** What a transport sends: the envelope without the fields the transport fills in itself. */
export type OutgoingMessage = {
  [K in SignalingMessage['type']]: { type: K; payload: Extract<SignalingMessage, { type: K }>['payload'] };
}[SignalingMessage['type']];

/** What a client tells the server itself (consumed there, never relayed): see `SERVER_BOUND_TYPES`. */
export type ServerNotice = Extract<
  OutgoingMessage,
  { type: 'call-started' | 'call-ended' | 've-pin-create' | 've-pin-redeem' | 've-pin-revoke' }
>;

export type TransportEvents = {
  /** A validated message from the other member or from the server. */
  message: [SignalingMessage];
  statechange: [TransportState];
  /** The other member's presence as the server (or hub) sees it. */
  presence: [{ role: ParticipantRole; present: boolean }];
  /** Something went wrong that the transport could not recover by itself. */
  error: [{ code: ProtocolErrorCode | 'connection-failed'; message: string }];
  /** Closed for good: `close()` was called, or the server refused to let us join. */
  close: [{ reason: string }];
};

export interface SignalingTransport extends Pick<TypedEmitter<TransportEvents>, 'on' | 'once' | 'off'> {
  readonly state: TransportState;
  readonly role: ParticipantRole;
  readonly conversationId: string;
  /** Resolves once joined to the conversation; rejects if joining is refused. */
  connect(): Promise<void>;
  /** Sends to the other member. Messages sent while reconnecting are queued and delivered in order. */
  send(message: OutgoingMessage): void;
  /** Leaves the conversation and releases everything; the transport cannot be reused. */
  close(): void;
  /**
   * Optional: tells the server (not the other member) something, e.g. that this agent's call started
   * or ended, which the reference server uses for agent capacity. Queued like `send` while down.
   * Transports without a server to tell leave it out; the engine's default capacity reporter then
   * reports nothing.
   */
  notifyServer?(notice: ServerNotice): void;
}
