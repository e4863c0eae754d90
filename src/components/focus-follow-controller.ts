/**
 * Moves focus to the control a transition calls for, after the render that shows it, so focus never
 * falls to `<body>` when the control the person used goes away (Accept, Voice call, Take back
 * control...). Each element keeps its own focus map and asks this controller to apply it.
 *
 * Focus is taken only when it is the element's to take: focus is inside the element, or it fell to
 * `<body>` since the person last worked in it. `'unless-elsewhere'` (an incoming call) also takes it
 * from `<body>` when the element never had it, but never from another control of the page, such as
 * the chat's text box.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type FocusTarget = () => HTMLElement | null | undefined;
export type FocusPolicy = 'if-inside' | 'unless-elsewhere';

export class FocusFollowController implements ReactiveController {
  #pending: { target: FocusTarget; policy: FocusPolicy } | undefined;
  /** Focus was inside the host and has not been moved elsewhere on purpose since. */
  #hadFocus = false;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  /** Focus `target` after the next render, when the policy allows. */
  request(target: FocusTarget, policy: FocusPolicy = 'if-inside'): void {
    this.#pending = { target, policy };
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.host.addEventListener('focusin', this.#onFocusIn);
    this.host.addEventListener('focusout', this.#onFocusOut);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('focusin', this.#onFocusIn);
    this.host.removeEventListener('focusout', this.#onFocusOut);
    this.#pending = undefined;
    this.#hadFocus = false;
  }

  hostUpdated(): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = undefined;
    // Children (an embedded <call-controls>) render after their parent's update: wait a task.
    setTimeout(() => {
      if (!this.host.isConnected || !this.#allowed(pending.policy)) return;
      const element = pending.target();
      if (element && element.isConnected) element.focus();
    });
  }

  #allowed(policy: FocusPolicy): boolean {
    const doc = this.host.ownerDocument;
    const active = doc.activeElement;
    if (this.host.matches(':focus-within')) return true;
    const lost = active === null || active === doc.body || active === doc.documentElement;
    return lost && (this.#hadFocus || policy === 'unless-elsewhere');
  }

  readonly #onFocusIn = (): void => {
    this.#hadFocus = true;
  };

  readonly #onFocusOut = (event: FocusEvent): void => {
    const next = event.relatedTarget as Node | null;
    // `relatedTarget` is null when focus fell to <body> (the control went away): keep the claim.
    if (next && next !== this.host && !this.host.contains(next)) this.#hadFocus = false;
  };
}
