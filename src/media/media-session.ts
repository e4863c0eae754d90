/**
 * The media strategy interface. The engine drives one `MediaSession` per call and never knows what
 * kind it drives: peer-to-peer (`PeerSession`, the default), an SFU session, or `FakeMediaSession`
 * in tests. A session gets the call's identity and a signaling **port** from the engine and owns
 * its payloads entirely: what it sends through the port is carried as one `media-signal` message
 * type (relayed to the other member's session, reliably and in order) or as a server-bound
 * `media-request` (answered by the server's media hook, e.g. an SFU), and the engine hands it every
 * `media-signal` of its call, from the other member or from the server.
 */
import type { TypedEmitter } from '../internal/typed-emitter.js';
import type { MediaPayload, ParticipantRole, Sender } from '../signaling/protocol.js';

export type MediaKind = 'audio' | 'video';
export type { MediaPayload };

/**
 * - `new`: nothing negotiated yet. `connecting`: negotiating / ICE checking.
 * - `connected`: media can flow. `reconnecting`: the path broke and is being restored (ICE restart).
 * - `failed`: the path could not be restored. `closed`: `close()` was called.
 */
export type MediaConnectionState = 'new' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export type MediaSessionEvents = {
  remotetrack: [MediaStreamTrack];
  connectionstatechange: [MediaConnectionState];
  error: [Error];
};

/** How a session talks to its peer and to the server. Bound to one call by the engine. */
export interface MediaSignalingPort {
  /**
   * Sends `payload` to the other member's session of this call (a relayed `media-signal`): delivered
   * once and in order, also across signaling drops and server restarts. Never throws.
   */
  send(payload: MediaPayload): void;
  /**
   * Asks the server's media hook (a `media-request` for this call); resolves with the payload of its
   * `media-response`. Rejects with a `TransportError`: the server's code (`media-unavailable` from a
   * peer-to-peer server), `timeout`, or `invalid-state` once the call or the transport is gone.
   */
  request(payload: MediaPayload, options?: { timeoutMs?: number }): Promise<MediaPayload>;
}

/** What the engine tells a session about the signaling it depends on. */
export interface SignalingRestored {
  /** The server had lost this member's seat (a restart, or the grace period ran out): server-side state is gone. */
  readonly seatLost: boolean;
}

export interface MediaSessionOptions {
  /** The call this session carries. */
  callId: string;
  conversationId: string;
  /** This side of the call. Peer-to-peer: the customer is the polite side, which makes every offer. */
  role: ParticipantRole;
  signaling: MediaSignalingPort;
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
  /** Opens slots for these kinds without any local track, so negotiation and ICE can run early. */
  prepare(kinds: readonly MediaKind[]): void;
  /** Sends `track` (or stops sending with `null`) for its kind, opening a slot if there is none. */
  setTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void>;
  /**
   * A `media-signal` payload of this call: from the other member's session (`from` its role) or from
   * the server (`from: 'server'`). Arrives in order. The session validates it: it is untrusted input.
   */
  handleSignal(payload: MediaPayload, from: Sender): Promise<void>;
  /** Optional: signaling is back after a drop. A server-side session re-establishes what it needs. */
  signalingRestored?(info: SignalingRestored): void;
  /** Re-establishes the network path (ICE restart); peer-to-peer, the answering side asks the offering side for it. */
  restartIce(): void;
  getStats(): Promise<RTCStatsReport>;
  close(): void;
}

export type MediaSessionFactory = (options: MediaSessionOptions) => MediaSession;
