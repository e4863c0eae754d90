/**
 * Base class of every chat-call-kit element: a typed `emit()` whose events bubble and cross
 * shadow roots by default, so a host page can listen on any ancestor.
 */
import { LitElement } from 'lit';

export class CallKitElement extends LitElement {
  emit<K extends keyof GlobalEventHandlersEventMap>(
    name: K,
    detail: GlobalEventHandlersEventMap[K] extends CustomEvent<infer D> ? D : never,
    options: { cancelable?: boolean } = {},
  ): CustomEvent {
    const event = new CustomEvent(name, { bubbles: true, composed: true, cancelable: options.cancelable ?? false, detail });
    this.dispatchEvent(event);
    return event;
  }
}
