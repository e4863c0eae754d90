/**
 * The signaling protocol: every message that crosses the wire, as versioned, schema-validated
 * envelopes. Both the SDK and the reference server import this one module, so the two ends can
 * never disagree on what is valid. See docs/protocol.md.
 */
import * as v from 'valibot';

export const PROTOCOL_VERSION = 1;

/** Largest serialized message either end accepts (UTF-8 bytes). */
export const MAX_MESSAGE_BYTES = 64 * 1024;

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(128));
const Role = v.picklist(['agent', 'customer']);
const Sender = v.picklist(['agent', 'customer', 'server']);

export type ParticipantRole = v.InferOutput<typeof Role>;
export type Sender = v.InferOutput<typeof Sender>;

/** Stable codes carried by `error` messages. Documented in docs/protocol.md. */
export const PROTOCOL_ERROR_CODES = [
  'invalid-json',
  'invalid-message',
  'unsupported-version',
  'unknown-type',
  'message-too-large',
  'not-joined',
  'not-in-conversation',
  'forbidden',
  'token-invalid',
  'token-expired',
  'conversation-full',
  'peer-not-present',
  'internal',
] as const;
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

/**
 * WebSocket close codes the server uses on purpose (4000-4999 is the range RFC 6455 leaves to
 * applications). `replaced`: the same member joined again from another connection, so this one must
 * not reconnect (two tabs would otherwise keep kicking each other out).
 */
export const CLOSE_CODES = { replaced: 4001 } as const;

const SessionDescription = v.strictObject({
  type: v.picklist(['offer', 'answer', 'pranswer', 'rollback']),
  sdp: v.pipe(v.string(), v.maxLength(60_000)),
});

const IceCandidate = v.nullable(
  v.strictObject({
    candidate: v.pipe(v.string(), v.maxLength(2_000)),
    sdpMid: v.nullish(v.pipe(v.string(), v.maxLength(64))),
    sdpMLineIndex: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0))),
    usernameFragment: v.nullish(v.pipe(v.string(), v.maxLength(256))),
  }),
);

/** Payload schema of each message type. Adding a type here is the whole of adding it to the protocol. */
const payloads = {
  /** Client -> server: authenticate and join (or rejoin after a drop) the envelope's conversation. */
  join: v.strictObject({ token: v.pipe(v.string(), v.minLength(1), v.maxLength(4_096)) }),
  /** Client -> server: leave on purpose (no grace period, the other side is told at once). */
  leave: v.strictObject({}),
  /**
   * Server -> client: the join succeeded. `present` lists the roles holding a seat, the joiner included
   * (a member within its resume grace period still holds its seat). `resumed`: the seat was kept and
   * the messages relayed while away follow, in order.
   */
  joined: v.strictObject({ role: Role, present: v.array(Role), resumed: v.boolean() }),
  /** Server -> client: the other member took its seat, or lost it (leave, or grace period over). */
  presence: v.strictObject({ role: Role, present: v.boolean() }),
  /** Server -> client: a message was refused. `replyTo` is the refused message's id when known. */
  error: v.strictObject({
    code: v.picklist(PROTOCOL_ERROR_CODES),
    message: v.pipe(v.string(), v.maxLength(1_000)),
    replyTo: v.optional(v.string()),
  }),
  /** Agent -> customer: ring. */
  'call-invite': v.strictObject({
    callId: Id,
    video: v.boolean(),
    callerName: v.optional(v.pipe(v.string(), v.maxLength(200))),
  }),
  /** Customer -> agent: the invite arrived and the customer is being rung. */
  'call-ringing': v.strictObject({ callId: Id }),
  'call-accept': v.strictObject({ callId: Id, video: v.boolean() }),
  'call-reject': v.strictObject({ callId: Id }),
  /** Agent -> customer: the caller stopped ringing, by hand (`cancelled`) or by ring timeout (`missed`). */
  'call-cancel': v.strictObject({ callId: Id, reason: v.picklist(['cancelled', 'missed']) }),
  'call-end': v.strictObject({ callId: Id }),
  /** The sender's own media state, as its engine knows it. */
  'media-state': v.strictObject({ callId: Id, muted: v.boolean(), videoEnabled: v.boolean() }),
  sdp: v.strictObject({ callId: Id, description: SessionDescription }),
  /** A chat line between the two members (the demo's chat; hosts usually have their own chat). */
  'chat-message': v.strictObject({ text: v.pipe(v.string(), v.minLength(1), v.maxLength(4_000)) }),
  ice: v.strictObject({ callId: Id, candidate: IceCandidate }),
} as const;

type Payloads = typeof payloads;
export type MessageType = keyof Payloads;

/** Types the server forwards to the other member of the conversation. */
export const RELAYED_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  'call-invite',
  'call-ringing',
  'call-accept',
  'call-reject',
  'call-cancel',
  'call-end',
  'media-state',
  'sdp',
  'ice',
  'chat-message',
]);

/** Types only the server may send. */
export const SERVER_TYPES: ReadonlySet<MessageType> = new Set<MessageType>(['joined', 'presence', 'error']);

function envelope<T extends MessageType>(type: T) {
  return v.strictObject({
    v: v.literal(PROTOCOL_VERSION),
    type: v.literal(type),
    conversationId: Id,
    from: Sender,
    id: Id,
    payload: payloads[type] as Payloads[T],
  });
}

const types = Object.keys(payloads) as MessageType[];
const MessageSchema = v.variant(
  'type',
  types.map((type) => envelope(type)) as unknown as [ReturnType<typeof envelope<MessageType>>],
);

type EnvelopeOf<T extends MessageType> = {
  v: typeof PROTOCOL_VERSION;
  type: T;
  conversationId: string;
  from: Sender;
  id: string;
  payload: v.InferOutput<Payloads[T]>;
};

/** One validated message of the given type. */
export type MessageOf<T extends MessageType> = EnvelopeOf<T>;
/** Any validated message. */
export type SignalingMessage = { [T in MessageType]: EnvelopeOf<T> }[MessageType];
/** The payload of a message type. */
export type PayloadOf<T extends MessageType> = v.InferOutput<Payloads[T]>;

export type ParseResult =
  | { ok: true; message: SignalingMessage }
  | { ok: false; code: ProtocolErrorCode; detail: string; id?: string };

/** Validates an already-decoded value. Never throws. */
export function validateMessage(input: unknown): ParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, code: 'invalid-message', detail: 'a message is a JSON object' };
  }
  const record = input as Record<string, unknown>;
  const id = typeof record.id === 'string' ? record.id : undefined;
  const withId = <R extends object>(r: R) => (id === undefined ? r : { ...r, id });
  if (record.v !== PROTOCOL_VERSION) {
    return withId({
      ok: false as const,
      code: 'unsupported-version' as const,
      detail: `protocol version ${String(record.v)} is not supported; this end speaks v${PROTOCOL_VERSION}`,
    });
  }
  if (typeof record.type !== 'string' || !Object.hasOwn(payloads, record.type)) {
    return withId({ ok: false as const, code: 'unknown-type' as const, detail: `unknown message type ${JSON.stringify(record.type)}` });
  }
  const result = v.safeParse(MessageSchema, input);
  if (!result.success) {
    const issue = result.issues[0];
    const path = v.getDotPath(issue) ?? '(message)';
    return withId({ ok: false as const, code: 'invalid-message' as const, detail: `${path}: ${issue.message}` });
  }
  return { ok: true, message: result.output as SignalingMessage };
}

/** Decodes and validates one frame of text. Never throws. */
export function parseMessage(text: string): ParseResult {
  if (utf8Length(text) > MAX_MESSAGE_BYTES) {
    return { ok: false, code: 'message-too-large', detail: `messages are limited to ${MAX_MESSAGE_BYTES} bytes` };
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch {
    return { ok: false, code: 'invalid-json', detail: 'the frame is not valid JSON' };
  }
  return validateMessage(decoded);
}

/** Builds an envelope; `id` defaults to a fresh random id. */
export function createMessage<T extends MessageType>(
  type: T,
  fields: { conversationId: string; from: Sender; payload: PayloadOf<T>; id?: string },
): MessageOf<T> {
  return {
    v: PROTOCOL_VERSION,
    type,
    conversationId: fields.conversationId,
    from: fields.from,
    id: fields.id ?? randomId(),
    payload: fields.payload,
  };
}

export function randomId(): string {
  return globalThis.crypto.randomUUID();
}

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
