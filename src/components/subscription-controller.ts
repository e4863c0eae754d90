/**
 * Keeps an element subscribed to one event source (an engine, a visual-engagement session) while
 * the element is in the document, and only then: listeners are added on connect or when the source
 * changes, and removed on disconnect. `subscribe` returns the functions that remove its listeners.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class SubscriptionController<S> implements ReactiveController {
  #source: S | undefined;
  #off: Array<() => void> = [];
  #connected = false;

  constructor(
    protected readonly host: ReactiveControllerHost,
    private readonly subscribe: (source: S) => Array<() => void>,
  ) {
    host.addController(this);
  }

  get source(): S | undefined {
    return this.#source;
  }

  set source(source: S | undefined) {
    if (source === this.#source) return;
    this.#unsubscribe();
    this.#source = source;
    if (this.#connected) this.#subscribe();
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#subscribe();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unsubscribe();
  }

  #subscribe(): void {
    if (this.#source !== undefined) this.#off.push(...this.subscribe(this.#source));
  }

  #unsubscribe(): void {
    for (const off of this.#off.splice(0)) off();
  }
}
