/**
 * Test helpers for talking to the reference server over real sockets. Every frame the server sends
 * is checked with `parseMessage`: a test fails if the server ever emits something off-protocol.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { issueToken } from '../../server/auth.js';
import type { TokenRequest } from '../../server/auth.js';
import type { RunningServer } from '../../server/server.js';
import { createMessage, parseMessage } from '../../src/signaling/protocol.js';
import type { CallAnnouncement, EnvelopeFields, MessageOf, MessageType, ParticipantRole, PayloadOf, SignalingMessage } from '../../src/signaling/protocol.js';

const DEFAULT_TIMEOUT_MS = 2_000;

/** Every suite's time limit: a regression that leaves a promise pending fails instead of hanging the run. */
export const SUITE_TIMEOUT_MS = 10_000;

let counter = 0;
/** A conversation id no other test uses. */
export function freshConversation(label = 'conv'): string {
  counter += 1;
  return `${label}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export class TestClient {
  readonly socket: WebSocket;
  readonly #inbox: SignalingMessage[] = [];
  readonly #waiters: Array<(message: SignalingMessage) => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data, isBinary) => {
      assert.equal(isBinary, false, 'the server only sends text frames');
      const text = data.toString();
      const parsed = parseMessage(text);
      assert.ok(parsed.ok, `the server sent an off-protocol frame: ${text}`);
      const waiter = this.#waiters.shift();
      if (waiter) waiter(parsed.message);
      else this.#inbox.push(parsed.message);
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
  }

  static async open(url: string): Promise<TestClient> {
    const socket = new WebSocket(url);
    const client = new TestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** Sends an object as JSON, or a string / Buffer as given. */
  send(data: unknown, options: { binary?: boolean } = {}): void {
    if (Buffer.isBuffer(data)) this.socket.send(data, { binary: options.binary ?? true });
    else this.socket.send(typeof data === 'string' ? data : JSON.stringify(data), { binary: options.binary ?? false });
  }

  /** The next message from the server, in arrival order. */
  next(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<SignalingMessage> {
    const queued = this.#inbox.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        reject(new Error(`no message within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (message: SignalingMessage) => {
        clearTimeout(timer);
        resolve(message);
      };
      this.#waiters.push(waiter);
    });
  }

  /** The next message, which must be of `type`. */
  async expect<T extends MessageType>(type: T, timeoutMs?: number): Promise<MessageOf<T>> {
    const message = await this.next(timeoutMs);
    assert.equal(message.type, type, `expected ${type}, got ${JSON.stringify(message)}`);
    return message as MessageOf<T>;
  }

  /** The next message must be an `error` with `code` (answering request `replyTo` / relayed `seq`, when given). */
  async expectError(code: string, refs: { replyTo?: number; seq?: number } = {}): Promise<MessageOf<'error'>> {
    const error = await this.expect('error');
    assert.equal(error.payload.code, code, `expected error ${code}, got ${JSON.stringify(error.payload)}`);
    assert.equal(error.from, undefined, 'errors are the server\'s own messages');
    if (refs.replyTo !== undefined) assert.equal(error.replyTo, refs.replyTo);
    if (refs.seq !== undefined) assert.equal(error.payload.seq, refs.seq);
    return error;
  }

  /** Asserts nothing arrives for `ms`. */
  async expectSilence(ms = 100): Promise<void> {
    const message = await this.next(ms).catch(() => null);
    assert.equal(message, null, `expected no message, got ${JSON.stringify(message)}`);
  }

  close(): void {
    this.socket.close();
  }

  terminate(): void {
    this.socket.terminate();
  }
}

/** A frame as a client sends it (v2: no `from`, no conversation; `seq` for relayed types, `id` for requests). */
export function frame<T extends MessageType>(type: T, payload: PayloadOf<T>, fields: EnvelopeFields = {}): MessageOf<T> {
  return createMessage(type, payload, fields);
}

/** A relayed message numbered `seq` (optionally acknowledging `ack` of the other member's). */
export function relayed<T extends MessageType>(type: T, payload: PayloadOf<T>, seq: number, ack?: number): MessageOf<T> {
  return createMessage(type, payload, ack === undefined ? { seq } : { seq, ack });
}

export const invite = (seq = 1, callId = 'call-1') => relayed('call-invite', { callId, video: true }, seq);

let joinIds = 1000;

/** A join frame (v2). `id` defaults to a fresh number. */
export function joinFrame(
  conversationId: string,
  role: ParticipantRole,
  jwt: string,
  options: { instance?: string; call?: CallAnnouncement; id?: number } = {},
): MessageOf<'join'> {
  const payload = { conversationId, role, token: jwt, instance: options.instance ?? `${role}-instance`, ...(options.call ? { call: options.call } : {}) };
  return createMessage('join', payload, { id: options.id ?? joinIds++ });
}

/** A conversation token as the server's API would issue it: for a routed conversation, of its current version. */
export function token(server: RunningServer, request: TokenRequest): Promise<string> {
  const version = request.version ?? server.router.tokenVersion(request.conversationId, request.role);
  return issueToken({ ...request, ...(version === undefined ? {} : { version }) }, server.options.signingSecret);
}

/** Opens a socket and joins; resolves with the client and the `joined` reply. */
export async function join(
  server: RunningServer,
  conversationId: string,
  role: ParticipantRole,
  options: { subject?: string; token?: string; instance?: string; call?: CallAnnouncement } = {},
): Promise<{ client: TestClient; joined: MessageOf<'joined'>; token: string }> {
  const client = await TestClient.open(server.signalingUrl);
  const jwt = options.token ?? (await token(server, { role, conversationId, subject: options.subject ?? `${role}-subject` }));
  const sent = joinFrame(conversationId, role, jwt, options);
  client.send(sent);
  const joined = await client.expect('joined');
  assert.equal(joined.replyTo, sent.id, 'joined answers the join');
  return { client, joined, token: jwt };
}

/** Joins an agent and a customer; the agent has consumed the customer's presence message. */
export async function joinPair(server: RunningServer, conversationId: string) {
  const agent = await join(server, conversationId, 'agent');
  const customer = await join(server, conversationId, 'customer');
  const presence = await agent.client.expect('presence');
  assert.deepEqual(presence.payload, { role: 'customer', present: true, instance: 'customer-instance' });
  return { agent: agent.client, customer: customer.client, customerToken: customer.token };
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request: the path is sent exactly as given (no client-side normalization of `..`). */
export function httpGet(server: RunningServer, path: string, method = 'GET'): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Resolves when the server's log reports `event` (the log option of startServer feeds this). */
export class LogWatcher {
  readonly events: Array<{ event: string; fields: Record<string, unknown> }> = [];
  readonly #waiters: Array<{ event: string; match: Record<string, unknown>; resolve: () => void }> = [];

  readonly log = (event: string, fields: Record<string, unknown> = {}) => {
    this.events.push({ event, fields });
    for (const waiter of [...this.#waiters]) {
      if (waiter.event === event && Object.entries(waiter.match).every(([key, value]) => fields[key] === value)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  /** Resolves on the next `event` logged from now on whose fields include `match`. */
  next(event: string, match: Record<string, unknown> = {}, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${event} log within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({
        event,
        match,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}
