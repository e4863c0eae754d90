/** What `call-summary` says about a call that just ended. */
import type { CallState } from '../../engine/call-state.js';
import type { CallSummary } from '../../events/call-summary.js';
import type { ParticipantRole } from '../../signaling/protocol.js';

export function summarize(state: CallState, participant: ParticipantRole, sawVideo: boolean): CallSummary {
  const other: ParticipantRole = participant === 'agent' ? 'customer' : 'agent';
  const endReason = state.endReason ?? 'local-ended';
  const by: ParticipantRole | undefined = {
    'local-ended': participant,
    'remote-ended': other,
    rejected: 'customer' as const,
    cancelled: 'agent' as const,
    missed: undefined,
    failed: undefined,
    // A failure is nobody's hang-up, on either side.
    'remote-failed': undefined,
  }[endReason];
  const durationMs = state.activeSince === undefined ? 0 : Math.max(0, Date.now() - state.activeSince);
  return { kind: state.video || sawVideo ? 'video' : 'voice', durationMs, endReason, ...(by ? { by } : {}) };
}
