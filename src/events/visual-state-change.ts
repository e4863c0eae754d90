import type { VisualState } from '../providers/visual-engagement.js';

/** The visual-engagement session moved to another phase or changed (the controller's `statechange`). */
export type VisualStateChangeEvent = CustomEvent<{ state: VisualState; previous: VisualState }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'visual-state-change': VisualStateChangeEvent;
  }
}
