/**
 * The peer-to-peer session's own media-signal payloads: `{ sdp: description }`, `{ ice: candidate }`
 * (`null` ends the candidates), or `{ negotiate: { iceRestart, refused?, rebuild? } }` (the answering
 * side asks the offering side for a new offer). Validated on arrival like everything else from the wire.
 */
import * as v from 'valibot';
import { IceCandidateSchema, SessionDescriptionSchema } from '../signaling/protocol.js';
import type { MediaPayload } from './media-session.js';

const NegotiateSchema = v.strictObject({ iceRestart: v.boolean(), refused: v.optional(v.boolean()), rebuild: v.optional(v.boolean()) });

const PeerSignalSchema = v.union([
  v.strictObject({ sdp: SessionDescriptionSchema }),
  v.strictObject({ ice: IceCandidateSchema }),
  v.strictObject({ negotiate: NegotiateSchema }),
]);

/**
 * - `sdp` / `ice`: a description or a trickled candidate.
 * - `negotiate`: the answering side asks for a new offer (with an ICE restart when asked);
 *   `refused`: it could not apply the latest offer, which will get no answer; `rebuild`: a restart
 *   did not bring packets back, start over on a new peer connection.
 */
export type PeerSignal =
  | { type: 'sdp'; description: v.InferOutput<typeof SessionDescriptionSchema> }
  | { type: 'ice'; candidate: v.InferOutput<typeof IceCandidateSchema> }
  | ({ type: 'negotiate' } & v.InferOutput<typeof NegotiateSchema>);

/** The payload's signal, or null when it is not a valid peer-to-peer signal. */
export function parsePeerSignal(payload: MediaPayload): PeerSignal | null {
  const result = v.safeParse(PeerSignalSchema, payload);
  if (!result.success) return null;
  const output = result.output;
  if ('sdp' in output) return { type: 'sdp', description: output.sdp };
  if ('ice' in output) return { type: 'ice', candidate: output.ice };
  return { type: 'negotiate', ...output.negotiate };
}

/** A negotiate request's own fields (what `{ negotiate }` and `ve-negotiate` carry). */
export function negotiateOf(signal: { iceRestart: boolean; refused?: boolean; rebuild?: boolean }): v.InferOutput<typeof NegotiateSchema> {
  return { iceRestart: signal.iceRestart, ...(signal.refused ? { refused: true } : {}), ...(signal.rebuild ? { rebuild: true } : {}) };
}

export function peerSignalPayload(signal: PeerSignal): MediaPayload {
  switch (signal.type) {
    case 'sdp':
      return { sdp: signal.description };
    case 'ice':
      return { ice: signal.candidate };
    default:
      return { negotiate: negotiateOf(signal) };
  }
}
