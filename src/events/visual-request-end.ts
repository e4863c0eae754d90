/**
 * Cancelable: the user asked to end the visual-engagement session (**End session**). Call
 * `preventDefault()` to keep it going (for example to confirm first); then end it yourself with
 * `engagement.end()`.
 */
export type VisualRequestEndEvent = CustomEvent<{ source: 'button' }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'visual-request-end': VisualRequestEndEvent;
  }
}
