/**
 * The media strategy interface. The engine drives one `MediaSession` per call; the default is
 * peer-to-peer (`PeerSession`), an SFU session plugs in behind the same shape.
 */
import type { TypedEmitter } from '../internal/typed-emitter.js';
import type { PayloadOf } from '../signaling/protocol.js';

export type MediaKind = 'audio' | 'video';

/** What a session asks the engine to deliver to the other side. */
export type MediaSignal =
  | { type: 'sdp'; description: PayloadOf<'sdp'>['description'] }
  | { type: 'ice'; candidate: PayloadOf<'ice'>['candidate'] }
  /**
   * The answering side asks the offering side for a new offer (with an ICE restart when asked);
   * `refused`: it could not apply the latest offer, which will get no answer; `rebuild`: a restart
   * did not bring packets back, start over on a new peer connection.
   */
  | { type: 'negotiate'; iceRestart: boolean; refused?: boolean; rebuild?: boolean };

/**
 * - `new`: nothing negotiated yet. `connecting`: negotiating / ICE checking.
 * - `connected`: media can flow. `reconnecting`: the path broke and is being restored (ICE restart).
 * - `failed`: the path could not be restored. `closed`: `close()` was called.
 */
export type MediaConnectionState = 'new' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export type MediaSessionEvents = {
  signal: [MediaSignal];
  remotetrack: [MediaStreamTrack];
  connectionstatechange: [MediaConnectionState];
  error: [Error];
};

export interface MediaSessionOptions {
  /** The customer's side is polite. Peer-to-peer: the polite side makes every offer, the other only answers. */
  polite: boolean;
  iceServers: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** The media region after aliases (`na` for `gcc`); an SFU session picks its server by it. */
  region?: string;
  /** The region's SFU, when the region map has one. */
  sfuUrl?: string;
}

export interface MediaSession extends Pick<TypedEmitter<MediaSessionEvents>, 'on' | 'once' | 'off'> {
  readonly connectionState: MediaConnectionState;
  /** Every track the other side sends, kept in one stream for rendering. */
  readonly remoteStream: MediaStream;
  /** Opens slots for these kinds without any local track, so turning one on later never renegotiates. */
  prepare(kinds: readonly MediaKind[]): void;
  /** Sends `track` (or stops sending with `null`) for its kind, opening a slot if there is none. */
  setTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void>;
  /** Applies a signal the other side's session emitted. Signals are applied in arrival order. */
  handleSignal(signal: MediaSignal): Promise<void>;
  /** Re-establishes the network path (ICE restart); the answering side asks the offering side for it. */
  restartIce(): void;
  getStats(): Promise<RTCStatsReport>;
  close(): void;
}

export type MediaSessionFactory = (options: MediaSessionOptions) => MediaSession;
