/**
 * Connects an element to a `VisualEngagement`: re-renders the host on every state change while the
 * host is in the document, and stops listening when it leaves. The element renders from
 * `engagement.state`, never from a copy.
 */
import type { ReactiveControllerHost } from 'lit';
import type { VisualError } from '../../providers/errors.js';
import type { VisualEngagement, VisualState } from '../../providers/visual-engagement.js';
import { SubscriptionController } from '../subscription-controller.js';

export interface VisualControllerCallbacks {
  statechange?(state: VisualState, previous: VisualState): void;
  error?(error: VisualError): void;
}

export class VisualController extends SubscriptionController<VisualEngagement> {
  constructor(host: ReactiveControllerHost, callbacks: VisualControllerCallbacks = {}) {
    super(host, (engagement) => [
      engagement.on('statechange', (state, previous) => {
        host.requestUpdate();
        callbacks.statechange?.(state, previous);
      }),
      engagement.on('error', (error) => callbacks.error?.(error)),
    ]);
  }

  get engagement(): VisualEngagement | undefined {
    return this.source;
  }

  set engagement(engagement: VisualEngagement | undefined) {
    this.source = engagement;
  }
}
