/**
 * What an agent's click may set off in the customer's page. A click's default action belongs to
 * the first element on its composed path that has one (a link, a submit button, a label, a file
 * input...), wherever the clicked node sits: in a shadow root inside a link, in an SVG `<a>`, in a
 * `<label>` for a masked checkbox. Checked twice: on the path the click will take, before anything
 * is dispatched, and on the path it really took, at dispatch (a label or a page handler can click
 * something else).
 *
 * Refused: protected targets (`private`); file pickers and downloads (`unsupported`); any
 * navigation when the `navigation` capability is off (`unsupported`); navigations to another
 * origin or to a non-http(s) URL (`cross-origin`); form submissions into another window.
 */
import type { PrivacyRules } from './privacy.js';

export type ActivationRefusal = 'private' | 'cross-origin' | 'unsupported';

export type ActivationVerdict =
  | { ok: true; /** A same-origin link aimed at another window: followed in this one instead. */ followInPlace?: string }
  | { ok: false; reason: ActivationRefusal };

export interface ActivationPolicy {
  privacy: PrivacyRules;
  window: Window;
  /** Following links and submitting forms is allowed. */
  navigation: boolean;
}

/** The path a click on `target` travels (open shadow roots and slots included), target first. */
export function clickPath(target: Element): Element[] {
  const path: Element[] = [];
  let node: Node | null = target;
  while (node) {
    if (node.nodeType === 1) path.push(node as Element);
    const slot: HTMLSlotElement | null = node.nodeType === 1 || node.nodeType === 3 ? (node as Element).assignedSlot : null;
    if (slot) node = slot;
    else if (node.nodeType === 11 && 'host' in node) node = (node as ShadowRoot).host;
    else node = node.parentNode;
  }
  return path;
}

/** Whether a click travelling `path` may have its default action. */
export function judgeActivation(path: readonly Element[], policy: ActivationPolicy): ActivationVerdict {
  const target = path[0];
  if (!target) return { ok: false, reason: 'unsupported' };
  if (policy.privacy.isProtected(target, policy.window.document)) return { ok: false, reason: 'private' };
  const activated = path.find(hasActivation);
  if (!activated) return { ok: true };
  if (activated.tagName === 'LABEL') {
    // The label clicks its control: that control's protection is the label's.
    const control = (activated as HTMLLabelElement).control;
    if (!control) return { ok: true };
    return judgeActivation(clickPath(control), policy);
  }
  if (isFileInput(activated)) return { ok: false, reason: 'unsupported' };
  if (policy.privacy.isProtected(activated, policy.window.document)) return { ok: false, reason: 'private' };
  if (isLink(activated)) return judgeLink(activated, policy);
  const form = submittedForm(activated);
  return form ? judgeSubmission(activated, form, policy) : { ok: true };
}

/**
 * Watches every click dispatched in `target`'s window while `run` runs (the agent's, and any it
 * sets off) and cancels the ones `judgeActivation` refuses, before the page sees them. Returns the
 * first refusal.
 */
export function guardClicks(policy: ActivationPolicy, target: Element, run: () => void): ActivationVerdict {
  // A frame's clicks never reach the top window: watch the window the target lives in.
  const view = target.ownerDocument.defaultView ?? policy.window;
  let verdict: ActivationVerdict = { ok: true };
  const onClick = (event: Event): void => {
    if (event.isTrusted) return; // the customer's own click
    const path = event.composedPath().filter((node): node is Element => (node as Node).nodeType === 1);
    const judged = judgeActivation(path, policy);
    if (judged.ok && !judged.followInPlace) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (!judged.ok) {
      if (verdict.ok) verdict = judged;
    } else if (judged.followInPlace) {
      view.location.assign(judged.followInPlace);
    }
  };
  view.addEventListener('click', onClick, { capture: true });
  try {
    run();
  } finally {
    view.removeEventListener('click', onClick, { capture: true });
  }
  return verdict;
}

function hasActivation(element: Element): boolean {
  switch (element.localName) {
    case 'a':
      return isLink(element);
    case 'area':
      return element.hasAttribute('href');
    case 'button':
    case 'input':
    case 'label':
    case 'summary':
    case 'select':
    case 'textarea':
      return true;
    default:
      return false;
  }
}

function isLink(element: Element): boolean {
  if (element.localName !== 'a' && element.localName !== 'area') return false;
  return element.hasAttribute('href') || element.hasAttributeNS('http://www.w3.org/1999/xlink', 'href');
}

function isFileInput(element: Element): boolean {
  return element.localName === 'input' && (element.getAttribute('type') ?? '').toLowerCase() === 'file';
}

function judgeLink(link: Element, policy: ActivationPolicy): ActivationVerdict {
  if (link.hasAttribute('download')) return { ok: false, reason: 'unsupported' };
  if (!policy.navigation) return { ok: false, reason: 'unsupported' };
  const href = link.getAttribute('href') ?? link.getAttributeNS('http://www.w3.org/1999/xlink', 'href') ?? '';
  const url = sameOriginUrl(href, link.baseURI, policy.window);
  if (!url) return { ok: false, reason: 'cross-origin' };
  const target = (link.getAttribute('target') ?? '').toLowerCase();
  // Another window would be a popup nobody asked for (or would end the session): follow it here.
  return target && target !== '_self' ? { ok: true, followInPlace: url } : { ok: true };
}

function submittedForm(element: Element): HTMLFormElement | null {
  const type = (element.getAttribute('type') ?? '').toLowerCase();
  if (element.localName === 'button' && (type === '' || type === 'submit')) return (element as HTMLButtonElement).form;
  if (element.localName === 'input' && (type === 'submit' || type === 'image')) return (element as HTMLInputElement).form;
  return null;
}

function judgeSubmission(submitter: Element, form: HTMLFormElement, policy: ActivationPolicy): ActivationVerdict {
  const method = (submitter.getAttribute('formmethod') ?? form.getAttribute('method') ?? 'get').toLowerCase();
  if (method === 'dialog') return { ok: true };
  if (!policy.navigation) return { ok: false, reason: 'unsupported' };
  const action = submitter.getAttribute('formaction') ?? form.getAttribute('action') ?? '';
  if (!sameOriginUrl(action || policy.window.location.href, submitter.baseURI, policy.window)) return { ok: false, reason: 'cross-origin' };
  const target = (submitter.getAttribute('formtarget') ?? form.getAttribute('target') ?? '').toLowerCase();
  return target && target !== '_self' ? { ok: false, reason: 'unsupported' } : { ok: true };
}

/** `value` resolved against `base`, if it is an http(s) URL of the page's own origin. */
function sameOriginUrl(value: string, base: string, win: Window): string | undefined {
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return url.origin === win.location.origin ? url.href : undefined;
}
