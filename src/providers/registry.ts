/**
 * The provider-adapter registry: which visual-engagement providers a page knows, by id. The SDK's
 * built-in providers (`screen-share`, `cobrowse`) are in `visualProviders` from the start; a vendor
 * registers its own adapter next to them, and the deployment's configuration picks one by id.
 */
import { VisualError } from './errors.js';
import type { VisualProviderAdapter } from './types.js';

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

export class ProviderRegistry {
  readonly #adapters = new Map<string, VisualProviderAdapter>();

  /**
   * Adds an adapter and returns a function that removes it. An id that is already registered is
   * refused with `provider-exists` unless `replace` is set (e.g. to swap a built-in for a
   * configured instance).
   */
  register(adapter: VisualProviderAdapter, options: { replace?: boolean } = {}): () => void {
    assertAdapter(adapter);
    if (this.#adapters.has(adapter.id) && !options.replace) {
      throw new VisualError('provider-exists', `a visual-engagement provider "${adapter.id}" is already registered`);
    }
    this.#adapters.set(adapter.id, adapter);
    return () => {
      if (this.#adapters.get(adapter.id) === adapter) this.#adapters.delete(adapter.id);
    };
  }

  /** The adapter registered as `id`; throws `provider-not-found` otherwise. */
  get(id: string): VisualProviderAdapter {
    const adapter = this.#adapters.get(id);
    if (!adapter) throw VisualError.providerNotFound(id);
    return adapter;
  }

  has(id: string): boolean {
    return this.#adapters.has(id);
  }

  /** Every registered adapter, in registration order. */
  list(): VisualProviderAdapter[] {
    return [...this.#adapters.values()];
  }

  unregister(id: string): boolean {
    return this.#adapters.delete(id);
  }
}

function assertAdapter(adapter: VisualProviderAdapter): void {
  if (!adapter || typeof adapter !== 'object') throw new TypeError('an adapter is an object');
  if (typeof adapter.id !== 'string' || !ID_PATTERN.test(adapter.id)) {
    throw new TypeError(`adapter ids are 1-64 letters, digits, ".", "_" or "-"; got ${JSON.stringify(adapter.id)}`);
  }
  if (adapter.kind !== 'screen-share' && adapter.kind !== 'cobrowse') {
    throw new TypeError(`adapter ${adapter.id}: kind must be "screen-share" or "cobrowse"`);
  }
  const capabilities = adapter.capabilities as unknown as Record<string, unknown> | undefined;
  for (const key of ['view', 'laserPointer', 'remoteControl', 'navigation']) {
    if (typeof capabilities?.[key] !== 'boolean') throw new TypeError(`adapter ${adapter.id}: capabilities.${key} must be a boolean`);
  }
  if (typeof adapter.createSession !== 'function' || typeof adapter.joinByPin !== 'function') {
    throw new TypeError(`adapter ${adapter.id}: createSession() and joinByPin() are required`);
  }
}
