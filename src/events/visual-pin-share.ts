import type { VisualKind } from '../providers/types.js';

/**
 * The agent clicked **Send PIN to chat**. The host's chat sends `detail.text` (a localized sentence
 * with the PIN) or builds its own message from `detail.pin`.
 */
export type VisualPinShareEvent = CustomEvent<{ pin: string; text: string; expiresAt: number; kind: VisualKind }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'visual-pin-share': VisualPinShareEvent;
  }
}
