/**
 * The built-in `cobrowse` provider: DOM mirroring with rrweb over the conversation's signaling.
 * The customer's page is recorded (`Recorder`, privacy applied in the customer's browser) and
 * replayed live for the agent (`CobrowseMirror`, in a sandboxed iframe); the agent points with a
 * laser and, with the customer's consent, clicks, types, selects, scrolls and follows links
 * (`AgentTools` / `applyControl`). A navigation of the customer's page resumes the session on the
 * next page with a fresh snapshot and no new PIN (the session is kept in `sessionStorage`).
 */
import { savedSessionKey } from './saved-session.js';
import { TypedEmitter } from '../../internal/typed-emitter.js';
import { randomId } from '../../signaling/protocol.js';
import { allowedCapabilities, builtinInvitation, redeemFor } from '../builtin/invitation.js';
import { SignalingPinService, type PinClient, type PinClientFactory } from '../builtin/pins.js';
import { SessionLink, registerAgentSession, watchUnknownSessions, type SessionMessage } from '../builtin/session-link.js';
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
import { AgentTools, applyControl, type ControlCommand, type ControlRefusal, type LaserPosition } from './control.js';
import { CustomerOverlay } from './laser.js';
import { CobrowseMirror } from './mirror.js';
import { PrivacyRules, type PrivacyOptions } from './privacy.js';
import { Recorder } from './record.js';
import { warmUpRecorder } from './record-warm-up.js';
import { warmUpMirror } from './mirror-warm-up.js';
import { loadRrweb } from './rrweb-runtime.js';

async function loadRrwebOrFail(): Promise<void> {
  try {
    await loadRrweb();
  } catch (error) {
    throw new VisualError('provider-failed', 'the co-browse code could not be loaded', { cause: error });
  }
}

export interface CobrowseProviderOptions {
  /** Registry id. Default `cobrowse`. */
  id?: string;
  /** Turn capabilities off (e.g. `{ remoteControl: false }` for view-and-point only). */
  capabilities?: Partial<VisualCapabilities>;
  /** Extra masking and removal selectors, on top of the defaults (see `PrivacyRules`). */
  privacy?: PrivacyOptions;
  /** PIN lifetime asked of the PIN service (it never grants more than its own). */
  pinTtlMs?: number;
  /** Where PINs come from. Default: the reference server, over the conversation's signaling. */
  pins?: PinClientFactory;
  /** A page loaded longer than this after the previous one was left does not resume. Default 60 s. */
  resumeWindowMs?: number;
}

/**
 * The customer's page re-sends itself (a fresh snapshot, after `ve-resync`) at most this often:
 * requests in between are answered by one snapshot at the end of the interval.
 */
export const RESYNC_INTERVAL_MS = 2_000;

interface SavedSession {
  v: 1;
  provider: string;
  sessionId: string;
  capabilities: VisualCapabilities;
  controlled: boolean;
  savedAt: number;
}

export class CobrowseProvider implements VisualProviderAdapter {
  readonly id: string;
  readonly kind = 'cobrowse' as const;
  readonly capabilities: VisualCapabilities;
  readonly displayName = 'Co-browse (built in)';
  readonly #options: CobrowseProviderOptions;
  readonly #privacy: PrivacyRules;

  constructor(options: CobrowseProviderOptions = {}) {
    this.#options = options;
    this.id = options.id ?? 'cobrowse';
    this.capabilities = Object.freeze({ view: true, laserPointer: true, remoteControl: true, navigation: true, ...options.capabilities });
    this.#privacy = new PrivacyRules(options.privacy);
  }

  /** The masking and removal rules applied in the customer's browser. */
  get privacy(): PrivacyRules {
    return this.#privacy;
  }

  /** Agent side: answers customer messages of sessions this page does not know (e.g. after a reload). */
  attach(context: ProviderContext): () => void {
    if (context.role === 'agent') watchUnknownSessions(context.transport);
    return () => {};
  }

  async createSession(context: ProviderContext): Promise<AgentSession> {
    const pins = this.#pins(context);
    const sessionId = randomId();
    // Fetched while the PIN is issued: the mirror needs rrweb once the customer accepts.
    const [grant] = await Promise.all([
      pins.create({
        sessionId,
        provider: this.id,
        kind: this.kind,
        capabilities: { ...this.capabilities },
        ...(this.#options.pinTtlMs ? { ttlMs: this.#options.pinTtlMs } : {}),
      }),
      loadRrwebOrFail(),
    ]);
    // While the PIN is on its way to the customer.
    setTimeout(() => warmUpMirror(context.document), 0);
    return new AgentCobrowseSession(context, pins, grant.sessionId, grant.pin, grant.expiresAt);
  }

  async joinByPin(pin: string, context: ProviderContext): Promise<Invitation> {
    const [redeemed] = await Promise.all([redeemFor(this.#pins(context), pin, this.id, this.capabilities), loadRrwebOrFail()]);
    // In the task after the consent prompt is shown, long before the customer can answer it.
    setTimeout(() => warmUpRecorder(context.document), 0);
    return builtinInvitation(context, redeemed, this.kind, async () => {
      const session = new CustomerCobrowseSession(context, this.id, redeemed.sessionId, redeemed.capabilities, this.#privacy);
      session.start({ resumed: false, controlled: false });
      return session;
    });
  }

  async resume(context: ProviderContext): Promise<CustomerSession | null> {
    const saved = readSaved(context);
    if (!saved || saved.provider !== this.id) return null;
    if (Date.now() - saved.savedAt > (this.#options.resumeWindowMs ?? 60_000)) {
      clearSaved(context);
      return null;
    }
    await loadRrwebOrFail();
    // The page just loaded may allow less than the one the session started on.
    const capabilities = allowedCapabilities(saved.capabilities, this.capabilities);
    const session = new CustomerCobrowseSession(context, this.id, saved.sessionId, capabilities, this.#privacy);
    session.start({ resumed: true, controlled: saved.controlled });
    return session;
  }

  #pins(context: ProviderContext): PinClient {
    return (this.#options.pins ?? SignalingPinService.factory)(context.transport);
  }
}

type AgentStage = 'waiting' | 'joined' | 'accepted' | 'ended';

/**
 * How long the agent's view waits for the customer's next page after the customer's page left the
 * conversation (every page leaves as it unloads: a link followed, a reload, a closed tab look alike).
 */
const CUSTOMER_RETURN_MS = 15_000;

class AgentCobrowseSession extends TypedEmitter<AgentSessionEvents> implements AgentSession {
  readonly id: string;
  readonly pin: string;
  readonly expiresAt: number;
  readonly #link: SessionLink;
  readonly #pins: PinClient;
  readonly #mirror: CobrowseMirror;
  readonly #offStatus: () => void;
  readonly #unregister: () => void;
  #tools: AgentTools | undefined;
  #stage: AgentStage = 'waiting';
  #laser = false;
  #control = false;
  #controlRequested = false;
  #navigating = false;
  #seq = 0;
  #customerGone: ReturnType<typeof setTimeout> | undefined;

  constructor(context: ProviderContext, pins: PinClient, id: string, pin: string, expiresAt: number) {
    super();
    this.id = id;
    this.pin = pin;
    this.expiresAt = expiresAt;
    this.#pins = pins;
    this.#link = new SessionLink(context.transport, id);
    this.#unregister = registerAgentSession(context.transport, id);
    this.#mirror = new CobrowseMirror({
      onActive: () => {
        if (this.#stage !== 'accepted') return;
        this.#navigating = false;
        this.emit('active');
      },
      onResync: () => this.#link.send('ve-resync', {}),
      onError: (error) => this.emit('error', new VisualError('provider-failed', 'the co-browse view failed', { cause: error })),
    });
    this.#link.onMessage((message) => this.#onMessage(message));
    this.#link.onPresence(({ role, present }) => {
      if (role !== 'customer' || present || this.#stage === 'waiting' || this.#customerGone !== undefined) return;
      // The session resumes in the customer's next page if one comes (`ve-resume`); otherwise it is over.
      this.#customerGone = setTimeout(() => this.#finish('remote-ended'), CUSTOMER_RETURN_MS);
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

  attachView(container: HTMLElement): void {
    if (this.#stage === 'ended') return;
    this.#mirror.attach(container);
    const root = this.#mirror.root;
    this.#tools?.dispose();
    this.#tools = root
      ? new AgentTools(root, {
          mirror: this.#mirror,
          onLaser: (position) => this.#sendLaser(position),
          onControl: (command) => this.#sendControl(command),
          onRefused: (reason) => this.#refused(reason),
        })
      : undefined;
    this.#tools?.setLaser(this.#laser);
    this.#tools?.setControl(this.#control);
  }

  detachView(): void {
    this.#tools?.dispose();
    this.#tools = undefined;
    this.#mirror.detach();
  }

  setLaserPointer(enabled: boolean): void {
    this.#laser = enabled;
    this.#tools?.setLaser(enabled);
  }

  setRemoteControl(enabled: boolean): void {
    if (this.#stage !== 'accepted') return;
    if (enabled && (this.#control || this.#controlRequested)) return;
    // Asking only prompts the customer; control starts when the customer's side says so.
    this.#link.send('ve-control-state', { enabled });
    this.#setRequested(enabled);
    if (!enabled && this.#control) this.#setControl(false);
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
        this.emit('accepted');
        if (message.payload.capabilities) this.emit('capabilities', { ...message.payload.capabilities });
        this.emit('laseravailable', true);
        return;
      case 've-decline':
        this.#finish('declined');
        return;
      case 've-end':
        this.#finish('remote-ended');
        return;
      case 've-events':
        if (this.#stage !== 'accepted') return;
        this.#mirror.push(message.payload);
        return;
      case 've-navigating':
      case 've-resume':
        // A request the customer had not answered is gone with the page it was asked on.
        this.#setRequested(false);
        if (message.type === 've-resume') this.#customerBack();
        if (this.#navigating) return;
        this.#navigating = true;
        this.emit('navigating');
        return;
      case 've-control-state':
        this.#controlState(message.payload.enabled, message.payload.reason);
        return;
      case 've-control-result':
        if (!message.payload.ok) this.#refused(message.payload.reason ?? 'unsupported');
        return;
      default:
        return;
    }
  }

  /** The customer's side says whether the agent is in control: it alone decides. */
  #controlState(enabled: boolean, reason: 'denied' | 'not-offered' | undefined): void {
    if (this.#stage !== 'accepted') return;
    this.#setRequested(false);
    this.#setControl(enabled);
    if (reason === 'denied') this.emit('error', new VisualError('control-denied', 'the customer did not allow remote control'));
    else if (reason === 'not-offered') this.emit('error', new VisualError('control-refused', "the customer's page does not allow remote control"));
  }

  #setRequested(requested: boolean): void {
    if (this.#controlRequested === requested) return;
    this.#controlRequested = requested;
    this.emit('controlrequest', { requested });
  }

  #setControl(enabled: boolean): void {
    if (this.#control === enabled) return;
    this.#control = enabled;
    this.#tools?.setControl(enabled);
    this.emit('control', { enabled });
  }

  #sendLaser(position: LaserPosition): void {
    if (this.#stage !== 'accepted' || this.#navigating) return;
    this.#link.send('ve-laser', position);
  }

  #sendControl(command: ControlCommand): void {
    if (this.#stage !== 'accepted' || !this.#control || this.#navigating) return;
    this.#link.send('ve-control', { ...command, seq: this.#seq++ });
  }

  #refused(reason: ControlRefusal): void {
    this.emit('error', new VisualError('control-refused', `the customer's page refused the action (${reason})`));
  }

  #customerBack(): void {
    clearTimeout(this.#customerGone);
    this.#customerGone = undefined;
  }

  #finish(reason: VisualEndReason, error?: VisualError): void {
    if (this.#stage === 'ended') return;
    this.#stage = 'ended';
    this.#customerBack();
    this.#offStatus();
    this.#unregister();
    this.#link.close();
    this.#tools?.dispose();
    this.#tools = undefined;
    this.#mirror.dispose();
    this.emit('ended', error ? { reason, error } : { reason });
  }
}

class CustomerCobrowseSession extends TypedEmitter<CustomerSessionEvents> implements CustomerSession {
  readonly id: string;
  readonly #context: ProviderContext;
  readonly #provider: string;
  readonly #capabilities: VisualCapabilities;
  readonly #privacy: PrivacyRules;
  readonly #link: SessionLink;
  readonly #recorder: Recorder;
  #overlay: CustomerOverlay | undefined;
  #controlled = false;
  #controlRequested = false;
  #lastSnapshotAt = 0;
  #resyncTimer: ReturnType<typeof setTimeout> | undefined;
  #ended = false;

  constructor(context: ProviderContext, provider: string, id: string, capabilities: VisualCapabilities, privacy: PrivacyRules) {
    super();
    this.id = id;
    this.#context = context;
    this.#provider = provider;
    this.#capabilities = { ...capabilities };
    this.#privacy = privacy;
    this.#link = new SessionLink(context.transport, id);
    this.#recorder = new Recorder({
      document: context.document,
      privacy,
      send: (chunk) => this.#link.send('ve-events', chunk),
      onError: (error) => this.emit('error', new VisualError('provider-failed', 'recording the page failed', { cause: error })),
    });
  }

  get remoteControlled(): boolean {
    return this.#controlled;
  }

  get capabilities(): VisualCapabilities {
    return { ...this.#capabilities };
  }

  get controlRequested(): boolean {
    return this.#controlRequested;
  }

  /** Tells the agent (accepted, or resumed on a new page) and starts sending the page. */
  start({ resumed, controlled }: { resumed: boolean; controlled: boolean }): void {
    const doc = this.#context.document;
    this.#overlay = new CustomerOverlay(doc);
    this.#link.onMessage((message) => this.#onMessage(message));
    this.#link.onPresence(({ role, present }) => {
      if (role === 'agent' && !present) this.#finish('remote-ended');
    });
    this.#link.onClose(() => this.#finish('failed', new VisualError('signaling-failed', 'the conversation closed')));
    doc.defaultView?.addEventListener('pagehide', this.#onPageHide);
    if (resumed) this.#link.send('ve-resume', {});
    else this.#link.send('ve-accept', { laserPointer: true, capabilities: { ...this.#capabilities } });
    this.#snapshot();
    // Control the customer allowed on the previous page of the tab goes on (the customer's own record).
    if (controlled && this.#capabilities.remoteControl) this.#setControl(true);
    // After the snapshot's batch is sent (a microtask queued by the recording): a tab's first
    // storage write can take milliseconds, and the first view waits for nothing.
    queueMicrotask(() => this.#save());
  }

  takeBackControl(): void {
    if (!this.#controlled || this.#ended) return;
    this.#setControl(false);
  }

  allowControl(): void {
    if (!this.#controlRequested || this.#ended || !this.#capabilities.remoteControl) return;
    this.#setRequested(false);
    this.#setControl(true);
  }

  denyControl(): void {
    if (!this.#controlRequested || this.#ended) return;
    this.#setRequested(false);
    this.#link.send('ve-control-state', { enabled: false, reason: 'denied' });
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
      case 've-resync':
        this.#resync();
        return;
      case 've-laser':
        this.#laser(message.payload);
        return;
      case 've-control-state':
        this.#controlAsked(message.payload.enabled);
        return;
      case 've-control':
        this.#control(message.payload);
        return;
      default:
        return;
    }
  }

  #laser(position: LaserPosition): void {
    const overlay = this.#overlay;
    const win = this.#context.document.defaultView;
    if (!overlay || !win) return;
    if (!position.visible || !this.#capabilities.laserPointer) {
      overlay.hideLaser();
      return;
    }
    const target = position.target;
    if (target && target.epoch === this.#recorder.epoch) {
      const node = this.#recorder.mirror.getNode(target.nodeId);
      if (node && node.nodeType === 1 && (node as Element).isConnected) {
        const rect = (node as Element).getBoundingClientRect();
        overlay.laser(rect.left + target.x * rect.width, rect.top + target.y * rect.height);
        return;
      }
    }
    overlay.laser(position.x * win.innerWidth, position.y * win.innerHeight);
  }

  #control(command: ControlCommand & { seq: number }): void {
    const refuse = (reason: ControlRefusal): void => {
      this.#link.send('ve-control-result', { seq: command.seq, ok: false, reason });
    };
    if (!this.#controlled) return refuse('not-in-control');
    if (command.epoch !== this.#recorder.epoch) return refuse('stale');
    const win = this.#context.document.defaultView;
    if (!win) return refuse('unsupported');
    const outcome = applyControl(command, {
      node: this.#recorder.mirror.getNode(command.nodeId),
      privacy: this.#privacy,
      window: win,
      navigation: this.#capabilities.navigation,
    });
    if (!outcome.ok) return refuse(outcome.reason);
    // What the agent did is shown at once, not after the batch window: each value it typed comes back.
    this.#recorder.flush();
  }

  /**
   * The agent asks for control (or gives it up). Asking never grants it: it prompts the customer
   * (`controlrequest`), and only `allowControl()` does.
   */
  #controlAsked(enabled: boolean): void {
    if (!enabled) {
      this.#setRequested(false);
      if (this.#controlled) this.#setControl(false, false);
      return;
    }
    if (!this.#capabilities.remoteControl) {
      this.#link.send('ve-control-state', { enabled: false, reason: 'not-offered' });
      return;
    }
    // Already in control (say, the agent's page missed the news): tell again, ask nothing.
    if (this.#controlled) this.#link.send('ve-control-state', { enabled: true });
    else this.#setRequested(true);
  }

  #setRequested(requested: boolean): void {
    if (this.#controlRequested === requested) return;
    this.#controlRequested = requested;
    this.emit('controlrequest', { requested });
  }

  #setControl(enabled: boolean, tellAgent = true): void {
    const changed = this.#controlled !== enabled;
    this.#controlled = enabled;
    this.#overlay?.setControl(enabled);
    if (tellAgent) this.#link.send('ve-control-state', { enabled });
    this.#save();
    if (changed) this.emit('control', { enabled });
  }

  /** A fresh snapshot under a new epoch. */
  #snapshot(): void {
    this.#lastSnapshotAt = Date.now();
    this.#recorder.start();
  }

  /** `ve-resync`: a fresh snapshot now, or one at the end of the interval (however many were asked). */
  #resync(): void {
    if (this.#resyncTimer !== undefined) return;
    const wait = this.#lastSnapshotAt + RESYNC_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.#snapshot();
      return;
    }
    this.#resyncTimer = setTimeout(() => {
      this.#resyncTimer = undefined;
      if (!this.#ended) this.#snapshot();
    }, wait);
  }

  readonly #onPageHide = (): void => {
    if (this.#ended) return;
    // The session goes on in the next page of this tab (if it loads soon enough).
    this.#link.send('ve-navigating', {});
    this.#save();
  };

  #save(): void {
    const storage = this.#context.storage;
    if (!storage || this.#ended) return;
    const saved: SavedSession = {
      v: 1,
      provider: this.#provider,
      sessionId: this.id,
      capabilities: this.#capabilities,
      controlled: this.#controlled,
      savedAt: Date.now(),
    };
    try {
      storage.setItem(savedSessionKey(this.#context), JSON.stringify(saved));
    } catch {
      // Storage full or disabled: the session just will not survive a navigation.
    }
  }

  #finish(reason: VisualEndReason, error?: VisualError): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#resyncTimer);
    this.#resyncTimer = undefined;
    this.#recorder.stop();
    this.#overlay?.dispose();
    this.#overlay = undefined;
    this.#link.close();
    this.#context.document.defaultView?.removeEventListener('pagehide', this.#onPageHide);
    clearSaved(this.#context);
    const wasControlled = this.#controlled;
    this.#controlled = false;
    if (this.#controlRequested) {
      this.#controlRequested = false;
      this.emit('controlrequest', { requested: false });
    }
    if (wasControlled) this.emit('control', { enabled: false });
    this.emit('ended', error ? { reason, error } : { reason });
  }
}

function readSaved(context: ProviderContext): SavedSession | undefined {
  try {
    const raw = context.storage?.getItem(savedSessionKey(context));
    if (!raw) return undefined;
    const saved = JSON.parse(raw) as SavedSession;
    return saved?.v === 1 && typeof saved.sessionId === 'string' ? saved : undefined;
  } catch {
    return undefined;
  }
}

function clearSaved(context: ProviderContext): void {
  try {
    context.storage?.removeItem(savedSessionKey(context));
  } catch {
    // Nothing to clear.
  }
}
