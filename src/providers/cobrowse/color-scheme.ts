/**
 * The co-browse replica in the customer's colour scheme, not the agent's. A page styled with
 * `@media (prefers-color-scheme: dark)` would otherwise follow the agent's preference in the
 * agent's browser: a dark-mode agent saw a light customer page as white text on white.
 *
 * Customer side: `watchColorScheme` reports the page's preferred scheme (`light` / `dark`), which
 * the recorder sends with every snapshot and on every change, as an rrweb custom event.
 *
 * Agent side: `ReplicaColorScheme` rewrites the replica's media queries when the two preferences
 * differ (`prefers-color-scheme: dark` <-> `light`, in every style sheet, `@import`, nested rule and
 * shadow root), and pins the root's `color-scheme` to the customer's when the page lets the browser
 * choose (`light dark`). Each media list remembers whether it is rewritten, so rules the replayer adds
 * later are rewritten once, and a change of either preference rewrites them back.
 */
export const COLOR_SCHEME_EVENT = 'cck-color-scheme';

export type ColorScheme = 'light' | 'dark';

export interface ColorSchemePayload {
  scheme: ColorScheme;
}

const DARK_QUERY = '(prefers-color-scheme: dark)';

/** Customer side: calls `onChange` with the page's preferred scheme now and on every change. */
export function watchColorScheme(win: Window | null, onChange: (scheme: ColorScheme) => void): () => void {
  const query = win?.matchMedia?.(DARK_QUERY);
  if (!query) return () => {};
  const report = () => onChange(query.matches ? 'dark' : 'light');
  report();
  query.addEventListener('change', report);
  return () => query.removeEventListener('change', report);
}

export class ReplicaColorScheme {
  /** The customer's scheme, once the recording said it. */
  customer: ColorScheme | undefined;
  readonly #swapped = new WeakMap<MediaList, boolean>();
  #anySwapped = false;
  #pinnedRoot: HTMLElement | undefined;
  #frame: number | undefined;
  #target: HTMLIFrameElement | undefined;

  /** Applies at the next animation frame (batches of events arrive many per frame). */
  schedule(iframe: HTMLIFrameElement | undefined): void {
    this.#target = iframe;
    if (!iframe || this.#frame !== undefined) return;
    const win = iframe.ownerDocument.defaultView;
    if (!win) return;
    this.#frame = win.requestAnimationFrame(() => {
      this.#frame = undefined;
      const doc = this.#target?.contentDocument;
      if (doc) this.apply(doc);
    });
  }

  apply(doc: Document): void {
    const agentDark = doc.defaultView?.matchMedia(DARK_QUERY).matches ?? false;
    const swap = this.customer !== undefined && (this.customer === 'dark') !== agentDark;
    // Same preference on both sides and nothing rewritten yet: the common case costs nothing.
    if (!swap && !this.#anySwapped && !this.#pinnedRoot) return;
    for (const sheet of allSheets(doc)) this.#visitSheet(sheet, swap);
    this.#pinRoot(doc, swap);
  }

  dispose(): void {
    if (this.#frame !== undefined) this.#target?.ownerDocument.defaultView?.cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
    this.#target = undefined;
  }

  #visitSheet(sheet: CSSStyleSheet, swap: boolean): void {
    this.#rewrite(sheet.media, swap);
    let rules: CSSRuleList;
    try {
      rules = sheet.cssRules;
    } catch {
      return; // A cross-origin sheet: its rules cannot be read (nor changed).
    }
    this.#visitRules(rules, swap);
  }

  #visitRules(rules: CSSRuleList, swap: boolean): void {
    // Duck-typed: the replica's rules come from the iframe's realm, where `instanceof` fails.
    for (const rule of rules) {
      if ('styleSheet' in rule && 'media' in rule) {
        const imported = rule as CSSImportRule;
        this.#rewrite(imported.media, swap);
        if (imported.styleSheet) this.#visitSheet(imported.styleSheet, swap);
        continue;
      }
      if ('media' in rule) this.#rewrite((rule as CSSMediaRule).media, swap);
      if ('cssRules' in rule) this.#visitRules((rule as CSSGroupingRule).cssRules, swap);
    }
  }

  #rewrite(media: MediaList | null | undefined, swap: boolean): void {
    if (!media || !/prefers-color-scheme/i.test(media.mediaText)) return;
    if ((this.#swapped.get(media) ?? false) === swap) return;
    media.mediaText = media.mediaText.replace(/prefers-color-scheme\s*:\s*(dark|light)/gi, (_, scheme: string) =>
      `prefers-color-scheme: ${scheme.toLowerCase() === 'dark' ? 'light' : 'dark'}`,
    );
    this.#swapped.set(media, swap);
    if (swap) this.#anySwapped = true;
  }

  /** A page that lets the browser pick (`color-scheme: light dark`) gets the customer's pick. */
  #pinRoot(doc: Document, swap: boolean): void {
    const root = doc.documentElement;
    if (this.#pinnedRoot && (!swap || this.#pinnedRoot !== root)) {
      this.#pinnedRoot.style.removeProperty('color-scheme');
      this.#pinnedRoot = undefined;
    }
    if (!swap || !root || this.#pinnedRoot) return;
    const declared = doc.defaultView?.getComputedStyle(root).colorScheme ?? '';
    if (!/light/.test(declared) || !/dark/.test(declared)) return;
    root.style.setProperty('color-scheme', this.customer!, 'important');
    this.#pinnedRoot = root;
  }
}

/** Every style sheet of the document and of its (open) shadow roots. */
function allSheets(doc: Document): CSSStyleSheet[] {
  const sheets: CSSStyleSheet[] = [...doc.styleSheets, ...(doc.adoptedStyleSheets ?? [])];
  const walker = doc.createTreeWalker(doc.documentElement, NodeFilter.SHOW_ELEMENT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const shadow = (node as Element).shadowRoot;
    if (shadow) sheets.push(...shadow.styleSheets, ...(shadow.adoptedStyleSheets ?? []));
  }
  return sheets;
}
