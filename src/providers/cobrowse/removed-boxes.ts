/**
 * Placeholders of removed elements, kept the size of the elements. rrweb records a removed element
 * (`data-cck-block`, the SDK's own launcher) as an empty box of the size it had at the snapshot, and
 * never again; the customer's launcher shrinks right after the snapshot (the invitation closes), so
 * the agent would see a stale box over the page. A ResizeObserver sends every new size, and the
 * element's `display` (a custom element's comes from its shadow root's `:host` styles, which are not
 * sent: without it the placeholder would be an empty inline box).
 */

/** The custom event's tag (rrweb `Custom` event; payload `RemovedBox`). */
export const REMOVED_BOX_EVENT = 'cck-box';

export interface RemovedBox {
  id: number;
  width: number;
  height: number;
  /** The element's computed `display`. */
  display?: string;
}

export function isRemovedBox(value: unknown): value is RemovedBox {
  const box = value as RemovedBox | null;
  return typeof box?.id === 'number' && typeof box.width === 'number' && typeof box.height === 'number' && (box.display === undefined || typeof box.display === 'string');
}

/**
 * Watches the outermost elements matching `selector` in `doc`; `send` gets each new border-box size
 * with the element's id in the recording (`idOf`). Returns the function that stops watching.
 */
export function watchRemovedBoxes(doc: Document, selector: string, idOf: (node: Node) => number, send: (box: RemovedBox) => void): () => void {
  const view = doc.defaultView;
  if (!view?.ResizeObserver) return () => {};
  let elements: Element[];
  try {
    elements = [...doc.querySelectorAll(selector)].filter((element) => !element.parentElement?.closest(selector));
  } catch {
    return () => {};
  }
  const observer = new view.ResizeObserver((entries) => {
    for (const entry of entries) {
      const id = idOf(entry.target);
      if (id <= 0) continue;
      const box = entry.target.getBoundingClientRect();
      const display = view.getComputedStyle(entry.target).display;
      send({ id, width: Math.round(box.width * 100) / 100, height: Math.round(box.height * 100) / 100, display });
    }
  });
  for (const element of elements) observer.observe(element);
  return () => observer.disconnect();
}
