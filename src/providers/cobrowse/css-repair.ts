/**
 * Rules Chromium cannot serialize. A rule that sets a shorthand with `var()` and then one of its
 * longhands (`border: solid var(--w) var(--c); border-top-width: 3px`) comes back from `cssText` as
 * the longhands with empty values (`border-top-color: ;` ...): the shorthand's text is gone, and
 * the replica would draw no border at all. No CSSOM API returns it. Components built with Lit (as
 * Shoelace is) keep the source text of their stylesheets (`elementStyles[i].cssText`), so a broken
 * rule of one of their sheets is replaced by its source rule before it is sent.
 */

/** Longhands with no value: what a lost `var()` shorthand looks like after `cssText`. */
const LOST_SHORTHAND = /[\w-]:\s*;/;

export function isBrokenRule(text: string): boolean {
  return LOST_SHORTHAND.test(text);
}

/** The top-level rules of a stylesheet's source text, in order (comments dropped). */
export function splitRules(source: string): string[] {
  const rules: string[] = [];
  let depth = 0;
  let start = 0;
  let quote = '';
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i]!;
    if (quote) {
      if (c === '\\') i += 1;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      source = source.slice(0, i) + source.slice(end < 0 ? source.length : end + 2);
      i -= 1;
    } else if (c === '{') depth += 1;
    else if (c === '}' || (c === ';' && depth === 0)) {
      if (c === '}') depth -= 1;
      if (depth === 0) {
        const rule = source.slice(start, i + 1).trim();
        if (rule && rule !== ';') rules.push(rule);
        start = i + 1;
      }
    }
  }
  return rules;
}

interface LitStyles {
  elementStyles?: Array<{ cssText?: unknown; styleSheet?: CSSStyleSheet }>;
}

/** Source texts of broken rules found in `doc`'s Lit components, by their broken `cssText`. */
export class RuleRepair {
  readonly #doc: Document;
  #known: Map<string, string> | undefined;

  constructor(doc: Document) {
    this.#doc = doc;
  }

  /** The rule as written, when `text` is a broken rule whose source is known; else `text`. */
  repair(text: string): string {
    if (!isBrokenRule(text)) return text;
    this.#known ??= this.#collect();
    return this.#known.get(text) ?? text;
  }

  #collect(): Map<string, string> {
    const known = new Map<string, string>();
    const seen = new Set<unknown>();
    const visit = (root: Document | ShadowRoot): void => {
      for (const element of root.querySelectorAll('*')) {
        if (!element.shadowRoot) continue;
        const component = element.constructor as LitStyles;
        if (!seen.has(component)) {
          seen.add(component);
          for (const style of component.elementStyles ?? []) this.#learn(style.styleSheet, style.cssText, known);
        }
        visit(element.shadowRoot);
      }
    };
    visit(this.#doc);
    return known;
  }

  #learn(sheet: CSSStyleSheet | undefined, source: unknown, known: Map<string, string>): void {
    if (!sheet || typeof source !== 'string') return;
    const rules = sheet.cssRules;
    if (![...rules].some((rule) => isBrokenRule(rule.cssText))) return;
    const sources = splitRules(source);
    // Only when the source's rules line up with the sheet's (it was built from exactly that text).
    if (sources.length !== rules.length) return;
    for (let i = 0; i < rules.length; i += 1) {
      const text = rules[i]!.cssText;
      if (isBrokenRule(text)) known.set(text, sources[i]!);
    }
  }
}

interface RuleCarrier {
  source?: number;
  styles?: Array<{ rules?: Array<{ rule: string }> }>;
  adds?: Array<{ rule: string }>;
}

/** Repairs, in place, the rule texts of rrweb's adopted-stylesheet and stylesheet-rule events. */
export function repairRules(events: ReadonlyArray<{ type: number; data: unknown }>, repair: RuleRepair, kinds: { incremental: number; adopted: number; sheetRule: number }): void {
  for (const event of events) {
    if (event.type !== kinds.incremental) continue;
    const data = event.data as RuleCarrier;
    const rules = data.source === kinds.adopted ? data.styles?.flatMap((style) => style.rules ?? []) : data.source === kinds.sheetRule ? data.adds : undefined;
    for (const rule of rules ?? []) if (typeof rule.rule === 'string') rule.rule = repair.repair(rule.rule);
  }
}
