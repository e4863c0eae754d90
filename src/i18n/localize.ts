/**
 * Locale selection and lookup. An element's locale is its own `lang`, else the nearest ancestor's
 * (across shadow roots), else the document's, else English. Adding a locale is one
 * `registerTranslation(...)` call with a complete `Translation` (see README, "Adding a locale").
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import en, { type Translation } from './en.js';
import ptBR from './pt-BR.js';

const translations = new Map<string, Translation>([
  ['en', en],
  ['pt-br', ptBR],
]);
const controllers = new Set<LocalizeController>();

export function registerTranslation(...added: Translation[]): void {
  for (const translation of added) translations.set(translation.$lang.toLowerCase(), translation);
  for (const controller of controllers) controller.host.requestUpdate();
}

/** The best translation for a BCP 47 tag: exact, then same language (`pt-PT` -> `pt-BR`), then English. */
export function translationFor(lang: string | null | undefined): Translation {
  const tag = (lang ?? '').toLowerCase();
  const exact = translations.get(tag);
  if (exact) return exact;
  const language = tag.split('-')[0];
  for (const [key, translation] of translations) if (key.split('-')[0] === language) return translation;
  return en;
}

function langOf(element: Element): string {
  let node: Node | null = element;
  while (node) {
    if (node instanceof Element && node.hasAttribute('lang')) return node.getAttribute('lang')!;
    node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);
  }
  return document.documentElement.lang;
}

// One observer for the whole page: changing <html lang> re-renders every element.
let documentObserver: MutationObserver | undefined;
function observeDocumentLang(): void {
  if (documentObserver) return;
  documentObserver = new MutationObserver(() => {
    for (const controller of controllers) controller.host.requestUpdate();
  });
  documentObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
}

export class LocalizeController implements ReactiveController {
  constructor(readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostConnected(): void {
    controllers.add(this);
    observeDocumentLang();
  }

  hostDisconnected(): void {
    controllers.delete(this);
    if (controllers.size === 0) {
      documentObserver?.disconnect();
      documentObserver = undefined;
    }
  }

  /** The resolved BCP 47 tag, for `lang` attributes in the shadow DOM. */
  get lang(): string {
    return this.strings.$lang;
  }

  get strings(): Translation {
    return translationFor(langOf(this.host));
  }
}

export type { Translation };
