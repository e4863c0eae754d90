/**
 * What is under a point of the replica, all the way down: `elementFromPoint` stops at a shadow host
 * (an `<sl-input>`, not the `<input>` inside it) and at an `<iframe>` (not the button in its page).
 * The replica's shadow roots are open and its frames same-origin (rrweb rebuilds them so), so the
 * search goes on inside them, and the point is translated into each frame's own viewport.
 */

export interface Hit {
  element: Element;
  /** Where the element's document's viewport starts, in the outer document's viewport. */
  offsetX: number;
  offsetY: number;
}

export function deepElementFromPoint(doc: Document, x: number, y: number): Hit | undefined {
  let root: Document | ShadowRoot = doc;
  let offsetX = 0;
  let offsetY = 0;
  let element = doc.elementFromPoint(x, y);
  for (let depth = 0; element && depth < 32; depth += 1) {
    const shadow: ShadowRoot | null = element.shadowRoot;
    if (shadow && shadow !== root) {
      const inner: Element | null = shadow.elementFromPoint(x - offsetX, y - offsetY);
      if (inner && inner !== element && shadow.contains(inner)) {
        root = shadow;
        element = inner;
        continue;
      }
    }
    const frameDoc: Document | null = element.localName === 'iframe' ? (element as HTMLIFrameElement).contentDocument : null;
    if (frameDoc) {
      const box = element.getBoundingClientRect();
      const nextX = offsetX + box.left + element.clientLeft;
      const nextY = offsetY + box.top + element.clientTop;
      const inner: Element | null = frameDoc.elementFromPoint(x - nextX, y - nextY);
      if (inner) {
        root = frameDoc;
        offsetX = nextX;
        offsetY = nextY;
        element = inner;
        continue;
      }
    }
    break;
  }
  return element ? { element, offsetX, offsetY } : undefined;
}

/** Where `element`'s document's viewport starts in `top`'s viewport (0, 0 when it is `top`'s own). */
export function frameOffset(element: Element, top: Document): { x: number; y: number } {
  let x = 0;
  let y = 0;
  let doc = element.ownerDocument;
  for (let depth = 0; doc !== top && depth < 32; depth += 1) {
    const frame = doc.defaultView?.frameElement;
    if (!frame) break;
    const box = frame.getBoundingClientRect();
    x += box.left + frame.clientLeft;
    y += box.top + frame.clientTop;
    doc = frame.ownerDocument;
  }
  return { x, y };
}
