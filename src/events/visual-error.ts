import type { VisualError } from '../providers/errors.js';

/** Visual engagement reported an error; `detail.error.code` is stable (see README, "Visual engagement"). */
export type VisualErrorEvent = CustomEvent<{ error: VisualError }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'visual-error': VisualErrorEvent;
  }
}
