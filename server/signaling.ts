/**
 * The `/signaling` WebSocket endpoint: one `Connection` per socket. It validates every frame, answers
 * each bad one with an `error` message (the connection stays usable, nobody else notices), checks the
 * join token, and hands valid traffic to the conversation registry. No input may crash the process.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import {
  CLOSE_CODES,
  MAX_MESSAGE_BYTES,
  BEST_EFFORT_TYPES,
  RELAYED_TYPES,
  SERVER_BOUND_TYPES,
  SERVER_TYPES,
  createMessage,
  parseMessage,
} from '../src/signaling/protocol.js';
import type { MessageOf, ParticipantRole, ProtocolErrorCode, SignalingMessage } from '../src/signaling/protocol.js';
import { verifyToken } from './auth.js';
import type { ServerLog } from './config.js';
import type { ConversationRegistry, Member, MemberConnection } from './conversations.js';
import { handleVisualRequest, isVisualRequest } from './visual-signaling.js';
import type { PinService } from './visual-pins.js';

export const SIGNALING_PATH = '/signaling';

/**
 * The WebSocket layer's own frame limit. Well above MAX_MESSAGE_BYTES on purpose: a message that is
 * too large gets a `message-too-large` reply and the connection survives; only absurd frames (which
 * `ws` refuses by closing with 1009) end it.
 */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** `conversationId` of errors that cannot be tied to any conversation (the envelope requires one). */
export const NO_CONVERSATION = '-';

const MAX_ID_LENGTH = 128;

export interface SignalingOptions {
  registry: ConversationRegistry;
  signingSecret: string;
  heartbeatIntervalMs: number;
  log: ServerLog;
  hooks?: SignalingHooks;
  /** The visual-engagement PIN service (`ve-pin-*` requests); without it they are refused. */
  pins?: PinService;
}

/** A message the server refuses, with the `error` reply's code and text. */
export interface Refusal {
  code: ProtocolErrorCode;
  detail: string;
}

/** Where the rest of the server plugs into the signaling endpoint (deployment policy, agent capacity). */
export interface SignalingHooks {
  /** Checked before a message is relayed: a refusal answers it with an error and relays nothing. */
  checkRelay?(member: Member, message: SignalingMessage): Refusal | null;
  /** A message for the server itself (`SERVER_BOUND_TYPES`). A refusal answers it with an error. */
  notice?(member: Member, message: SignalingMessage): Refusal | null;
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
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, skipUTF8Validation: true });
  const connections = new Set<Connection>();
  let accepted = 0;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = (request.url ?? '').split('?')[0];
    if (path !== SIGNALING_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
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

class Connection implements MemberConnection {
  readonly #socket: WebSocket;
  readonly #options: SignalingOptions;
  #member: Member | null = null;
  #closed = false;
  #alive = true;
  /** Frames are handled one at a time, in arrival order, even though joining is asynchronous. */
  #pending: Promise<void> = Promise.resolve();

  constructor(socket: WebSocket, options: SignalingOptions) {
    this.#socket = socket;
    this.#options = options;
    socket.on('message', (data, isBinary) => {
      this.#pending = this.#pending.then(() => this.#handle(data, isBinary)).catch((error: unknown) => this.#internalError(error));
    });
    socket.on('pong', () => {
      this.#alive = true;
    });
    socket.on('error', (error) => options.log('socket-error', { message: error.message }));
    socket.on('close', () => this.#onClose());
  }

  get member(): Member | null {
    return this.#member;
  }

  send(message: SignalingMessage): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  replaced(): void {
    this.#member = null;
    this.#socket.close(CLOSE_CODES.replaced, 'joined again from another connection');
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

  #onClose(): void {
    this.#closed = true;
    const member = this.#member;
    this.#member = null;
    if (member) this.#options.registry.disconnect(member, this);
  }

  async #handle(data: RawData, isBinary: boolean): Promise<void> {
    if (this.#closed) return;
    if (isBinary) {
      this.#refuse('invalid-message', 'binary frames are not accepted; messages are JSON text');
      return;
    }
    const bytes = toBuffer(data);
    if (bytes.length > MAX_MESSAGE_BYTES) {
      this.#refuse('message-too-large', `messages are limited to ${MAX_MESSAGE_BYTES} bytes`, idOfOversized(bytes));
      return;
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      this.#refuse('invalid-message', 'the frame is not valid UTF-8');
      return;
    }
    const parsed = parseMessage(text);
    if (!parsed.ok) {
      this.#refuse(parsed.code, parsed.detail, parsed.id);
      return;
    }
    await this.#dispatch(parsed.message);
  }

  async #dispatch(message: SignalingMessage): Promise<void> {
    // Checked before anything else: no state of the connection makes these acceptable from a client.
    if (SERVER_TYPES.has(message.type)) {
      this.#refuse('forbidden', `only the server sends ${message.type} messages`, message.id, message.conversationId);
      return;
    }
    if (message.type === 'join') {
      await this.#join(message);
      return;
    }
    const member = this.#member;
    if (!member) {
      this.#refuse('not-joined', 'send join before anything else', message.id, message.conversationId);
      return;
    }
    if (message.conversationId !== member.conversationId) {
      this.#refuse('not-in-conversation', 'this connection joined another conversation', message.id);
      return;
    }
    if (message.from !== member.role) {
      this.#refuse('forbidden', `this connection joined as ${member.role}`, message.id);
      return;
    }
    if (message.type === 'leave') {
      this.#member = null;
      this.#options.registry.leave(member, this);
      return;
    }
    if (isVisualRequest(message)) {
      handleVisualRequest(message, {
        member,
        pins: this.#options.pins,
        reply: (reply) => this.send(reply),
        notifyOther: (notice) => this.#options.registry.relay(member, this, notice),
        refuse: (code, detail) => this.#refuse(code, detail, message.id),
        log: this.#options.log,
      });
      return;
    }
    if (SERVER_BOUND_TYPES.has(message.type)) {
      const refusal = this.#options.hooks?.notice?.(member, message) ?? null;
      if (refusal) this.#refuse(refusal.code, refusal.detail, message.id);
      return;
    }
    if (!RELAYED_TYPES.has(message.type)) {
      this.#refuse('forbidden', `${message.type} messages are not relayed`, message.id);
      return;
    }
    const refusal = this.#options.hooks?.checkRelay?.(member, message) ?? null;
    if (refusal) {
      this.#refuse(refusal.code, refusal.detail, message.id);
      return;
    }
    if (!this.#options.registry.relay(member, this, message) && !BEST_EFFORT_TYPES.has(message.type)) {
      this.#refuse('peer-not-present', 'the other member is not in the conversation', message.id);
    }
  }

  async #join(message: MessageOf<'join'>): Promise<void> {
    const { id, conversationId, from } = message;
    if (this.#member) {
      this.#refuse('forbidden', 'this connection already joined; send leave first', id);
      return;
    }
    if (from === 'server') {
      this.#refuse('forbidden', 'join as agent or customer', id, conversationId);
      return;
    }
    const verified = await verifyToken(message.payload.token, this.#options.signingSecret);
    if (this.#closed) return;
    if (!verified.ok) {
      this.#refuse(verified.code, verified.detail, id, conversationId);
      return;
    }
    const { claims } = verified;
    if (claims.conversationId !== conversationId) {
      this.#refuse('forbidden', 'the token is for another conversation', id, conversationId);
      return;
    }
    if (claims.role !== from) {
      this.#refuse('forbidden', `the token is for the ${claims.role} role`, id, conversationId);
      return;
    }
    const outcome = this.#options.registry.join(conversationId, claims.role, claims.subject, this);
    if (!outcome.ok) {
      this.#refuse('conversation-full', `the conversation already has another ${claims.role}`, id, conversationId);
      return;
    }
    this.#member = outcome.member;
  }

  /** Answers a refused frame. The connection stays open: one bad message is not a reason to drop a call. */
  #refuse(code: ProtocolErrorCode, detail: string, replyTo?: string, claimedConversation?: string): void {
    this.#options.log('refused', { code, detail });
    const conversationId =
      this.#member?.conversationId ?? (isEchoableId(claimedConversation) ? claimedConversation : NO_CONVERSATION);
    const payload = isEchoableId(replyTo)
      ? { code, message: detail.slice(0, 1_000), replyTo }
      : { code, message: detail.slice(0, 1_000) };
    this.send(createMessage('error', { conversationId, from: 'server', payload }));
  }

  #internalError(error: unknown): void {
    this.#options.log('internal-error', { message: error instanceof Error ? error.stack ?? error.message : String(error) });
    try {
      this.#refuse('internal', 'the server failed to handle this message');
    } catch {
      // Nothing left to tell the client; the process must survive regardless.
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Ids are echoed only when they are well-formed, so an error reply can never itself be oversized or invalid. */
function isEchoableId(value: string | undefined): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

/** Best effort: lets the client match a `message-too-large` reply to what it sent (bounded by MAX_FRAME_BYTES). */
function idOfOversized(bytes: Buffer): string | undefined {
  try {
    const decoded: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof decoded === 'object' && decoded !== null && 'id' in decoded && typeof decoded.id === 'string') {
      return decoded.id;
    }
  } catch {
    // Not JSON: no id to report.
  }
  return undefined;
}
