/**
 * Everything a `CallEngine` reports, as listener-argument tuples. Elements and hosts render from
 * these events only; in particular the other side's mute/camera state is what its engine said.
 */
import type { MediaConnectionState } from '../media/media-session.js';
import type { ParticipantRole } from '../signaling/protocol.js';
import type { CallState } from './call-state.js';
import type { CallError } from './errors.js';
import type { NetworkQuality } from './network-quality.js';

export interface MediaState {
  readonly muted: boolean;
  readonly videoEnabled: boolean;
}

export interface IncomingCall {
  readonly callId: string;
  readonly video: boolean;
  readonly callerName?: string;
}

/**
 * The conversation's signaling as the engine sees it: `connecting` (first join), `connected`,
 * `reconnecting` (the connection dropped or went dead; messages wait and nothing is lost), `closed`.
 */
export type SignalingState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/**
 * A supervisor on the call: `monitoring` (listening, only the agent is told), `barged-in` (speaking,
 * both sides hear it), or `null` (none, or it left).
 */
export type SupervisorPresence = 'monitoring' | 'barged-in' | null;

export type CallEngineEvents = {
  /** Every phase change: `(state, previous)`. */
  statechange: [CallState, CallState];
  /** Caller side: the other side confirmed it is ringing. */
  ringing: [{ readonly callId: string }];
  /** Callee side: a call is ringing here. */
  incoming: [IncomingCall];
  /** The local preview stream (`null` when the call ends). Tracks are added and removed on it. */
  localstream: [MediaStream | null];
  /** The other side's media (`null` when the call ends). Tracks are added to it as they arrive. */
  remotestream: [MediaStream | null];
  localmediastate: [MediaState];
  /** The other side's mute/camera state, as its engine reported it. */
  remotemediastate: [MediaState];
  /** The media path: connecting, connected, reconnecting (ICE restart), failed. */
  connectionstate: [MediaConnectionState];
  /** The signaling connection: shown apart from media trouble ("Reconnecting to the call service…"). */
  signalingstate: [SignalingState];
  /** The other side's video frames started or stopped arriving (renderers hide a tile without frames). */
  remotevideoflowing: [boolean];
  /** The active call's network got `poor` (choppy) or `good` again. */
  networkquality: [NetworkQuality];
  /** The camera could not be used; the call goes on with audio. Carries why. */
  videofallback: [CallError];
  error: [CallError];
  /** Devices were plugged in or removed; call `listDevices()` again. */
  devicechange: [];
  /** The chosen speaker; renderers apply it with `HTMLMediaElement.setSinkId`. */
  audiooutputchange: [string];
  /** A supervisor started monitoring the call, barged in, or left (as the server tells this side). */
  supervisor: [SupervisorPresence];
  /** The other member of the conversation connected or left. */
  presence: [{ readonly role: ParticipantRole; readonly present: boolean }];
};
