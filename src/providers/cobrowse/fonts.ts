/**
 * Web fonts in the replica. The replica lives on the agent's origin, so a font the customer's page
 * loads from its own origin is a cross-origin font there, blocked unless the site sends CORS headers
 * (few do). The customer's side therefore sends the fonts its page has actually loaded (its own
 * fetch, same origin or already allowed, usually from cache), and the agent's side adds them to the
 * replica's document as `FontFace`s made from the bytes: no request from the replica at all.
 */

import { fromBase64 } from './canvas-replay.js';

/** The custom event's tag (rrweb `Custom` event; payload `{ fonts: InlinedFont[] }`). */
export const FONTS_EVENT = 'cck-fonts';

export interface InlinedFont {
  family: string;
  descriptors: FontFaceDescriptors;
  /** The font file, base64. */
  data: string;
}

/** At most this much font data per page (the rest keeps its URL). */
const MAX_TOTAL_BYTES = 2 * 1024 * 1024;

function* fontFaceRules(rules: CSSRuleList | undefined, base: string): Generator<{ rule: CSSFontFaceRule; base: string }> {
  if (!rules) return;
  for (const rule of rules) {
    if (rule instanceof CSSFontFaceRule) yield { rule, base };
    else if (rule instanceof CSSImportRule) yield* fontFaceRules(safeRules(rule.styleSheet), rule.styleSheet?.href ?? base);
    else if ('cssRules' in rule) yield* fontFaceRules((rule as CSSGroupingRule).cssRules, base);
  }
}

function safeRules(sheet: CSSStyleSheet | null): CSSRuleList | undefined {
  try {
    return sheet?.cssRules;
  } catch {
    return undefined; // a cross-origin stylesheet: its fonts are not ours to read
  }
}

const unquote = (text: string) => text.trim().replace(/^(['"])(.*)\1$/, '$2');

/** The first `url(...)` of a `src` descriptor, absolute; undefined for data: URLs (already inline). */
function firstUrl(src: string, base: string): string | undefined {
  const match = /url\(\s*(['"]?)([^'")]+)\1\s*\)/.exec(src);
  if (!match?.[2] || match[2].startsWith('data:')) return undefined;
  try {
    return new URL(match[2], base).href;
  } catch {
    return undefined;
  }
}

/** The fonts of `doc` that are loaded and come from a URL, with their bytes. */
export async function collectFonts(doc: Document): Promise<InlinedFont[]> {
  const loaded = [...doc.fonts].filter((face) => face.status === 'loaded');
  if (loaded.length === 0) return [];
  const sheets = [...doc.styleSheets, ...(doc.adoptedStyleSheets ?? [])];
  const wanted: Array<{ url: string; family: string; descriptors: FontFaceDescriptors }> = [];
  for (const sheet of sheets) {
    for (const { rule, base } of fontFaceRules(safeRules(sheet), sheet.href ?? doc.baseURI)) {
      const style = rule.style;
      const family = unquote(style.getPropertyValue('font-family'));
      const descriptors: FontFaceDescriptors = {
        style: style.getPropertyValue('font-style') || 'normal',
        weight: style.getPropertyValue('font-weight') || 'normal',
        stretch: style.getPropertyValue('font-stretch') || 'normal',
        unicodeRange: style.getPropertyValue('unicode-range') || 'U+0-10FFFF',
        display: 'block',
      };
      const used = loaded.some(
        (face) => unquote(face.family) === family && face.style === descriptors.style && face.weight === descriptors.weight && face.unicodeRange === descriptors.unicodeRange,
      );
      const url = firstUrl(style.getPropertyValue('src'), base);
      if (used && url) wanted.push({ url, family, descriptors });
    }
  }
  const fonts: InlinedFont[] = [];
  let total = 0;
  for (const font of wanted) {
    try {
      const response = await fetch(font.url, { credentials: 'same-origin' });
      if (!response.ok) continue;
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (total + bytes.length > MAX_TOTAL_BYTES) break;
      total += bytes.length;
      fonts.push({ family: font.family, descriptors: font.descriptors, data: toBase64(bytes) });
    } catch {
      // Unreachable now: the replica keeps the font's URL.
    }
  }
  return fonts;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Adds inlined fonts to the replica's document (built with that document's own `FontFace`). */
export function addFonts(doc: Document, fonts: unknown, onError?: (error: unknown) => void): void {
  if (!Array.isArray(fonts)) return;
  const FontFaceOfDoc = (doc.defaultView as (Window & { FontFace?: typeof FontFace }) | null)?.FontFace ?? FontFace;
  for (const font of fonts as InlinedFont[]) {
    if (typeof font?.family !== 'string' || typeof font.data !== 'string') continue;
    try {
      const face = new FontFaceOfDoc(font.family, fromBase64(font.data).buffer, font.descriptors ?? {});
      doc.fonts.add(face);
      face.load().catch(onError);
    } catch (error) {
      onError?.(error);
    }
  }
}
