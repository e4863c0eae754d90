/**
 * The conversation's engine, handed by `<chat-call-panel>` to the elements inside it (slotted or
 * nested `<call-controls>` and `<cobrowse-launcher>`) through the Context Protocol (`@lit/context`).
 * The key is global (`Symbol.for`) so a panel and a launcher from two copies of the SDK still meet.
 */
import { ContextConsumer, ContextRoot, createContext } from '@lit/context';
import type { ReactiveControllerHost } from 'lit';
import type { CallEngine } from '../engine/call-engine.js';

export const engineContext = createContext<CallEngine | undefined>(Symbol.for('chat-call-kit.engine'));

const rooted = new WeakSet<Document>();

/**
 * A consumer of the panel's engine. Elements may upgrade before the panel around them (definition
 * or import order); a `ContextRoot` on the document holds their request until the panel provides.
 */
export function consumeEngine(
  host: ReactiveControllerHost & HTMLElement,
  callback: (engine: CallEngine | undefined) => void,
): ContextConsumer<typeof engineContext, ReactiveControllerHost & HTMLElement> {
  // Added first, so it runs before the consumer's own hostConnected sends the request.
  host.addController({
    hostConnected: () => {
      const doc = host.ownerDocument;
      if (rooted.has(doc)) return;
      rooted.add(doc);
      new ContextRoot().attach(doc.documentElement);
    },
  });
  return new ContextConsumer(host, { context: engineContext, subscribe: true, callback: (engine) => callback(engine) });
}
