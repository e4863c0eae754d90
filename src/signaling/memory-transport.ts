/**
 * An in-memory signaling hub: the reference server's conversation semantics without a network, for
 * tests and for two engines on one page. Every frame crosses the hub as JSON text and is parsed with
 * `parseMessage` on the way in and on the way out, so it is validated exactly as on the wire;
 * delivery is asynchronous and in order. The transports run the same `MemberSession` as
 * `WebSocketTransport`, so sequencing, acknowledgements and re-sends are the real ones.
 *
 * Differences from the server, on purpose: no tokens (a member's identity is the `subject` given to
 * `createTransport`, by default unique to that transport), and `close()` leaves at once.
 * `disconnect()` / `reconnect()` simulate a network drop and recovery, `restart()` a server that
 * restarts with empty memory.
 */
import { TypedEmitter } from '../internal/typed-emitter.js';
import { MemberSession, otherRole } from './member-session.js';
import { RELAYED_TYPES, REPLY_TYPES, REQUEST_TYPES, SERVER_TYPES, createMessage, parseMessage, randomId } from './protocol.js';
import type { CallAnnouncement, MemberInfo, MessageType, ParticipantRole, PayloadOf, ProtocolErrorCode, RequestType, SignalingMessage } from './protocol.js';
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
import type { MemberSessionTimings } from './member-session.js';

/** Who sent a server-bound message to the hub. */
export interface MemoryMember {
  readonly conversationId: string;
  readonly role: ParticipantRole;
}

/** A hub's answer to a request: the reply's payload, or an error code. */
export type MemoryReply = { payload: Record<string, unknown> } | { code: ProtocolErrorCode; message: string };

export interface MemoryHubOptions {
  /** How long a dropped member keeps its seat (see `disconnect`). Default 15000 ms, as on the server. */
  resumeGraceMs?: number;
  /** Receives what members tell the server itself (`call-started`, `call-ended`, ...); the hub relays none of it. */
  onNotice?: (message: SignalingMessage, member: MemoryMember) => void;
  /**
   * Answers requests (`media-request`, ...) with the reply's payload (e.g. `{ callId, payload }` for
   * `media-response`) or an error code. Default: `media-unavailable` (peer-to-peer), `forbidden` otherwise.
   */
  onRequest?: (message: SignalingMessage, member: MemoryMember) => MemoryReply;
  /** Timings of the transports' sessions (acknowledgement delay, re-send safety net, request timeout). */
  timings?: Partial<MemberSessionTimings>;
}

/** Hub -> transport. Internal wiring; exported only because the constructor's signature names it. */
export interface MemoryTransportPort {
  /** A frame, as it would arrive from the server. */
  receive(text: string): void;
  dropped(): void;
  reconnect(): void;
  /** Replaced by a newer transport of the same identity: stop for good. */
  replaced(): void;
  close(): void;
}

/** Transport -> hub. Internal wiring, see MemoryTransportPort. */
export interface MemoryHubLink {
  /** Opens a connection; frames then go through `send`. */
  open(): void;
  send(text: string): void;
  /** Leaves at once (no grace period) and detaches for good. */
  leave(): void;
}

interface Entry {
  readonly conversationId: string;
  readonly role: ParticipantRole;
  readonly subject: string;
  readonly port: MemoryTransportPort;
  /** A connection is open (it may not have joined yet). */
  connected: boolean;
  /** Dropped by `disconnect()` / `restart()` and not back yet. */
  dropped: boolean;
}

interface Seat {
  entry: Entry;
  instance: string;
  call: CallAnnouncement | undefined;
  connected: boolean;
  graceTimer: ReturnType<typeof setTimeout> | undefined;
}

export class MemoryHub {
  readonly #conversations = new Map<string, Map<ParticipantRole, Seat>>();
  readonly #entries = new Set<Entry>();
  readonly #graceMs: number;
  readonly #onNotice: MemoryHubOptions['onNotice'];
  readonly #onRequest: MemoryHubOptions['onRequest'];
  readonly #timings: Partial<MemberSessionTimings> | undefined;

  constructor(options: MemoryHubOptions = {}) {
    this.#graceMs = options.resumeGraceMs ?? 15_000;
    this.#onNotice = options.onNotice;
    this.#onRequest = options.onRequest;
    this.#timings = options.timings;
  }

  createTransport(options: { conversationId: string; role: ParticipantRole; subject?: string; instance?: string }): MemoryTransport {
    const subject = options.subject ?? randomId();
    return new MemoryTransport({ ...options, ...(this.#timings ? { timings: this.#timings } : {}) }, (port) =>
      this.#attach(options.conversationId, options.role, subject, port),
    );
  }

  /**
   * Simulates a network drop of the member's transport: it goes `reconnecting`; the hub keeps its
   * seat for the grace period. Returns whether a connected member was found.
   */
  disconnect(role: ParticipantRole, conversationId: string): boolean {
    const seat = this.#conversations.get(conversationId)?.get(role);
    if (!seat?.connected) return false;
    this.#drop(seat.entry);
    seat.connected = false;
    seat.graceTimer = setTimeout(() => this.#unseat(seat, 'timeout'), this.#graceMs);
    return true;
  }

  /** Brings a dropped transport back: it joins again (resumed within the grace period). Returns whether one was found. */
  reconnect(role: ParticipantRole, conversationId: string): boolean {
    const entry = [...this.#entries].find((e) => e.dropped && e.role === role && e.conversationId === conversationId);
    if (!entry) return false;
    entry.dropped = false;
    entry.port.reconnect();
    return true;
  }

  /**
   * Delivers a message as the server would push it to one seated, connected member (a server-side
   * media session's `media-signal`, a `supervisor` notice). Returns whether it was delivered.
   */
  push(conversationId: string, role: ParticipantRole, message: SignalingMessage): boolean {
    const seat = this.#conversations.get(conversationId)?.get(role);
    if (!seat?.connected) return false;
    this.#reply(seat.entry, message);
    return true;
  }

  /** Simulates a server restart: every connection drops and every seat is forgotten, with no word to anyone. */
  restart(): void {
    for (const seats of this.#conversations.values()) for (const seat of seats.values()) clearTimeout(seat.graceTimer);
    this.#conversations.clear();
    for (const entry of this.#entries) if (entry.connected) this.#drop(entry);
  }

  /** Brings every dropped transport back (after `restart()`). */
  reconnectAll(): void {
    for (const entry of [...this.#entries]) {
      if (!entry.dropped) continue;
      entry.dropped = false;
      entry.port.reconnect();
    }
  }

  /** Roles seated in a conversation (connected or within their grace period). */
  presentRoles(conversationId: string): ParticipantRole[] {
    return [...(this.#conversations.get(conversationId)?.keys() ?? [])];
  }

  /** Closes every transport of the hub and stops its timers. */
  dispose(): void {
    for (const entry of [...this.#entries]) entry.port.close();
    for (const seats of this.#conversations.values()) for (const seat of seats.values()) clearTimeout(seat.graceTimer);
    this.#conversations.clear();
  }

  #attach(conversationId: string, role: ParticipantRole, subject: string, port: MemoryTransportPort): MemoryHubLink {
    const entry: Entry = { conversationId, role, subject, port, connected: false, dropped: false };
    this.#entries.add(entry);
    return {
      open: () => {
        entry.connected = true;
      },
      send: (text) => queueMicrotask(() => entry.connected && this.#route(entry, text)),
      leave: () => {
        this.#entries.delete(entry);
        entry.connected = false;
        const seat = this.#seatOf(entry);
        if (seat) this.#unseat(seat, 'left');
      },
    };
  }

  #drop(entry: Entry): void {
    entry.connected = false;
    entry.dropped = true;
    entry.port.dropped();
  }

  #seatOf(entry: Entry): Seat | undefined {
    const seat = this.#conversations.get(entry.conversationId)?.get(entry.role);
    return seat?.entry === entry ? seat : undefined;
  }

  /** What the server does with a frame from a connection. */
  #route(from: Entry, text: string): void {
    const parsed = parseMessage(text);
    if (!parsed.ok) {
      this.#reply(from, createMessage('error', errorPayload(parsed.code, parsed.detail, parsed.seq), refFields(parsed.id)));
      return;
    }
    const message = parsed.message;
    if (SERVER_TYPES.has(message.type) || message.from !== undefined) {
      this.#refuse(from, message, 'forbidden', `only the server sends ${message.from === undefined ? message.type : 'from'}`);
      return;
    }
    if (message.type === 'join') {
      this.#join(from, message.payload, message.id);
      return;
    }
    const seat = this.#seatOf(from);
    if (!seat?.connected) {
      this.#refuse(from, message, 'not-joined', 'send join before anything else');
      return;
    }
    const member = { conversationId: from.conversationId, role: from.role };
    if (message.type === 'ping') {
      this.#reply(from, createMessage('pong', {}));
    } else if (message.type === 'leave') {
      this.#unseat(seat, 'left');
    } else if (message.type === 'ack' || RELAYED_TYPES.has(message.type)) {
      if (message.type !== 'ack' && message.seq === undefined) {
        this.#refuse(from, message, 'invalid-message', 'relayed messages carry their seq');
        return;
      }
      // Forwarded as sent, like the server does.
      for (const [role, other] of this.#conversations.get(from.conversationId) ?? []) {
        if (role !== from.role && other.connected) this.#reply(other.entry, text);
      }
    } else if (REQUEST_TYPES.has(message.type)) {
      this.#answer(from, message, member);
    } else {
      this.#onNotice?.(message, member);
    }
  }

  #join(entry: Entry, payload: PayloadOf<'join'>, id: number | undefined): void {
    const refs = refFields(id);
    if (payload.conversationId !== entry.conversationId || payload.role !== entry.role) {
      this.#reply(entry, createMessage('error', { code: 'forbidden', message: 'this transport joins its own conversation and role' }, refs));
      return;
    }
    let seats = this.#conversations.get(entry.conversationId);
    if (!seats) {
      seats = new Map();
      this.#conversations.set(entry.conversationId, seats);
    }
    const seat = seats.get(entry.role);
    if (seat && seat.entry.subject !== entry.subject) {
      this.#reply(entry, createMessage('error', { code: 'conversation-full', message: `the conversation already has another ${entry.role}` }, refs));
      return;
    }
    const resumed = seat !== undefined && seat.instance === payload.instance;
    if (seat && seat.entry !== entry) {
      // The same identity from a newer page: the old transport stops for good.
      seat.entry.connected = false;
      seat.entry.port.replaced();
    }
    if (seat) clearTimeout(seat.graceTimer);
    const taken: Seat = { entry, instance: payload.instance, call: payload.call, connected: true, graceTimer: undefined };
    seats.set(entry.role, taken);
    const members: MemberInfo[] = [...seats.entries()].map(([role, s]) => ({ role, instance: s.instance, ...(s.call ? { call: s.call } : {}) }));
    this.#reply(entry, createMessage('joined', { conversationId: entry.conversationId, role: entry.role, members, resumed }, { replyTo: id ?? 0 }));
    this.#tellOthers(entry.conversationId, entry.role, {
      role: entry.role,
      present: true,
      instance: payload.instance,
      ...(payload.call ? { call: payload.call } : {}),
    });
  }

  #answer(from: Entry, message: SignalingMessage, member: MemoryMember): void {
    const reply: MemoryReply = this.#onRequest
      ? this.#onRequest(message, member)
      : message.type === 'media-request'
        ? { code: 'media-unavailable', message: 'peer-to-peer media: there is no server-side media session' }
        : { code: 'forbidden', message: `this hub does not answer ${message.type}` };
    const replyTo = { replyTo: message.id ?? 0 };
    if ('code' in reply) {
      this.#reply(from, createMessage('error', { code: reply.code, message: reply.message }, replyTo));
      return;
    }
    const text = JSON.stringify(createMessage(replyTypeOf(message.type as RequestType) as 've-pin', reply.payload as never, replyTo));
    // A bad answer from the host's handler is the hub's failure, told as the server tells its own.
    if (parseMessage(text).ok) this.#reply(from, text);
    else this.#reply(from, createMessage('error', { code: 'internal', message: `the onRequest answer to ${message.type} is not a valid reply` }, replyTo));
  }

  #unseat(seat: Seat, reason: 'left' | 'timeout'): void {
    const { conversationId, role } = seat.entry;
    const seats = this.#conversations.get(conversationId);
    if (seats?.get(role) !== seat) return;
    clearTimeout(seat.graceTimer);
    seats.delete(role);
    if (seats.size === 0) this.#conversations.delete(conversationId);
    this.#tellOthers(conversationId, role, { role, present: false, reason });
  }

  #tellOthers(conversationId: string, role: ParticipantRole, payload: PayloadOf<'presence'>): void {
    const text = JSON.stringify(createMessage('presence', payload));
    for (const [other, seat] of this.#conversations.get(conversationId) ?? []) {
      if (other !== role && seat.connected) this.#reply(seat.entry, text);
    }
  }

  #refuse(to: Entry, message: SignalingMessage, code: ProtocolErrorCode, detail: string): void {
    this.#reply(to, createMessage('error', errorPayload(code, detail, message.seq), refFields(message.id)));
  }

  /** Delivers on a microtask, in order, to a connection that is still open then. */
  #reply(to: Entry, message: SignalingMessage | string): void {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    queueMicrotask(() => {
      if (to.connected) to.port.receive(text);
    });
  }
}

function errorPayload(code: ProtocolErrorCode, message: string, seq: number | undefined): PayloadOf<'error'> {
  return seq === undefined ? { code, message } : { code, message, seq };
}

function refFields(id: number | undefined): { replyTo?: number } {
  return id === undefined ? {} : { replyTo: id };
}

function replyTypeOf(type: RequestType): MessageType {
  return REPLY_TYPES[type];
}

/** A SignalingTransport connected to a MemoryHub. Create it with `hub.createTransport()`. */
export class MemoryTransport extends TypedEmitter<TransportEvents> implements SignalingTransport {
  readonly role: ParticipantRole;
  readonly conversationId: string;
  readonly instance: string;
  readonly #link: MemoryHubLink;
  readonly #session: MemberSession;
  #state: TransportState = 'idle';
  #everJoined = false;
  #lastJoin: JoinInfo | null = null;
  #pendingConnect: { resolve: () => void; reject: (error: TransportError) => void; promise: Promise<void> } | null = null;

  constructor(
    options: { conversationId: string; role: ParticipantRole; instance?: string; timings?: Partial<MemberSessionTimings> },
    attach: (port: MemoryTransportPort) => MemoryHubLink,
  ) {
    super();
    this.role = options.role;
    this.conversationId = options.conversationId;
    this.instance = options.instance ?? randomId();
    this.#session = new MemberSession(
      { conversationId: this.conversationId, role: this.role, instance: this.instance },
      (event, ...args) => this.emit(event, ...args),
      {
        joined: (info) => this.#onJoined(info),
        joinRefused: (code, message) => {
          this.#link.leave();
          this.#shutDown(`the hub refused to join: ${message}`, new TransportError(code, message), { code, message });
        },
        usable: () => this.#state === 'open',
      },
      options.timings,
    );
    this.#link = attach({
      receive: (text) => {
        if (this.#state !== 'closed') this.#session.receive(text);
      },
      dropped: () => {
        this.#session.detach();
        if (this.#state === 'open' || this.#state === 'connecting') this.#setState(this.#everJoined ? 'reconnecting' : 'connecting');
      },
      reconnect: () => {
        if (this.#state === 'reconnecting' || this.#state === 'connecting') this.#open();
      },
      replaced: () => {
        this.#session.detach();
        this.#shutDown('replaced: joined again from another transport', new TransportError('conversation-full', 'replaced by another transport'));
      },
      close: () => this.close(),
    });
  }

  get state(): TransportState {
    return this.#state;
  }

  get lastJoin(): JoinInfo | null {
    return this.#lastJoin;
  }

  /** Relayed messages not acknowledged by the other member yet. */
  get unacknowledged(): number {
    return this.#session.unacknowledged;
  }

  /** Resolves once seated; rejects with code `conversation-full` if the role is taken by another identity, `invalid-state` if closed. */
  connect(): Promise<void> {
    if (this.#state === 'closed') return Promise.reject(new TransportError('invalid-state', 'the transport is closed'));
    if (this.#state === 'open') return Promise.resolve();
    if (this.#pendingConnect) return this.#pendingConnect.promise;
    let resolve!: () => void;
    let reject!: (error: TransportError) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#pendingConnect = { promise, resolve, reject };
    if (this.#state === 'idle') {
      this.#setState('connecting');
      this.#open();
    }
    return promise;
  }

  send(message: OutgoingMessage): number {
    return this.#session.send(message);
  }

  request<T extends RequestType>(message: Extract<RequestMessage, { type: T }>, options?: RequestOptions): Promise<ReplyOf<T>> {
    return this.#session.request(message, options);
  }

  /** Same contract as WebSocketTransport.notifyServer; the hub hands it to `MemoryHubOptions.onNotice`. */
  notifyServer(notice: ServerNotice): void {
    this.#session.notify(notice);
  }

  announce(call: CallAnnouncement | null): void {
    this.#session.announce(call);
  }

  close(): void {
    if (this.#state === 'closed') return;
    this.#link.leave();
    this.#shutDown(LOCAL_CLOSE_REASON, new TransportError('invalid-state', 'the transport was closed'));
  }

  #open(): void {
    this.#link.open();
    this.#session.attach((text) => this.#link.send(text));
    // A token-less join; the hub checks conversation and role.
    this.#link.send(this.#session.joinFrame('memory'));
  }

  #onJoined(info: JoinInfo): void {
    this.#lastJoin = info;
    this.#everJoined = true;
    this.#setState('open');
    const pending = this.#pendingConnect;
    this.#pendingConnect = null;
    pending?.resolve();
  }

  #shutDown(reason: string, rejection: TransportError, error?: TransportEvents['error'][0]): void {
    this.#session.shutDown(rejection);
    this.#setState('closed');
    const pending = this.#pendingConnect;
    this.#pendingConnect = null;
    pending?.reject(rejection);
    if (error) this.emit('error', error);
    this.emit('close', { reason });
  }

  #setState(state: TransportState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit('statechange', state);
  }
}

export { otherRole };
