/**
 * Cancelable: the user asked to end the call. Call `preventDefault()` to keep the call going (for
 * example to confirm first); then end it yourself with `engine.end()`.
 */
export type CallRequestEndEvent = CustomEvent<{ source: 'button' | 'keyboard' }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'call-request-end': CallRequestEndEvent;
  }
}
