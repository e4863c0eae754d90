/**
 * The client half of protocol v2 that does not depend on how frames travel: joining, the reliable
 * stream to the other member (`ReliableChannel`), requests and their replies, notices, presence and
 * the call announcement. `WebSocketTransport` and `MemoryTransport` each own one and only move text:
 * `attach()` when a connection opens, `receive()` every frame, `detach()` when it is lost.
 *
 * Relayed messages are transmitted only while joined and while the other member holds a seat; when
 * it (re)takes its seat, or we rejoin and find it there, everything unacknowledged goes out again.
 */
import {
  PROTOCOL_VERSION,
  RELAYED_TYPES,
  REPLY_TYPES,
  REQUEST_TYPES,
  NOTICE_TYPES,
  SERVER_PUSH_TYPES,
  createMessage,
  parseMessage,
  relayedFrame,
} from './protocol.js';
import type { CallAnnouncement, MessageOf, MessageType, ParticipantRole, ProtocolErrorCode, RequestType, SignalingMessage } from './protocol.js';
import { ReliableChannel } from './reliable-channel.js';
import { TransportError } from './transport.js';
import type {
  JoinInfo,
  OutgoingMessage,
  ReplyOf,
  RequestMessage,
  RequestOptions,
  ServerNotice,
  TransportErrorCode,
  TransportEvents,
} from './transport.js';

export interface MemberSessionTimings {
  /** An acknowledgement waits this long for a frame of ours to ride on before it goes out alone. Default 100 ms. */
  ackDelayMs: number;
  /** Unacknowledged messages with no progress for this long are sent again (doubling, up to 60 s). Default 5000 ms. */
  retransmitMs: number;
  /** Default `request()` timeout. Default 10 000 ms. */
  requestTimeoutMs: number;
}

/** The owning transport's `emit`. */
export type EmitTransportEvent = <K extends keyof TransportEvents>(event: K, ...args: TransportEvents[K]) => void;

export interface MemberSessionHooks {
  /** The join succeeded: the transport goes `open` (and resolves `connect()`) before anything is emitted. */
  joined(info: JoinInfo): void;
  /** The server refused the join with `code`. */
  joinRefused(code: ProtocolErrorCode, message: string): void;
  /** Whether the transport is still usable after a hook or a listener ran (it may have been closed). */
  usable(): boolean;
}

interface PendingRequest {
  readonly text: string;
  readonly replyType: MessageType;
  readonly resolve: (reply: SignalingMessage) => void;
  readonly reject: (error: TransportError) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

const DEFAULT_TIMINGS: MemberSessionTimings = { ackDelayMs: 100, retransmitMs: 5_000, requestTimeoutMs: 10_000 };
const MAX_RETRANSMIT_MS = 60_000;
/** Notices queued while disconnected beyond this are dropped oldest first (the next join's announcement reconciles). */
const NOTICE_QUEUE_LIMIT = 100;
const ACK_FRAME = (ack: number) => `{"v":${PROTOCOL_VERSION},"type":"ack","ack":${ack},"payload":{}}`;

export class MemberSession {
  readonly conversationId: string;
  readonly role: ParticipantRole;
  readonly instance: string;
  readonly #events: { emit: EmitTransportEvent };
  readonly #hooks: MemberSessionHooks;
  readonly #timings: MemberSessionTimings;
  readonly #channel = new ReliableChannel();
  readonly #requests = new Map<number, PendingRequest>();
  #link: ((text: string) => void) | null = null;
  #joined = false;
  #joinId: number | null = null;
  #peerPresent = false;
  #nextId = 1;
  #notices: string[] = [];
  #announcement: CallAnnouncement | null = null;
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  #retransmitTimer: ReturnType<typeof setTimeout> | undefined;
  #retransmitMs: number;
  /** The oldest unacknowledged seq when the retransmit timer was armed: unchanged at expiry means no progress. */
  #retransmitMark = 0;
  #closed = false;

  constructor(
    identity: { conversationId: string; role: ParticipantRole; instance: string },
    emit: EmitTransportEvent,
    hooks: MemberSessionHooks,
    timings: Partial<MemberSessionTimings> = {},
  ) {
    this.conversationId = identity.conversationId;
    this.role = identity.role;
    this.instance = identity.instance;
    this.#events = { emit };
    this.#hooks = hooks;
    this.#timings = { ...DEFAULT_TIMINGS, ...timings };
    this.#retransmitMs = this.#timings.retransmitMs;
  }

  get joined(): boolean {
    return this.#joined;
  }

  /** Relayed messages not acknowledged yet (for diagnostics and tests). */
  get unacknowledged(): number {
    return this.#channel.pending.length;
  }

  /** A connection opened (not joined yet): frames go out through `send`. */
  attach(send: (text: string) => void): void {
    this.#link = send;
    this.#joined = false;
  }

  /** The connection is gone: nothing goes out until the next `attach` and join. */
  detach(): void {
    this.#link = null;
    this.#joined = false;
    this.#joinId = null;
    this.#peerPresent = false;
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    clearTimeout(this.#retransmitTimer);
    this.#retransmitTimer = undefined;
  }

  /** The `join` frame for the attached connection, announcing the current call. */
  joinFrame(token: string): string {
    const id = this.#nextId++;
    this.#joinId = id;
    const payload = {
      conversationId: this.conversationId,
      role: this.role,
      token,
      instance: this.instance,
      ...(this.#announcement ? { call: this.#announcement } : {}),
    };
    return JSON.stringify(createMessage('join', payload, { id }));
  }

  leaveFrame(): string {
    return JSON.stringify(createMessage('leave', {}));
  }

  announce(call: CallAnnouncement | null): void {
    this.#announcement = call ? { ...call } : null;
  }

  send(message: OutgoingMessage): number {
    this.#assertOpen();
    const type: MessageType = message.type;
    if (!RELAYED_TYPES.has(type) || (type as string) === 'skip') {
      throw new TransportError('forbidden', `${type} messages cannot be sent to the other member`);
    }
    const payloadJson = JSON.stringify(message.payload);
    // Checked exactly as the server will check it, so nothing is sent that would be refused.
    const checked = parseMessage(relayedFrame(type, 1, undefined, payloadJson));
    if (!checked.ok) throw new TransportError(checked.code, `refusing to send ${type}: ${checked.detail}`);
    const { entry, dropped } = this.#channel.enqueue(type, payloadJson);
    if (dropped > 0) {
      this.#events.emit('error', { code: 'outbox-overflow', message: `${dropped} unacknowledged message(s) were dropped: the other member has not acknowledged for too long` });
    }
    if (this.#canRelay()) {
      this.#link!(this.#channel.frame(entry));
      this.#armRetransmit();
    }
    return entry.seq;
  }

  notify(notice: ServerNotice): void {
    this.#assertOpen();
    if (!NOTICE_TYPES.has(notice.type)) throw new TransportError('forbidden', `${notice.type} is not a notice for the server`);
    const text = this.#checked(createMessage(notice.type as 'call-ended', notice.payload as never) as SignalingMessage);
    if (this.#joined && this.#link) this.#link(text);
    else {
      this.#notices.push(text);
      if (this.#notices.length > NOTICE_QUEUE_LIMIT) this.#notices.shift();
    }
  }

  request<T extends RequestType>(message: Extract<RequestMessage, { type: T }>, options: RequestOptions = {}): Promise<ReplyOf<T>> {
    if (this.#closed) return Promise.reject(new TransportError('invalid-state', 'the transport is closed'));
    const type: MessageType = message.type;
    if (!REQUEST_TYPES.has(type)) return Promise.reject(new TransportError('forbidden', `${type} is not a request`));
    const id = this.#nextId++;
    let text: string;
    try {
      text = this.#checked(createMessage(type as 'media-request', message.payload as never, { id }) as SignalingMessage);
    } catch (error) {
      return Promise.reject(error);
    }
    const timeoutMs = options.timeoutMs ?? this.#timings.requestTimeoutMs;
    return new Promise<ReplyOf<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#requests.delete(id);
        reject(new TransportError('timeout', `no answer to ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#requests.set(id, {
        text,
        replyType: REPLY_TYPES[message.type],
        resolve: resolve as (reply: SignalingMessage) => void,
        reject,
        timer,
      });
      if (this.#joined && this.#link) this.#link(text);
    });
  }

  /**
   * Handles one frame from the server. Returns false when it was not a valid message (already
   * reported as an `error` event).
   */
  receive(text: string): boolean {
    const parsed = parseMessage(text);
    if (!parsed.ok) {
      this.#events.emit('error', { code: parsed.code, message: `the server sent an invalid message: ${parsed.detail}` });
      return false;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'joined':
        if (message.replyTo === this.#joinId && !this.#joined) this.#onJoined(message);
        return true;
      case 'presence':
        this.#onPresence(message);
        return true;
      case 'error':
        this.#onError(message);
        return true;
      case 'pong':
        return true;
      case 'ack':
        if (message.from !== this.role && message.ack !== undefined) this.#onAck(message.ack);
        return true;
      default:
        break;
    }
    if (message.seq !== undefined) {
      // Relayed from the other member (the server forwards it as it was sent, without `from`).
      if (RELAYED_TYPES.has(message.type) && (message.from === undefined || message.from !== this.role)) {
        message.from ??= otherRole(this.role);
        this.#onRelayed(message);
      } else {
        this.#events.emit('error', { code: 'invalid-message', message: `unexpected ${message.type} message with a seq` });
      }
      return true;
    }
    if (message.replyTo !== undefined) {
      const pending = this.#requests.get(message.replyTo);
      if (pending && pending.replyType === message.type) {
        this.#settle(message.replyTo);
        pending.resolve(message);
      }
      return true;
    }
    if (SERVER_PUSH_TYPES.has(message.type)) {
      this.#events.emit('message', message);
      return true;
    }
    this.#events.emit('error', { code: 'invalid-message', message: `unexpected ${message.type} message from the server` });
    return true;
  }

  /** Stops for good: pending requests reject with `error`, timers stop. */
  shutDown(error: TransportError): void {
    if (this.#closed) return;
    this.detach();
    this.#closed = true;
    this.#notices = [];
    for (const id of [...this.#requests.keys()]) {
      const pending = this.#requests.get(id)!;
      this.#settle(id);
      pending.reject(error);
    }
  }

  #onJoined(message: MessageOf<'joined'>): void {
    this.#joined = true;
    const info: JoinInfo = { resumed: message.payload.resumed, members: message.payload.members };
    this.#hooks.joined(info);
    if (!this.#hooks.usable()) return;
    this.#events.emit('joined', info);
    if (!this.#hooks.usable() || !this.#link) return;
    for (const text of this.#notices.splice(0)) this.#link(text);
    // Requests not answered yet go out (again): the reply may have been lost with the old connection.
    for (const pending of this.#requests.values()) this.#link(pending.text);
    const others = message.payload.members.filter((member) => member.role !== this.role);
    for (const member of others) this.#peerJoined(member.role, member.instance, member.call, undefined);
    if (others.length === 0) this.#events.emit('presence', { role: otherRole(this.role), present: false });
    if (this.#channel.ackDue) this.#scheduleAck();
  }

  #onPresence(message: MessageOf<'presence'>): void {
    const { role, present, instance, call, reason } = message.payload;
    if (role === this.role) return;
    if (present && instance !== undefined) {
      this.#peerJoined(role, instance, call, reason);
      return;
    }
    this.#peerPresent = false;
    if (reason === 'left' || reason === 'replaced') this.#channel.peerLeft();
    this.#events.emit('presence', { role, present: false, ...(reason ? { reason } : {}) });
  }

  /** The other member holds its seat (again): everything it has not acknowledged may be lost, so it goes out again. */
  #peerJoined(role: ParticipantRole, instance: string, call: CallAnnouncement | undefined, reason: 'left' | 'timeout' | 'replaced' | undefined): void {
    this.#channel.setPeer(instance);
    this.#peerPresent = true;
    this.#resendAll();
    this.#events.emit('presence', { role, present: true, instance, ...(call ? { call } : {}), ...(reason ? { reason } : {}) });
  }

  #onRelayed(message: SignalingMessage): void {
    if (message.ack !== undefined) this.#onAck(message.ack);
    const arrival = this.#channel.arrive(message.seq!);
    this.#scheduleAck();
    if (arrival === 'deliver' && message.type !== 'skip') this.#events.emit('message', message);
  }

  #onAck(ack: number): void {
    const before = this.#channel.pending[0]?.seq;
    this.#channel.acknowledge(ack);
    if (this.#channel.pending[0]?.seq !== before) this.#retransmitMs = this.#timings.retransmitMs;
    if (this.#channel.pending.length === 0) {
      clearTimeout(this.#retransmitTimer);
      this.#retransmitTimer = undefined;
    }
  }

  #onError(message: MessageOf<'error'>): void {
    const { code, message: detail, seq } = message.payload;
    const replyTo = message.replyTo;
    if (replyTo !== undefined && replyTo === this.#joinId && !this.#joined) {
      this.#hooks.joinRefused(code, detail);
      return;
    }
    const pending = replyTo === undefined ? undefined : this.#requests.get(replyTo);
    if (pending) {
      this.#settle(replyTo!);
      pending.reject(new TransportError(code, detail));
      return;
    }
    if (seq !== undefined) {
      // The server relayed a `skip` in its place; our re-sends must keep the receiver's sequence whole too.
      this.#channel.skip(seq);
      this.#events.emit('error', { code, message: detail, seq });
      return;
    }
    this.#events.emit('error', { code: code as TransportErrorCode, message: detail });
  }

  #resendAll(): void {
    if (!this.#canRelay()) return;
    for (const entry of this.#channel.pending) this.#link!(this.#channel.frame(entry));
    if (this.#channel.pending.length > 0) this.#armRetransmit();
  }

  #scheduleAck(): void {
    if (this.#ackTimer !== undefined) return;
    this.#ackTimer = setTimeout(() => {
      this.#ackTimer = undefined;
      if (this.#joined && this.#link && this.#channel.ackDue) this.#link(ACK_FRAME(this.#channel.takeAck()));
    }, this.#timings.ackDelayMs);
  }

  /** A safety net under the rejoin re-sends: no acknowledgement progress for a while, send everything again. */
  #armRetransmit(): void {
    if (this.#retransmitTimer !== undefined) return;
    this.#retransmitMark = this.#channel.pending[0]?.seq ?? 0;
    this.#retransmitTimer = setTimeout(() => {
      this.#retransmitTimer = undefined;
      const oldest = this.#channel.pending[0]?.seq;
      if (oldest === undefined) return;
      if (oldest === this.#retransmitMark) {
        this.#retransmitMs = Math.min(MAX_RETRANSMIT_MS, this.#retransmitMs * 2);
        this.#resendAll();
      } else {
        this.#armRetransmit();
      }
    }, this.#retransmitMs);
  }

  #canRelay(): boolean {
    return this.#joined && this.#peerPresent && this.#link !== null;
  }

  #settle(id: number): void {
    const pending = this.#requests.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#requests.delete(id);
  }

  #checked(message: SignalingMessage): string {
    const text = JSON.stringify(message);
    const checked = parseMessage(text);
    if (!checked.ok) throw new TransportError(checked.code, `refusing to send ${message.type}: ${checked.detail}`);
    return text;
  }

  #assertOpen(): void {
    if (this.#closed) throw new TransportError('invalid-state', 'the transport is closed');
  }
}

export function otherRole(role: ParticipantRole): ParticipantRole {
  return role === 'agent' ? 'customer' : 'agent';
}
