/**
 * The SFU exchange: what an `SfuSession` asks the server's SFU (requests, each answered by a reply)
 * and what the SFU tells a session unasked (notices). These are payloads of the conversation's
 * media signaling; both the browser session and the reference server validate them with these
 * schemas. mediasoup's own parameter objects (RTP capabilities and parameters, ICE and DTLS
 * parameters) are checked here for shape and size only: mediasoup validates their contents.
 */
import * as v from 'valibot';

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(128));
const Kind = v.picklist(['audio', 'video']);
/** mediasoup's parameter objects: a JSON object, validated in depth by mediasoup itself. */
const MediasoupObject = v.record(v.string(), v.unknown());
const DtlsParameters = v.looseObject({
  role: v.optional(v.picklist(['auto', 'client', 'server'])),
  fingerprints: v.pipe(
    v.array(v.strictObject({ algorithm: v.pipe(v.string(), v.maxLength(32)), value: v.pipe(v.string(), v.maxLength(256)) })),
    v.minLength(1),
    v.maxLength(8),
  ),
});

/** Who a forwarded stream comes from, as the conversation names its members. */
const Source = v.picklist(['agent', 'customer', 'supervisor']);

export const SfuRequestSchema = v.variant('op', [
  /** The router's RTP capabilities: what the session's device loads before anything else. */
  v.strictObject({ op: v.literal('capabilities') }),
  /**
   * A WebRTC transport on the SFU: `send` carries this member's tracks up, `recv` the others' down.
   * A `recv` transport carries the device's capabilities: the SFU then offers the others' streams
   * on it unasked (`consumer-added` notices).
   */
  v.strictObject({ op: v.literal('create-transport'), direction: v.literal('send') }),
  v.strictObject({ op: v.literal('create-transport'), direction: v.literal('recv'), rtpCapabilities: MediasoupObject }),
  v.strictObject({ op: v.literal('connect-transport'), transportId: Id, dtlsParameters: DtlsParameters }),
  /** New ICE credentials for a transport whose path broke. */
  v.strictObject({ op: v.literal('restart-ice'), transportId: Id }),
  v.strictObject({ op: v.literal('produce'), transportId: Id, kind: Kind, rtpParameters: MediasoupObject }),
  v.strictObject({ op: v.picklist(['pause-producer', 'resume-producer', 'close-producer']), producerId: Id }),
  v.strictObject({ op: v.picklist(['pause-consumer', 'resume-consumer']), consumerId: Id }),
  /** This member's media for the call is over: every transport, producer and consumer closes. */
  v.strictObject({ op: v.literal('close') }),
]);
export type SfuRequest = v.InferOutput<typeof SfuRequestSchema>;
export type SfuOp = SfuRequest['op'];

export const SfuTransportReplySchema = v.strictObject({
  transportId: Id,
  iceParameters: MediasoupObject,
  iceCandidates: v.pipe(v.array(MediasoupObject), v.maxLength(32)),
  dtlsParameters: MediasoupObject,
});

/** The reply to each request. Requests without one of their own answer `{}`. */
export const SfuReplySchemas = {
  capabilities: v.strictObject({ rtpCapabilities: MediasoupObject }),
  'create-transport': SfuTransportReplySchema,
  'restart-ice': v.strictObject({ iceParameters: MediasoupObject }),
  produce: v.strictObject({ producerId: Id }),
} as const;
export type SfuReplyOf<Op extends SfuOp> = Op extends keyof typeof SfuReplySchemas
  ? v.InferOutput<(typeof SfuReplySchemas)[Op]>
  : Record<string, never>;

export const SfuNoticeSchema = v.variant('event', [
  /**
   * Another member's stream is offered on this member's `recv` transport, paused until the session
   * has its consumer and sends `resume-consumer`.
   */
  v.strictObject({
    event: v.literal('consumer-added'),
    consumerId: Id,
    producerId: Id,
    kind: Kind,
    rtpParameters: MediasoupObject,
    source: Source,
  }),
  /** The stream ended (its member stopped sending it, left, or hung up). */
  v.strictObject({ event: v.literal('consumer-closed'), consumerId: Id }),
  /**
   * The SFU lost this member's transports (its media worker restarted): build them again. A
   * restarted server has no transports either; sessions learn that from `media-not-found` replies.
   */
  v.strictObject({ event: v.literal('reset') }),
]);
export type SfuNotice = v.InferOutput<typeof SfuNoticeSchema>;
export type SfuSource = v.InferOutput<typeof Source>;

export type SfuParseResult<T> = { ok: true; value: T } | { ok: false; detail: string };

export function parseSfuRequest(input: unknown): SfuParseResult<SfuRequest> {
  return parse(SfuRequestSchema, input);
}

export function parseSfuNotice(input: unknown): SfuParseResult<SfuNotice> {
  return parse(SfuNoticeSchema, input);
}

export function parseSfuReply<Op extends SfuOp>(op: Op, input: unknown): SfuParseResult<SfuReplyOf<Op>> {
  const schema = (SfuReplySchemas as Record<string, v.GenericSchema>)[op] ?? v.strictObject({});
  return parse(schema, input) as SfuParseResult<SfuReplyOf<Op>>;
}

function parse<T>(schema: v.GenericSchema<unknown, T>, input: unknown): SfuParseResult<T> {
  const result = v.safeParse(schema, input);
  if (result.success) return { ok: true, value: result.output };
  const issue = result.issues[0];
  const path = v.getDotPath(issue);
  return { ok: false, detail: `${path ? `${path}: ` : ''}${issue.message}` };
}
