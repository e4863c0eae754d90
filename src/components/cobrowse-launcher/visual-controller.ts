/**
 * Connects an element to a `VisualEngagement`: re-renders the host on every state change while the
 * host is in the document, and stops listening when it leaves. The element renders from
 * `engagement.state`, never from a copy.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { VisualEngagement, VisualState } from '../../providers/visual-engagement.js';
import type { VisualError } from '../../providers/errors.js';

export interface VisualControllerCallbacks {
  statechange?(state: VisualState, previous: VisualState): void;
  error?(error: VisualError): void;
}

export class VisualController implements ReactiveController {
  #engagement: VisualEngagement | undefined;
  #off: Array<() => void> = [];
  #connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly callbacks: VisualControllerCallbacks = {},
  ) {
    host.addController(this);
  }

  get engagement(): VisualEngagement | undefined {
    return this.#engagement;
  }

  set engagement(engagement: VisualEngagement | undefined) {
    if (engagement === this.#engagement) return;
    this.#unsubscribe();
    this.#engagement = engagement;
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
    const engagement = this.#engagement;
    if (!engagement) return;
    this.#off.push(
      engagement.on('statechange', (state, previous) => {
        this.host.requestUpdate();
        this.callbacks.statechange?.(state, previous);
      }),
      engagement.on('error', (error) => this.callbacks.error?.(error)),
    );
  }

  #unsubscribe(): void {
    for (const off of this.#off.splice(0)) off();
  }
}
