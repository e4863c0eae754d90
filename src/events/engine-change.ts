import type { CallEngine } from '../engine/call-engine.js';

/**
 * `<chat-call-panel>`'s engine was made, replaced or dropped (`detail.engine` is then `undefined`):
 * the signal an attribute-configured panel gives when its engine exists, so hosts need not poll.
 */
export type EngineChangeEvent = CustomEvent<{ engine: CallEngine | undefined }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'engine-change': EngineChangeEvent;
  }
}
