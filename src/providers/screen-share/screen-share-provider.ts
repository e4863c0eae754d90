/**
 * The built-in `screen-share` provider: the customer's `getDisplayMedia` stream, sent to the agent
 * on a peer connection of its own (`PeerSession`, negotiated with `ve-sdp` / `ve-ice` over the
 * conversation's signaling). When the customer shares this very tab (recognized by its capture
 * handle), the agent's laser pointer is drawn over the customer's page. The session ends when either
 * side ends it, and also when the customer stops sharing from the browser's own UI.
 */
import { TypedEmitter } from '../../internal/typed-emitter.js';
import type { MediaSession, MediaSessionFactory } from '../../media/media-session.js';
import { createPeerSession } from '../../media/peer-session.js';
import { negotiateOf, parsePeerSignal, peerSignalPayload } from '../../media/peer-signal.js';
import { randomId } from '../../signaling/protocol.js';
import { builtinInvitation, redeemFor } from '../builtin/invitation.js';
import { SignalingPinService, type PinClient, type PinClientFactory } from '../builtin/pins.js';
import { SessionLink, registerAgentSession, watchUnknownSessions, type SessionMessage } from '../builtin/session-link.js';
import { CustomerOverlay, LaserTrail } from '../cobrowse/laser.js';
import { VisualError } from '../errors.js';
import type {
  AgentSession,
  AgentSessionEvents,
  CustomerSession,
  CustomerSessionEvents,
  Invitation,
  ProviderContext,
  VisualCapabilities,
  VisualEndReason,
  VisualProviderAdapter,
} from '../types.js';

export interface ScreenShareProviderOptions {
  /** Registry id. Default `screen-share`. */
  id?: string;
  /**
   * Offer only this tab in the browser's picker (`preferCurrentTab`). Default: any screen, window or
   * tab. Firefox ignores it: its picker always offers screens and windows.
   */
  thisTabOnly?: boolean;
  /** STUN/TURN servers of the screen-share peer connection. Default none (as calls). */
  iceServers?: RTCIceServer[];
  pinTtlMs?: number;
  /** Where PINs come from. Default: the reference server, over the conversation's signaling. */
  pins?: PinClientFactory;
  /** The media strategy. Default peer-to-peer. */
  mediaSessionFactory?: MediaSessionFactory;
}

export class ScreenShareProvider implements VisualProviderAdapter {
  readonly id: string;
  readonly kind = 'screen-share' as const;
  readonly capabilities: VisualCapabilities = Object.freeze({ view: true, laserPointer: true, remoteControl: false, navigation: false });
  readonly displayName = 'Screen share (built in)';
  readonly #options: ScreenShareProviderOptions;

  constructor(options: ScreenShareProviderOptions = {}) {
    this.#options = options;
    this.id = options.id ?? 'screen-share';
  }

  /** Agent side: answers customer messages of sessions this page does not know (e.g. after a reload). */
  attach(context: ProviderContext): () => void {
    if (context.role === 'agent') watchUnknownSessions(context.transport);
    return () => {};
  }

  async createSession(context: ProviderContext): Promise<AgentSession> {
    const pins = this.#pins(context);
    const grant = await pins.create({
      sessionId: randomId(),
      provider: this.id,
      kind: this.kind,
      capabilities: { ...this.capabilities },
      ...(this.#options.pinTtlMs ? { ttlMs: this.#options.pinTtlMs } : {}),
    });
    return new AgentScreenSession(context, pins, grant.sessionId, grant.pin, grant.expiresAt, this.#mediaFactory(), this.#options.iceServers ?? []);
  }

  async joinByPin(pin: string, context: ProviderContext): Promise<Invitation> {
    const redeemed = await redeemFor(this.#pins(context), pin, this.id, this.capabilities);
    // The invitation promises only what this (the sharer's) browser can do.
    const capabilities = { ...redeemed.capabilities, laserPointer: redeemed.capabilities.laserPointer && canHostLaser(context.document) };
    return builtinInvitation(context, { ...redeemed, capabilities }, this.kind, async () => {
      // Asked first, while the user's Accept click still counts as a gesture.
      const capture = await captureScreen(context.document, this.#options.thisTabOnly ?? false);
      const session = new CustomerScreenSession(context, redeemed.sessionId, capture, this.#mediaFactory(), this.#options.iceServers ?? []);
      session.start();
      return session;
    });
  }

  #pins(context: ProviderContext): PinClient {
    return (this.#options.pins ?? SignalingPinService.factory)(context.transport);
  }

  #mediaFactory(): MediaSessionFactory {
    return this.#options.mediaSessionFactory ?? createPeerSession;
  }
}

interface Capture {
  stream: MediaStream;
  track: MediaStreamTrack;
  /** The customer shares this very tab: the laser pointer can be drawn over it. */
  thisTab: boolean;
}

type WithCaptureHandle = MediaDevices & { setCaptureHandleConfig?: (config: object) => void };

/**
 * The laser is drawn over the customer's page, so the sharer's browser must recognise its own tab in
 * the capture (Capture Handle). Firefox has no Capture Handle (and no "this tab only" choice either).
 */
export function canHostLaser(doc: Document): boolean {
  return typeof (doc.defaultView?.navigator.mediaDevices as WithCaptureHandle | undefined)?.setCaptureHandleConfig === 'function';
}

async function captureScreen(doc: Document, thisTabOnly: boolean): Promise<Capture> {
  const devices = doc.defaultView?.navigator.mediaDevices;
  if (!devices || typeof devices.getDisplayMedia !== 'function') {
    throw new VisualError('unsupported-browser', 'this browser cannot share the screen');
  }
  const handle = randomId();
  const withHandle = devices as WithCaptureHandle;
  try {
    withHandle.setCaptureHandleConfig?.({ handle, exposeOrigin: false, permittedOrigins: [doc.defaultView?.location.origin ?? '*'] });
  } catch {
    // Without a capture handle, this tab is simply not recognized (no laser over the page).
  }
  let stream: MediaStream;
  try {
    stream = await devices.getDisplayMedia({
      video: thisTabOnly ? { displaySurface: 'browser' } : true,
      audio: false,
      selfBrowserSurface: 'include',
      ...(thisTabOnly ? { preferCurrentTab: true } : {}),
    } as DisplayMediaStreamOptions);
  } catch (error) {
    throw VisualError.fromCaptureError(error);
  }
  const track = stream.getVideoTracks()[0];
  if (!track) {
    for (const t of stream.getTracks()) t.stop();
    throw new VisualError('provider-failed', 'the shared screen has no video');
  }
  const captured = (track as MediaStreamTrack & { getCaptureHandle?: () => { handle?: string } | null }).getCaptureHandle?.();
  return { stream, track, thisTab: captured?.handle === handle };
}

type AgentStage = 'waiting' | 'joined' | 'accepted' | 'ended';

const VIEW_STYLES = `
.cck-screen { position: relative; width: 100%; height: 100%; background: #111; overflow: hidden; }
.cck-screen video { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: contain; }
.cck-screen-tools { position: absolute; inset: 0; }
.cck-screen-tools[data-laser="on"] { cursor: crosshair; }
`;

class AgentScreenSession extends TypedEmitter<AgentSessionEvents> implements AgentSession {
  readonly id: string;
  readonly pin: string;
  readonly expiresAt: number;
  readonly #link: SessionLink;
  readonly #pins: PinClient;
  readonly #offStatus: () => void;
  readonly #unregister: () => void;
  readonly #mediaFactory: MediaSessionFactory;
  readonly #iceServers: RTCIceServer[];
  #media: MediaSession | undefined;
  #stage: AgentStage = 'waiting';
  #view: { root: HTMLElement; video: HTMLVideoElement; layer: HTMLElement; trail: LaserTrail } | undefined;
  #laser = false;
  #frame: number | undefined;
  #pendingPointer: PointerEvent | undefined;

  constructor(
    context: ProviderContext,
    pins: PinClient,
    id: string,
    pin: string,
    expiresAt: number,
    mediaFactory: MediaSessionFactory,
    iceServers: RTCIceServer[],
  ) {
    super();
    this.id = id;
    this.pin = pin;
    this.expiresAt = expiresAt;
    this.#pins = pins;
    this.#mediaFactory = mediaFactory;
    this.#iceServers = iceServers;
    this.#link = new SessionLink(context.transport, id);
    this.#unregister = registerAgentSession(context.transport, id);
    this.#link.onMessage((message) => this.#onMessage(message));
    this.#link.onPresence(({ role, present }) => {
      if (role === 'customer' && !present && this.#stage !== 'waiting') this.#finish('remote-ended');
    });
    this.#link.onClose(() => this.#finish('failed', new VisualError('signaling-failed', 'the conversation closed')));
    this.#offStatus = pins.onStatus(({ sessionId, status }) => {
      if (sessionId !== this.id || this.#stage === 'ended') return;
      if (status === 'locked') this.#finish('locked');
      else if (this.#stage === 'waiting') {
        this.#stage = 'joined';
        this.emit('joined');
      }
    });
  }

  /** The customer's screen, while it is shared. */
  get stream(): MediaStream | undefined {
    return this.#media?.remoteStream;
  }

  attachView(container: HTMLElement): void {
    this.detachView();
    const doc = container.ownerDocument;
    const root = doc.createElement('div');
    root.className = 'cck-screen';
    const style = doc.createElement('style');
    style.textContent = VIEW_STYLES;
    const video = doc.createElement('video');
    video.autoplay = true;
    video.muted = true;
    video.playsInline = true;
    video.setAttribute('aria-label', container.getAttribute('aria-label') ?? 'Customer screen');
    const layer = doc.createElement('div');
    layer.className = 'cck-screen-tools';
    layer.setAttribute('aria-hidden', 'true');
    const trail = new LaserTrail(doc);
    layer.append(trail.canvas);
    root.append(style, video, layer);
    container.append(root);
    layer.addEventListener('pointermove', this.#onPointerMove);
    layer.addEventListener('pointerleave', this.#onPointerLeave);
    this.#view = { root, video, layer, trail };
    this.#renderStream();
    this.#syncTools();
  }

  detachView(): void {
    const view = this.#view;
    this.#view = undefined;
    if (!view) return;
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
    view.trail.dispose();
    view.video.srcObject = null;
    view.root.remove();
  }

  setLaserPointer(enabled: boolean): void {
    this.#laser = enabled;
    if (!enabled && this.#stage === 'accepted') this.#link.send('ve-laser', { visible: false, x: 0, y: 0 });
    this.#syncTools();
  }

  end(): void {
    if (this.#stage === 'ended') return;
    if (this.#stage === 'waiting') this.#pins.revoke(this.id);
    else this.#link.send('ve-end', { reason: 'ended' });
    this.#finish('local-ended');
  }

  #onMessage(message: SessionMessage): void {
    if (this.#stage === 'ended') return;
    switch (message.type) {
      case 've-accept':
        if (this.#stage === 'accepted') return;
        this.#stage = 'accepted';
        this.#openMedia();
        this.emit('accepted');
        this.emit('laseravailable', message.payload.laserPointer === true);
        return;
      case 've-decline':
        this.#finish('declined');
        return;
      case 've-end':
        this.#finish('remote-ended');
        return;
      case 've-sdp':
        void this.#media?.handleSignal(peerSignalPayload({ type: 'sdp', description: message.payload.description }), 'customer');
        return;
      case 've-ice':
        void this.#media?.handleSignal(peerSignalPayload({ type: 'ice', candidate: message.payload.candidate }), 'customer');
        return;
      default:
        return;
    }
  }

  #openMedia(): void {
    const media = openScreenMedia(this.#mediaFactory, this.#link, 'agent', this.#iceServers);
    this.#media = media;
    media.on('remotetrack', () => {
      this.#renderStream();
      if (this.#stage === 'accepted') this.emit('active');
    });
    media.on('connectionstatechange', (state) => {
      if (state === 'failed') this.#finish('failed', new VisualError('provider-failed', 'the screen-share connection failed'));
    });
    media.on('error', (error) => this.emit('error', new VisualError('provider-failed', 'screen-share negotiation failed', { cause: error })));
  }

  #renderStream(): void {
    const view = this.#view;
    const stream = this.#media?.remoteStream;
    if (!view || !stream || stream.getTracks().length === 0) return;
    if (view.video.srcObject !== stream) {
      view.video.srcObject = stream;
      void view.video.play().catch(() => {});
    }
  }

  #syncTools(): void {
    const layer = this.#view?.layer;
    if (!layer) return;
    layer.dataset.laser = this.#laser ? 'on' : 'off';
    layer.style.pointerEvents = this.#laser ? 'auto' : 'none';
    if (!this.#laser) this.#view?.trail.hide();
  }

  readonly #onPointerMove = (event: PointerEvent): void => {
    const view = this.#view;
    if (!view || !this.#laser) return;
    const box = view.layer.getBoundingClientRect();
    view.trail.point(event.clientX - box.left, event.clientY - box.top);
    this.#pendingPointer = event;
    if (this.#frame !== undefined) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = undefined;
      const latest = this.#pendingPointer;
      this.#pendingPointer = undefined;
      const point = latest && this.#view ? videoPoint(this.#view.video, latest.clientX, latest.clientY) : undefined;
      if (point && this.#stage === 'accepted') this.#link.send('ve-laser', { visible: true, x: point.x, y: point.y });
    });
  };

  readonly #onPointerLeave = (): void => {
    if (!this.#laser) return;
    this.#view?.trail.hide();
    if (this.#stage === 'accepted') this.#link.send('ve-laser', { visible: false, x: 0, y: 0 });
  };

  #finish(reason: VisualEndReason, error?: VisualError): void {
    if (this.#stage === 'ended') return;
    this.#stage = 'ended';
    this.#offStatus();
    this.#unregister();
    this.#link.close();
    this.detachView();
    this.#media?.close();
    this.#media = undefined;
    this.emit('ended', error ? { reason, error } : { reason });
  }
}

/** The pointer as fractions of the shown video frame (`object-fit: contain` leaves bars around it). */
function videoPoint(video: HTMLVideoElement, clientX: number, clientY: number): { x: number; y: number } | undefined {
  const box = video.getBoundingClientRect();
  const vw = video.videoWidth;
  const vh = video.videoHeight;
  if (!vw || !vh || box.width === 0 || box.height === 0) return undefined;
  const scale = Math.min(box.width / vw, box.height / vh);
  const width = vw * scale;
  const height = vh * scale;
  const left = box.left + (box.width - width) / 2;
  const top = box.top + (box.height - height) / 2;
  const x = (clientX - left) / width;
  const y = (clientY - top) / height;
  if (x < 0 || y < 0 || x > 1 || y > 1) return undefined;
  return { x, y };
}

/**
 * The session's own peer connection, signaling over its `ve-sdp` / `ve-ice` / `ve-negotiate`
 * messages (the customer is the polite side, which makes every offer).
 */
function openScreenMedia(factory: MediaSessionFactory, link: SessionLink, role: 'agent' | 'customer', iceServers: RTCIceServer[]): MediaSession {
  return factory({
    callId: link.sessionId,
    conversationId: link.transport.conversationId,
    role,
    iceServers,
    signaling: {
      send: (payload) => {
        const signal = parsePeerSignal(payload);
        if (signal?.type === 'sdp') link.send('ve-sdp', { description: signal.description });
        else if (signal?.type === 'ice') link.send('ve-ice', { candidate: signal.candidate });
        else if (signal) link.send('ve-negotiate', negotiateOf(signal));
      },
      request: () => Promise.reject(new VisualError('provider-failed', 'screen share has no server-side media session')),
    },
  });
}

class CustomerScreenSession extends TypedEmitter<CustomerSessionEvents> implements CustomerSession {
  readonly id: string;
  readonly remoteControlled = false;
  readonly #context: ProviderContext;
  readonly #link: SessionLink;
  readonly #capture: Capture;
  readonly #media: MediaSession;
  #overlay: CustomerOverlay | undefined;
  #ended = false;

  constructor(context: ProviderContext, id: string, capture: Capture, mediaFactory: MediaSessionFactory, iceServers: RTCIceServer[]) {
    super();
    this.id = id;
    this.#context = context;
    this.#capture = capture;
    this.#link = new SessionLink(context.transport, id);
    this.#media = openScreenMedia(mediaFactory, this.#link, 'customer', iceServers);
  }

  /** The shared screen (this side's own stream). */
  get stream(): MediaStream {
    return this.#capture.stream;
  }

  start(): void {
    const media = this.#media;
    media.on('connectionstatechange', (state) => {
      if (state === 'failed') this.#finish('failed', new VisualError('provider-failed', 'the screen-share connection failed'));
    });
    this.#link.onMessage((message) => this.#onMessage(message));
    this.#link.onPresence(({ role, present }) => {
      if (role === 'agent' && !present) this.#finish('remote-ended');
    });
    this.#link.onClose(() => this.#finish('failed', new VisualError('signaling-failed', 'the conversation closed')));
    // Stopping from the browser's own "Stop sharing" UI ends the track. The handler property, not
    // addEventListener: Firefox (153 ESR) did not call `ended` listeners added that way in our tests.
    this.#capture.track.onended = this.#onTrackEnded;
    this.#context.document.defaultView?.addEventListener('pagehide', this.#onPageHide);
    if (this.#capture.thisTab) this.#overlay = new CustomerOverlay(this.#context.document);
    this.#link.send('ve-accept', { laserPointer: this.#capture.thisTab });
    void media.setTrack('video', this.#capture.track);
  }

  end(): void {
    if (this.#ended) return;
    this.#link.send('ve-end', { reason: 'ended' });
    this.#finish('local-ended');
  }

  #onMessage(message: SessionMessage): void {
    if (this.#ended) return;
    switch (message.type) {
      case 've-end':
        this.#finish('remote-ended');
        return;
      case 've-sdp':
        void this.#media.handleSignal(peerSignalPayload({ type: 'sdp', description: message.payload.description }), 'agent');
        return;
      case 've-ice':
        void this.#media.handleSignal(peerSignalPayload({ type: 'ice', candidate: message.payload.candidate }), 'agent');
        return;
      case 've-negotiate':
        void this.#media.handleSignal(peerSignalPayload({ type: 'negotiate', ...negotiateOf(message.payload) }), 'agent');
        return;
      case 've-laser': {
        const overlay = this.#overlay;
        const win = this.#context.document.defaultView;
        if (!overlay || !win) return;
        if (message.payload.visible) overlay.laser(message.payload.x * win.innerWidth, message.payload.y * win.innerHeight);
        else overlay.hideLaser();
        return;
      }
      default:
        return;
    }
  }

  readonly #onTrackEnded = (): void => {
    if (this.#ended) return;
    this.#link.send('ve-end', { reason: 'stopped' });
    this.#finish('local-ended');
  };

  readonly #onPageHide = (): void => this.end();

  #finish(reason: VisualEndReason, error?: VisualError): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#capture.track.onended = null;
    this.#context.document.defaultView?.removeEventListener('pagehide', this.#onPageHide);
    for (const track of this.#capture.stream.getTracks()) track.stop();
    this.#media.close();
    this.#overlay?.dispose();
    this.#overlay = undefined;
    this.#link.close();
    this.emit('ended', error ? { reason, error } : { reason });
  }
}
