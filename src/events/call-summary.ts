import type { EndReason } from '../engine/call-state.js';
import type { ParticipantRole } from '../signaling/protocol.js';

/**
 * A call is over: what a host posts into its conversation ("Video call · 3:12", "Missed call").
 * - `kind`: `video` when the call was placed as a video call or either side turned its camera on.
 * - `durationMs`: from the moment the call connected to its end; `0` when it never connected.
 * - `endReason`: the engine's (`local-ended`, `remote-ended`, `rejected`, `cancelled`, `missed`, `failed`).
 * - `by`: who ended it, when someone did: the side that hung up, the customer for `rejected`, the agent
 *   for `cancelled`; absent for `missed` and `failed`.
 */
export interface CallSummary {
  readonly kind: 'voice' | 'video';
  readonly durationMs: number;
  readonly endReason: EndReason;
  readonly by?: ParticipantRole;
}

export type CallSummaryEvent = CustomEvent<CallSummary>;

declare global {
  interface GlobalEventHandlersEventMap {
    'call-summary': CallSummaryEvent;
  }
}
