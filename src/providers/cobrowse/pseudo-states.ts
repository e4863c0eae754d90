/**
 * Hover and focus in the replica. Nobody's pointer or keyboard is really in the replica (the agent's
 * pointer is caught by the tools layer, the customer's is in another browser), so `:hover` and
 * `:focus` never match there. As rrweb does for `:hover`, every rule using one of these pseudo-classes
 * gets a twin that uses a class of the same name (`.\:hover`, `.\:focus`, ...), and the element that
 * is hovered or focused on the customer's page (or under the agent's pointer) carries those classes.
 */

type PseudoState = 'hover' | 'focus';

const PSEUDO = /:(hover|focus-visible|focus-within|focus)(?![\w-])/g;
const HAS_PSEUDO = new RegExp(PSEUDO.source);

/** Adds the class twins of the rules of `root`'s stylesheets (once per sheet). */
export class PseudoStyles {
  readonly #done = new WeakSet<CSSStyleSheet>();

  prepare(root: Document | ShadowRoot): void {
    const sheets = [...root.styleSheets, ...(root.adoptedStyleSheets ?? [])];
    for (const sheet of sheets) {
      if (this.#done.has(sheet)) continue;
      this.#done.add(sheet);
      try {
        twinRules(sheet);
      } catch {
        // A sheet the replica cannot read or write: it keeps its rules as they are.
      }
    }
  }
}

function twinRules(parent: CSSStyleSheet | CSSGroupingRule): void {
  const rules = parent.cssRules;
  for (let i = rules.length - 1; i >= 0; i -= 1) {
    const rule = rules[i]!;
    if (rule.constructor.name === 'CSSStyleRule') {
      const style = rule as CSSStyleRule;
      const selectors = style.selectorText.split(/,(?![^(]*\))/).filter((selector) => HAS_PSEUDO.test(selector) && !selector.includes('\\:'));
      if (selectors.length === 0) continue;
      const twin = selectors.map((selector) => selector.replace(PSEUDO, (_, name: string) => `.\\:${name}`)).join(', ');
      parent.insertRule(`${twin} { ${style.style.cssText} }`, i + 1);
    } else if ('cssRules' in rule && rule.constructor.name !== 'CSSImportRule') {
      twinRules(rule as CSSGroupingRule);
    }
  }
}

const CLASSES: Record<PseudoState, { self: string[]; ancestors: string[] }> = {
  hover: { self: [':hover'], ancestors: [':hover'] },
  focus: { self: [':focus', ':focus-visible', ':focus-within'], ancestors: [':focus-within'] },
};

/** Which element of the replica is hovered, which focused; moves the classes accordingly. */
export class PseudoStates {
  readonly #styles = new PseudoStyles();
  readonly #marked: Record<PseudoState, Array<{ element: Element; classes: string[] }>> = { hover: [], focus: [] };

  set(state: PseudoState, target: Element | null): void {
    for (const { element, classes } of this.#marked[state].splice(0)) element.classList.remove(...classes);
    if (!target) return;
    const { self, ancestors } = CLASSES[state];
    let element: Element | null = target;
    let first = true;
    while (element) {
      // Duck-typed: the replica's nodes belong to the replica's realm, not this page's.
      const root = element.getRootNode() as Document | ShadowRoot;
      const isShadow = root.nodeType === 11 && 'host' in root;
      if (root.nodeType === 9 || isShadow) this.#styles.prepare(root);
      const classes = first ? self : ancestors;
      element.classList.add(...classes);
      this.#marked[state].push({ element, classes });
      first = false;
      // Up through shadow roots too: a hovered part of a component hovers its host.
      element = element.parentElement ?? (isShadow ? (root as ShadowRoot).host : null);
    }
  }

  clear(): void {
    this.set('hover', null);
    this.set('focus', null);
  }
}
