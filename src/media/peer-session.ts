/**
 * Peer-to-peer media on one RTCPeerConnection. Negotiation is built so it cannot break a call
 * between different browsers:
 * - **One offerer.** The polite side (the customer) makes every offer, the first one and every ICE
 *   restart; the other side only answers and *asks* for an offer (`negotiate` signal). No glare can
 *   happen, and DTLS roles never flip (Firefox answering a restart offer from its former answerer
 *   flips them, which Chromium refuses).
 * - **Slots from the start.** Every slot the call may use is in the first offer, so turning video on
 *   is a `replaceTrack`, never a renegotiation. A slot whose track is taken away gets inactive
 *   encodings, which stops Firefox repeating the last camera frame after `replaceTrack(null)`.
 * - **Gathered again with permission.** The offer goes out at once, so ICE and DTLS are done while
 *   the customer is still rung; but Firefox gathers only its default-route address before any media
 *   permission (none at all on a host without a default route). So when media is first attached
 *   (the call was accepted, permission granted) and those candidates give no path within 2 s, the
 *   offerer restarts ICE to gather again.
 * - **Recovery.** A failed remote description rolls back and asks for a fresh offer; `disconnected`,
 *   `failed` and "connected but nothing arrives" (the liveness watchdog) restart ICE; a restart asked
 *   while one is under way is not stacked on it; and if packets still do not arrive after a
 *   recovery, the peer connection is rebuilt.
 */
import { TypedEmitter } from '../internal/typed-emitter.js';
import { LivenessWatchdog } from './liveness.js';
import type { Sender } from '../signaling/protocol.js';
import type {
  MediaConnectionState,
  MediaKind,
  MediaPayload,
  MediaSession,
  MediaSessionEvents,
  MediaSessionOptions,
  MediaSignalingPort,
} from './media-session.js';
import { parsePeerSignal, peerSignalPayload, type PeerSignal } from './peer-signal.js';

/** How long a `disconnected` path may last before the offerer restarts ICE instead of waiting for it. */
const DISCONNECTED_RESTART_MS = 2_000;
/** The answerer asks only if the offerer has not restarted by itself in this time. */
const ANSWERER_ASK_MS = 4_000;
/** How long the first media waits for the early candidates to give a path before gathering again. */
const GATHER_AGAIN_MS = 2_000;
/** After a restart is answered, how long its ICE checks get before an asked-for restart follows. */
const RESTART_SETTLE_MS = 1_500;
/** Remote descriptions that fail in a row before the session gives up. */
const MAX_DESCRIPTION_FAILURES = 3;

export class PeerSession extends TypedEmitter<MediaSessionEvents> implements MediaSession {
  readonly remoteStream = new MediaStream();
  /** This side makes every offer. */
  readonly #offerer: boolean;
  readonly #port: MediaSignalingPort;
  readonly #configuration: RTCConfiguration;
  readonly #relayOnly: boolean;
  /** What each kind should send (`null`: nothing); applied to the slot once it exists. */
  readonly #wanted = new Map<MediaKind, MediaStreamTrack | null>();
  /** Replaced as a whole when restarting ICE did not bring packets back (`#rebuild`). */
  #pc: RTCPeerConnection;
  #liveness: LivenessWatchdog;
  #state: MediaConnectionState = 'new';
  /** A local track was attached once (the user accepted and granted media). */
  #mediaReady = false;
  #makingOffer = false;
  #offerAgain = false;
  /** Offerer: an ICE restart is offered (or about to be) and not answered yet. */
  #restarting = false;
  /** Offerer: a restart was answered less than `RESTART_SETTLE_MS` ago; `#restartAfterSettle`: one was asked meanwhile. */
  #settling = false;
  #restartAfterSettle = false;
  /** Automatic recoveries since packets last arrived: the second one rebuilds instead of restarting. */
  #recoveries = 0;
  #descriptionFailures = 0;
  #wasConnected = false;
  #signals: Promise<void> = Promise.resolve();
  #trackOps: Promise<void> = Promise.resolve();
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #gatherAgainTimer: ReturnType<typeof setTimeout> | undefined;
  #restartSettleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: MediaSessionOptions) {
    super();
    // The customer is the polite side: it makes every offer.
    this.#offerer = options.role === 'customer';
    this.#port = options.signaling;
    this.#relayOnly = options.iceTransportPolicy === 'relay';
    this.#configuration = {
      iceServers: options.iceServers,
      iceTransportPolicy: options.iceTransportPolicy ?? 'all',
      bundlePolicy: 'max-bundle',
    };
    [this.#pc, this.#liveness] = this.#open();
  }

  /** A peer connection with this session's handlers, liveness channel and (offerer) slots. */
  #open(): [RTCPeerConnection, LivenessWatchdog] {
    const pc = new RTCPeerConnection(this.#configuration);
    pc.onnegotiationneeded = () => {
      // The answerer never offers: its own changes ride on the offerer's next offer. A busy offerer
      // can ignore it: the browser fires it again once stable if it is still needed.
      if (this.#offerer && pc.signalingState === 'stable' && !this.#makingOffer) void this.#offer();
    };
    pc.onicecandidate = ({ candidate }) =>
      this.#signal({
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
    pc.ontrack = ({ track }) => {
      this.remoteStream.addTrack(track);
      this.emit('remotetrack', track);
    };
    pc.onconnectionstatechange = () => this.#onConnectionState();
    const liveness = new LivenessWatchdog(pc, {
      isConnected: () => pc.connectionState === 'connected',
      onStall: () => {
        this.#setState('reconnecting');
        this.#recover();
      },
      onResume: () => {
        if (pc.connectionState === 'connected') this.#setState('connected');
      },
      onHeartbeat: () => {
        this.#recoveries = 0;
      },
    });
    if (this.#offerer) for (const kind of this.#wanted.keys()) pc.addTransceiver(kind, { direction: 'sendrecv' });
    return [pc, liveness];
  }

  #detach(pc: RTCPeerConnection): void {
    pc.onnegotiationneeded = null;
    pc.onicecandidate = null;
    pc.ontrack = null;
    pc.onconnectionstatechange = null;
    pc.close();
  }

  /**
   * The last resort, when restarting ICE did not bring packets back (a browser left on a stale ICE
   * session): a new peer connection. The offerer offers on it; the answerer rebuilds when an offer of
   * a new session arrives. Remote tracks end and new ones arrive on the same `remoteStream`.
   */
  #rebuild(): void {
    clearTimeout(this.#restartTimer);
    clearTimeout(this.#restartSettleTimer);
    this.#liveness.close();
    this.#detach(this.#pc);
    this.#dropRemoteTracks();
    this.#makingOffer = false;
    this.#offerAgain = false;
    this.#restarting = false;
    this.#settling = false;
    this.#restartAfterSettle = false;
    this.#setState('reconnecting');
    [this.#pc, this.#liveness] = this.#open();
    void this.#syncAllTracks();
  }

  #dropRemoteTracks(): void {
    for (const track of this.remoteStream.getTracks()) {
      track.stop();
      this.remoteStream.removeTrack(track);
    }
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
      if (!this.#wanted.has(kind)) this.#wanted.set(kind, null);
      // The answerer's slots come from the offer; transceivers it added itself would stay unused.
      if (this.#offerer && !this.#transceiverFor(kind)) this.#pc.addTransceiver(kind, { direction: 'sendrecv' });
    }
  }

  setTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    if (this.#state === 'closed') return Promise.resolve();
    this.#wanted.set(kind, track);
    if (this.#offerer && !this.#transceiverFor(kind)) this.#pc.addTransceiver(kind, { direction: 'sendrecv' });
    const applied = this.#queueTrackSync(kind);
    if (this.#offerer && !this.#mediaReady) {
      this.#mediaReady = true;
      if (this.#offeredBeforeMedia()) this.#gatherAgainTimer = setTimeout(() => this.#gatherAgainIfNoPath(), GATHER_AGAIN_MS);
    }
    return applied;
  }

  handleSignal(payload: MediaPayload, from: Sender): Promise<void> {
    // Peer-to-peer has no server-side session: only the other member's session talks to this one.
    if (from === 'server') return this.#signals;
    const signal = parsePeerSignal(payload);
    if (!signal) {
      this.emit('error', new Error('the other side sent a media signal that is not sdp, ice or negotiate'));
      return this.#signals;
    }
    // Strictly in arrival order: a candidate must never race ahead of the description it belongs to.
    const next = this.#signals.then(() => this.#apply(signal));
    this.#signals = next.catch((error: unknown) => this.#reportError(error));
    return this.#signals;
  }

  restartIce(): void {
    if (this.#state === 'closed') return;
    if (!this.#offerer) {
      this.#signal({ type: 'negotiate', iceRestart: true });
      return;
    }
    this.#restarting = true;
    this.#pc.restartIce();
    // Mid-negotiation, browsers differ on re-firing `negotiationneeded` once stable: offer again ourselves.
    if (this.#pc.signalingState !== 'stable' || this.#makingOffer) this.#offerAgain = true;
  }

  getStats(): Promise<RTCStatsReport> {
    return this.#pc.getStats();
  }

  close(): void {
    if (this.#state === 'closed') return;
    clearTimeout(this.#restartTimer);
    clearTimeout(this.#gatherAgainTimer);
    clearTimeout(this.#restartSettleTimer);
    this.#liveness.close();
    this.#detach(this.#pc);
    // Remote tracks end with the connection; drop them so nothing renders a frozen frame.
    this.#dropRemoteTracks();
    this.#setState('closed');
  }

  // --- negotiation ---------------------------------------------------------------------------

  async #apply(signal: PeerSignal): Promise<void> {
    if (this.#state === 'closed') return;
    switch (signal.type) {
      case 'ice':
        return this.#addCandidate(signal.candidate);
      case 'negotiate':
        if (!this.#offerer) return;
        // Our pending offer was refused: no answer will come, take it back before offering again.
        if (signal.refused && this.#pc.signalingState === 'have-local-offer') return this.#offerAfresh();
        // A restart over a restart that is still under way leaves Firefox on a stale ICE session.
        if (signal.rebuild) this.#rebuild();
        else if (!signal.iceRestart) void this.#offer();
        else if (this.#settling) this.#restartAfterSettle = true;
        // While a restart is unanswered, it already is the restart asked for.
        else if (!this.#restarting) this.restartIce();
        return;
      case 'sdp':
        return this.#applyDescription(signal.description);
    }
  }

  async #applyDescription(description: RTCSessionDescriptionInit): Promise<void> {
    const expected = this.#offerer ? 'answer' : 'offer';
    // A stale answer (to an offer we rolled back) or an offer sent to the offerer: nothing to do.
    if (description.type !== expected) return;
    if (this.#offerer && this.#pc.signalingState !== 'have-local-offer') return;
    // The offerer rebuilt its peer connection: an offer of a new session needs a new one here too.
    const current = this.#pc.remoteDescription;
    if (!this.#offerer && current && sessionIdOf(description.sdp ?? '') !== sessionIdOf(current.sdp)) this.#rebuild();
    try {
      await this.#pc.setRemoteDescription(description);
    } catch (error) {
      return this.#descriptionFailed(error);
    }
    this.#descriptionFailures = 0;
    if (this.#offerer) {
      // The restart is answered; its checks take a moment. Only after that may another one follow.
      if (this.#restarting) {
        this.#restarting = false;
        this.#settling = true;
        clearTimeout(this.#restartSettleTimer);
        this.#restartSettleTimer = setTimeout(() => this.#settled(), RESTART_SETTLE_MS);
      }
      await this.#syncAllTracks();
      if (this.#offerAgain) void this.#offer();
      return;
    }
    // Answer every slot as sendrecv so attaching a track later is a replaceTrack, not a renegotiation.
    for (const transceiver of this.#pc.getTransceivers()) {
      if (transceiver.direction === 'recvonly') transceiver.direction = 'sendrecv';
    }
    await this.#pc.setLocalDescription();
    this.#emitLocalDescription();
    await this.#syncAllTracks();
  }

  /** A remote description the browser refused: never strand a side, ask for a fresh start instead. */
  async #descriptionFailed(error: unknown): Promise<void> {
    this.#descriptionFailures += 1;
    if (this.#descriptionFailures > MAX_DESCRIPTION_FAILURES) {
      this.#setState('failed');
      throw error;
    }
    // Counts as a recovery: if packets still do not arrive afterwards, the next one rebuilds.
    this.#recoveries += 1;
    if (this.#offerer) {
      await this.#offerAfresh();
    } else {
      this.#signal({ type: 'negotiate', iceRestart: true, refused: true });
    }
  }

  #settled(): void {
    this.#settling = false;
    if (!this.#restartAfterSettle) return;
    this.#restartAfterSettle = false;
    this.restartIce();
  }

  /** Takes back a pending offer that will get no answer, then offers again with fresh ICE. */
  async #offerAfresh(): Promise<void> {
    if (this.#pc.signalingState === 'have-local-offer') await this.#pc.setLocalDescription({ type: 'rollback' });
    this.#restarting = true;
    this.#pc.restartIce();
    await this.#offer();
  }

  async #offer(): Promise<void> {
    if (this.#state === 'closed' || !this.#offerer) return;
    if (this.#makingOffer || this.#pc.signalingState !== 'stable') {
      // One negotiation at a time: the next offer goes out once the current one is answered.
      this.#offerAgain = true;
      return;
    }
    this.#offerAgain = false;
    this.#makingOffer = true;
    try {
      await this.#pc.setLocalDescription();
      this.#emitLocalDescription();
    } catch (error) {
      this.#reportError(error);
    } finally {
      this.#makingOffer = false;
    }
  }

  async #addCandidate(candidate: RTCIceCandidateInit | null): Promise<void> {
    try {
      await this.#pc.addIceCandidate(candidate ?? undefined);
    } catch (error) {
      // Candidates of a description that failed or was replaced by a restart are expected to fail.
      if (this.#isCurrentCandidate(candidate)) throw error;
    }
  }

  #isCurrentCandidate(candidate: RTCIceCandidateInit | null): boolean {
    const remote = this.#pc.remoteDescription?.sdp;
    if (!remote) return false;
    const fragment = candidate?.usernameFragment;
    return !fragment || remote.includes(`a=ice-ufrag:${fragment}`);
  }

  #emitLocalDescription(): void {
    const local = this.#pc.localDescription;
    if (local) this.#signal({ type: 'sdp', description: { type: local.type, sdp: local.sdp } });
  }

  // --- tracks --------------------------------------------------------------------------------

  #queueTrackSync(kind: MediaKind): Promise<void> {
    const next = this.#trackOps.then(() => this.#syncTrack(kind));
    this.#trackOps = next.catch((error: unknown) => this.#reportError(error));
    return next;
  }

  #syncAllTracks(): Promise<void> {
    return Promise.all([...this.#wanted.keys()].map((kind) => this.#queueTrackSync(kind))).then(() => undefined);
  }

  /** Puts the wanted track on its slot and (de)activates the slot's encodings to match. */
  async #syncTrack(kind: MediaKind): Promise<void> {
    if (this.#state === 'closed') return;
    const transceiver = this.#transceiverFor(kind);
    if (!transceiver) return;
    const track = this.#wanted.get(kind) ?? null;
    if (track) {
      if (transceiver.sender.track !== track) await transceiver.sender.replaceTrack(track);
      await this.#setActive(transceiver.sender, true);
    } else if (transceiver.sender.track) {
      // Inactive first: Firefox keeps sending the last frame of a replaced-away track otherwise. A
      // slot that never had a track sends nothing and stays as it is: no encoder restart on accept.
      await this.#setActive(transceiver.sender, false);
      await transceiver.sender.replaceTrack(null);
    }
  }

  async #setActive(sender: RTCRtpSender, active: boolean): Promise<void> {
    const parameters = sender.getParameters();
    // Encodings exist once the slot is negotiated; `#syncAllTracks` runs again after each negotiation.
    if (!parameters.encodings?.length || parameters.encodings.every((e) => e.active === active)) return;
    for (const encoding of parameters.encodings) encoding.active = active;
    await sender.setParameters(parameters);
  }

  // --- the network path ----------------------------------------------------------------------

  #onConnectionState(): void {
    clearTimeout(this.#restartTimer);
    switch (this.#pc.connectionState) {
      case 'new':
      case 'connecting':
        this.#setState(this.#wasConnected ? 'reconnecting' : 'connecting');
        break;
      case 'connected':
        this.#wasConnected = true;
        if (!this.#liveness.stalled) this.#setState('connected');
        break;
      case 'disconnected':
        // Often recovers by itself (a brief network blip); restart only if it does not.
        this.#setState('reconnecting');
        this.#restartTimer = setTimeout(() => this.#recover(), this.#offerer ? DISCONNECTED_RESTART_MS : ANSWERER_ASK_MS);
        break;
      case 'failed':
        this.#setState('reconnecting');
        if (this.#offerer) this.#recover();
        else this.#restartTimer = setTimeout(() => this.#recover(), ANSWERER_ASK_MS - DISCONNECTED_RESTART_MS);
        break;
      case 'closed':
        this.#setState('closed');
        break;
    }
  }

  /** Offered before the media permission existed (relayed candidates never depended on it). */
  #offeredBeforeMedia(): boolean {
    return (this.#pc.localDescription !== null || this.#makingOffer) && !this.#relayOnly;
  }

  /** Those early candidates still gave no path since the first media: gather again. */
  #gatherAgainIfNoPath(): void {
    if (this.#state === 'closed' || ['connected', 'completed'].includes(this.#pc.iceConnectionState)) return;
    this.restartIce();
  }

  /**
   * Restarts ICE (offerer) or asks for it (answerer); when a recovery already ran and packets still
   * do not arrive, rebuilds the peer connection (offerer) or asks for that (answerer).
   */
  #recover(): void {
    if (this.#state === 'closed') return;
    const escalate = this.#recoveries > 0;
    this.#recoveries += 1;
    if (this.#offerer) {
      if (escalate) this.#rebuild();
      else this.restartIce();
    } else {
      this.#signal({ type: 'negotiate', iceRestart: true, ...(escalate ? { rebuild: true } : {}) });
    }
  }

  #transceiverFor(kind: MediaKind): RTCRtpTransceiver | undefined {
    // An unnegotiated transceiver has no receiver track kind yet other than the one it was made with.
    return this.#pc.getTransceivers().find((t) => t.currentDirection !== 'stopped' && t.direction !== 'stopped' && t.receiver.track.kind === kind);
  }

  #reportError(error: unknown): void {
    if (this.#state !== 'closed') this.emit('error', error instanceof Error ? error : new Error(String(error)));
  }

  #setState(state: MediaConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.emit('connectionstatechange', state);
  }

  /** To the other member's session, through the port the engine gave this session. */
  #signal(signal: PeerSignal): void {
    this.#port.send(peerSignalPayload(signal));
  }
}

/** The `o=` line's session id: a rebuilt peer connection offers a new session. */
function sessionIdOf(sdp: string): string | undefined {
  return sdp.match(/^o=\S+ (\d+)/m)?.[1];
}

export function createPeerSession(options: MediaSessionOptions): MediaSession {
  return new PeerSession(options);
}
