/**
 * Base class of every chat-call-kit element: a typed `emit()` whose events bubble and cross
 * shadow roots by default, so a host page can listen on any ancestor; and tooltips that Escape
 * dismisses (WCAG 1.4.13), through the `tips-off` custom state the shared button styles read.
 */
import { LitElement } from 'lit';

export class CallKitElement extends LitElement {
  protected readonly internals: ElementInternals = this.attachInternals();

  constructor() {
    super();
    this.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !event.defaultPrevented) this.#setTipsOff(true);
    });
    // Tooltips come back as soon as the person moves on.
    this.addEventListener('focusin', () => this.#setTipsOff(false));
    this.addEventListener('pointerleave', () => this.#setTipsOff(false));
  }

  emit<K extends keyof GlobalEventHandlersEventMap>(
    name: K,
    detail: GlobalEventHandlersEventMap[K] extends CustomEvent<infer D> ? D : never,
    options: { cancelable?: boolean } = {},
  ): CustomEvent {
    const event = new CustomEvent(name, { bubbles: true, composed: true, cancelable: options.cancelable ?? false, detail });
    this.dispatchEvent(event);
    return event;
  }

  #setTipsOff(off: boolean): void {
    const states = this.internals.states;
    // Older engines have no custom states: tooltips then simply stay hoverable.
    if (!states) return;
    if (off) states.add('tips-off');
    else states.delete('tips-off');
  }
}
