/**
 * What tells a person in another tab that a call is ringing: the page title alternates with "Alex is
 * calling…" and, when the host allows it and the tab is hidden, a system notification. Both stop
 * (title restored, notification closed) as soon as the ringing stops. The live region in the panel
 * is what screen readers hear; these are for the person who is not looking at the page.
 */
export interface RingAlertOptions {
  /** Alternate `document.title` with `text` while ringing. */
  title: boolean;
  /** Show a `Notification` while the page is hidden, if the page already has the permission. */
  notification: boolean;
  /** The notification was clicked: bring the call to the person. */
  onNotificationClick(): void;
}

export class RingAlerts {
  #flash: ReturnType<typeof setInterval> | undefined;
  #savedTitle: string | undefined;
  #notification: Notification | undefined;
  #document: Document | undefined;

  get ringing(): boolean {
    return this.#document !== undefined;
  }

  start(doc: Document, text: string, options: RingAlertOptions): void {
    if (this.ringing) return;
    this.#document = doc;
    if (options.title) {
      this.#savedTitle = doc.title;
      let showing = false;
      const flip = () => {
        showing = !showing;
        doc.title = showing ? text : (this.#savedTitle ?? '');
      };
      flip();
      this.#flash = setInterval(flip, 1_000);
    }
    if (options.notification && doc.visibilityState === 'hidden' && canNotify()) {
      try {
        const notification = new Notification(text, { tag: 'chat-call-kit-ringing', requireInteraction: true });
        notification.onclick = () => {
          doc.defaultView?.focus();
          options.onNotificationClick();
          notification.close();
        };
        this.#notification = notification;
      } catch {
        // Some browsers allow notifications only from a service worker: the title still flashes.
      }
    }
  }

  stop(): void {
    const doc = this.#document;
    this.#document = undefined;
    clearInterval(this.#flash);
    this.#flash = undefined;
    if (doc && this.#savedTitle !== undefined) doc.title = this.#savedTitle;
    this.#savedTitle = undefined;
    this.#notification?.close();
    this.#notification = undefined;
  }
}

function canNotify(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'granted';
}
