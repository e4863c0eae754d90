/**
 * The signaling protocol, version 2: every message that crosses the wire, as versioned,
 * schema-validated envelopes. Both the SDK and the reference server import this one module, so the
 * two ends can never disagree on what is valid. See docs/protocol.md.
 *
 * The envelope is lean on purpose (most co-browse traffic is small events): a joined connection
 * already knows its conversation and role, so only `join` names them; relayed messages carry their
 * sender's sequence number `seq` (and, piggy-backed, the cumulative `ack` of what the sender has
 * received) instead of a random id; requests carry a small numeric `id` that the reply's `replyTo`
 * echoes. The server forwards a relayed frame byte for byte: with two members, who sent it is
 * implied (the other one), so the receiving transport fills in `from`. `from` stays in the envelope
 * for conversations with more members (a supervisor), where the server will have to name the sender.
 */
import * as v from 'valibot';

export const PROTOCOL_VERSION = 2;

/** Largest serialized message either end accepts (UTF-8 bytes). */
export const MAX_MESSAGE_BYTES = 64 * 1024;

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(128));
/**
 * Conversation roles. Seats are keyed by role. The `supervisor` is the optional third member of an
 * SFU deployment: it monitors (and may barge into) the agent's call through the SFU, and takes no
 * part in the members' relayed stream (see docs/protocol.md, "Supervisor").
 */
export const PARTICIPANT_ROLES = ['agent', 'customer', 'supervisor'] as const;
const Role = v.picklist(PARTICIPANT_ROLES);

export type ParticipantRole = v.InferOutput<typeof Role>;
/** The two sides of a call (what the elements' `participant` attribute takes): every role but the supervisor. */
export type CallParticipantRole = Exclude<ParticipantRole, 'supervisor'>;
/** Who sent a message as its receiver sees it: a member, or the server (`from` absent on the wire). */
export type Sender = ParticipantRole | 'server';

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
  'media-unavailable',
  'media-not-found',
  // issue #10: stale access and limits (docs/security.md)
  'token-revoked',
  'conversation-ended',
  'rate-limited',
  'join-timeout',
  'too-many-failed-joins',
] as const;
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

/**
 * WebSocket close codes with a meaning of their own. 4000-4999 is the range RFC 6455 leaves to
 * applications. `replaced`: the same member joined again from another connection, so this one must
 * not reconnect (two tabs would otherwise keep kicking each other out). `goingAway` (1001, from the
 * browser when a page unloads) is taken by the server as a leave.
 */
export const CLOSE_CODES = {
  goingAway: 1001,
  replaced: 4001,
  /** The seat's access was revoked (conversation reassigned or ended): its token no longer joins. */
  revoked: 4003,
  /** The connection did not join in time. */
  joinTimeout: 4008,
  /** Too many refused joins on one connection. */
  tooManyFailedJoins: 4009,
  /** The client kept sending over its rate limits. */
  rateLimited: 4029,
} as const;

/** A per-sender sequence number (relayed messages) or a cumulative acknowledgement of one. */
const Seq = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));
/** A request's id, chosen by the client, echoed by the reply's `replyTo`. */
const RequestId = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));

/** A WebRTC session description, as peer-to-peer media sessions and screen share exchange them. */
export const SessionDescriptionSchema = v.strictObject({
  type: v.picklist(['offer', 'answer', 'pranswer', 'rollback']),
  sdp: v.pipe(v.string(), v.maxLength(60_000)),
});

/** A trickled ICE candidate, `null` at the end of candidates. */
export const IceCandidateSchema = v.nullable(
  v.strictObject({
    candidate: v.pipe(v.string(), v.maxLength(2_000)),
    sdpMid: v.nullish(v.pipe(v.string(), v.maxLength(64))),
    sdpMLineIndex: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0))),
    usernameFragment: v.nullish(v.pipe(v.string(), v.maxLength(256))),
  }),
);

/**
 * A media session's own payload (`media-signal`, `media-request`, `media-response`): any JSON object.
 * The session that sends it defines and validates it (peer-to-peer: sdp / ice; an SFU: its exchanges).
 */
const MediaPayload = v.record(v.string(), v.unknown());
export type MediaPayload = v.InferOutput<typeof MediaPayload>;

/** Call phases a member can announce (a live call). */
const LivePhase = v.picklist(['outgoing', 'incoming', 'connecting', 'active']);

/** What a (re)joining member says about the call it is in: the server and the other member reconcile with it. */
const CallAnnouncementSchema = v.strictObject({
  callId: Id,
  phase: LivePhase,
  video: v.boolean(),
  muted: v.boolean(),
  videoEnabled: v.boolean(),
});
export type CallAnnouncement = v.InferOutput<typeof CallAnnouncementSchema>;

/** A seated member as the server sees it: its role, the page instance holding the seat, its announced call. */
const MemberInfo = v.strictObject({ role: Role, instance: Id, call: v.optional(CallAnnouncementSchema) });
export type MemberInfo = v.InferOutput<typeof MemberInfo>;

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
const NodeId = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 31));
const Fraction = v.pipe(v.number(), v.minValue(0), v.maxValue(1));
const ScrollDelta = v.pipe(v.number(), v.minValue(-100_000), v.maxValue(100_000));
const SessionDescription = SessionDescriptionSchema;
const IceCandidate = IceCandidateSchema;
// end visual engagement

/** Payload schema of each message type. Adding a type here (and to one category below) is the whole of adding it. */
const payloads = {
  // --- session: joining, liveness, acknowledgements ---------------------------------------
  /**
   * Client -> server (a request, answered by `joined`): authenticate and take the seat of `role` in
   * `conversationId`. `instance` names this page load: the same instance again is a resume, a new one
   * tells the other members the previous page is gone. `call`: the call this member is in, if any.
   */
  join: v.strictObject({
    conversationId: Id,
    role: Role,
    token: v.pipe(v.string(), v.minLength(1), v.maxLength(4_096)),
    instance: Id,
    call: v.optional(CallAnnouncementSchema),
  }),
  /**
   * Server -> client: the join succeeded. `members` lists every seated member, the joiner included.
   * `resumed`: the seat was still held (a reconnect within the grace period); false after the seat was
   * lost (first join, grace period over, or a server that restarted).
   */
  joined: v.strictObject({ conversationId: Id, role: Role, members: v.array(MemberInfo), resumed: v.boolean() }),
  /** Client -> server: leave on purpose (no grace period, the other members are told at once). */
  leave: v.strictObject({}),
  /**
   * Server -> client: another member took its seat (again: `present` with its `instance` and announced
   * `call`, also after a resume), or lost it (`reason`: `left` on purpose, `timeout` after its grace
   * period, `replaced` by a newer page of the same identity).
   */
  presence: v.strictObject({
    role: Role,
    present: v.boolean(),
    instance: v.optional(Id),
    call: v.optional(CallAnnouncementSchema),
    reason: v.optional(v.picklist(['left', 'timeout', 'replaced'])),
  }),
  /** Client -> server: are you there? Answered by `pong`. The SDK pings a silent connection to detect a dead one. */
  ping: v.strictObject({}),
  pong: v.strictObject({}),
  /** Member -> member (relayed, not sequenced): a batched cumulative acknowledgement, in the envelope's `ack`. */
  ack: v.strictObject({}),
  /**
   * Relayed in place of a message the server refused (same `seq`), so the receiver's sequence has no
   * gap. The sender's transport re-sends it, in place of the refused message, like any other.
   */
  skip: v.strictObject({}),
  /**
   * Server -> client: a message was refused. The envelope's `replyTo` is the refused request's `id`;
   * `seq` is the refused relayed message's sequence number.
   */
  error: v.strictObject({
    code: v.picklist(PROTOCOL_ERROR_CODES),
    message: v.pipe(v.string(), v.maxLength(1_000)),
    seq: v.optional(Seq),
  }),
  // --- calls (relayed) ----------------------------------------------------------------------
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
  /** Either side: the call is over. `hangup`: someone hung up; `failed`: the sender's side of the call broke. */
  'call-end': v.strictObject({ callId: Id, reason: v.picklist(['hangup', 'failed']) }),
  /** The sender's own media state, as its engine knows it. */
  'media-state': v.strictObject({ callId: Id, muted: v.boolean(), videoEnabled: v.boolean() }),
  /** The call's media sessions talking to each other; the payload is the session's own (peer-to-peer: sdp / ice). */
  'media-signal': v.strictObject({ callId: Id, payload: MediaPayload }),
  /** A chat line between the members (the demo's chat; hosts usually have their own chat). */
  'chat-message': v.strictObject({ text: v.pipe(v.string(), v.minLength(1), v.maxLength(4_000)) }),
  // --- calls (server-bound) -------------------------------------------------------------------
  /**
   * Agent -> server (consumed, never relayed): this agent's call started ringing. The reference
   * server counts the agent's whole capacity as used until the call ends (see docs/protocol.md).
   */
  'call-started': v.strictObject({ callId: Id, video: v.boolean() }),
  /** Agent -> server (consumed, never relayed): the call is over, whichever way it ended. */
  'call-ended': v.strictObject({ callId: Id }),
  /** Client -> server (a request, answered by `media-response`): for a server-side media session (an SFU). */
  'media-request': v.strictObject({ callId: Id, payload: MediaPayload }),
  /** Server -> client: the answer to a `media-request`. */
  'media-response': v.strictObject({ callId: Id, payload: MediaPayload }),
  /**
   * Server -> agent (and -> customer once the supervisor speaks): a supervisor is `monitoring` the
   * conversation's call (the agent only is told), has `barged-in` (both hear it), or has `left`.
   */
  supervisor: v.strictObject({ state: v.picklist(['monitoring', 'barged-in', 'left']) }),
  // visual engagement (docs/providers.md). PIN service: client -> server, answered by the server.
  /** Agent -> server (a request, answered by `ve-pin`): create the PIN of a new visual-engagement session, bound to this conversation. */
  've-pin-create': v.strictObject({
    sessionId: Id,
    provider: ProviderId,
    kind: VisualKind,
    capabilities: VisualCapabilities,
    /** Shorter than the server's PIN lifetime if given (never longer). */
    ttlMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1_000), v.maxValue(86_400_000))),
  }),
  /** Customer -> server (a request, answered by `ve-pin-result`): redeem a PIN the agent shared. */
  've-pin-redeem': v.strictObject({ pin: Pin }),
  /** Agent -> server: the session ended before its PIN was used; the PIN stops working. */
  've-pin-revoke': v.strictObject({ sessionId: Id }),
  /** Server -> agent: the PIN of `ve-pin-create`. `expiresAt`: ms since the epoch. */
  've-pin': v.strictObject({ sessionId: Id, pin: Pin, expiresAt: v.number() }),
  /** Server -> customer: the outcome of `ve-pin-redeem`; `session` when `ok`. */
  've-pin-result': v.strictObject({
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
   * appears). Relayed like every member message: kept by the agent's transport until the customer
   * is there to take it; the agent also sends it again when the customer arrives while the session waits.
   */
  've-offer': v.strictObject({ sessionId: Id, kind: VisualKind }),
  // Relayed between the members, every one tied to a session.
  /**
   * Customer -> agent: the invitation was accepted. `laserPointer`: the agent's pointer can be shown
   * to the customer. `capabilities`: what the session allows (the agent's offer and the customer
   * page's policy, both).
   */
  've-accept': v.strictObject({ sessionId: Id, laserPointer: v.optional(v.boolean()), capabilities: v.optional(VisualCapabilities) }),
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
  /**
   * Agent: asks for (or gives up) remote control; asking only prompts the customer. Customer: control
   * is now on (the customer allowed it) or off (released, taken back); `reason`: the customer
   * `denied` the request, or the page does not allow remote control (`not-offered`).
   */
  've-control-state': v.strictObject({
    sessionId: Id,
    enabled: v.boolean(),
    reason: v.optional(v.picklist(['denied', 'not-offered'])),
  }),
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
const VISUAL_REQUEST_TYPES = { 've-pin-create': 've-pin', 've-pin-redeem': 've-pin-result' } as const;
const VISUAL_NOTICE_TYPES: readonly MessageType[] = ['ve-pin-revoke'];
const VISUAL_PUSH_TYPES: readonly MessageType[] = ['ve-pin-status'];
// end visual engagement

/**
 * Member-to-member messages: sequenced by their sender (`seq`), acknowledged by their receiver,
 * re-sent after any rejoin until acknowledged, and delivered once, in order.
 */
export const RELAYED_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  'call-invite',
  'call-ringing',
  'call-accept',
  'call-reject',
  'call-cancel',
  'call-end',
  'media-state',
  'media-signal',
  'chat-message',
  'skip',
  ...VISUAL_RELAYED_TYPES,
]);

/** Each request type and the type of the server's reply to it (the reply's `replyTo` is the request's `id`). */
export const REPLY_TYPES = {
  join: 'joined',
  'media-request': 'media-response',
  ...VISUAL_REQUEST_TYPES,
} as const satisfies Partial<Record<MessageType, MessageType>>;
export type RequestType = Exclude<keyof typeof REPLY_TYPES, 'join'>;
export type ReplyType<T extends keyof typeof REPLY_TYPES> = (typeof REPLY_TYPES)[T];

/** Client -> server requests a transport's `request()` sends (everything in `REPLY_TYPES` but `join`). */
export const REQUEST_TYPES: ReadonlySet<MessageType> = new Set<MessageType>(
  (Object.keys(REPLY_TYPES) as MessageType[]).filter((type) => type !== 'join'),
);

/** Client -> server notices: consumed there, never relayed, answered only when refused. */
export const NOTICE_TYPES: ReadonlySet<MessageType> = new Set<MessageType>(['call-started', 'call-ended', ...VISUAL_NOTICE_TYPES]);

/** Everything a client sends to the server itself (requests and notices): never relayed. */
export const SERVER_BOUND_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([...REQUEST_TYPES, ...NOTICE_TYPES]);

/** Replies to requests (with `replyTo`). */
export const SERVER_REPLY_TYPES: ReadonlySet<MessageType> = new Set<MessageType>(Object.values(REPLY_TYPES));

/**
 * Server-originated messages a transport hands to its `message` listeners (with `from: 'server'`):
 * PIN status, and media signals from a server-side media session.
 */
export const SERVER_PUSH_TYPES: ReadonlySet<MessageType> = new Set<MessageType>(['media-signal', 'supervisor', ...VISUAL_PUSH_TYPES]);

/** Types only the server may send. (`media-signal` is not one: members relay it too.) */
export const SERVER_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  'joined',
  'presence',
  'pong',
  'error',
  'supervisor',
  ...SERVER_REPLY_TYPES,
  ...VISUAL_PUSH_TYPES,
]);

function envelope<T extends MessageType>(type: T) {
  return v.strictObject({
    v: v.literal(PROTOCOL_VERSION),
    type: v.literal(type),
    from: v.optional(Role),
    seq: v.optional(Seq),
    ack: v.optional(Seq),
    id: v.optional(RequestId),
    replyTo: v.optional(RequestId),
    payload: payloads[type] as Payloads[T],
  });
}

const types = Object.keys(payloads) as MessageType[];
/** One schema per type, looked up by `type` (cheaper than a union on the server's hot path). */
const schemas = new Map(types.map((type) => [type, envelope(type)] as const));

type EnvelopeOf<T extends MessageType> = {
  v: typeof PROTOCOL_VERSION;
  type: T;
  /**
   * The member that sent it. On the wire only where the server must name the sender (reserved for
   * conversations of more than two members); a transport fills it in for relayed messages, so
   * listeners always see it. Absent on the server's own messages.
   */
  from?: ParticipantRole;
  /** Relayed messages: the sender's sequence number. */
  seq?: number;
  /** The sender's cumulative acknowledgement of the other member's sequence. */
  ack?: number;
  /** Requests (and optionally notices): the client's id for the reply or error to refer to. */
  id?: number;
  /** Replies and errors: the `id` of the request they answer. */
  replyTo?: number;
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
  | { ok: false; code: ProtocolErrorCode; detail: string; id?: number; seq?: number };

/** Validates an already-decoded value. Never throws. */
export function validateMessage(input: unknown): ParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, code: 'invalid-message', detail: 'a message is a JSON object' };
  }
  const record = input as Record<string, unknown>;
  const refs: { id?: number; seq?: number } = {};
  if (isRef(record.id)) refs.id = record.id;
  if (isRef(record.seq)) refs.seq = record.seq;
  if (record.v !== PROTOCOL_VERSION) {
    return {
      ok: false,
      code: 'unsupported-version',
      detail: `protocol version ${String(record.v)} is not supported; this end speaks v${PROTOCOL_VERSION}`,
      ...refs,
    };
  }
  const schema = typeof record.type === 'string' ? schemas.get(record.type as MessageType) : undefined;
  if (!schema) {
    return { ok: false, code: 'unknown-type', detail: `unknown message type ${JSON.stringify(record.type)}`, ...refs };
  }
  const result = v.safeParse(schema, input);
  if (!result.success) {
    const issue = result.issues[0];
    const path = v.getDotPath(issue) ?? '(message)';
    return { ok: false, code: 'invalid-message', detail: `${path}: ${issue.message}`, ...refs };
  }
  return { ok: true, message: result.output as SignalingMessage };
}

/** Decodes and validates one frame of text. Never throws. */
export function parseMessage(text: string): ParseResult {
  // Cheap bound first: a string of n UTF-16 units is at most 3n UTF-8 bytes.
  if (text.length * 3 > MAX_MESSAGE_BYTES && utf8Length(text) > MAX_MESSAGE_BYTES) {
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

/** The envelope fields besides `v`, `type` and `payload`. */
export interface EnvelopeFields {
  from?: ParticipantRole;
  seq?: number;
  ack?: number;
  id?: number;
  replyTo?: number;
}

/** Builds an envelope (not validated: `parseMessage` of its JSON is the check). */
export function createMessage<T extends MessageType>(type: T, payload: PayloadOf<T>, fields: EnvelopeFields = {}): MessageOf<T> {
  const message = { v: PROTOCOL_VERSION, type } as MessageOf<T>;
  if (fields.from !== undefined) message.from = fields.from;
  if (fields.seq !== undefined) message.seq = fields.seq;
  if (fields.ack !== undefined) message.ack = fields.ack;
  if (fields.id !== undefined) message.id = fields.id;
  if (fields.replyTo !== undefined) message.replyTo = fields.replyTo;
  message.payload = payload;
  return message;
}

/**
 * The frame of a relayed message from its parts, by concatenation: `payloadJson` is the payload
 * serialized once, so a re-send with a fresher `ack` costs no second `JSON.stringify`.
 */
export function relayedFrame(type: MessageType, seq: number, ack: number | undefined, payloadJson: string): string {
  return `{"v":${PROTOCOL_VERSION},"type":"${type}","seq":${seq}${ack === undefined ? '' : `,"ack":${ack}`},"payload":${payloadJson}}`;
}

export function randomId(): string {
  return globalThis.crypto.randomUUID();
}

const encoder = new TextEncoder();
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

function isRef(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
