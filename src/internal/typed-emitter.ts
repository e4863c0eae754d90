/**
 * A small typed event emitter. Event maps are tuples of listener arguments (the mediasoup-client
 * `EnhancedEventEmitter` shape). `emit` survives a throwing listener: one bad host callback must not
 * break the call for everyone else, so the error is reported and the other listeners still run.
 */
export type EventMap = Record<string, unknown[]>;
export type Listener<A extends unknown[]> = (...args: A) => void;
type StoredListener = (...args: never[]) => void;

export class TypedEmitter<E extends EventMap> {
  readonly #listeners = new Map<keyof E, Set<StoredListener>>();

  /** Adds a listener and returns a function that removes it. */
  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as unknown as StoredListener);
    return () => this.off(event, listener);
  }

  once<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    const off = this.on(event, ((...args: E[K]) => {
      off();
      listener(...args);
    }) as Listener<E[K]>);
    return off;
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): void {
    this.#listeners.get(event)?.delete(listener as unknown as StoredListener);
  }

  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }

  protected emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as unknown as Listener<E[K]>)(...args);
      } catch (error) {
        // Surface the host's bug without letting it unwind our state machine.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

// Vue's `ref()` / `reactive()` wrap objects in deep proxies, and a proxy cannot reach `#private`
// members ("Cannot read private member"). Engines, transports and sessions are event sources, not
// state to track: marked like Vue's `markRaw()` does, they stay themselves inside a plain `ref()`.
Object.defineProperty(TypedEmitter.prototype, '__v_skip', { value: true });
