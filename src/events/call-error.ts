import type { CallError } from '../engine/errors.js';

/** The engine reported an error; `detail.error.code` is stable (see README, "Error codes"). */
export type CallErrorEvent = CustomEvent<{ error: CallError }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'call-error': CallErrorEvent;
  }
}
