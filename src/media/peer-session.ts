/**
 * Peer-to-peer media on one RTCPeerConnection, negotiated with the "perfect negotiation" pattern
 * (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example): either side may renegotiate at
 * any time (video upgrade, ICE restart) and offer collisions resolve themselves.
 */
import { TypedEmitter } from '../internal/typed-emitter.js';
import type {
  MediaConnectionState,
  MediaKind,
  MediaSession,
  MediaSessionEvents,
  MediaSessionOptions,
  MediaSignal,
} from './media-session.js';

/** How long a `disconnected` path may last before we restart ICE instead of waiting for it. */
const DISCONNECTED_RESTART_MS = 2_000;

export class PeerSession extends TypedEmitter<MediaSessionEvents> implements MediaSession {
  readonly remoteStream = new MediaStream();
  readonly #pc: RTCPeerConnection;
  readonly #polite: boolean;
  #state: MediaConnectionState = 'new';
  #makingOffer = false;
  #ignoreOffer = false;
  #settingRemoteAnswer = false;
  #wasConnected = false;
  #signals: Promise<void> = Promise.resolve();
  #disconnectedTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: MediaSessionOptions) {
    super();
    this.#polite = options.polite;
    this.#pc = new RTCPeerConnection({
      iceServers: options.iceServers,
      iceTransportPolicy: options.iceTransportPolicy ?? 'all',
      bundlePolicy: 'max-bundle',
    });
    this.#pc.onnegotiationneeded = () => void this.#negotiate();
    this.#pc.onicecandidate = ({ candidate }) =>
      this.emit('signal', {
        type: 'ice',
        candidate: candidate
          ? {
              candidate: candidate.candidate,
              sdpMid: candidate.sdpMid,
              sdpMLineIndex: candidate.sdpMLineIndex,
              usernameFragment: candidate.usernameFragment,
            }
          : null,
      });
    this.#pc.ontrack = ({ track }) => {
      this.remoteStream.addTrack(track);
      this.emit('remotetrack', track);
    };
    this.#pc.onconnectionstatechange = () => this.#onConnectionState();
  }

  static create(options: MediaSessionOptions): PeerSession {
    return new PeerSession(options);
  }

  get connectionState(): MediaConnectionState {
    return this.#state;
  }

  /** For tests and diagnostics: the configuration the peer connection was built with. */
  getConfiguration(): RTCConfiguration {
    return this.#pc.getConfiguration();
  }

  prepare(kinds: readonly MediaKind[]): void {
    for (const kind of kinds) {
      if (!this.#transceiverFor(kind)) this.#pc.addTransceiver(kind, { direction: 'sendrecv' });
    }
  }

  async setTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    if (this.#state === 'closed') return;
    const transceiver = this.#transceiverFor(kind);
    if (transceiver) {
      // replaceTrack needs no renegotiation as long as the slot already sends.
      if (track && (transceiver.direction === 'recvonly' || transceiver.direction === 'inactive')) {
        transceiver.direction = 'sendrecv';
      }
      await transceiver.sender.replaceTrack(track);
    } else if (track) {
      this.#pc.addTransceiver(track, { direction: 'sendrecv' });
    }
  }

  handleSignal(signal: MediaSignal): Promise<void> {
    // Strictly in arrival order: a candidate must never race ahead of the description it belongs to.
    const next = this.#signals.then(() => this.#apply(signal));
    this.#signals = next.catch((error: unknown) => {
      if (this.#state !== 'closed') this.emit('error', error instanceof Error ? error : new Error(String(error)));
    });
    return this.#signals;
  }

  restartIce(): void {
    if (this.#state === 'closed') return;
    this.#pc.restartIce();
  }

  getStats(): Promise<RTCStatsReport> {
    return this.#pc.getStats();
  }

  close(): void {
    if (this.#state === 'closed') return;
    clearTimeout(this.#disconnectedTimer);
    this.#pc.onnegotiationneeded = null;
    this.#pc.onicecandidate = null;
    this.#pc.ontrack = null;
    this.#pc.onconnectionstatechange = null;
    this.#pc.close();
    // Remote tracks end with the connection; drop them so nothing renders a frozen frame.
    for (const track of this.remoteStream.getTracks()) {
      track.stop();
      this.remoteStream.removeTrack(track);
    }
    this.#setState('closed');
  }

  async #apply(signal: MediaSignal): Promise<void> {
    if (this.#state === 'closed') return;
    if (signal.type === 'ice') {
      try {
        await this.#pc.addIceCandidate(signal.candidate ?? undefined);
      } catch (error) {
        // Candidates of an offer we ignored in a collision are expected to fail.
        if (!this.#ignoreOffer) throw error;
      }
      return;
    }
    const description = signal.description;
    const readyForOffer = !this.#makingOffer && (this.#pc.signalingState === 'stable' || this.#settingRemoteAnswer);
    const collision = description.type === 'offer' && !readyForOffer;
    this.#ignoreOffer = !this.#polite && collision;
    if (this.#ignoreOffer) return;
    this.#settingRemoteAnswer = description.type === 'answer';
    await this.#pc.setRemoteDescription(description);
    this.#settingRemoteAnswer = false;
    if (description.type === 'offer') {
      // Answer every slot as sendrecv so attaching a track later is a replaceTrack, not a renegotiation.
      for (const transceiver of this.#pc.getTransceivers()) {
        if (transceiver.direction === 'recvonly') transceiver.direction = 'sendrecv';
      }
      await this.#pc.setLocalDescription();
      this.#emitLocalDescription();
    }
  }

  async #negotiate(): Promise<void> {
    try {
      this.#makingOffer = true;
      await this.#pc.setLocalDescription();
      this.#emitLocalDescription();
    } catch (error) {
      if (this.#state !== 'closed') this.emit('error', error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.#makingOffer = false;
    }
  }

  #emitLocalDescription(): void {
    const local = this.#pc.localDescription;
    if (local) this.emit('signal', { type: 'sdp', description: { type: local.type, sdp: local.sdp } });
  }

  #onConnectionState(): void {
    clearTimeout(this.#disconnectedTimer);
    switch (this.#pc.connectionState) {
      case 'new':
      case 'connecting':
        this.#setState(this.#wasConnected ? 'reconnecting' : 'connecting');
        break;
      case 'connected':
        this.#wasConnected = true;
        this.#setState('connected');
        break;
      case 'disconnected':
        // Often recovers by itself (a brief network blip); restart only if it does not.
        this.#setState('reconnecting');
        this.#disconnectedTimer = setTimeout(() => this.#restartFromThisSide(), DISCONNECTED_RESTART_MS);
        break;
      case 'failed':
        this.#setState('reconnecting');
        this.#restartFromThisSide();
        break;
      case 'closed':
        this.#setState('closed');
        break;
    }
  }

  /** Only the impolite side restarts, so both sides do not fire crossing restart offers. */
  #restartFromThisSide(): void {
    if (!this.#polite) this.restartIce();
  }

  #transceiverFor(kind: MediaKind): RTCRtpTransceiver | undefined {
    // An unnegotiated transceiver has no receiver track kind yet other than the one it was made with.
    return this.#pc.getTransceivers().find((t) => t.currentDirection !== 'stopped' && t.direction !== 'stopped' && t.receiver.track.kind === kind);
  }

  #setState(state: MediaConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.emit('connectionstatechange', state);
  }
}

export function createPeerSession(options: MediaSessionOptions): MediaSession {
  return new PeerSession(options);
}
