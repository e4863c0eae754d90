/**
 * `CallEngine`: one conversation's calls for one role, with no DOM. It turns user intents
 * (start, accept, reject, mute, video, end) and the other side's signaling messages into state
 * transitions, media and events.
 *
 * Answering is made fast by preparing while it rings: the caller's invite is followed at once by
 * an offer, so the callee's peer connection negotiates and connects ICE/DTLS while the customer
 * still decides, without touching a camera or a microphone. Accepting then only captures media
 * and attaches it (`replaceTrack`, no renegotiation).
 */
import { TypedEmitter } from '../internal/typed-emitter.js';
import type { MediaConnectionState, MediaSession, MediaSessionFactory, MediaSignalingPort } from '../media/media-session.js';
import { createMediaSession, isWebRtcSessionFactory } from '../media/default-session.js';
import { resolveMediaRegion, type MediaRegionMap, type ResolvedMediaRegion } from '../media/regions.js';
import type { CallAnnouncement, MessageType, ParticipantRole, PayloadOf, SignalingMessage } from '../signaling/protocol.js';
import { randomId } from '../signaling/protocol.js';
import { LOCAL_CLOSE_REASON, TransportError, type JoinInfo, type PresenceEvent, type SignalingTransport, type TransportErrorEvent, type TransportState } from '../signaling/transport.js';
import { CallMemory, type CallMemoryStorage } from './call-memory.js';
import { canTransition, IDLE, isInCall, type CallState, type EndReason } from './call-state.js';
import { resolveCalling, type CallingOption } from './calling.js';
import { reportCalls, SignalingCapacityReporter, type CapacityReporter } from './capacity-reporter.js';
import { LocalMedia, type DeviceList } from './devices.js';
import { CallError } from './errors.js';
import type { CallEngineEvents, SupervisorPresence, MediaState, SignalingState } from './events.js';
import { NetworkQualityMonitor, type NetworkQuality } from './network-quality.js';
import { onPageExit } from './page-exit.js';
import { RemoteVideoMonitor } from './remote-video-monitor.js';

export interface CallEngineOptions {
  /** The conversation's signaling. The engine takes it over: `dispose()` closes it. */
  transport: SignalingTransport;
  /** `false` for voice-only deployments: video calls and turning video on are refused. Default `true`. */
  allowVideo?: boolean;
  /**
   * The deployment's calling option: `voice-only` also means `allowVideo: false`; `off` refuses every
   * call (`calls-disabled`). Default `video-and-voice` (narrowed to `voice-only` by `allowVideo: false`).
   */
  calling?: CallingOption;
  /** STUN/TURN servers for the peer connection. Default: the `region`'s servers, else none (host candidates only). */
  iceServers?: RTCIceServer[];
  /** `relay` forces media through TURN. Default `all`. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /**
   * The deployment's media region (`na`, `eu`, `apac`, `gcc` -> `na`, ...), resolved through the region
   * map to the ICE/TURN servers used when `iceServers` is not given. Unknown regions throw.
   */
  region?: string;
  /** Regions added to or replacing the page's region map (`setMediaRegions`) for this engine. */
  regions?: MediaRegionMap;
  /**
   * Told when this agent's calls start and end (agent capacity). Default: the reference server, over
   * the transport (`SignalingCapacityReporter`); `null` reports nothing. Not used on the customer side.
   */
  capacityReporter?: CapacityReporter | null;
  /** How long a call rings before it is missed. Default 45 s. */
  ringTimeoutMs?: number;
  /** How long an accepted call may take to connect, or a broken one to reconnect. Default 20 s. */
  connectTimeoutMs?: number;
  /** Shown to the customer while ringing. */
  displayName?: string;
  /** The media strategy. Default: through the SFU when the region has one (`sfuUrl`), else peer-to-peer. */
  mediaSessionFactory?: MediaSessionFactory;
  /** Where devices come from. Default: `navigator.mediaDevices`. */
  mediaDevices?: () => MediaDevices;
  /**
   * Leave the conversation when the page goes away (`pagehide`: closed, reloaded, navigated), so the
   * other side learns at once instead of after the server's grace period. Default `true`.
   */
  leaveOnPageHide?: boolean;
  /**
   * Where the engine remembers the call it is in, so a reloaded page can show that call as ended.
   * Default: the tab's `sessionStorage` (when there is one); `null` remembers nothing.
   */
  callMemory?: CallMemoryStorage | null;
}

type ResolvedOptions = Required<
  Omit<CallEngineOptions, 'transport' | 'region' | 'displayName' | 'iceTransportPolicy' | 'regions' | 'capacityReporter' | 'callMemory'>
> &
  Pick<CallEngineOptions, 'region' | 'displayName' | 'iceTransportPolicy'>;

const MEDIA_OFF: MediaState = Object.freeze({ muted: false, videoEnabled: false });

export class CallEngine extends TypedEmitter<CallEngineEvents> {
  readonly role: ParticipantRole;
  readonly conversationId: string;
  readonly options: Readonly<ResolvedOptions>;
  readonly #transport: SignalingTransport;
  readonly #media: LocalMedia;
  readonly #mediaRegion: ResolvedMediaRegion | undefined;
  readonly #unsubscribe: Array<() => void> = [];
  #state: CallState = IDLE;
  #session: MediaSession | undefined;
  #localMediaState: MediaState = MEDIA_OFF;
  #remoteMediaState: MediaState | null = null;
  #supervisor: SupervisorPresence = null;
  /** Both sides agreed to the call: local tracks are attached and media may flow. */
  #accepted = false;
  #ringTimer: ReturnType<typeof setTimeout> | undefined;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  #audioOutput: string | undefined;
  #connecting: Promise<void> | undefined;
  /** The caller's device start-up for the current call; settles, never rejects. */
  #capturing: Promise<void> = Promise.resolve();
  #disposed = false;
  /** The page is going away: the call ends here, but the memory of it stays for the next page. */
  #unloading = false;
  /** Sequence numbers of this call's messages, so an `error` answering one reaches this call only. */
  readonly #sent = new Map<number, MessageType>();
  /** The other member's page instance, once known: a different one means its page (and its call) is gone. */
  #peerInstance: string | undefined;
  #everJoined = false;
  readonly #callMemory: CallMemory;
  readonly #quality = new NetworkQualityMonitor(
    () => this.getStats(),
    (quality) => this.emit('networkquality', quality),
  );
  readonly #remoteVideo = new RemoteVideoMonitor(
    () => this.getStats(),
    (flowing) => this.emit('remotevideoflowing', flowing),
  );

  constructor(options: CallEngineOptions) {
    super();
    const { transport, calling, allowVideo, regions, capacityReporter, iceServers, callMemory, ...rest } = options;
    this.#transport = transport;
    if (transport.role === 'supervisor') throw new CallError('invalid-state', 'a supervisor monitors calls with openSupervisorMonitor(), not a CallEngine');
    this.role = transport.role;
    this.conversationId = transport.conversationId;
    try {
      this.#mediaRegion = rest.region ? resolveMediaRegion(rest.region, regions) : undefined;
    } catch (error) {
      throw new CallError('invalid-state', messageOf(error), { cause: error });
    }
    const resolvedCalling = resolveCalling(calling, allowVideo);
    this.options = Object.freeze({
      ringTimeoutMs: 45_000,
      connectTimeoutMs: 20_000,
      mediaSessionFactory: createMediaSession,
      mediaDevices: () => navigator.mediaDevices,
      leaveOnPageHide: true,
      ...stripUndefined(rest),
      calling: resolvedCalling,
      allowVideo: resolvedCalling === 'video-and-voice',
      // Explicit servers win over the region's.
      iceServers: iceServers ?? [...(this.#mediaRegion?.iceServers ?? [])],
    });
    this.#media = new LocalMedia(this.options.mediaDevices, isWebRtcSessionFactory(this.options.mediaSessionFactory));
    this.#callMemory = new CallMemory(callMemory, this.conversationId, this.role);
    this.#unsubscribe.push(
      transport.on('message', (message) => this.#onMessage(message)),
      transport.on('presence', (presence) => this.#onPresence(presence)),
      transport.on('joined', (info) => this.#onJoined(info)),
      transport.on('statechange', (state) => this.emit('signalingstate', signalingStateOf(state))),
      transport.on('close', ({ reason }) => this.#onTransportClosed(reason)),
      transport.on('error', (error) => this.#onTransportError(error)),
      this.#media.on('devicechange', () => this.emit('devicechange')),
      this.#media.on('trackended', (track) => this.#onTrackEnded(track)),
    );
    if (this.options.leaveOnPageHide) this.#unsubscribe.push(onPageExit(() => this.#onPageExit()));
    const reporter = capacityReporter === undefined ? new SignalingCapacityReporter(transport) : capacityReporter;
    if (reporter && this.role === 'agent') this.#unsubscribe.push(reportCalls(this, reporter));
    // The previous page of this tab was in a call when it went away: that call is over, say so.
    const orphan = this.#callMemory.takeOrphan();
    if (orphan) this.#state = Object.freeze({ phase: 'ended', callId: orphan, video: false, endReason: 'local-ended' });
  }

  get state(): CallState {
    return this.#state;
  }

  get transport(): SignalingTransport {
    return this.#transport;
  }

  /** The local preview, while a call holds media. */
  get localStream(): MediaStream | null {
    return this.#media.hasTracks ? this.#media.stream : null;
  }

  /** The other side's media, while a call is set up. */
  get remoteStream(): MediaStream | null {
    return this.#session?.remoteStream ?? null;
  }

  get localMediaState(): MediaState {
    return this.#localMediaState;
  }

  /** `null` until the other side reported its state in this call. */
  get remoteMediaState(): MediaState | null {
    return this.#remoteMediaState;
  }

  /** A supervisor on this conversation's call, as the server told this side (see the `supervisor` event). */
  get supervisor(): SupervisorPresence {
    return this.#supervisor;
  }

  get connectionState(): MediaConnectionState {
    return this.#session?.connectionState ?? 'new';
  }

  /** The signaling connection: `reconnecting` while it is down (the call goes on, messages wait). */
  get signalingState(): SignalingState {
    return signalingStateOf(this.#transport.state);
  }

  /** Whether the other side's video frames are arriving now (false also while its camera is off). */
  get remoteVideoFlowing(): boolean {
    return this.#remoteVideo.flowing;
  }

  /** `poor` while an active call's round trip or packet loss would be heard. */
  get networkQuality(): NetworkQuality {
    return this.#quality.quality;
  }

  get audioOutputDeviceId(): string | undefined {
    return this.#audioOutput;
  }

  /** Joins the conversation's signaling. Calls do this themselves; a callee calls it to be reachable. */
  connect(): Promise<void> {
    this.#assertUsable('connect');
    if (this.#transport.state === 'open' || this.#transport.state === 'reconnecting') return Promise.resolve();
    this.#connecting ??= this.#transport.connect().then(
      () => {
        this.#connecting = undefined;
      },
      (error: unknown) => {
        this.#connecting = undefined;
        throw CallError.signaling(`could not join the conversation: ${messageOf(error)}`, error);
      },
    );
    return this.#connecting;
  }

  /**
   * Agent: rings the customer at once and starts the microphone (and camera) while it rings. Resolves
   * once the devices are up; rejects with a `CallError` (and cancels the ring) when they cannot start.
   */
  async startCall({ video = false }: { video?: boolean } = {}): Promise<void> {
    this.#assertUsable('start a call');
    if (this.options.calling === 'off') throw callsDisabled();
    if (this.role !== 'agent') throw CallError.invalidState('start a call as a customer', this.#state.phase);
    if (isInCall(this.#state.phase)) throw CallError.invalidState('start a call', this.#state.phase);
    if (video && !this.options.allowVideo) throw videoNotAllowed();
    this.#media.checkSupport();
    await this.connect();

    const callId = randomId();
    this.#transition({ phase: 'outgoing', callId, video, direction: 'outgoing', callerName: this.options.displayName });
    // Ring at once and start the devices while it rings. Nothing is sent before the customer
    // accepts, and a device failure cancels the ring (`call-cancel`) before anyone can answer.
    this.#send('call-invite', { callId, video, ...(this.options.displayName ? { callerName: this.options.displayName } : {}) });
    // Its offer follows the invite: negotiation starts in a later task, after this send.
    this.#openSession(callId);
    this.#ringTimer = setTimeout(() => {
      this.#send('call-cancel', { callId, reason: 'missed' });
      this.#finish('missed');
    }, this.options.ringTimeoutMs);
    const capturing = this.#captureFor(callId, video);
    this.#capturing = capturing.then(
      () => undefined,
      () => undefined,
    );
    if (!(await capturing)) return;
    this.#sendMediaState();
  }

  /** Customer: answers the ringing call, with the camera or audio only. */
  async accept({ video = false }: { video?: boolean } = {}): Promise<void> {
    this.#assertUsable('accept');
    const { phase, callId } = this.#state;
    if (phase !== 'incoming' || !callId) throw CallError.invalidState('accept', phase);
    if (video && !this.options.allowVideo) throw videoNotAllowed();
    clearTimeout(this.#ringTimer);
    this.#transition({ ...this.#state, phase: 'connecting' });
    // Tell the caller first: its media starts flowing while our own devices start up.
    this.#send('call-accept', { callId, video });
    if (!(await this.#captureFor(callId, video))) return;
    await this.#attachLocalTracks();
    if (!this.#isCurrent(callId)) return;
    this.#sendMediaState();
    this.#markAccepted();
  }

  /** Customer: declines the ringing call. */
  reject(): void {
    this.#assertUsable('reject');
    const { phase, callId } = this.#state;
    if (phase !== 'incoming' || !callId) throw CallError.invalidState('reject', phase);
    this.#send('call-reject', { callId });
    this.#finish('rejected');
  }

  /** Hangs up: cancels a ringing outgoing call, rejects an incoming one, ends a connected one. */
  end(): void {
    const { phase, callId } = this.#state;
    if (!callId) return;
    switch (phase) {
      case 'outgoing':
        this.#send('call-cancel', { callId, reason: 'cancelled' });
        this.#finish('cancelled');
        break;
      case 'incoming':
        this.reject();
        break;
      case 'connecting':
      case 'active':
        this.#send('call-end', { callId, reason: 'hangup' });
        this.#finish('local-ended');
        break;
      default:
        break;
    }
  }

  /** Mutes the microphone: nothing is sent until unmuted, and the other side is told. */
  async setMuted(muted: boolean): Promise<void> {
    const callId = this.#requireMedia('change mute');
    const track = this.#media.audioTrack;
    if (track) track.enabled = !muted;
    this.#setLocalMediaState({ muted });
    if (this.#accepted) await this.#session?.setTrack('audio', muted ? null : track);
    if (this.#isCurrent(callId)) this.#sendMediaState();
  }

  /**
   * Turns the camera on or off. Off stops the camera (its light goes out). On in a voice call
   * upgrades it to video: a new video slot is negotiated.
   */
  async setVideoEnabled(enabled: boolean): Promise<void> {
    const callId = this.#requireMedia('change video');
    if (enabled) {
      if (!this.options.allowVideo) throw videoNotAllowed();
      let track: MediaStreamTrack;
      try {
        track = await this.#media.startVideo();
      } catch (error) {
        const callError = CallError.fromDeviceError(error, 'camera');
        this.emit('error', callError);
        throw callError;
      }
      // The call may have ended while the camera prompt was open: leave no light on.
      if (!this.#isCurrent(callId)) return this.#media.stopVideo();
      this.#setLocalMediaState({ videoEnabled: true });
      if (this.#accepted) await this.#session?.setTrack('video', track);
    } else {
      this.#media.stopVideo();
      this.#setLocalMediaState({ videoEnabled: false });
      if (this.#accepted) await this.#session?.setTrack('video', null);
    }
    if (this.#isCurrent(callId)) this.#sendMediaState();
  }

  listDevices(): Promise<DeviceList> {
    return this.#media.listDevices();
  }

  /** Switches microphone, camera or speaker, mid-call or ahead of the next one. */
  async switchDevice(kind: 'microphone' | 'camera' | 'speaker', deviceId: string): Promise<void> {
    this.#assertUsable('switch devices');
    if (kind === 'speaker') {
      this.#audioOutput = deviceId;
      this.emit('audiooutputchange', deviceId);
      return;
    }
    const callId = this.#state.callId;
    let track: MediaStreamTrack | null;
    try {
      track = await this.#media.switchDevice(kind, deviceId);
    } catch (error) {
      const callError = CallError.fromDeviceError(error, kind);
      this.emit('error', callError);
      throw callError;
    }
    if (!track || !callId || !this.#isCurrent(callId)) return;
    this.emit('localstream', this.#media.stream);
    if (!this.#accepted) return;
    if (kind === 'camera') await this.#session?.setTrack('video', track);
    else await this.#session?.setTrack('audio', this.#localMediaState.muted ? null : track);
  }

  /** Whether speakers are chosen in the browser's own chooser (`selectAudioOutput`, Firefox). */
  get canSelectAudioOutput(): boolean {
    return this.#media.canSelectAudioOutput;
  }

  /**
   * Opens the browser's speaker chooser (from a click) and switches to the speaker picked there.
   * Resolves the chosen device id, or `null` when the user closed the chooser.
   */
  async selectAudioOutput(): Promise<string | null> {
    this.#assertUsable('choose a speaker');
    let chosen;
    try {
      chosen = await this.#media.selectAudioOutput();
    } catch (error) {
      const callError = CallError.fromDeviceError(error, 'speaker');
      this.emit('error', callError);
      throw callError;
    }
    if (!chosen) return null;
    await this.switchDevice('speaker', chosen.deviceId);
    return chosen.deviceId;
  }

  /** Re-establishes the media path (ICE restart), e.g. after the network changed. Automatic on failure. */
  restartIce(): void {
    this.#session?.restartIce();
  }

  /** The peer connection's statistics, while a call has one. */
  getStats(): Promise<RTCStatsReport | null> {
    return this.#session ? this.#session.getStats() : Promise.resolve(null);
  }

  /** Ends any call, leaves the conversation (closing the transport), removes every listener. The engine cannot be used again. */
  dispose(): void {
    if (this.#disposed) return;
    this.end();
    this.#finishSilently();
    this.#disposed = true;
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#media.dispose();
    this.#transport.close();
    this.removeAllListeners();
  }

  // --- incoming messages -------------------------------------------------------------------

  #onMessage(message: SignalingMessage): void {
    if (message.from === this.role) return;
    switch (message.type) {
      case 'call-invite':
        return this.#onInvite(message.payload);
      case 'call-ringing':
        if (this.#isPhase(message.payload.callId, 'outgoing')) this.emit('ringing', { callId: message.payload.callId });
        return;
      case 'call-accept':
        return void this.#onAccept(message.payload.callId);
      case 'call-reject':
        if (this.#isPhase(message.payload.callId, 'outgoing')) this.#finish('rejected');
        return;
      case 'call-cancel':
        // Also while accepting: the cancel may cross our accept on the wire.
        if (this.#isCurrent(message.payload.callId)) this.#finish(message.payload.reason);
        return;
      case 'call-end':
        if (this.#isCurrent(message.payload.callId)) this.#finish(message.payload.reason === 'failed' ? 'remote-failed' : 'remote-ended');
        return;
      case 'media-state':
        return this.#onRemoteMediaState(message.payload);
      case 'media-signal':
        if (this.#isCurrent(message.payload.callId)) void this.#session?.handleSignal(message.payload.payload, message.from ?? 'server');
        return;
      case 'supervisor':
        return this.#onSupervisor(message.payload.state);
      default:
        return;
    }
  }

  /** The server speaks for the supervisor (which relays nothing): what it says is the truth. */
  #onSupervisor(state: PayloadOf<'supervisor'>['state']): void {
    const next: SupervisorPresence = state === 'left' ? null : state;
    if (next === this.#supervisor) return;
    this.#supervisor = next;
    this.emit('supervisor', next);
  }

  #onInvite({ callId, video, callerName }: PayloadOf<'call-invite'>): void {
    if (this.role !== 'customer') return;
    if (this.options.calling === 'off') return this.#send('call-reject', { callId });
    if (isInCall(this.#state.phase)) {
      // Busy: one call per conversation at a time.
      if (this.#state.callId !== callId) this.#send('call-reject', { callId });
      return;
    }
    this.#transition({ phase: 'incoming', callId, video, direction: 'incoming', ...(callerName ? { callerName } : {}) });
    this.emit('incoming', { callId, video, ...(callerName ? { callerName } : {}) });
    this.#openSession(callId);
    this.#send('call-ringing', { callId });
    // The caller owns the ring timeout; this one only guards against a caller that vanished.
    this.#ringTimer = setTimeout(() => this.#finish('missed'), this.options.ringTimeoutMs + 5_000);
  }

  async #onAccept(callId: string): Promise<void> {
    if (!this.#isPhase(callId, 'outgoing')) return;
    clearTimeout(this.#ringTimer);
    this.#transition({ ...this.#state, phase: 'connecting' });
    // A quick answer can arrive while our own devices are still starting.
    await this.#capturing;
    if (!this.#isCurrent(callId)) return;
    await this.#attachLocalTracks();
    if (!this.#isCurrent(callId)) return;
    this.#sendMediaState();
    this.#markAccepted();
  }

  #onRemoteMediaState({ callId, muted, videoEnabled }: PayloadOf<'media-state'>): void {
    if (!this.#isCurrent(callId)) return;
    this.#remoteMediaState = Object.freeze({ muted, videoEnabled });
    this.emit('remotemediastate', this.#remoteMediaState);
  }

  #onPresence(presence: PresenceEvent): void {
    this.emit('presence', { role: presence.role, present: presence.present });
    if (presence.role === this.role) return;
    if (presence.present) {
      const previous = this.#peerInstance;
      this.#peerInstance = presence.instance ?? previous;
      // A new page of the other member: its previous page, and the call it was in, are gone.
      if (previous !== undefined && presence.instance !== undefined && presence.instance !== previous) this.#endWithAbsentPeer();
      return;
    }
    if (presence.reason === 'left' || presence.reason === 'replaced') {
      this.#peerInstance = undefined;
      this.#endWithAbsentPeer();
    } else if (presence.reason === 'timeout' && isInCall(this.#state.phase) && this.connectionState !== 'connected') {
      // Its grace period is over and no media flows either: nothing is left of the call.
      this.#fail(CallError.signaling('the other side lost its connection'));
    }
    // Without a reason the other seat is just empty right now (after a server restart, say): wait for it.
  }

  /** The other member's page left: how the call ends depends on how far it got. */
  #endWithAbsentPeer(): void {
    const phase = this.#state.phase;
    if (!isInCall(phase)) return;
    this.#finish(phase === 'outgoing' ? 'missed' : phase === 'incoming' ? 'cancelled' : 'remote-ended');
  }

  #onJoined(info: JoinInfo): void {
    const rejoin = this.#everJoined;
    this.#everJoined = true;
    if (rejoin) this.#session?.signalingRestored?.({ seatLost: !info.resumed });
  }

  #onTransportError({ code, message, seq }: TransportErrorEvent): void {
    // Only errors answering this engine's own messages of the current call are its business: a refused
    // chat line or co-browse message belongs to whoever sent it.
    const type = seq === undefined ? undefined : this.#sent.get(seq);
    if (type === undefined) return;
    if ((code === 'video-not-allowed' || code === 'calls-disabled') && isInCall(this.#state.phase)) {
      return this.#fail(new CallError(code, `the server refused the call: ${message}`));
    }
    this.emit('error', CallError.signaling(`the server refused ${type}: ${code}: ${message}`));
  }

  #onTransportClosed(reason: string): void {
    if (this.#disposed) return;
    if (isInCall(this.#state.phase)) {
      this.#fail(CallError.signaling(`signaling closed: ${reason}`));
      return;
    }
    // Closed for good with no call running (the server refused to let us back in, or another page
    // took our seat): no call can be made or received any more, and the user should know now, not
    // at the next click. A transport closed with `close()` ends as the integrator asked: no error.
    if (reason !== LOCAL_CLOSE_REASON) this.emit('error', CallError.signaling(`signaling closed: ${reason}`));
  }

  #onPageExit(): void {
    this.#unloading = true;
    this.dispose();
  }

  #onTrackEnded(track: MediaStreamTrack): void {
    if (!this.#state.callId) return;
    // A device unplugged or revoked mid-call: reflect it instead of sending nothing silently.
    if (track.kind === 'video') {
      this.#setLocalMediaState({ videoEnabled: false });
      void this.#session?.setTrack('video', null);
      this.#sendMediaState();
    }
    this.emit('error', new CallError('device-not-found', `the ${track.kind === 'video' ? 'camera' : 'microphone'} stopped`, {
      device: track.kind === 'video' ? 'camera' : 'microphone',
    }));
  }

  // --- media -------------------------------------------------------------------------------

  /** Captures for the call; on failure ends it as failed. Returns whether the call goes on. */
  async #captureFor(callId: string, video: boolean): Promise<boolean> {
    try {
      const { videoError } = await this.#media.capture(video);
      if (!this.#isCurrent(callId)) {
        // Ended while the permission prompt was open.
        this.#media.stopAll();
        return false;
      }
      this.#setLocalMediaState({ muted: false, videoEnabled: this.#media.videoTrack !== null });
      this.emit('localstream', this.#media.stream);
      if (videoError) this.emit('videofallback', videoError);
      return true;
    } catch (error) {
      const callError = CallError.fromDeviceError(error, 'microphone');
      if (this.#isCurrent(callId)) this.#fail(callError);
      throw callError;
    }
  }

  /** Every call gets audio and video slots, voice calls too: turning video on never renegotiates. */
  #openSession(callId: string): void {
    const session = this.options.mediaSessionFactory({
      callId,
      conversationId: this.conversationId,
      role: this.role,
      signaling: this.#signalingPort(callId),
      iceServers: this.options.iceServers,
      ...(this.#mediaRegion ? { region: this.#mediaRegion.id } : {}),
      ...(this.#mediaRegion?.sfuUrl ? { sfuUrl: this.#mediaRegion.sfuUrl } : {}),
      ...(this.options.iceTransportPolicy ? { iceTransportPolicy: this.options.iceTransportPolicy } : {}),
    });
    this.#session = session;
    session.on('remotetrack', () => this.emit('remotestream', session.remoteStream));
    session.on('connectionstatechange', (state) => this.#onConnectionState(callId, state));
    session.on('error', (error) => this.emit('error', CallError.media(error.message, error)));
    session.prepare(['audio', 'video']);
    this.#remoteVideo.start();
    this.emit('remotestream', session.remoteStream);
  }

  /** The session's way to its peer and to the server, bound to its call: nothing gets through once the call is over. */
  #signalingPort(callId: string): MediaSignalingPort {
    return {
      send: (payload) => {
        if (this.#isCurrent(callId)) this.#send('media-signal', { callId, payload });
      },
      request: async (payload, options) => {
        if (!this.#isCurrent(callId)) throw new TransportError('invalid-state', 'the call is over');
        const reply = await this.#transport.request({ type: 'media-request', payload: { callId, payload } }, options);
        return reply.payload.payload;
      },
    };
  }

  async #attachLocalTracks(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    await session.setTrack('audio', this.#localMediaState.muted ? null : this.#media.audioTrack);
    // Video too when there is none: a session that prepared a slot while ringing (the SFU's
    // placeholder producer) then holds it back instead of leaving it open.
    await session.setTrack('video', this.#media.videoTrack);
  }

  #markAccepted(): void {
    this.#accepted = true;
    if (this.connectionState === 'connected') this.#activate();
    else this.#armConnectTimer();
  }

  #onConnectionState(callId: string, state: MediaConnectionState): void {
    if (!this.#isCurrent(callId)) return;
    this.emit('connectionstate', state);
    if (state === 'connected') {
      clearTimeout(this.#connectTimer);
      if (this.#accepted && this.#state.phase === 'connecting') this.#activate();
    } else if ((state === 'reconnecting' || state === 'failed') && this.#accepted) {
      this.#armConnectTimer();
    }
  }

  #activate(): void {
    this.#transition({ ...this.#state, phase: 'active', activeSince: Date.now() });
    this.#quality.start();
  }

  #armConnectTimer(): void {
    clearTimeout(this.#connectTimer);
    this.#connectTimer = setTimeout(
      () => this.#fail(CallError.media('the media connection could not be established')),
      this.options.connectTimeoutMs,
    );
  }

  #setLocalMediaState(change: Partial<MediaState>): void {
    this.#localMediaState = Object.freeze({ ...this.#localMediaState, ...change });
    this.#announce();
    this.emit('localmediastate', this.#localMediaState);
  }

  #sendMediaState(): void {
    const { callId } = this.#state;
    if (callId) this.#send('media-state', { callId, ...this.#localMediaState });
  }

  // --- lifecycle ---------------------------------------------------------------------------

  #fail(error: CallError): void {
    const { phase, callId } = this.#state;
    if (callId) {
      if (phase === 'outgoing') this.#send('call-cancel', { callId, reason: 'cancelled' });
      else if (phase === 'incoming') this.#send('call-reject', { callId });
      else if (phase === 'connecting' || phase === 'active') this.#send('call-end', { callId, reason: 'failed' });
    }
    this.emit('error', error);
    this.#finish('failed', error);
  }

  /** Releases everything the call held, then announces the end: listeners see the tracks already stopped. */
  #finish(endReason: EndReason, error?: CallError): void {
    if (!isInCall(this.#state.phase)) return;
    this.#release();
    this.#transition({ ...this.#state, phase: 'ended', endReason, ...(error ? { error } : {}) });
  }

  #finishSilently(): void {
    if (isInCall(this.#state.phase)) this.#release();
  }

  #release(): void {
    clearTimeout(this.#ringTimer);
    clearTimeout(this.#connectTimer);
    this.#quality.stop();
    this.#remoteVideo.stop();
    this.#sent.clear();
    this.#session?.close();
    this.#session = undefined;
    this.#media.stopAll();
    this.#accepted = false;
    this.#remoteMediaState = null;
    this.#localMediaState = MEDIA_OFF;
    this.emit('localstream', null);
    this.emit('remotestream', null);
  }

  #transition(next: CallState): void {
    const previous = this.#state;
    if (!canTransition(previous.phase, next.phase)) return;
    this.#state = Object.freeze(next);
    if (isInCall(next.phase) && next.callId) this.#callMemory.remember(next.callId);
    else if (!this.#unloading) this.#callMemory.forget();
    this.#announce();
    this.emit('statechange', this.#state, previous);
  }

  /** What the transport announces about this call at its next (re)join, for the server and the other side to reconcile. */
  #announce(): void {
    const { phase, callId, video } = this.#state;
    const call: CallAnnouncement | null =
      callId && (phase === 'outgoing' || phase === 'incoming' || phase === 'connecting' || phase === 'active')
        ? { callId, phase, video, ...this.#localMediaState }
        : null;
    this.#transport.announce?.(call);
  }

  #send<T extends MessageType>(type: T, payload: PayloadOf<T>): void {
    // A closed transport has nobody to tell; the server notices the socket go.
    if (this.#transport.state === 'closed') return;
    try {
      const seq = this.#transport.send({ type, payload } as Parameters<SignalingTransport['send']>[0]);
      if (typeof seq === 'number') this.#sent.set(seq, type);
    } catch (error) {
      this.emit('error', CallError.signaling(`could not send ${type}: ${messageOf(error)}`, error));
    }
  }

  #isCurrent(callId: string): boolean {
    return this.#state.callId === callId && isInCall(this.#state.phase);
  }

  #isPhase(callId: string, phase: CallState['phase']): boolean {
    return this.#state.callId === callId && this.#state.phase === phase;
  }

  #requireMedia(action: string): string {
    this.#assertUsable(action);
    const { phase, callId } = this.#state;
    const holdsMedia = phase === 'outgoing' || phase === 'connecting' || phase === 'active';
    if (!holdsMedia || !callId) throw CallError.invalidState(action, phase);
    return callId;
  }

  #assertUsable(action: string): void {
    if (this.#disposed) throw CallError.invalidState(action, 'disposed');
  }
}

function callsDisabled(): CallError {
  return new CallError('calls-disabled', 'calls are turned off in this deployment');
}

function videoNotAllowed(): CallError {
  return new CallError('video-not-allowed', 'this deployment is voice-only: video is not allowed');
}

function signalingStateOf(state: TransportState): SignalingState {
  switch (state) {
    case 'open':
      return 'connected';
    case 'reconnecting':
      return 'reconnecting';
    case 'closed':
      return 'closed';
    default:
      return 'connecting';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
