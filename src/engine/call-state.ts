/**
 * The call state machine: phases, why a call ended, and which transitions are legal. The engine
 * asks `canTransition` before every change so an impossible sequence (say, a late `call-accept`
 * after a cancel) is ignored instead of resurrecting a call.
 */
import type { CallError } from './errors.js';

export type CallPhase = 'idle' | 'outgoing' | 'incoming' | 'connecting' | 'active' | 'ended';

/**
 * - `local-ended` / `remote-ended`: a connected call was hung up by this side / the other side.
 * - `rejected`: the customer declined. `cancelled`: the caller hung up while ringing.
 * - `missed`: nobody answered before the ring timeout. `failed`: media or signaling broke here.
 * - `remote-failed`: the call broke on the other side (its devices, its media, its signaling), which
 *   is not the same as the other side hanging up.
 */
export type EndReason = 'local-ended' | 'remote-ended' | 'rejected' | 'cancelled' | 'missed' | 'failed' | 'remote-failed';

export interface CallState {
  readonly phase: CallPhase;
  /** Present from `outgoing`/`incoming` on. */
  readonly callId?: string;
  /** Whether the call was placed as a video call. */
  readonly video: boolean;
  readonly direction?: 'outgoing' | 'incoming';
  readonly callerName?: string;
  /** `Date.now()` when the call became active. */
  readonly activeSince?: number;
  readonly endReason?: EndReason;
  /** Why a `failed` call failed. */
  readonly error?: CallError;
}

export const IDLE: CallState = Object.freeze({ phase: 'idle', video: false });

const transitions: Record<CallPhase, readonly CallPhase[]> = {
  idle: ['outgoing', 'incoming'],
  outgoing: ['connecting', 'ended'],
  incoming: ['connecting', 'ended'],
  connecting: ['active', 'ended'],
  active: ['ended'],
  ended: ['outgoing', 'incoming'],
};

export function canTransition(from: CallPhase, to: CallPhase): boolean {
  return transitions[from].includes(to);
}

/** A call is "live" (has media to clean up) in these phases. */
export function isInCall(phase: CallPhase): boolean {
  return phase === 'outgoing' || phase === 'incoming' || phase === 'connecting' || phase === 'active';
}
