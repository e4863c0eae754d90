/**
 * Co-browse privacy, decided in the customer's browser by structure: *which node* is sensitive,
 * never which strings look like a secret. Recording (`sanitizeEvents`), remote control
 * (`applyControl`) and anything else that shows or touches the page ask these rules.
 *
 * - Fields: every `<input>` (but buttons), `<textarea>`, `<select>` and `contenteditable` is masked
 *   unless it (or an ancestor) has `data-cck-unmask`. Passwords, one-time codes, payment-card fields,
 *   `type="hidden"` and `type="file"` are masked even then. A masked field's value goes out as
 *   `********` when it has one (empty stays empty); checked and selected states are left out.
 * - Masked subtrees: `data-cck-mask` (or `maskSelector`) masks the text and the attributes of the
 *   element and of everything in it, following the composed tree into open shadow roots and
 *   same-origin frames.
 * - Removed: `data-cck-block` (or `blockSelector`), the SDK's own elements and a `<canvas>` in a masked
 *   subtree (its pixels cannot be masked): only their box is sent.
 * - Everywhere: URLs lose their query and fragment (but the parameters in `allowUrlParameters`), and
 *   `data-*` attributes lose their values (but the ones in `allowDataAttributes`).
 * The agent can never act on a masked or removed element, whatever the agent's page sends.
 */

/** Put on an element to mask its text, its attributes and every field inside it. */
export const MASK_ATTRIBUTE = 'data-cck-mask';
/** Put on a field (or a form, or any ancestor) to show its value to the agent. */
export const UNMASK_ATTRIBUTE = 'data-cck-unmask';
/** Put on an element to leave it (and everything inside it) out of co-browse entirely. */
export const BLOCK_ATTRIBUTE = 'data-cck-block';

/** The SDK's own UI on the customer's page: never mirrored, never remote-controlled. */
const SDK_ELEMENTS = ['cobrowse-launcher', 'chat-call-panel', 'call-controls', 'cck-visual-overlay'];

/** What a masked value looks like on the wire: fixed length, so not even the length leaks. */
export const MASKED_VALUE = '********';

export interface PrivacyOptions {
  /** More elements to mask (CSS selector), in addition to `data-cck-mask`. */
  maskSelector?: string;
  /** More fields to show (CSS selector), in addition to `data-cck-unmask`. */
  unmaskSelector?: string;
  /** More elements to remove (CSS selector), in addition to `data-cck-block`. */
  blockSelector?: string;
  /** Query parameters kept in the URLs the agent sees (all others, and every fragment, are removed). */
  allowUrlParameters?: readonly string[];
  /** `data-*` attributes whose values the agent sees (the others are sent empty). */
  allowDataAttributes?: readonly string[];
}

/** How private a node is, inherited down the composed tree. */
export interface NodePrivacy {
  /** Inside a removed element: nothing of it is sent. */
  readonly blocked: boolean;
  /** Text of the node and its descendants is masked. */
  readonly maskText: boolean;
  /** Attributes of the node and its descendants are masked (a `data-cck-mask` subtree). */
  readonly maskAttributes: boolean;
  /** Inside `data-cck-unmask`: ordinary fields show their values. */
  readonly unmasked: boolean;
  /** This node is a field whose value, checked or selected state is masked. */
  readonly maskedField: boolean;
}

/** The document's own context: nothing masked. */
export const OPEN: NodePrivacy = Object.freeze({ blocked: false, maskText: false, maskAttributes: false, unmasked: false, maskedField: false });
/** What anything unknown is treated as: everything masked (fail closed). */
export const CLOSED: NodePrivacy = Object.freeze({ blocked: false, maskText: true, maskAttributes: true, unmasked: false, maskedField: true });

/** Inputs whose value is their label, not something the customer typed. */
const BUTTON_INPUT_TYPES = new Set(['button', 'submit', 'reset', 'image']);
/** Inputs masked even inside `data-cck-unmask`. */
const ALWAYS_MASKED_INPUT_TYPES = new Set(['password', 'hidden', 'file']);
/** Attributes a masked subtree keeps: they shape the layout and say nothing of the content. */
const LAYOUT_ATTRIBUTES = new Set(['class', 'style', 'id', 'type', 'role', 'dir', 'hidden', 'disabled', 'width', 'height', 'colspan', 'rowspan', 'cols', 'rows', 'size', 'tabindex', 'rel', 'media', 'viewbox', 'xmlns']);
/** Attributes holding one URL. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'poster', 'cite', 'background', 'data', 'xlink:href', 'longdesc', 'ping', 'manifest', 'codebase']);
/** State of a field, left out when the field is masked. */
const FIELD_STATE_ATTRIBUTES = new Set(['checked', 'selected']);

export class PrivacyRules {
  readonly maskSelector: string;
  readonly unmaskSelector: string;
  readonly blockSelector: string;
  readonly #allowUrlParameters: ReadonlySet<string>;
  readonly #allowDataAttributes: ReadonlySet<string>;

  constructor(options: PrivacyOptions = {}) {
    this.maskSelector = [`[${MASK_ATTRIBUTE}]`, options.maskSelector].filter(Boolean).join(', ');
    this.unmaskSelector = [`[${UNMASK_ATTRIBUTE}]`, options.unmaskSelector].filter(Boolean).join(', ');
    // Masked canvases too, so rrweb never encodes their pixels (`childContext` also finds those that a
    // selector cannot reach, across shadow roots and frames).
    const maskedCanvases = [`:is(${this.maskSelector}) canvas`, `canvas:is(${this.maskSelector})`];
    this.blockSelector = [`[${BLOCK_ATTRIBUTE}]`, ...SDK_ELEMENTS, ...maskedCanvases, options.blockSelector].filter(Boolean).join(', ');
    this.#allowUrlParameters = new Set(options.allowUrlParameters ?? []);
    this.#allowDataAttributes = new Set((options.allowDataAttributes ?? []).map((name) => name.toLowerCase()));
  }

  /** The context of `element` given its composed parent's (one step of the walk down the tree). */
  childContext(parent: NodePrivacy, element: Element): NodePrivacy {
    const unmasked = parent.unmasked || safeMatches(element, this.unmaskSelector);
    // Inside masked text (a masked subtree, select, textarea or editable area) attributes are masked too.
    const subtree = parent.maskAttributes || parent.maskText || safeMatches(element, this.maskSelector);
    // A canvas's pixels cannot be masked: a masked one is removed.
    const blocked = parent.blocked || this.#isBlockRoot(element) || (subtree && element.tagName === 'CANVAS');
    const maskedField = subtree ? isField(element) : isMaskedField(element, unmasked);
    // A masked select, textarea or editable area shows what the customer chose or wrote as text.
    const maskText = parent.maskText || subtree || (maskedField && element.tagName !== 'INPUT');
    return { blocked, maskText, maskAttributes: subtree, unmasked, maskedField };
  }

  /**
   * The context of any node, walking up the composed tree (shadow hosts, same-origin frames) up to
   * `root`, the document co-browse shows (the page's own by default; the frames it sits in, if any,
   * are not part of it).
   */
  contextOf(node: Node, cache?: Map<Node, NodePrivacy>, root: Document = globalThis.document): NodePrivacy {
    const cached = cache?.get(node);
    if (cached) return cached;
    const parent = node === root ? null : composedParent(node);
    const context = this.nodeContext(parent ? this.contextOf(parent, cache, root) : OPEN, node, cache, root);
    cache?.set(node, context);
    return context;
  }

  /**
   * The context of `node` given its parent's. A node slotted into a shadow tree is shown where its
   * slot is, so it is as private as the more private of its parent and its slot.
   */
  nodeContext(parent: NodePrivacy, node: Node, cache?: Map<Node, NodePrivacy>, root: Document = globalThis.document): NodePrivacy {
    const slot = (node as Partial<Slottable>).assignedSlot;
    const inherited = slot ? strictest(parent, this.contextOf(slot, cache, root)) : parent;
    return node.nodeType === 1 ? this.childContext(inherited, node as Element) : inherited;
  }

  /** One of the SDK's own elements (always removed from the recording). */
  isOwnElement(element: Element): boolean {
    return SDK_ELEMENTS.includes(element.localName);
  }

  /** An element whose whole subtree is removed (rather than inside one). */
  isBlockRoot(element: Element): boolean {
    return this.#isBlockRoot(element);
  }

  /** Masked, removed, or part of the SDK: the agent may not act on it. `root`: as in `contextOf`. */
  isProtected(element: Element, root?: Document): boolean {
    const context = this.contextOf(element, undefined, root);
    return context.blocked || context.maskText || context.maskAttributes || context.maskedField;
  }

  /** A field whose value must never leave the browser. `root`: as in `contextOf`. */
  isSensitiveField(element: Element, root?: Document): boolean {
    return this.contextOf(element, undefined, root).maskedField;
  }

  /** A field's value as the agent may see it. */
  fieldValue(context: NodePrivacy, value: string): string {
    return context.maskedField || context.maskAttributes ? maskedValue(value) : value;
  }

  /** Text as the agent may see it (whitespace stays, it shapes the layout). */
  text(context: NodePrivacy, text: string): string {
    return context.maskText && /\S/.test(text) ? MASKED_VALUE : text;
  }

  /**
   * One attribute as the agent may see it: `undefined` leaves it out. `value` is the serialized
   * form (a string, `true` for a boolean attribute, `null` for a removed one).
   */
  attribute<V>(context: NodePrivacy, name: string, value: V): V | string | undefined {
    if (typeof value !== 'string') {
      if ((context.maskedField || context.maskAttributes) && FIELD_STATE_ATTRIBUTES.has(name)) return value === null ? value : undefined;
      return value;
    }
    const lower = name.toLowerCase();
    if (lower === 'value' && (context.maskedField || context.maskAttributes)) return maskedValue(value);
    if (FIELD_STATE_ATTRIBUTES.has(lower) && (context.maskedField || context.maskAttributes)) return undefined;
    if (context.maskAttributes && !isKeptInMaskedSubtree(lower)) return URL_ATTRIBUTES.has(lower) || lower === 'srcset' || lower === 'rr_dataurl' ? undefined : maskedValue(value);
    if (lower.startsWith('data-')) return this.#dataAttribute(lower, value);
    if (URL_ATTRIBUTES.has(lower)) return this.url(value);
    if (lower === 'srcset') return value.split(',').map((candidate) => candidate.trim().replace(/^\S+/, (url) => this.url(url))).join(', ');
    return value;
  }

  /** A URL without its query (but the allowed parameters) and its fragment. */
  url(value: string): string {
    const hash = value.indexOf('#');
    const withoutHash = hash >= 0 ? value.slice(0, hash) : value;
    const question = withoutHash.indexOf('?');
    if (question < 0) return withoutHash;
    const base = withoutHash.slice(0, question);
    if (this.#allowUrlParameters.size === 0) return base;
    const kept = new URLSearchParams();
    for (const [key, parameter] of new URLSearchParams(withoutHash.slice(question + 1))) {
      if (this.#allowUrlParameters.has(key)) kept.append(key, parameter);
    }
    const query = kept.toString();
    return query ? `${base}?${query}` : base;
  }

  #dataAttribute(name: string, value: string): string {
    if (name.startsWith('data-cck-') || name.startsWith('data-rr-') || this.#allowDataAttributes.has(name)) return value;
    // Kept, empty: `[data-x]` selectors still style the replica, values (tokens, ids) stay home.
    return '';
  }

  #isBlockRoot(element: Element): boolean {
    return safeMatches(element, this.blockSelector);
  }
}

function strictest(a: NodePrivacy, b: NodePrivacy): NodePrivacy {
  return {
    blocked: a.blocked || b.blocked,
    maskText: a.maskText || b.maskText,
    maskAttributes: a.maskAttributes || b.maskAttributes,
    unmasked: a.unmasked && b.unmasked,
    maskedField: a.maskedField || b.maskedField,
  };
}

/** A masked field's value: `********` if it has one (empty stays empty: the agent sees it is not filled). */
export function maskedValue(value: string): string {
  return value === '' ? '' : MASKED_VALUE;
}

function isKeptInMaskedSubtree(name: string): boolean {
  // rrweb's own (sizes, scroll), but a canvas's pixels (`rr_dataURL`).
  return LAYOUT_ATTRIBUTES.has(name) || (name.startsWith('rr_') && name !== 'rr_dataurl') || name.startsWith('data-cck-') || name === 'aria-hidden';
}

/** Something the customer types into or chooses from. */
export function isField(element: Element): boolean {
  switch (element.tagName) {
    case 'INPUT':
      return !BUTTON_INPUT_TYPES.has(inputType(element));
    case 'TEXTAREA':
    case 'SELECT':
      return true;
    default:
      return isEditableHost(element);
  }
}

function isMaskedField(element: Element, unmasked: boolean): boolean {
  if (!isField(element)) return false;
  if (isPasswordField(element) || isPaymentCardField(element)) return true;
  if (element.tagName === 'INPUT' && ALWAYS_MASKED_INPUT_TYPES.has(inputType(element))) return true;
  return !unmasked;
}

/** The element that starts an editable area (`contenteditable` on it, not inherited from a parent). */
function isEditableHost(element: Element): boolean {
  const value = element.getAttribute('contenteditable');
  return value !== null && value.toLowerCase() !== 'false';
}

function inputType(element: Element): string {
  return (element.getAttribute('type') ?? 'text').toLowerCase();
}

export function isPasswordField(element: Element): boolean {
  if (element.tagName !== 'INPUT') return false;
  if (inputType(element) === 'password' || element.hasAttribute('data-rr-is-password')) return true;
  return autocompleteTokens(element).some((token) => token === 'current-password' || token === 'new-password' || token === 'one-time-code');
}

export function isPaymentCardField(element: Element): boolean {
  return autocompleteTokens(element).some((token) => token.startsWith('cc-'));
}

function autocompleteTokens(element: Element): string[] {
  return (element.getAttribute('autocomplete') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
}

function safeMatches(element: Element, selector: string): boolean {
  try {
    return element.matches(selector);
  } catch {
    // A host's selector that does not parse masks nothing more; the defaults still apply.
    return false;
  }
}

/**
 * The parent in the composed tree: a shadow root's host, a frame document's `<iframe>` (same-origin
 * frames only; other frames are not recorded), else the parent node. Structural checks, not
 * `instanceof`: frames have their own `ShadowRoot` and `Document` classes.
 */
export function composedParent(node: Node): Node | null {
  const parent = node.parentNode;
  if (parent) return parent.nodeType === 11 && 'host' in parent ? (parent as ShadowRoot).host : parent;
  if (node.nodeType === 11 && 'host' in node) return (node as ShadowRoot).host;
  if (node.nodeType === 9) {
    try {
      return (node as Document).defaultView?.frameElement ?? null;
    } catch {
      return null;
    }
  }
  return null;
}
