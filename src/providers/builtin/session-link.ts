/**
 * One visual-engagement session's slice of the conversation's signaling: sends the session's relayed
 * `ve-*` messages (filling in `sessionId`) and hands over only the messages of this session.
 */
import { VISUAL_SESSION_TYPES, type MessageOf, type MessageType, type ParticipantRole, type PayloadOf } from '../../signaling/protocol.js';
import type { OutgoingMessage, SignalingTransport } from '../../signaling/transport.js';

export type SessionMessageType = (typeof VISUAL_SESSION_TYPES)[number];

export type SessionMessage = { [T in SessionMessageType]: MessageOf<T> }[SessionMessageType];

const SESSION_TYPES: ReadonlySet<MessageType> = new Set<MessageType>(VISUAL_SESSION_TYPES);

export function isSessionMessage(message: { type: MessageType }): message is SessionMessage {
  return SESSION_TYPES.has(message.type);
}

export class SessionLink {
  readonly transport: SignalingTransport;
  readonly sessionId: string;
  readonly #offs: Array<() => void> = [];
  #closed = false;

  constructor(transport: SignalingTransport, sessionId: string) {
    this.transport = transport;
    this.sessionId = sessionId;
  }

  /** Sends one of the session's messages; returns false (nothing sent) if the transport refused it. */
  send<T extends SessionMessageType>(type: T, payload: Omit<PayloadOf<T>, 'sessionId'>): boolean {
    if (this.#closed) return false;
    try {
      this.transport.send({ type, payload: { ...payload, sessionId: this.sessionId } } as unknown as OutgoingMessage);
      return true;
    } catch {
      return false;
    }
  }

  /** Messages of this session from the other member. */
  onMessage(listener: (message: SessionMessage) => void): void {
    this.#offs.push(
      this.transport.on('message', (message) => {
        if (this.#closed || message.from === this.transport.role || !isSessionMessage(message)) return;
        if (message.payload.sessionId === this.sessionId) listener(message);
      }),
    );
  }

  /**
   * The other member lost its seat for good (`present: false`: it left, or its grace period ran out)
   * or took it again. An empty seat found on a rejoin (a restarted server, say) is not a departure.
   */
  onPresence(listener: (presence: { role: ParticipantRole; present: boolean }) => void): void {
    this.#offs.push(
      this.transport.on('presence', (presence) => {
        if (this.#closed || (!presence.present && presence.reason === undefined)) return;
        listener({ role: presence.role, present: presence.present });
      }),
    );
  }

  /** The conversation's transport closed for good. */
  onClose(listener: () => void): void {
    this.#offs.push(this.transport.on('close', () => !this.#closed && listener()));
  }

  /** Stops listening and sending. */
  close(): void {
    this.#closed = true;
    for (const off of this.#offs.splice(0)) off();
  }
}

/** The agent sessions of built-in providers that are live on each transport (any provider). */
const liveAgentSessions = new WeakMap<SignalingTransport, Set<string>>();
const watchedTransports = new WeakSet<SignalingTransport>();

/**
 * Agent side of the built-in providers: marks `sessionId` live on `transport` until the returned
 * function is called. While any built-in session has lived on the transport, customer messages about
 * a session the agent does not know (its page was reloaded, the session ended meanwhile) are answered
 * once with `ve-end {reason: 'unknown-session'}`, so the customer's side stops instead of sharing with
 * nobody.
 */
export function registerAgentSession(transport: SignalingTransport, sessionId: string): () => void {
  let live = liveAgentSessions.get(transport);
  if (!live) {
    live = new Set();
    liveAgentSessions.set(transport, live);
  }
  live.add(sessionId);
  watchUnknownSessions(transport);
  return () => live.delete(sessionId);
}

/** Starts answering messages of unknown sessions on an agent's transport (idempotent). */
export function watchUnknownSessions(transport: SignalingTransport): void {
  if (watchedTransports.has(transport) || transport.role !== 'agent') return;
  watchedTransports.add(transport);
  answerUnknownSessions(transport, (sessionId) => liveAgentSessions.get(transport)?.has(sessionId) ?? false);
}

/**
 * Answers the customer's messages about sessions `isLive` does not know, once per session, with
 * `ve-end {reason: 'unknown-session'}`. Returns the function that stops. Before the built-in
 * providers' code is loaded no session can be live, and this runs with `() => false`.
 */
export function answerUnknownSessions(transport: SignalingTransport, isLive: (sessionId: string) => boolean): () => void {
  const answered = new Set<string>();
  return transport.on('message', (message) => {
    if (message.from !== 'customer' || !isSessionMessage(message)) return;
    if (message.type === 've-end' || message.type === 've-decline' || message.type === 've-control-result') return;
    const sessionId = message.payload.sessionId;
    if (isLive(sessionId) || answered.has(sessionId)) return;
    answered.add(sessionId);
    try {
      transport.send({ type: 've-end', payload: { sessionId, reason: 'unknown-session' } });
    } catch {
      // The transport is closing: nobody to tell.
    }
  });
}
