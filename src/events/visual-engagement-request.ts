import type { VisualKind } from '../providers/types.js';

/**
 * Cancelable: the agent clicked the computer-icon button. Call `preventDefault()` to start the
 * session yourself (or not at all); otherwise `<cobrowse-launcher>` starts it.
 */
export type VisualEngagementRequestEvent = CustomEvent<{ kind: VisualKind }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'visual-engagement-request': VisualEngagementRequestEvent;
  }
}
