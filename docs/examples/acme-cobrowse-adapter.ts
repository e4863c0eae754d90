/**
 * An adapter for a hosted co-browse vendor, "Acme Cobrowse" (a made-up vendor with a typical API):
 * the vendor issues the PIN and runs the session; the agent watches in the vendor's agent console,
 * opened in an app tab; the customer side is the vendor's own browser SDK.
 *
 * Agent side, through your backend (which holds the vendor API key and forwards to the vendor):
 *   POST   {apiBase}/sessions       {reference, kind}  -> 201 {id, pin, expiresAt (ISO 8601), agentUrl}
 *   GET    {apiBase}/sessions/{id}                     -> 200 {status: waiting|joined|active|declined|ended|expired}
 *   DELETE {apiBase}/sessions/{id}                     -> 204
 * Customer side, the vendor's SDK (its script tag defines `window.AcmeCobrowse`):
 *   lookup(pin)        -> {sessionId, canControl}, or rejects with {code: 'INVALID_PIN' (remaining) | 'EXPIRED_PIN' | 'LOCKED'}
 *   start(sessionId)   -> AcmeSession: on('control' | 'end', listener), revokeControl(), end()
 *   decline(sessionId)
 */
import { TypedEmitter, VisualError } from '../../src/index.js';
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
} from '../../src/index.js';

/** The part of the vendor's customer SDK the adapter uses. */
export interface AcmeCustomerSdk {
  lookup(pin: string): Promise<{ sessionId: string; canControl: boolean }>;
  start(sessionId: string): Promise<AcmeSession>;
  decline(sessionId: string): Promise<void>;
}

export interface AcmeSession {
  on(event: 'control', listener: (enabled: boolean) => void): void;
  on(event: 'end', listener: (by: 'agent' | 'customer') => void): void;
  revokeControl(): void;
  end(): void;
}

export interface AcmeAdapterOptions {
  /** Your backend's route to the vendor's REST API (never call the vendor with the API key from a page). */
  apiBase: string;
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** The vendor's customer SDK. Default `window.AcmeCobrowse`. */
  sdk?: () => AcmeCustomerSdk | undefined;
  /** How often the agent side asks the vendor how the session is doing. Default 2000 ms. */
  pollMs?: number;
}

type VendorStatus = 'waiting' | 'joined' | 'active' | 'declined' | 'ended' | 'expired';

export class AcmeCobrowseAdapter implements VisualProviderAdapter {
  readonly id = 'acme-cobrowse';
  readonly kind = 'cobrowse' as const;
  readonly displayName = 'Acme Cobrowse';
  readonly capabilities: VisualCapabilities = { view: true, laserPointer: true, remoteControl: true, navigation: true };
  readonly #options: AcmeAdapterOptions;

  constructor(options: AcmeAdapterOptions) {
    this.#options = options;
  }

  async createSession(context: ProviderContext): Promise<AgentSession> {
    const response = await this.#fetch(`${this.#options.apiBase}/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ reference: context.conversationId, kind: this.kind }),
    });
    if (!response.ok) throw new VisualError('provider-failed', `Acme refused to create a session (HTTP ${response.status})`);
    const created = (await response.json()) as { id: string; pin: string; expiresAt: string; agentUrl: string };
    return new AcmeAgentSession(created, this.#options.apiBase, this.#fetch, this.#options.pollMs ?? 2_000);
  }

  async joinByPin(pin: string, _context: ProviderContext): Promise<Invitation> {
    const sdk = (this.#options.sdk ?? (() => (globalThis as { AcmeCobrowse?: AcmeCustomerSdk }).AcmeCobrowse))();
    if (!sdk) throw new VisualError('provider-failed', 'the Acme Cobrowse SDK is not loaded on this page');
    let found: { sessionId: string; canControl: boolean };
    try {
      found = await sdk.lookup(pin.replace(/[\s-]/g, ''));
    } catch (error) {
      throw vendorPinError(error);
    }
    // What the agent's session offers AND what this page's adapter allows.
    const capabilities = { ...this.capabilities, remoteControl: this.capabilities.remoteControl && found.canControl };
    return {
      sessionId: found.sessionId,
      kind: this.kind,
      capabilities,
      accept: async () => new AcmeCustomerSession(found.sessionId, await sdk.start(found.sessionId)),
      decline: () => void sdk.decline(found.sessionId).catch(() => {}),
    };
  }

  // Arrow function: `fetch` must not be called with the adapter as `this`.
  readonly #fetch: typeof fetch = (input, init) => (this.#options.fetch ?? globalThis.fetch)(input, init);
}

/** The vendor's PIN errors, as the SDK's stable codes. */
function vendorPinError(error: unknown): VisualError {
  const { code, remaining } = (error ?? {}) as { code?: string; remaining?: number };
  switch (code) {
    case 'INVALID_PIN':
      return new VisualError('pin-invalid', 'Acme: unknown PIN', remaining === undefined ? {} : { attemptsLeft: remaining });
    case 'EXPIRED_PIN':
      return new VisualError('pin-expired', 'Acme: the PIN has expired');
    case 'LOCKED':
      return new VisualError('pin-locked', 'Acme: too many wrong PINs');
    default:
      return new VisualError('provider-failed', 'Acme could not look the PIN up', { cause: error });
  }
}

class AcmeAgentSession extends TypedEmitter<AgentSessionEvents> implements AgentSession {
  readonly id: string;
  readonly pin: string;
  readonly expiresAt: number;
  /** The vendor's agent console: `<cobrowse-launcher>` shows it as a link that opens an app tab. */
  readonly consoleUrl: string;
  readonly #api: string;
  readonly #fetch: typeof fetch;
  readonly #timer: ReturnType<typeof setInterval>;
  #status: VendorStatus = 'waiting';
  #ended = false;

  constructor(created: { id: string; pin: string; expiresAt: string; agentUrl: string }, api: string, fetcher: typeof fetch, pollMs: number) {
    super();
    this.id = created.id;
    this.pin = created.pin;
    this.expiresAt = Date.parse(created.expiresAt);
    this.consoleUrl = created.agentUrl;
    this.#api = `${api}/sessions/${encodeURIComponent(created.id)}`;
    this.#fetch = fetcher;
    this.#timer = setInterval(() => void this.#poll(), pollMs);
  }

  end(): void {
    if (this.#ended) return;
    void this.#fetch(this.#api, { method: 'DELETE' }).catch(() => {});
    this.#finish('local-ended');
  }

  async #poll(): Promise<void> {
    let status: VendorStatus;
    try {
      const response = await this.#fetch(this.#api);
      if (!response.ok) return;
      status = ((await response.json()) as { status: VendorStatus }).status;
    } catch {
      return; // A missed poll is retried on the next tick.
    }
    if (this.#ended || status === this.#status) return;
    const previous = this.#status;
    this.#status = status;
    switch (status) {
      case 'joined':
        this.emit('joined');
        break;
      case 'active':
        if (previous === 'waiting') this.emit('joined');
        this.emit('accepted');
        this.emit('active');
        break;
      case 'declined':
        this.#finish('declined');
        break;
      case 'expired':
        this.#finish('expired');
        break;
      case 'ended':
        this.#finish('remote-ended');
        break;
      default:
        break;
    }
  }

  #finish(reason: VisualEndReason): void {
    if (this.#ended) return;
    this.#ended = true;
    clearInterval(this.#timer);
    this.emit('ended', { reason });
  }
}

class AcmeCustomerSession extends TypedEmitter<CustomerSessionEvents> implements CustomerSession {
  readonly id: string;
  readonly #session: AcmeSession;
  #controlled = false;
  #ended = false;

  constructor(id: string, session: AcmeSession) {
    super();
    this.id = id;
    this.#session = session;
    session.on('control', (enabled) => {
      this.#controlled = enabled;
      this.emit('control', { enabled });
    });
    session.on('end', (by) => this.#finish(by === 'agent' ? 'remote-ended' : 'local-ended'));
  }

  get remoteControlled(): boolean {
    return this.#controlled;
  }

  takeBackControl(): void {
    this.#session.revokeControl();
  }

  end(): void {
    this.#session.end();
    this.#finish('local-ended');
  }

  #finish(reason: VisualEndReason): void {
    if (this.#ended) return;
    this.#ended = true;
    this.emit('ended', { reason });
  }
}
