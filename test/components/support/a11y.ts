/**
 * What a screen reader uses, computed the way the accessible-name algorithm does for our controls:
 * `aria-label`, else `aria-labelledby`, else the text content without `aria-hidden` parts (icons,
 * tooltips). And the focused element through shadow roots, as a person experiences it.
 */
export function accessibleName(element: Element | null | undefined): string {
  if (!element) return '';
  const label = element.getAttribute('aria-label');
  if (label) return label.trim();
  const ids = element.getAttribute('aria-labelledby');
  const root = element.getRootNode() as Document | ShadowRoot;
  if (ids) return ids.split(/\s+/).map((id) => accessibleName(root.getElementById(id))).join(' ').trim();
  return visibleText(element).replace(/\s+/g, ' ').trim();
}

function visibleText(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
  if (node instanceof Element && node.getAttribute('aria-hidden') === 'true') return '';
  return [...node.childNodes].map(visibleText).join('');
}

/** The element that has focus, looking into shadow roots. */
export function deepActiveElement(doc: Document = document): Element | null {
  let active: Element | null = doc.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}
