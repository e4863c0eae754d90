/**
 * An adapter that stands in for a provider whose code is loaded on first use. Its id, kind and
 * capabilities are known up front (the launcher renders from them); every session call loads the
 * real adapter once and delegates to it. With `attachBeforeLoad` and `mayResume`, a page that never
 * starts or resumes a session never loads the code at all.
 */
import { VisualError } from './errors.js';
import type { AgentSession, CustomerSession, Invitation, ProviderContext, VisualCapabilities, VisualKind, VisualProviderAdapter } from './types.js';

export interface LazyProviderOptions {
  id: string;
  kind: VisualKind;
  capabilities: VisualCapabilities;
  load: () => Promise<VisualProviderAdapter>;
  /**
   * What the provider does for a `VisualEngagement` while its code is not loaded (e.g. watch the
   * conversation). Undone once the code is loaded, when the real adapter's `attach` takes over.
   * Without it, `attach` loads the code at once.
   */
  attachBeforeLoad?: (context: ProviderContext) => () => void;
  /** Customer: whether there may be a session to resume. `false` resumes nothing without loading the code. */
  mayResume?: (context: ProviderContext) => boolean;
}

export class LazyProvider implements VisualProviderAdapter {
  readonly id: string;
  readonly kind: VisualKind;
  readonly capabilities: VisualCapabilities;
  readonly #load: () => Promise<VisualProviderAdapter>;
  readonly #attachBeforeLoad: LazyProviderOptions['attachBeforeLoad'];
  readonly #mayResume: LazyProviderOptions['mayResume'];
  #loading: Promise<VisualProviderAdapter> | undefined;
  /** Attachments waiting for the code: each is called with the adapter once it is loaded. */
  readonly #waiting = new Set<(adapter: VisualProviderAdapter) => void>();

  constructor(options: LazyProviderOptions) {
    this.id = options.id;
    this.kind = options.kind;
    this.capabilities = Object.freeze({ ...options.capabilities });
    this.#load = options.load;
    this.#attachBeforeLoad = options.attachBeforeLoad;
    this.#mayResume = options.mayResume;
  }

  /** The real adapter, loaded once; a failed load is retried on the next call. */
  load(): Promise<VisualProviderAdapter> {
    this.#loading ??= this.#load().then(
      (adapter) => {
        // Before any session call continues: waiting attachments switch to the real adapter first.
        for (const attach of [...this.#waiting]) attach(adapter);
        return adapter;
      },
      (error: unknown) => {
        this.#loading = undefined;
        throw new VisualError('provider-failed', `the "${this.id}" provider could not be loaded`, { cause: error });
      },
    );
    return this.#loading;
  }

  async createSession(context: ProviderContext): Promise<AgentSession> {
    return (await this.load()).createSession(context);
  }

  async joinByPin(pin: string, context: ProviderContext): Promise<Invitation> {
    return (await this.load()).joinByPin(pin, context);
  }

  async resume(context: ProviderContext): Promise<CustomerSession | null> {
    if (this.#mayResume && !this.#mayResume(context)) return null;
    const adapter = await this.load();
    return adapter.resume ? adapter.resume(context) : null;
  }

  attach(context: ProviderContext): () => void {
    if (this.#attachBeforeLoad) return this.#attachWhenLoaded(context, this.#attachBeforeLoad(context));
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

  /** Keeps `early` until the code is loaded by a session call, then hands over to the real `attach`. */
  #attachWhenLoaded(context: ProviderContext, early: () => void): () => void {
    let detach = early;
    const onLoaded = (adapter: VisualProviderAdapter) => {
      this.#waiting.delete(onLoaded);
      early();
      detach = adapter.attach?.(context) ?? (() => {});
    };
    this.#waiting.add(onLoaded);
    return () => {
      this.#waiting.delete(onLoaded);
      detach();
    };
  }
}
