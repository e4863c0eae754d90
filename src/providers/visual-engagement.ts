/**
 * `VisualEngagement`: one conversation's screen-share / co-browse sessions for one role, with no
 * UI. It turns user intents (start, join with a PIN, accept, decline, laser, control, end) into calls
 * on the configured provider adapter and the adapter's events into one state machine, with typed
 * events and typed errors. `<cobrowse-launcher>` renders it; integrators with their own UI use it
 * directly.
 *
 * Agent:    idle -> starting -> waiting (PIN shown) -> invited (customer has the PIN) -> connecting -> active -> ended
 * Customer: idle -> joining -> invited (Accept / Decline) -> connecting -> active -> ended
 * A failed start or a wrong PIN goes back to `idle` with `error` set. `ended` -> starting/joining
 * begins the next session.
 *
 * The agent's side tells the customer's when a session waits for its PIN (`ve-offer`): the
 * customer's state then has `offered`, so a UI shows the PIN entry only once there is a PIN to enter.
 */
import { TypedEmitter } from '../internal/typed-emitter.js';
import type { CallParticipantRole } from '../signaling/protocol.js';
import type { SignalingTransport } from '../signaling/transport.js';
import { VisualError } from './errors.js';
import type { ProviderRegistry } from './registry.js';
import { visualProviders } from './defaults.js';
import type {
  AgentSession,
  AgentSessionEvents,
  CustomerSessionEvents,
  CustomerSession,
  Invitation,
  ProviderContext,
  VisualCapabilities,
  VisualEndReason,
  VisualKind,
  VisualProviderAdapter,
} from './types.js';

export type VisualPhase = 'idle' | 'starting' | 'waiting' | 'joining' | 'invited' | 'connecting' | 'active' | 'ended';

export interface VisualState {
  readonly phase: VisualPhase;
  readonly role: CallParticipantRole;
  /** The configured provider's id. */
  readonly provider: string;
  /** The provider's kind (for the customer during a session: the session's). */
  readonly kind: VisualKind;
  /** What the agent can do (for the customer during a session: what the invitation says). */
  readonly capabilities: VisualCapabilities;
  readonly sessionId?: string;
  /** Agent: the PIN to give the customer, from `waiting` until the session ends. */
  readonly pin?: string;
  /** Agent: when the PIN stops working (ms since the epoch). */
  readonly expiresAt?: number;
  /**
   * Agent, for providers with their own console: open it in an app tab. Only an `https:` URL (or
   * `http:` on a loopback host, for development); anything else is dropped with a `provider-failed` error.
   */
  readonly consoleUrl?: string;
  /** Agent: the laser pointer tool is on. */
  readonly laserPointer: boolean;
  /** Agent: the customer's side can show the laser pointer (screen share: only when sharing this tab). */
  readonly laserAvailable: boolean;
  /** Remote control is on (the agent acts in the customer's page). */
  readonly remoteControl: boolean;
  /**
   * Remote control was asked for and the customer has not answered: the agent waits; the customer is
   * asked to `allowControl()` or `denyControl()`.
   */
  readonly controlRequested: boolean;
  /** Agent: the customer's page is loading another page; the view resumes by itself. */
  readonly navigating: boolean;
  readonly endReason?: VisualEndReason;
  /** The latest error (a wrong PIN, a refused share...), cleared by the next action. */
  readonly error?: VisualError;
  /** Customer: the agent created a session and is sending its PIN; cleared when a session ends. */
  readonly offered?: boolean;
}

export type VisualEngagementEvents = {
  statechange: [VisualState, VisualState];
  /** Every error, also the ones that leave the session running (e.g. `control-refused`). */
  error: [VisualError];
};

export interface VisualEngagementOptions {
  /** The conversation's signaling (not owned: `dispose()` leaves it open). */
  transport: SignalingTransport;
  /** The configured provider: an id in `registry`, or an adapter. Default `cobrowse`. */
  provider?: string | VisualProviderAdapter;
  /** Where provider ids are looked up. Default: `visualProviders` (built-ins and what vendors registered). */
  registry?: ProviderRegistry;
  /** The page the session runs in. Default `document`. */
  document?: Document;
  /** Keeps a customer's session across navigations. Default `sessionStorage`; `null` turns resuming off. */
  storage?: Storage | null;
}

type SharedSessionEvents = Pick<AgentSessionEvents & CustomerSessionEvents, 'control' | 'controlrequest' | 'error' | 'ended'>;

const NO_CAPABILITIES: VisualCapabilities = Object.freeze({ view: false, laserPointer: false, remoteControl: false, navigation: false });

export class VisualEngagement extends TypedEmitter<VisualEngagementEvents> {
  readonly role: CallParticipantRole;
  readonly conversationId: string;
  readonly transport: SignalingTransport;
  readonly #adapter: VisualProviderAdapter | undefined;
  readonly #context: ProviderContext;
  #state: VisualState;
  #agentSession: AgentSession | undefined;
  #customerSession: CustomerSession | undefined;
  #invitation: Invitation | undefined;
  #offSession: Array<() => void> = [];
  #expiryTimer: ReturnType<typeof setTimeout> | undefined;
  #view: HTMLElement | undefined;
  #disposed = false;
  #generation = 0;
  readonly #detachAdapter: () => void;
  readonly #offTransport: Array<() => void>;

  constructor(options: VisualEngagementOptions) {
    super();
    const { transport } = options;
    this.transport = transport;
    if (transport.role === 'supervisor') throw new VisualError('invalid-state', 'visual engagement is between the agent and the customer, not a supervisor');
    this.role = transport.role;
    this.conversationId = transport.conversationId;
    const registry = options.registry ?? visualProviders;
    const providerOption = options.provider ?? 'cobrowse';
    let error: VisualError | undefined;
    if (typeof providerOption === 'string') {
      try {
        this.#adapter = registry.get(providerOption);
      } catch (caught) {
        error = caught as VisualError;
      }
    } else {
      this.#adapter = providerOption;
    }
    const doc = options.document ?? globalThis.document;
    this.#context = {
      role: this.role,
      conversationId: this.conversationId,
      transport,
      document: doc,
      storage: options.storage === null ? undefined : (options.storage ?? safeSessionStorage(doc)),
    };
    this.#state = { ...this.#fresh(typeof providerOption === 'string' ? providerOption : providerOption.id), ...(error ? { error } : {}) };
    this.#detachAdapter = this.#adapter?.attach?.(this.#context) ?? (() => {});
    this.#offTransport =
      this.role === 'customer'
        ? [
            transport.on('message', (message) => {
              const { phase } = this.#state;
              if (message.type === 've-offer' && message.from === 'agent' && (phase === 'idle' || phase === 'ended')) this.#patch({ offered: true });
            }),
          ]
        : [
            // A customer who arrives (or comes back) while the session waits learns of it now.
            transport.on('presence', ({ role, present }) => {
              if (role === 'customer' && present && this.#state.phase === 'waiting') this.#sendOffer();
            }),
          ];
    if (this.role === 'customer') void this.#resume();
  }

  get state(): VisualState {
    return this.#state;
  }

  /** The configured adapter, or undefined when the configured id is not registered. */
  get adapter(): VisualProviderAdapter | undefined {
    return this.#adapter;
  }

  /** Agent: creates a session; resolves once the PIN is in `state.pin`. */
  async start(): Promise<void> {
    this.#assertUsable();
    this.#assertRole('agent', 'start a session');
    const adapter = this.#requireAdapter();
    const { phase } = this.#state;
    if (phase !== 'idle' && phase !== 'ended') throw VisualError.invalidState('start a session', phase);
    const { result: session, current } = await this.#opening('starting', () => adapter.createSession(this.#context), 'the session could not be created');
    if (!current) {
      session.end();
      return;
    }
    this.#agentSession = session;
    this.#offSession = [
      session.on('joined', () => this.#patch({ phase: 'invited' })),
      session.on('accepted', () => {
        this.#clearExpiry();
        this.#patch({ phase: 'connecting' });
      }),
      session.on('active', () => this.#patch({ phase: 'active', navigating: false })),
      session.on('navigating', () => this.#patch({ navigating: true })),
      session.on('capabilities', (capabilities) => this.#patch({ capabilities: { ...capabilities } })),
      // Screen share: the laser tool only where the customer's page can show it (this tab, Capture Handle).
      session.on('laseravailable', (available) =>
        this.#patch({ laserAvailable: available, capabilities: { ...this.#state.capabilities, laserPointer: available && this.#state.capabilities.laserPointer } }),
      ),
      ...this.#followSession(session),
    ];
    const consoleUrl = session.consoleUrl ? safeConsoleUrl(session.consoleUrl) : undefined;
    this.#patch({
      phase: 'waiting',
      sessionId: session.id,
      pin: session.pin,
      expiresAt: session.expiresAt,
      ...(consoleUrl ? { consoleUrl } : {}),
    });
    if (session.consoleUrl && !consoleUrl) {
      this.#reportError(new VisualError('provider-failed', 'console URL not https: not shown'));
    }
    this.#armExpiry(session.expiresAt);
    if (this.#view) session.attachView?.(this.#view);
    this.#sendOffer();
  }

  /** Agent: tells the customer's side that a session waits for its PIN (best effort, never an error). */
  #sendOffer(): void {
    const { sessionId, kind } = this.#state;
    if (!sessionId || this.#disposed) return;
    try {
      this.transport.send({ type: 've-offer', payload: { sessionId, kind } });
    } catch {
      // A closed transport: there is nobody to tell.
    }
  }

  /**
   * Runs the adapter step that opens a session (agent `start`, customer `join`) under a new
   * generation. A failure resets to idle with the error, emits it and rethrows; `current` is false
   * when `end()`/`dispose()` or a newer step came while it ran, so the caller undoes the result.
   */
  async #opening<T>(phase: 'starting' | 'joining', step: () => Promise<T>, failure: string): Promise<{ result: T; current: boolean }> {
    const generation = ++this.#generation;
    this.#set({ ...this.#fresh(), phase });
    try {
      const result = await step();
      return { result, current: generation === this.#generation && !this.#disposed };
    } catch (caught) {
      const error = asVisualError(caught, failure);
      if (generation === this.#generation) this.#set({ ...this.#fresh(), phase: 'idle', error });
      this.emit('error', error);
      throw error;
    }
  }

  /** Customer: looks the PIN up; on success the invitation is in `state` (`phase: 'invited'`). */
  async join(pin: string): Promise<void> {
    this.#assertUsable();
    this.#assertRole('customer', 'join a session');
    const adapter = this.#requireAdapter();
    const { phase } = this.#state;
    if (phase !== 'idle' && phase !== 'ended') throw VisualError.invalidState('join a session', phase);
    const { result: invitation, current } = await this.#opening('joining', () => adapter.joinByPin(pin, this.#context), 'the PIN could not be checked');
    if (!current) {
      invitation.decline();
      return;
    }
    this.#invitation = invitation;
    this.#patch({ phase: 'invited', sessionId: invitation.sessionId, kind: invitation.kind, capabilities: { ...invitation.capabilities } });
  }

  /**
   * Customer: accepts the invitation. Screen share asks the browser for the screen right away, so
   * call this from the Accept click itself.
   */
  async accept(): Promise<void> {
    this.#assertUsable();
    const invitation = this.#invitation;
    if (this.#state.phase !== 'invited' || !invitation) throw VisualError.invalidState('accept', this.#state.phase);
    // No await before this call: the browser's screen picker needs the user's click.
    const accepting = invitation.accept();
    const generation = this.#generation;
    this.#patch({ phase: 'connecting', error: undefined });
    let session: CustomerSession;
    try {
      session = await accepting;
    } catch (caught) {
      const error = asVisualError(caught, 'the invitation could not be accepted');
      if (generation === this.#generation) this.#patch({ phase: 'invited', error });
      this.emit('error', error);
      throw error;
    }
    this.#invitation = undefined;
    if (generation !== this.#generation || this.#disposed) {
      session.end();
      return;
    }
    this.#adoptCustomerSession(session);
  }

  /** Customer: declines the invitation. */
  decline(): void {
    const invitation = this.#invitation;
    if (this.#state.phase !== 'invited' || !invitation) throw VisualError.invalidState('decline', this.#state.phase);
    this.#invitation = undefined;
    invitation.decline();
    this.#ended('declined');
  }

  /** Either side: ends the session (or the invitation, or the PIN). Nothing happens when there is none. */
  end(): void {
    const { phase } = this.#state;
    if (phase === 'invited' && this.#invitation) {
      this.decline();
      return;
    }
    if (phase === 'starting' || phase === 'joining') {
      // The pending request is dropped when it completes.
      this.#generation += 1;
      this.#ended('local-ended');
      return;
    }
    const session = this.#agentSession ?? this.#customerSession;
    if (session) session.end();
    else if (phase !== 'idle' && phase !== 'ended') this.#ended('local-ended');
  }

  /** Agent: turns the laser pointer tool on or off. */
  setLaserPointer(enabled: boolean): void {
    this.#assertRole('agent', 'use the laser pointer');
    if (enabled && !this.#state.capabilities.laserPointer) throw VisualError.invalidState('use the laser pointer with this provider', this.#state.phase);
    this.#agentSession?.setLaserPointer?.(enabled);
    this.#patch({ laserPointer: enabled });
  }

  /** Agent: asks for remote control, or gives it back. `state.remoteControl` follows the customer's confirmation. */
  setRemoteControl(enabled: boolean): void {
    this.#assertRole('agent', 'take remote control');
    if (enabled && !this.#state.capabilities.remoteControl) throw VisualError.invalidState('take control with this provider', this.#state.phase);
    if (enabled && this.#state.phase !== 'active' && this.#state.phase !== 'connecting') throw VisualError.invalidState('take control', this.#state.phase);
    this.#agentSession?.setRemoteControl?.(enabled);
  }

  /** Customer: takes remote control back from the agent (it stays off until the customer allows it again). */
  takeBackControl(): void {
    this.#customerSession?.takeBackControl?.();
  }

  /** Customer: grants the agent's pending request for remote control. */
  allowControl(): void {
    this.#customerSession?.allowControl?.();
  }

  /** Customer: refuses the agent's pending request for remote control. */
  denyControl(): void {
    this.#customerSession?.denyControl?.();
  }

  /** Agent: shows the customer's screen or page in `container` (for providers that show it in the page). */
  attachView(container: HTMLElement): void {
    if (this.#view === container) return;
    this.#view = container;
    this.#agentSession?.attachView?.(container);
  }

  detachView(container?: HTMLElement): void {
    if (!this.#view || (container && container !== this.#view)) return;
    this.#view = undefined;
    this.#agentSession?.detachView?.();
  }

  /** Forgets the last error. */
  clearError(): void {
    if (this.#state.error) this.#patch({ error: undefined });
  }

  /** Ends any session and stops listening. The transport stays open. */
  dispose(): void {
    if (this.#disposed) return;
    this.end();
    this.#disposed = true;
    this.#cleanupSession();
    this.#detachAdapter();
    for (const off of this.#offTransport.splice(0)) off();
    this.removeAllListeners();
  }

  async #resume(): Promise<void> {
    const adapter = this.#adapter;
    if (!adapter?.resume || !this.#context.storage) return;
    let session: CustomerSession | null;
    try {
      session = await adapter.resume(this.#context);
    } catch (caught) {
      this.#reportError(asVisualError(caught, 'the session could not be resumed'));
      return;
    }
    if (!session) return;
    if (this.#disposed || this.#state.phase !== 'idle') {
      session.end();
      return;
    }
    this.#patch({ sessionId: session.id, kind: adapter.kind, capabilities: { ...(session.capabilities ?? adapter.capabilities) } });
    this.#adoptCustomerSession(session);
  }

  #adoptCustomerSession(session: CustomerSession): void {
    this.#customerSession = session;
    this.#offSession = this.#followSession(session);
    this.#patch({
      phase: 'active',
      sessionId: session.id,
      remoteControl: session.remoteControlled,
      controlRequested: session.controlRequested ?? false,
    });
  }

  /** What both sides' sessions tell: control, its request, errors and the end. */
  #followSession(session: Pick<TypedEmitter<SharedSessionEvents>, 'on'>): Array<() => void> {
    return [
      session.on('control', ({ enabled }) => this.#patch({ remoteControl: enabled })),
      session.on('controlrequest', ({ requested }) => this.#patch({ controlRequested: requested })),
      session.on('error', (error) => this.#reportError(error)),
      session.on('ended', ({ reason, error }) => this.#ended(reason, error)),
    ];
  }

  #ended(reason: VisualEndReason, error?: VisualError): void {
    if (this.#state.phase === 'ended' && !this.#agentSession && !this.#customerSession) return;
    const sessionId = this.#state.sessionId;
    this.#cleanupSession();
    this.#set({
      ...this.#fresh(),
      phase: 'ended',
      endReason: reason,
      ...(sessionId ? { sessionId } : {}),
      ...(error ? { error } : {}),
    });
    if (error) this.emit('error', error);
  }

  #cleanupSession(): void {
    this.#clearExpiry();
    for (const off of this.#offSession.splice(0)) off();
    if (this.#view) this.#agentSession?.detachView?.();
    this.#agentSession = undefined;
    this.#customerSession = undefined;
    this.#invitation = undefined;
  }

  #armExpiry(expiresAt: number): void {
    this.#clearExpiry();
    const delay = Math.max(0, expiresAt - Date.now());
    // setTimeout's limit is ~24.8 days; PINs live minutes.
    this.#expiryTimer = setTimeout(() => {
      if (this.#state.phase !== 'waiting') return;
      const session = this.#agentSession;
      this.#offSession.splice(0).forEach((off) => off());
      session?.end();
      this.#ended('expired');
    }, Math.min(delay, 2_147_000_000));
  }

  #clearExpiry(): void {
    clearTimeout(this.#expiryTimer);
    this.#expiryTimer = undefined;
  }

  #reportError(error: VisualError): void {
    this.#patch({ error });
    this.emit('error', error);
  }

  /** The state with no session, for this provider. */
  #fresh(provider = this.#state.provider): VisualState {
    return {
      phase: 'idle',
      role: this.role,
      provider,
      kind: this.#adapter?.kind ?? 'cobrowse',
      capabilities: this.#adapter?.capabilities ?? NO_CAPABILITIES,
      laserPointer: false,
      laserAvailable: false,
      remoteControl: false,
      controlRequested: false,
      navigating: false,
    };
  }

  #patch(changes: Partial<VisualState>): void {
    const next = { ...this.#state, ...changes } as VisualState;
    for (const key of Object.keys(changes) as Array<keyof VisualState>) {
      if (changes[key] === undefined) delete (next as Partial<Record<keyof VisualState, unknown>>)[key];
    }
    this.#set(next);
  }

  #set(next: VisualState): void {
    const previous = this.#state;
    if (shallowEqual(previous, next)) return;
    this.#state = Object.freeze(next);
    this.emit('statechange', this.#state, previous);
  }

  #requireAdapter(): VisualProviderAdapter {
    if (this.#adapter) return this.#adapter;
    const error = VisualError.providerNotFound(this.#state.provider);
    this.#patch({ error });
    throw error;
  }

  #assertRole(role: CallParticipantRole, action: string): void {
    if (this.role !== role) throw new VisualError('invalid-state', `cannot ${action} as the ${this.role}`);
  }

  #assertUsable(): void {
    if (this.#disposed) throw new VisualError('invalid-state', 'this VisualEngagement was disposed');
  }
}

function shallowEqual(a: VisualState, b: VisualState): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as Array<keyof VisualState>);
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

function isVisualError(error: unknown): error is VisualError {
  return error instanceof Error && error.name === 'VisualError' && typeof (error as VisualError).code === 'string';
}

function asVisualError(error: unknown, fallback: string): VisualError {
  // Structural, not instanceof: a lazily loaded provider bundle carries its own copy of the class.
  return isVisualError(error) ? error : new VisualError('provider-failed', fallback, { cause: error });
}

/** A console URL safe to render as a link: `https:`, or `http:` on a loopback host (development). */
export function safeConsoleUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:' || (url.protocol === 'http:' && /^(localhost|127(\.\d+){3}|\[::1\])$/.test(url.hostname))) return url.href;
  } catch {
    // Not a URL.
  }
  return undefined;
}

function safeSessionStorage(doc: Document | undefined): Storage | undefined {
  try {
    return doc?.defaultView?.sessionStorage ?? undefined;
  } catch {
    return undefined;
  }
}
