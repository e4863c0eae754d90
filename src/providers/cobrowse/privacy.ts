/**
 * Co-browse privacy, applied in the customer's browser before anything is sent:
 * - masked (the value or text is replaced by asterisks, the element stays visible): password fields
 *   (also `autocomplete="current-password"`/`"new-password"`), payment-card fields
 *   (`autocomplete="cc-*"`), and anything inside an element with `data-cck-mask` (or matching the
 *   configured `maskSelector`);
 * - removed (nothing of the element is recorded but its size, shown as an empty box): anything with
 *   `data-cck-block` (or matching `blockSelector`), the SDK's own elements, and `<select>`s that would
 *   be masked (a select's choice cannot be masked, so it is not recorded at all).
 * The agent can never act on a masked or removed element, whatever the agent's page sends.
 */

/** Put on an element to mask its text and every field inside it. */
export const MASK_ATTRIBUTE = 'data-cck-mask';
/** Put on an element to leave it (and everything inside it) out of co-browse entirely. */
export const BLOCK_ATTRIBUTE = 'data-cck-block';

/** The SDK's own UI on the customer's page: never mirrored, never remote-controlled. */
const SDK_ELEMENTS = ['cobrowse-launcher', 'chat-call-panel', 'call-controls', 'cck-visual-overlay'];

/** What a masked value looks like on the wire: fixed length, so not even the length leaks. */
export const MASKED_VALUE = '********';

export interface PrivacyOptions {
  /** More elements to mask (CSS selector), in addition to the defaults. */
  maskSelector?: string;
  /** More elements to remove (CSS selector), in addition to the defaults. */
  blockSelector?: string;
}

/** rrweb's `maskInputOptions`: every field goes through `maskInputFn`, which decides. Selects: see above. */
export const MASK_INPUT_OPTIONS = {
  color: true,
  date: true,
  'datetime-local': true,
  email: true,
  month: true,
  number: true,
  range: true,
  search: true,
  tel: true,
  text: true,
  time: true,
  url: true,
  week: true,
  textarea: true,
  select: false,
  password: true,
} as const;

export class PrivacyRules {
  readonly maskSelector: string;
  readonly blockSelector: string;

  constructor(options: PrivacyOptions = {}) {
    this.maskSelector = [`[${MASK_ATTRIBUTE}]`, options.maskSelector].filter(Boolean).join(', ');
    const sensitiveSelects = ['select[autocomplete*="cc-"]', `:is(${this.maskSelector}) select`, `select:is(${this.maskSelector})`];
    this.blockSelector = [`[${BLOCK_ATTRIBUTE}]`, ...SDK_ELEMENTS, ...sensitiveSelects, options.blockSelector].filter(Boolean).join(', ');
    this.maskInputFn = this.maskInputFn.bind(this);
  }

  /** A field whose value must never leave the browser. */
  isSensitiveField(element: Element): boolean {
    if (isPasswordField(element) || isPaymentCardField(element)) return true;
    return safeClosest(element, this.maskSelector) !== null;
  }

  /** Masked, removed, or part of the SDK: the agent may not act on it. */
  isProtected(element: Element): boolean {
    return this.isSensitiveField(element) || safeClosest(element, this.maskSelector) !== null || this.isBlocked(element);
  }

  isBlocked(element: Element): boolean {
    return safeClosest(element, this.blockSelector) !== null || insideSdkShadowRoot(element);
  }

  /** rrweb's `maskInputFn`: masks sensitive fields, passes the others through. */
  maskInputFn(text: string, element: HTMLElement): string {
    return this.isSensitiveField(element) ? MASKED_VALUE : text;
  }

  /** Current values of the page's sensitive fields (for the last-resort leak check before sending). */
  sensitiveValues(root: Document): string[] {
    const values: string[] = [];
    for (const field of root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')) {
      if (!this.isSensitiveField(field)) continue;
      if (field.value.length >= 3) values.push(field.value);
      const attribute = field.getAttribute('value');
      if (attribute && attribute.length >= 3) values.push(attribute);
    }
    return values;
  }
}

export function isPasswordField(element: Element): boolean {
  if (element.tagName !== 'INPUT') return false;
  const input = element as HTMLInputElement;
  if (input.type === 'password' || input.hasAttribute('data-rr-is-password')) return true;
  return autocompleteTokens(element).some((token) => token === 'current-password' || token === 'new-password' || token === 'one-time-code');
}

export function isPaymentCardField(element: Element): boolean {
  return autocompleteTokens(element).some((token) => token.startsWith('cc-'));
}

function autocompleteTokens(element: Element): string[] {
  return (element.getAttribute('autocomplete') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
}

function safeClosest(element: Element, selector: string): Element | null {
  try {
    return element.closest(selector);
  } catch {
    return null;
  }
}

/** Inside the shadow tree of one of the SDK's elements (closest() does not cross shadow roots). */
function insideSdkShadowRoot(element: Element): boolean {
  let root = element.getRootNode();
  while (root instanceof ShadowRoot) {
    if (SDK_ELEMENTS.includes(root.host.localName)) return true;
    root = root.host.getRootNode();
  }
  return false;
}

/**
 * Last line of defence: replaces any occurrence of a sensitive value in the strings of outgoing
 * events (e.g. a `value` attribute a page wrote into the HTML). Mutates and returns `value`.
 */
export function redactStrings<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') {
      let result = node;
      for (const secret of secrets) if (result.includes(secret)) result = result.split(secret).join(MASKED_VALUE);
      return result;
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i += 1) node[i] = visit(node[i]);
      return node;
    }
    if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) record[key] = visit(record[key]);
      return record;
    }
    return node;
  };
  return visit(value) as T;
}
