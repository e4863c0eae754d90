/**
 * An in-memory signaling hub: the reference server's conversation semantics without a network, for
 * tests and for two engines on one page. Every message crosses the hub as JSON text and is parsed
 * with `parseMessage` on the way in and on the way out, so it is validated exactly as on the wire;
 * delivery is asynchronous and in order.
 *
 * Differences from the server, on purpose: a member is identified by its transport object (no
 * tokens), and `close()` while dropped still leaves at once (no grace timer outlives a closed
 * transport). `disconnect()` / `reconnect()` simulate a network drop and recovery for tests.
 */
import { TypedEmitter } from '../internal/typed-emitter.js';
import { BEST_EFFORT_TYPES, RELAYED_TYPES, SERVER_BOUND_TYPES, SERVER_REPLY_TYPES, createMessage, parseMessage } from './protocol.js';
import type { ParticipantRole, ProtocolErrorCode, SignalingMessage } from './protocol.js';
import type { OutgoingMessage, ServerNotice, SignalingTransport, TransportEvents, TransportState } from './transport.js';
import { TransportError, encodeNotice, encodeOutgoing, otherRole } from './websocket-transport.js';
import type { JoinInfo } from './websocket-transport.js';

export interface MemoryHubOptions {
  /** How long a dropped member keeps its seat (see `disconnect`). Default 15000 ms, as on the server. */
  resumeGraceMs?: number;
  /** Messages kept for a dropped member; overflowing evicts it, as on the server. Default 200. */
  resumeBufferLimit?: number;
  /** Receives what members tell the server itself (`call-started`, `call-ended`); the hub relays none of it. */
  onNotice?: (message: SignalingMessage) => void;
}

/** Hub -> transport. Internal wiring; exported only because the constructor's signature names it. */
export interface MemoryTransportPort {
  /** A serialized message, as it would arrive from the server. */
  receive(text: string): void;
  dropped(): void;
  reconnect(): void;
  close(): void;
}

export type MemoryJoinResult = { ok: true; info: JoinInfo } | { ok: false; code: ProtocolErrorCode; message: string };

/** Transport -> hub. Internal wiring, see MemoryTransportPort. */
export interface MemoryHubLink {
  join(): MemoryJoinResult;
  send(text: string): void;
  leave(): void;
}

interface Entry {
  readonly conversationId: string;
  readonly role: ParticipantRole;
  readonly port: MemoryTransportPort;
  /** Dropped by `disconnect()` and not back yet (its seat may have expired meanwhile). */
  dropped: boolean;
}

interface Seat {
  readonly entry: Entry;
  connected: boolean;
  buffer: string[];
  graceTimer: ReturnType<typeof setTimeout> | undefined;
}

export class MemoryHub {
  readonly #conversations = new Map<string, Map<ParticipantRole, Seat>>();
  /** Transports that are not closed, seated or not. */
  readonly #entries = new Set<Entry>();
  readonly #graceMs: number;
  readonly #bufferLimit: number;
  readonly #onNotice: ((message: SignalingMessage) => void) | undefined;

  constructor(options: MemoryHubOptions = {}) {
    this.#graceMs = options.resumeGraceMs ?? 15_000;
    this.#bufferLimit = options.resumeBufferLimit ?? 200;
    this.#onNotice = options.onNotice;
  }

  createTransport(options: { conversationId: string; role: ParticipantRole }): MemoryTransport {
    return new MemoryTransport(options, (port) => this.#attach(options.conversationId, options.role, port));
  }

  /**
   * Simulates a network drop of the member's transport: it goes `reconnecting` and queues its
   * sends; the hub keeps its seat for the grace period and buffers what is sent to it. Returns
   * whether a connected member was found.
   */
  disconnect(role: ParticipantRole, conversationId: string): boolean {
    const seat = this.#conversations.get(conversationId)?.get(role);
    if (!seat?.connected) return false;
    seat.connected = false;
    seat.entry.dropped = true;
    seat.entry.port.dropped();
    seat.graceTimer = setTimeout(() => this.#unseat(seat), this.#graceMs);
    return true;
  }

  /**
   * Brings a dropped transport back: within the grace period it resumes (`resumed: true`, buffered
   * messages delivered in order); after it, it joins afresh if the seat is free. Returns whether a
   * dropped transport was found.
   */
  reconnect(role: ParticipantRole, conversationId: string): boolean {
    const entry = [...this.#entries].find((e) => e.dropped && e.role === role && e.conversationId === conversationId);
    if (!entry) return false;
    entry.port.reconnect();
    return true;
  }

  /** Roles seated in a conversation (connected or within their grace period). */
  presentRoles(conversationId: string): ParticipantRole[] {
    return [...(this.#conversations.get(conversationId)?.keys() ?? [])];
  }

  /** Closes every transport of the hub and stops its timers. */
  dispose(): void {
    for (const entry of [...this.#entries]) entry.port.close();
    for (const seats of this.#conversations.values()) {
      for (const seat of seats.values()) clearTimeout(seat.graceTimer);
    }
    this.#conversations.clear();
  }

  #attach(conversationId: string, role: ParticipantRole, port: MemoryTransportPort): MemoryHubLink {
    const entry: Entry = { conversationId, role, port, dropped: false };
    this.#entries.add(entry);
    return {
      join: () => this.#join(entry),
      send: (text) => this.#schedule(() => this.#route(entry, text)),
      leave: () => {
        this.#entries.delete(entry);
        const seat = this.#conversations.get(conversationId)?.get(role);
        if (seat?.entry === entry) this.#unseat(seat);
      },
    };
  }

  #join(entry: Entry): MemoryJoinResult {
    entry.dropped = false;
    let seats = this.#conversations.get(entry.conversationId);
    if (!seats) {
      seats = new Map();
      this.#conversations.set(entry.conversationId, seats);
    }
    const seat = seats.get(entry.role);
    if (seat && seat.entry !== entry) {
      return { ok: false, code: 'conversation-full', message: `the conversation already has another ${entry.role}` };
    }
    if (seat) {
      clearTimeout(seat.graceTimer);
      seat.connected = true;
      const buffered = seat.buffer.splice(0);
      for (const text of buffered) this.#schedule(() => entry.port.receive(text));
      return { ok: true, info: { resumed: true, present: [...seats.keys()] } };
    }
    seats.set(entry.role, { entry, connected: true, buffer: [], graceTimer: undefined });
    this.#notifyOther(entry.conversationId, entry.role, true);
    return { ok: true, info: { resumed: false, present: [...seats.keys()] } };
  }

  /** What the server does with a frame from a joined member. */
  #route(from: Entry, text: string): void {
    const parsed = parseMessage(text);
    if (!parsed.ok) {
      this.#replyError(from, parsed.code, parsed.detail, parsed.id);
      return;
    }
    const message = parsed.message;
    const sender = this.#conversations.get(from.conversationId)?.get(from.role);
    if (sender?.entry !== from) {
      this.#replyError(from, 'not-joined', 'the sender is not in the conversation', message.id);
      return;
    }
    const own = message.from === from.role && message.conversationId === from.conversationId;
    if (own && SERVER_BOUND_TYPES.has(message.type)) {
      this.#onNotice?.(message);
      return;
    }
    if (!RELAYED_TYPES.has(message.type) || !own) {
      this.#replyError(from, 'forbidden', `${message.type} from ${message.from} is not relayed`, message.id);
      return;
    }
    const recipient = this.#conversations.get(from.conversationId)?.get(otherRole(from.role));
    if ((!recipient || !this.#deliver(recipient, text)) && !BEST_EFFORT_TYPES.has(message.type)) {
      this.#replyError(from, 'peer-not-present', 'the other member is not in the conversation', message.id);
    }
  }

  #deliver(seat: Seat, text: string): boolean {
    if (seat.connected) {
      seat.entry.port.receive(text);
      return true;
    }
    if (seat.buffer.length >= this.#bufferLimit) {
      this.#unseat(seat);
      return false;
    }
    seat.buffer.push(text);
    return true;
  }

  #unseat(seat: Seat): void {
    const { conversationId, role } = seat.entry;
    const seats = this.#conversations.get(conversationId);
    if (seats?.get(role) !== seat) return;
    clearTimeout(seat.graceTimer);
    seats.delete(role);
    if (seats.size === 0) this.#conversations.delete(conversationId);
    this.#notifyOther(conversationId, role, false);
  }

  #notifyOther(conversationId: string, role: ParticipantRole, present: boolean): void {
    const text = JSON.stringify(createMessage('presence', { conversationId, from: 'server', payload: { role, present } }));
    this.#schedule(() => {
      const other = this.#conversations.get(conversationId)?.get(otherRole(role));
      if (other) this.#deliver(other, text);
    });
  }

  #replyError(to: Entry, code: ProtocolErrorCode, detail: string, replyTo?: string): void {
    const payload = replyTo === undefined ? { code, message: detail } : { code, message: detail, replyTo };
    to.port.receive(JSON.stringify(createMessage('error', { conversationId: to.conversationId, from: 'server', payload })));
  }


  /** One FIFO for everything the hub delivers: microtasks run in the order they were queued. */
  #schedule(task: () => void): void {
    queueMicrotask(task);
  }
}

/** A SignalingTransport connected to a MemoryHub. Create it with `hub.createTransport()`. */
export class MemoryTransport extends TypedEmitter<TransportEvents> implements SignalingTransport {
  readonly role: ParticipantRole;
  readonly conversationId: string;
  readonly #link: MemoryHubLink;
  #state: TransportState = 'idle';
  #queue: string[] = [];
  #lastJoin: JoinInfo | null = null;
  #pendingConnect: { resolve: () => void; reject: (error: TransportError) => void; promise: Promise<void> } | null = null;

  constructor(options: { conversationId: string; role: ParticipantRole }, attach: (port: MemoryTransportPort) => MemoryHubLink) {
    super();
    this.role = options.role;
    this.conversationId = options.conversationId;
    this.#link = attach({
      receive: (text) => this.#receive(text),
      dropped: () => {
        if (this.#state === 'open') this.#setState('reconnecting');
      },
      reconnect: () => {
        if (this.#state === 'reconnecting') this.#join();
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

  /** Resolves once seated; rejects with code `conversation-full` if the role is taken, `invalid-state` if closed. */
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
      // Joining is asynchronous, as over a network.
      queueMicrotask(() => {
        if (this.#state === 'connecting') this.#join();
      });
    }
    return promise;
  }

  /** Same contract as WebSocketTransport.send: validates now (throws TransportError), queues while not open. */
  send(message: OutgoingMessage): void {
    if (this.#state === 'closed') throw new TransportError('invalid-state', 'the transport is closed');
    const text = encodeOutgoing(message, this.conversationId, this.role);
    if (this.#state === 'open') this.#link.send(text);
    else this.#queue.push(text);
  }

  /** Same contract as WebSocketTransport.notifyServer; the hub hands it to `MemoryHubOptions.onNotice`. */
  notifyServer(notice: ServerNotice): void {
    if (this.#state === 'closed') throw new TransportError('invalid-state', 'the transport is closed');
    const text = encodeNotice(notice, this.conversationId, this.role);
    if (this.#state === 'open') this.#link.send(text);
    else this.#queue.push(text);
  }

  close(): void {
    if (this.#state === 'closed') return;
    this.#link.leave();
    this.#shutDown('closed', new TransportError('invalid-state', 'the transport was closed before it joined'));
  }

  #join(): void {
    const result = this.#link.join();
    if (!result.ok) {
      this.#link.leave();
      this.#shutDown(`the hub refused to join: ${result.message}`, new TransportError(result.code, result.message), {
        code: result.code,
        message: result.message,
      });
      return;
    }
    this.#lastJoin = result.info;
    this.#state = 'open';
    for (const text of this.#queue.splice(0)) this.#link.send(text);
    this.emit('statechange', 'open');
    if (this.#state !== 'open') return;
    const other = otherRole(this.role);
    this.emit('presence', { role: other, present: result.info.present.includes(other) });
    const pending = this.#pendingConnect;
    this.#pendingConnect = null;
    pending?.resolve();
  }

  #receive(text: string): void {
    if (this.#state === 'closed') return;
    const parsed = parseMessage(text);
    if (!parsed.ok) {
      this.emit('error', { code: parsed.code, message: `the hub delivered an invalid message: ${parsed.detail}` });
      return;
    }
    const message: SignalingMessage = parsed.message;
    if (message.type === 'presence') {
      this.emit('presence', { role: message.payload.role, present: message.payload.present });
    } else if (message.type === 'error') {
      // As WebSocketTransport: `replyTo` rides along beyond the declared event type, for correlation.
      const { code, message: detail, replyTo } = message.payload;
      const event: { code: ProtocolErrorCode; message: string; replyTo?: string } = { code, message: detail };
      if (replyTo !== undefined) event.replyTo = replyTo;
      this.emit('error', event);
    } else if (RELAYED_TYPES.has(message.type) || (SERVER_REPLY_TYPES.has(message.type) && message.from === 'server')) {
      this.emit('message', message);
    }
  }

  #shutDown(reason: string, rejection: TransportError, error?: TransportEvents['error'][0]): void {
    this.#queue = [];
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
