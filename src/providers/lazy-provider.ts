/**
 * An adapter that stands in for a provider whose code is loaded on first use. Its id, kind and
 * capabilities are known up front (the launcher renders from them); every session call loads the
 * real adapter once and delegates to it.
 */
import { VisualError } from './errors.js';
import type { AgentSession, CustomerSession, Invitation, ProviderContext, VisualCapabilities, VisualKind, VisualProviderAdapter } from './types.js';

export interface LazyProviderOptions {
  id: string;
  kind: VisualKind;
  capabilities: VisualCapabilities;
  load: () => Promise<VisualProviderAdapter>;
}

export class LazyProvider implements VisualProviderAdapter {
  readonly id: string;
  readonly kind: VisualKind;
  readonly capabilities: VisualCapabilities;
  readonly #load: () => Promise<VisualProviderAdapter>;
  #loading: Promise<VisualProviderAdapter> | undefined;

  constructor(options: LazyProviderOptions) {
    this.id = options.id;
    this.kind = options.kind;
    this.capabilities = Object.freeze({ ...options.capabilities });
    this.#load = options.load;
  }

  /** The real adapter, loaded once; a failed load is retried on the next call. */
  load(): Promise<VisualProviderAdapter> {
    this.#loading ??= this.#load().catch((error: unknown) => {
      this.#loading = undefined;
      throw new VisualError('provider-failed', `the "${this.id}" provider could not be loaded`, { cause: error });
    });
    return this.#loading;
  }

  async createSession(context: ProviderContext): Promise<AgentSession> {
    return (await this.load()).createSession(context);
  }

  async joinByPin(pin: string, context: ProviderContext): Promise<Invitation> {
    return (await this.load()).joinByPin(pin, context);
  }

  async resume(context: ProviderContext): Promise<CustomerSession | null> {
    const adapter = await this.load();
    return adapter.resume ? adapter.resume(context) : null;
  }

  attach(context: ProviderContext): () => void {
    let detach: (() => void) | undefined;
    let detached = false;
    this.load().then(
      (adapter) => {
        if (!detached) detach = adapter.attach?.(context);
      },
      () => {
        // Reported when a session is started or joined; nothing to attach meanwhile.
      },
    );
    return () => {
      detached = true;
      detach?.();
    };
  }
}
