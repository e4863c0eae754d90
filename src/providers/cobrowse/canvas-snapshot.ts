/**
 * The full snapshot goes without the page's canvas pixels: the sampled frames (`canvasFps`) follow
 * within a frame interval, and the page shows without waiting for them. rrweb's snapshot would
 * encode every canvas (`toDataURL`, twice for a canvas whose context it did not see created: about
 * 90 ms for four Chart.js charts) only for the recorder to drop the result. rrweb skips a canvas whose
 * `__context` (its own mark of the context type) is neither absent nor `2d`, so each canvas carries
 * such a mark while rrweb takes the snapshot (synchronously), and gets its own back right after.
 */

/** rrweb's mark of a canvas's context type. */
const CONTEXT_MARK = '__context';
const SNAPSHOT_MARK = 'cck-sampled';

/** The canvases of `doc`, in its open shadow roots too. */
export function canvasesOf(doc: Document): HTMLCanvasElement[] {
  const found: HTMLCanvasElement[] = [];
  const visit = (root: Document | ShadowRoot): void => {
    found.push(...root.querySelectorAll('canvas'));
    for (const element of root.querySelectorAll('*')) if (element.shadowRoot) visit(element.shadowRoot);
  };
  visit(doc);
  return found;
}

/** Runs `take` (rrweb's snapshot) with `canvases` marked so that rrweb does not encode them. */
export function withoutCanvasPixels<T>(canvases: readonly HTMLCanvasElement[], take: () => T): T {
  const saved = canvases.map((canvas) => [canvas, Object.getOwnPropertyDescriptor(canvas, CONTEXT_MARK)] as const);
  for (const canvas of canvases) Object.defineProperty(canvas, CONTEXT_MARK, { value: SNAPSHOT_MARK, configurable: true, writable: true });
  try {
    return take();
  } finally {
    for (const [canvas, descriptor] of saved) {
      if (descriptor) Object.defineProperty(canvas, CONTEXT_MARK, descriptor);
      else delete (canvas as unknown as Record<string, unknown>)[CONTEXT_MARK];
    }
  }
}
