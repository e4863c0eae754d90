/**
 * The page is going away (closed, reloaded, navigated): `pagehide` is the one event browsers fire
 * reliably then, including on mobile. Outside a browser (Node, workers) there is nothing to watch.
 */
export function onPageExit(listener: () => void): () => void {
  const target = globalThis as { addEventListener?: Window['addEventListener']; removeEventListener?: Window['removeEventListener'] };
  if (typeof target.addEventListener !== 'function' || typeof (globalThis as { document?: unknown }).document === 'undefined') return () => {};
  target.addEventListener('pagehide', listener);
  return () => target.removeEventListener?.('pagehide', listener);
}
