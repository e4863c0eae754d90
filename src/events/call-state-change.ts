import type { CallState } from '../engine/call-state.js';

/** The call moved to another phase (the engine's `statechange`). */
export type CallStateChangeEvent = CustomEvent<{ state: CallState; previous: CallState }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'call-state-change': CallStateChangeEvent;
  }
}
