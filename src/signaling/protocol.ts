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
  'video-not-allowed',
  'calls-disabled',
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

// visual engagement: shared schemas (see docs/providers.md, "Wire messages of the built-in providers")
const VisualKind = v.picklist(['screen-share', 'cobrowse']);
const VisualCapabilities = v.strictObject({
  view: v.boolean(),
  laserPointer: v.boolean(),
  remoteControl: v.boolean(),
  navigation: v.boolean(),
});
const ProviderId = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const Pin = v.pipe(v.string(), v.minLength(1), v.maxLength(32));
const Seq = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));
const NodeId = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 31));
const Fraction = v.pipe(v.number(), v.minValue(0), v.maxValue(1));
const ScrollDelta = v.pipe(v.number(), v.minValue(-100_000), v.maxValue(100_000));
// end visual engagement

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
  /**
   * Agent -> customer: make a new offer (with an ICE restart when asked). Only the customer offers.
   * `refused`: the agent's browser refused the customer's latest offer, which will get no answer.
   * `rebuild`: restarting ICE did not bring packets back; start over on a new peer connection.
   */
  negotiate: v.strictObject({ callId: Id, iceRestart: v.boolean(), refused: v.optional(v.boolean()), rebuild: v.optional(v.boolean()) }),
  /**
   * Agent -> server (consumed, never relayed): this agent's call started ringing. The reference
   * server counts the agent's whole capacity as used until `call-ended`, a `leave`, or the end of the
   * agent's resume grace period.
   */
  'call-started': v.strictObject({ callId: Id, video: v.boolean() }),
  /** Agent -> server (consumed, never relayed): the call is over, whichever way it ended. */
  'call-ended': v.strictObject({ callId: Id }),
  // visual engagement (docs/providers.md). PIN service: client -> server, answered by the server.
  /** Agent -> server: create the PIN of a new visual-engagement session, bound to this conversation. */
  've-pin-create': v.strictObject({
    /** Chosen by the client; the server's `ve-pin` answer carries it as `replyTo`. */
    requestId: Id,
    sessionId: Id,
    provider: ProviderId,
    kind: VisualKind,
    capabilities: VisualCapabilities,
    /** Shorter than the server's PIN lifetime if given (never longer). */
    ttlMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1_000), v.maxValue(86_400_000))),
  }),
  /** Customer -> server: redeem a PIN the agent shared. */
  've-pin-redeem': v.strictObject({ requestId: Id, pin: Pin }),
  /** Agent -> server: the session ended before its PIN was used; the PIN stops working. */
  've-pin-revoke': v.strictObject({ sessionId: Id }),
  /** Server -> agent: the PIN of `ve-pin-create` (`replyTo` is its `requestId`). `expiresAt`: ms since the epoch. */
  've-pin': v.strictObject({ replyTo: Id, sessionId: Id, pin: Pin, expiresAt: v.number() }),
  /** Server -> customer: the outcome of `ve-pin-redeem` (`replyTo` is its `requestId`); `session` when `ok`. */
  've-pin-result': v.strictObject({
    replyTo: Id,
    outcome: v.picklist(['ok', 'pin-invalid', 'pin-expired', 'pin-locked']),
    attemptsLeft: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    session: v.optional(
      v.strictObject({ sessionId: Id, provider: ProviderId, kind: VisualKind, capabilities: VisualCapabilities }),
    ),
  }),
  /** Server -> agent: the customer redeemed the session's PIN, or too many wrong PINs locked it. */
  've-pin-status': v.strictObject({ sessionId: Id, status: v.picklist(['redeemed', 'locked']) }),
  /**
   * Agent -> customer: a session was created and its PIN is on its way (the customer's PIN entry
   * appears). Best effort: dropped without an error when the customer is not in the conversation;
   * the agent sends it again when the customer arrives while the session waits.
   */
  've-offer': v.strictObject({ sessionId: Id, kind: VisualKind }),
  // Relayed between the members, every one tied to a session.
  /** Customer -> agent: the invitation was accepted. `laserPointer`: the agent's pointer can be shown to the customer. */
  've-accept': v.strictObject({ sessionId: Id, laserPointer: v.optional(v.boolean()) }),
  've-decline': v.strictObject({ sessionId: Id }),
  /** Either side: the session is over. `stopped`: the customer stopped sharing from the browser's own UI. */
  've-end': v.strictObject({
    sessionId: Id,
    reason: v.picklist(['ended', 'stopped', 'expired', 'failed', 'unknown-session']),
  }),
  /** Customer -> agent: the customer's page is unloading (a navigation); `ve-resume` follows from the next page. */
  've-navigating': v.strictObject({ sessionId: Id }),
  /** Customer -> agent: the session goes on in a newly loaded page; a fresh snapshot (new `epoch`) follows. */
  've-resume': v.strictObject({ sessionId: Id }),
  /**
   * Customer -> agent: co-browse DOM events (rrweb), a JSON array split into ordered chunks. `epoch`
   * names one recording (a page load or resync); `seq` counts its chunks from 0; `final` ends a batch.
   */
  've-events': v.strictObject({
    sessionId: Id,
    epoch: Id,
    seq: Seq,
    data: v.pipe(v.string(), v.maxLength(60_000)),
    final: v.boolean(),
  }),
  /** Agent -> customer: a chunk went missing or the mirror was rebuilt; send a fresh snapshot (new epoch). */
  've-resync': v.strictObject({ sessionId: Id }),
  /**
   * Agent -> customer: the laser pointer. `x`, `y`: fractions of the viewport (screen share: of the
   * shared surface); `target`: the mirrored node under the pointer and the point within its box.
   */
  've-laser': v.strictObject({
    sessionId: Id,
    visible: v.boolean(),
    x: Fraction,
    y: Fraction,
    target: v.optional(v.strictObject({ epoch: Id, nodeId: NodeId, x: Fraction, y: Fraction })),
  }),
  /** Agent -> customer: a remote-control action on the node `nodeId` of recording `epoch`. */
  've-control': v.strictObject({
    sessionId: Id,
    epoch: Id,
    seq: Seq,
    action: v.picklist(['click', 'input', 'select', 'scroll']),
    nodeId: NodeId,
    value: v.optional(v.pipe(v.string(), v.maxLength(10_000))),
    dx: v.optional(ScrollDelta),
    dy: v.optional(ScrollDelta),
  }),
  /** Agent: asks for (or gives up) remote control. Customer: control is now on / taken back. */
  've-control-state': v.strictObject({ sessionId: Id, enabled: v.boolean() }),
  /** Customer -> agent: a `ve-control` action (by `seq`) was refused, and why. */
  've-control-result': v.strictObject({
    sessionId: Id,
    seq: Seq,
    ok: v.boolean(),
    reason: v.optional(v.picklist(['private', 'not-found', 'cross-origin', 'not-in-control', 'unsupported', 'stale'])),
  }),
  /** Screen share: the session's own peer connection, negotiated like a call's (`sdp` / `ice`). */
  've-sdp': v.strictObject({ sessionId: Id, description: SessionDescription }),
  've-ice': v.strictObject({ sessionId: Id, candidate: IceCandidate }),
  /** Screen share, agent -> customer: make a new offer, like a call's `negotiate`. */
  've-negotiate': v.strictObject({ sessionId: Id, iceRestart: v.boolean(), refused: v.optional(v.boolean()), rebuild: v.optional(v.boolean()) }),
  // end visual engagement
} as const;

type Payloads = typeof payloads;
export type MessageType = keyof Payloads;

// visual engagement: which of its types are relayed, server-bound, or sent by the server.
/** A visual-engagement session's own messages (each carries its `sessionId`), relayed to the other member. */
export const VISUAL_SESSION_TYPES = [
  've-accept',
  've-decline',
  've-end',
  've-navigating',
  've-resume',
  've-events',
  've-resync',
  've-laser',
  've-control',
  've-control-state',
  've-control-result',
  've-sdp',
  've-ice',
  've-negotiate',
] as const satisfies readonly MessageType[];
const VISUAL_RELAYED_TYPES: readonly MessageType[] = [...VISUAL_SESSION_TYPES, 've-offer'];
/** Relayed when the other member is there, dropped without a `peer-not-present` error when not. */
export const BEST_EFFORT_TYPES: ReadonlySet<MessageType> = new Set<MessageType>(['ve-offer']);
const VISUAL_SERVER_BOUND_TYPES: readonly MessageType[] = ['ve-pin-create', 've-pin-redeem', 've-pin-revoke'];
const VISUAL_SERVER_REPLY_TYPES: readonly MessageType[] = ['ve-pin', 've-pin-result', 've-pin-status'];
// end visual engagement

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
  'negotiate',
  'chat-message',
  ...VISUAL_RELAYED_TYPES,
]);

/** Types a client sends to the server itself: consumed there, never relayed to the other member. */
export const SERVER_BOUND_TYPES: ReadonlySet<MessageType> = new Set<MessageType>(['call-started', 'call-ended', ...VISUAL_SERVER_BOUND_TYPES]);

/** Types only the server may send. */
export const SERVER_TYPES: ReadonlySet<MessageType> = new Set<MessageType>(['joined', 'presence', 'error', ...VISUAL_SERVER_REPLY_TYPES]);

/**
 * Server-sent types that answer a client's server-bound request (the visual-engagement PIN service).
 * Transports hand them to their `message` listeners like relayed messages (with `from: 'server'`).
 */
export const SERVER_REPLY_TYPES: ReadonlySet<MessageType> = new Set<MessageType>(VISUAL_SERVER_REPLY_TYPES);

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
