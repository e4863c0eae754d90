/**
 * The `/signaling` WebSocket endpoint, protocol v2: one `Connection` per socket. It validates every
 * frame, answers each bad one with an `error` (the connection stays usable, nobody else notices),
 * checks the join token, and hands valid traffic to the seat registry. No input may crash the process.
 *
 * The hot path (a relayed frame from a joined member) is kept cheap: one UTF-8 check, one parse and
 * schema check, and the client's own bytes go on to the other member unchanged, never re-serialized.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { SIGNALING_DEFLATE } from './ws-compression.js';
import type { RawData } from 'ws';
import {
  CLOSE_CODES,
  MAX_MESSAGE_BYTES,
  NOTICE_TYPES,
  PROTOCOL_VERSION,
  RELAYED_TYPES,
  SERVER_TYPES,
  createMessage,
  parseMessage,
} from '../src/signaling/protocol.js';
import type { MessageOf, ParticipantRole, ProtocolErrorCode, SignalingMessage } from '../src/signaling/protocol.js';
import { verifyToken, type TokenClaims, type TokenLifetimes } from './auth.js';
import type { ServerLog } from './config.js';
import type { Member, MemberConnection, SeatRegistry } from './conversations.js';
import { ConnectionGuard, type ConnectionLimitOptions } from './limits/connection-guard.js';
import type { MediaRequestHandler } from './media-hooks.js';
import { refusalResponse, type UpgradeGuard } from './upgrade-guard.js';
import { handleVisualRequest, isVisualRequest } from './visual-signaling.js';
import type { PinStore } from './stores/pin-store.js';

export const SIGNALING_PATH = '/signaling';

/**
 * The WebSocket layer's own frame limit. Well above MAX_MESSAGE_BYTES on purpose: a message that is
 * too large gets a `message-too-large` reply and the connection survives; only absurd frames (which
 * `ws` refuses by closing with 1009) end it.
 */
export const MAX_FRAME_BYTES = 1024 * 1024;

export interface SignalingOptions {
  registry: SeatRegistry;
  signingSecret: string;
  heartbeatIntervalMs: number;
  /** Negotiate permessage-deflate (`SIGNALING_DEFLATE`). */
  wsCompression?: boolean;
  log: ServerLog;
  hooks?: SignalingHooks;
  /** The visual-engagement PIN service (`ve-pin-*` requests); without it they are refused. */
  pins?: PinStore;
  /** Answers `media-request`s (an SFU). Without it they are refused with `media-unavailable`. */
  media?: MediaRequestHandler;
  /** Per-connection limits (join deadline, rates, inbound queue, outbound backlog). */
  limits: ConnectionLimitOptions;
  /** Host, Origin and connection caps, checked before the handshake. */
  upgradeGuard?: UpgradeGuard;
  tokenLifetimes?: TokenLifetimes;
}

/** A message the server refuses, with the `error` reply's code and text. */
export interface Refusal {
  code: ProtocolErrorCode;
  detail: string;
}

/** Where the rest of the server plugs into the signaling endpoint (deployment policy, agent capacity). */
export interface SignalingHooks {
  /**
   * Checked before a message is relayed: a refusal answers it with an error, and the other member
   * gets a `skip` in its place (its sequence number stays taken).
   */
  checkRelay?(member: Member, message: SignalingMessage): Refusal | null;
  /** A message was relayed (seen by the server on its way: e.g. a `call-end` frees the agent at once). */
  relayed?(member: Member, message: SignalingMessage): void;
  /** A notice for the server itself (`NOTICE_TYPES`). A refusal answers it with an error. */
  notice?(member: Member, message: SignalingMessage): Refusal | null;
  /** Checked after the token verified, before the seat is taken (revocation, assignment, ended). */
  checkJoin?(claims: TokenClaims): Refusal | null | Promise<Refusal | null>;
}

export interface ConnectionFilter {
  conversationId?: string;
  role?: ParticipantRole;
}

export interface SignalingEndpoint {
  /** Abruptly terminates matching joined connections, as a network failure would. Returns how many. */
  dropConnections(filter?: ConnectionFilter): number;
  readonly connectionCount: number;
  /** WebSocket connections accepted since the server started (open or not). */
  readonly acceptedConnections: number;
  /** Terminates every connection and stops the heartbeat. */
  close(): Promise<void>;
}

export function attachSignaling(server: Server, options: SignalingOptions): SignalingEndpoint {
  // Our own UTF-8 check (below) answers a bad text frame with an error instead of closing the socket.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    skipUTF8Validation: true,
    perMessageDeflate: options.wsCompression ? SIGNALING_DEFLATE : false,
  });
  const connections = new Set<Connection>();
  let accepted = 0;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = (request.url ?? '').split('?')[0];
    if (path !== SIGNALING_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const admission = options.upgradeGuard?.admit(request);
    if (admission && !admission.ok) {
      socket.end(refusalResponse(admission.status, admission.code, admission.message));
      return;
    }
    if (admission) socket.once('close', admission.release);
    wss.handleUpgrade(request, socket, head, (ws) => {
      const connection = new Connection(ws, options);
      accepted += 1;
      connections.add(connection);
      ws.once('close', () => connections.delete(connection));
    });
  };
  server.on('upgrade', onUpgrade);

  const heartbeat =
    options.heartbeatIntervalMs > 0
      ? setInterval(() => {
          for (const connection of connections) connection.heartbeat();
        }, options.heartbeatIntervalMs)
      : null;
  heartbeat?.unref();

  return {
    dropConnections(filter = {}) {
      let dropped = 0;
      for (const connection of connections) {
        const member = connection.member;
        if (!member) continue;
        if (filter.conversationId !== undefined && filter.conversationId !== member.conversationId) continue;
        if (filter.role !== undefined && filter.role !== member.role) continue;
        connection.terminate();
        dropped += 1;
      }
      return dropped;
    },
    get connectionCount() {
      return connections.size;
    },
    get acceptedConnections() {
      return accepted;
    },
    async close() {
      if (heartbeat) clearInterval(heartbeat);
      server.off('upgrade', onUpgrade);
      for (const connection of connections) connection.terminate();
      connections.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

const PONG = `{"v":${PROTOCOL_VERSION},"type":"pong","payload":{}}`;

class Connection implements MemberConnection {
  readonly #socket: WebSocket;
  readonly #options: SignalingOptions;
  #member: Member | null = null;
  #closed = false;
  #alive = true;
  /** Set while a join (token check) is in flight: later frames wait for it, in arrival order. */
  #busy: Promise<void> | null = null;
  readonly #guard: ConnectionGuard;

  constructor(socket: WebSocket, options: SignalingOptions) {
    this.#socket = socket;
    this.#options = options;
    this.#guard = new ConnectionGuard(socket, options.limits, {
      refuse: (code, detail) => this.#refuse(code, detail),
      log: options.log,
    });
    socket.on('message', (data, isBinary) => this.#onFrame(data, isBinary));
    socket.on('pong', () => {
      this.#alive = true;
    });
    socket.on('error', (error) => options.log('socket-error', { message: error.message }));
    socket.on('close', (code) => this.#onClose(code));
  }

  get member(): Member | null {
    return this.#member;
  }

  sendText(frame: string | Uint8Array): void {
    if (this.#socket.readyState === WebSocket.OPEN && this.#guard.canSend()) this.#socket.send(frame, { binary: false });
  }

  replaced(): void {
    this.#member = null;
    this.#socket.close(CLOSE_CODES.replaced, 'joined again from another connection');
  }

  revoked(code: 'token-revoked' | 'conversation-ended', detail: string): void {
    this.#refuse(code, detail);
    this.#member = null;
    this.#socket.close(CLOSE_CODES.revoked, code);
  }

  terminate(): void {
    this.#socket.terminate();
  }

  heartbeat(): void {
    if (!this.#alive) {
      // No pong since the last ping: the peer is gone without a close frame (half-open TCP).
      this.#socket.terminate();
      return;
    }
    this.#alive = false;
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.ping();
  }

  #onFrame(data: RawData, isBinary: boolean): void {
    // Any frame is a sign of life, as good as a pong.
    this.#alive = true;
    // Counted while it waits (the guard stops reading the socket past its bounds).
    const size = frameBytes(data);
    this.#guard.frameQueued(size);
    const done = () => this.#guard.frameDone(size);
    if (this.#busy) {
      this.#track(this.#busy.then(() => this.#run(data, isBinary)).finally(done));
      return;
    }
    const pending = this.#run(data, isBinary);
    if (pending) this.#track(pending.finally(done));
    else done();
  }

  /** Frames arriving while `pending` runs (a join's token check) wait for it, in arrival order. */
  #track(pending: Promise<void>): void {
    this.#busy = pending;
    void pending.finally(() => {
      if (this.#busy === pending) this.#busy = null;
    });
  }

  #run(data: RawData, isBinary: boolean): Promise<void> | undefined {
    try {
      return this.#handle(data, isBinary)?.catch((error: unknown) => this.#internalError(error));
    } catch (error) {
      this.#internalError(error);
      return undefined;
    }
  }

  #onClose(code: number): void {
    this.#closed = true;
    this.#guard.dispose();
    const member = this.#member;
    this.#member = null;
    if (!member) return;
    // A browser closing or reloading the page closes with 1001: that member is gone, not away.
    if (code === CLOSE_CODES.goingAway) this.#options.registry.leave(member, this);
    else this.#options.registry.disconnect(member, this);
  }

  #handle(data: RawData, isBinary: boolean): Promise<void> | undefined {
    if (this.#closed || this.#guard.closing) return undefined;
    if (isBinary) {
      this.#refuse('invalid-message', 'binary frames are not accepted; messages are JSON text');
      return undefined;
    }
    const bytes = toBuffer(data);
    if (bytes.length > MAX_MESSAGE_BYTES) {
      if (this.#overLimit('', bytes.length)) return undefined;
      this.#refuse('message-too-large', `messages are limited to ${MAX_MESSAGE_BYTES} bytes`, refsOfOversized(bytes));
      return undefined;
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      this.#refuse('invalid-message', 'the frame is not valid UTF-8');
      return undefined;
    }
    const parsed = parseMessage(text);
    const refs = parsed.ok ? { id: parsed.message.id, seq: parsed.message.seq } : parsed;
    if (this.#overLimit(parsed.ok ? parsed.message.type : '', bytes.length, refs)) {
      if (parsed.ok) this.#skipRefused(parsed.message);
      return undefined;
    }
    if (!parsed.ok) {
      this.#refuse(parsed.code, parsed.detail, parsed);
      return undefined;
    }
    return this.#dispatch(parsed.message, bytes);
  }

  /** Rate limits, checked for every frame, valid or not: true when it was refused (or the connection is closing). */
  #overLimit(type: string, bytes: number, refs: { id?: number | undefined; seq?: number | undefined } = {}): boolean {
    const verdict = this.#guard.admit(type, bytes);
    if (verdict === 'refuse') this.#refuse('rate-limited', 'over the rate limit: slow down', refs);
    return verdict !== 'ok';
  }

  /** A refused relayed message still takes its number: the other member gets a `skip`, so its sequence stays whole. */
  #skipRefused(message: SignalingMessage): void {
    const member = this.#member;
    if (!member || message.seq === undefined || !RELAYED_TYPES.has(message.type)) return;
    this.#options.registry.relay(member, this, skipFrame(message.seq, message.ack));
  }

  #dispatch(message: SignalingMessage, bytes: Buffer): Promise<void> | undefined {
    const refs = { id: message.id, seq: message.seq };
    // Checked before anything else: no state of the connection makes these acceptable from a client.
    if (SERVER_TYPES.has(message.type)) {
      this.#refuse('forbidden', `only the server sends ${message.type} messages`, refs);
      return undefined;
    }
    if (message.from !== undefined) {
      this.#refuse('forbidden', 'clients do not set from: the server does', refs);
      return undefined;
    }
    if (message.type === 'join') return this.#join(message);
    if (message.type === 'ping') {
      this.sendText(PONG);
      return undefined;
    }
    const member = this.#member;
    if (!member) {
      this.#refuse('not-joined', 'send join before anything else', refs);
      return undefined;
    }
    const { registry, hooks } = this.#options;
    if (RELAYED_TYPES.has(message.type) || message.type === 'ack') {
      if (message.type !== 'ack' && message.seq === undefined) {
        this.#refuse('invalid-message', `${message.type} is relayed: it needs its seq`, refs);
        return undefined;
      }
      const refusal = message.type === 'ack' ? null : (hooks?.checkRelay?.(member, message) ?? null);
      if (refusal) {
        this.#refuse(refusal.code, refusal.detail, refs);
        this.#skipRefused(message);
        return undefined;
      }
      registry.relay(member, this, bytes);
      hooks?.relayed?.(member, message);
      return undefined;
    }
    switch (message.type) {
      case 'leave':
        this.#member = null;
        registry.leave(member, this);
        this.#guard.left();
        return undefined;
      case 'media-request':
        // Answered whenever the handler is done; later frames do not wait for it.
        void this.#mediaRequest(member, message).catch((error: unknown) => this.#internalError(error));
        return undefined;
      default:
        break;
    }
    if (isVisualRequest(message)) {
      // Later frames wait for the answer, like a join: PIN attempts are applied in the order sent.
      return handleVisualRequest(message, {
        member,
        pins: this.#options.pins,
        reply: (reply) => this.sendText(JSON.stringify(reply)),
        notifyOther: (notice) => registry.relay(member, this, JSON.stringify(notice)),
        refuse: (code, detail) => this.#refuse(code, detail, refs),
        log: this.#options.log,
      });
    }
    if (NOTICE_TYPES.has(message.type)) {
      const refusal = hooks?.notice?.(member, message) ?? null;
      if (refusal) this.#refuse(refusal.code, refusal.detail, refs);
      return undefined;
    }
    this.#refuse('forbidden', `${message.type} is not something a client sends`, refs);
    return undefined;
  }

  async #mediaRequest(member: Member, message: MessageOf<'media-request'>): Promise<void> {
    const { callId, payload } = message.payload;
    const handler = this.#options.media;
    const reply = handler ? await handler.request(member, callId, payload) : { code: 'media-unavailable' as const, detail: 'no media handler' };
    if (this.#closed) return;
    if ('code' in reply) {
      this.#refuse(reply.code, reply.detail, { id: message.id });
      return;
    }
    const replyTo = message.id === undefined ? {} : { replyTo: message.id };
    this.sendText(JSON.stringify(createMessage('media-response', { callId, payload: reply.payload }, replyTo)));
  }

  async #join(message: MessageOf<'join'>): Promise<void> {
    const { conversationId, role, token, instance, call } = message.payload;
    const refs = { id: message.id };
    if (this.#member) {
      this.#refuse('forbidden', 'this connection already joined; send leave first', refs);
      return;
    }
    const verified = await verifyToken(token, this.#options.signingSecret, this.#options.tokenLifetimes);
    if (this.#closed) return;
    const refusal = verified.ok ? await this.#joinRefusal(verified.claims, message) : { code: verified.code, detail: verified.detail };
    if (this.#closed) return;
    if (refusal) {
      this.#refuse(refusal.code, refusal.detail, refs);
      this.#guard.joinFailed();
      return;
    }
    const { claims } = verified as { ok: true; claims: TokenClaims };
    const outcome = await this.#options.registry.join({ conversationId, role, subject: claims.subject, instance, ...(call ? { call } : {}) }, this);
    if (this.#closed) {
      if (outcome.ok) this.#options.registry.disconnect(outcome.member, this);
      return;
    }
    if (!outcome.ok) {
      this.#refuse('conversation-full', `the conversation already has another ${role}`, refs);
      this.#guard.joinFailed();
      return;
    }
    this.#guard.joined();
    this.#member = outcome.member;
    const replyTo = message.id === undefined ? {} : { replyTo: message.id };
    const joined = createMessage('joined', { conversationId, role, members: outcome.members, resumed: outcome.resumed }, replyTo);
    this.sendText(JSON.stringify(joined));
  }

  async #joinRefusal(claims: TokenClaims, message: MessageOf<'join'>): Promise<Refusal | null> {
    if (claims.conversationId !== message.payload.conversationId) return { code: 'forbidden', detail: 'the token is for another conversation' };
    if (claims.role !== message.payload.role) return { code: 'forbidden', detail: `the token is for the ${claims.role} role` };
    return this.#options.hooks?.checkJoin?.(claims) ?? null;
  }

  /** Answers a refused frame. The connection stays open: one bad message is not a reason to drop a call. */
  #refuse(code: ProtocolErrorCode, detail: string, refs: { id?: number | undefined; seq?: number | undefined } = {}): void {
    this.#options.log('refused', { code, detail });
    const payload = refs.seq === undefined ? { code, message: detail.slice(0, 1_000) } : { code, message: detail.slice(0, 1_000), seq: refs.seq };
    const replyTo = refs.id === undefined ? {} : { replyTo: refs.id };
    this.sendText(JSON.stringify(createMessage('error', payload, replyTo)));
  }

  #internalError(error: unknown): void {
    this.#options.log('internal-error', { message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    try {
      this.#refuse('internal', 'the server failed to handle this message');
    } catch {
      // Nothing left to tell the client; the process must survive regardless.
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Relayed in place of a refused message: the receiver's sequence stays whole, and the sender's `ack` still arrives. */
function skipFrame(seq: number, ack: number | undefined): string {
  return `{"v":${PROTOCOL_VERSION},"type":"skip","seq":${seq}${ack === undefined ? '' : `,"ack":${ack}`},"payload":{}}`;
}

function frameBytes(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Best effort: lets the client match a `message-too-large` reply to what it sent (bounded by MAX_FRAME_BYTES). */
function refsOfOversized(bytes: Buffer): { id?: number; seq?: number } {
  try {
    const decoded: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof decoded !== 'object' || decoded === null) return {};
    const { id, seq } = decoded as { id?: unknown; seq?: unknown };
    return { ...(isRef(id) ? { id } : {}), ...(isRef(seq) ? { seq } : {}) };
  } catch {
    // Not JSON: nothing to refer to.
  }
  return {};
}

function isRef(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
