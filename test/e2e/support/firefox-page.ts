/**
 * The part of Playwright's `Page` / `Locator` API the visual-engagement suites use, over a
 * puppeteer-core Firefox page (WebDriver BiDi), so one test text drives Chromium and Firefox alike.
 * Locators resolve like Playwright's: CSS descendant steps pierce open shadow roots, `getByRole`
 * matches role and accessible name (hidden elements excluded), `hasText` is a case-insensitive
 * substring or a RegExp. Clicks and typing are real input events (`page.mouse`, `page.keyboard`).
 * Anything the suites do not use is absent, and calling it fails the test loudly.
 */
import type { Page as PlaywrightPage } from 'playwright-core';
import type { ElementHandle, Page as PuppeteerPage } from 'puppeteer-core';

interface Query {
  css?: string;
  role?: string;
  name?: string;
  /** `name` must match whole (else: a case-insensitive substring, as Playwright does). */
  exact?: boolean;
  text?: string;
  hasText?: string | { source: string; flags: string };
  nth?: number;
  state?: 'attached' | 'visible';
  count?: boolean;
}

/** Runs in the page: the elements `q` selects (or their number, with `q.count`). Plain JS, sent as text. */
const FINDER = String.raw`(function find(q) {
  var kids = function (node) {
    var own = node.shadowRoot ? Array.from(node.shadowRoot.children) : [];
    return own.concat(Array.from(node.children || []));
  };
  var under = function (node) {
    var out = [];
    var stack = kids(node).reverse();
    while (stack.length) {
      var el = stack.pop();
      out.push(el);
      stack.push.apply(stack, kids(el).reverse());
    }
    return out;
  };
  var isHidden = function (el) {
    for (var n = el; n; n = n.parentElement || (n.getRootNode() && n.getRootNode().host) || null) {
      if (n.hidden || (n.getAttribute && n.getAttribute('aria-hidden') === 'true')) return true;
      var style = getComputedStyle(n);
      if (style.display === 'none' || style.visibility === 'hidden') return true;
    }
    return false;
  };
  var textOf = function (el, skipHidden) {
    var out = '';
    var walk = function (node) {
      var children = node.shadowRoot ? node.shadowRoot.childNodes : node.childNodes;
      for (var i = 0; i < children.length; i += 1) {
        var child = children[i];
        if (child.nodeType === 3) out += child.data;
        else if (child.nodeType === 1) {
          if (skipHidden && (child.hidden || child.getAttribute('aria-hidden') === 'true' || getComputedStyle(child).display === 'none')) continue;
          if (child.localName === 'slot') child.assignedNodes({ flatten: true }).forEach(function (a) { if (a.nodeType === 3) out += a.data; else if (a.nodeType === 1) walk(a); });
          else if (child.localName !== 'style' && child.localName !== 'script') walk(child);
        }
      }
    };
    walk(el);
    return out;
  };
  var norm = function (s) { return String(s || '').replace(/\s+/g, ' ').trim(); };
  var implicitRole = function (el) {
    var tag = el.localName;
    var type = (el.getAttribute('type') || '').toLowerCase();
    if (tag === 'button') return 'button';
    if (tag === 'input') {
      if (['button', 'submit', 'reset', 'image'].indexOf(type) >= 0) return 'button';
      if (type === 'checkbox' || type === 'radio') return type;
      if (type === 'search') return 'searchbox';
      if (['', 'text', 'email', 'tel', 'url'].indexOf(type) >= 0) return 'textbox';
      return '';
    }
    if (tag === 'textarea') return 'textbox';
    if (tag === 'select') return el.multiple ? 'listbox' : 'combobox';
    if (tag === 'a' && el.hasAttribute('href')) return 'link';
    if (tag === 'section' && (el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby'))) return 'region';
    if (tag === 'fieldset') return 'group';
    if (/^h[1-6]$/.test(tag)) return 'heading';
    return '';
  };
  var roleOf = function (el) { return norm(el.getAttribute('role')).split(' ')[0] || implicitRole(el); };
  var nameOf = function (el) {
    var by = el.getAttribute('aria-labelledby');
    if (by) {
      var root = el.getRootNode();
      return norm(by.split(/\s+/).map(function (id) { var t = root.getElementById ? root.getElementById(id) : root.querySelector('#' + CSS.escape(id)); return t ? textOf(t, false) : ''; }).join(' '));
    }
    if (norm(el.getAttribute('aria-label'))) return norm(el.getAttribute('aria-label'));
    if (['input', 'textarea', 'select'].indexOf(el.localName) >= 0) {
      var labels = el.labels ? Array.from(el.labels) : [];
      if (labels.length) return norm(labels.map(function (l) { return textOf(l, true); }).join(' '));
      return norm(el.getAttribute('placeholder') || el.getAttribute('title'));
    }
    if (['button', 'link', 'heading', 'tab', 'menuitem', 'option', 'checkbox', 'radio'].indexOf(roleOf(el)) >= 0) return norm(textOf(el, true)) || norm(el.getAttribute('title'));
    return norm(el.getAttribute('title'));
  };
  var visible = function (el) {
    var box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  var found;
  if (q.css) {
    var steps = q.css.match(/(?:[^\s"'\[\]]+|\[[^\]]*\]|"[^"]*"|'[^']*')+/g) || [];
    var scope = [document];
    steps.forEach(function (step) {
      var next = [];
      scope.forEach(function (s) { under(s).forEach(function (el) { if (next.indexOf(el) < 0 && el.matches(step)) next.push(el); }); });
      scope = next;
    });
    found = scope;
  } else if (q.role) {
    found = under(document).filter(function (el) { if (roleOf(el) !== q.role || isHidden(el)) return false;
      if (q.name === undefined) return true;
      return q.exact ? nameOf(el) === q.name : nameOf(el).toLowerCase().indexOf(norm(q.name).toLowerCase()) >= 0;
    });
  } else {
    var wanted = norm(q.text).toLowerCase();
    found = under(document).filter(function (el) { return el.localName !== 'script' && el.localName !== 'style' && norm(textOf(el, true)).toLowerCase().indexOf(wanted) >= 0; });
  }
  if (q.hasText !== undefined) {
    var has = q.hasText;
    found = found.filter(function (el) {
      var text = norm(textOf(el, false));
      return typeof has === 'string' ? text.toLowerCase().indexOf(norm(has).toLowerCase()) >= 0 : new RegExp(has.source, has.flags).test(text);
    });
  }
  if (q.state === 'visible') found = found.filter(visible);
  if (q.count) return found.length;
  if (q.nth !== undefined) found = found[q.nth] ? [found[q.nth]] : [];
  return found[0] || null;
})`;

const ACTION_TIMEOUT_MS = 30_000;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class FirefoxLocator {
  constructor(
    readonly page: PuppeteerPage,
    readonly query: Query,
  ) {}

  filter({ hasText }: { hasText?: string | RegExp }): FirefoxLocator {
    return new FirefoxLocator(this.page, { ...this.query, ...(hasText !== undefined ? { hasText: serializeText(hasText) } : {}) });
  }

  first(): FirefoxLocator {
    return new FirefoxLocator(this.page, { ...this.query, nth: 0 });
  }

  async waitFor({ state = 'visible', timeout = ACTION_TIMEOUT_MS }: { state?: string; timeout?: number } = {}): Promise<void> {
    if (state !== 'visible' && state !== 'attached') throw new Error(`waitFor state "${state}" is not supported in Firefox`);
    await (await this.#element(state, timeout)).dispose();
  }

  async count(): Promise<number> {
    return (await this.page.evaluate(`${FINDER}(${JSON.stringify({ ...this.query, count: true })})`)) as number;
  }

  async click(): Promise<void> {
    const element = await this.#element('visible');
    await element.click();
  }

  async fill(value: string): Promise<void> {
    const element = await this.#element('visible');
    await element.evaluate((el, v) => {
      const field = el as unknown as HTMLInputElement;
      field.focus();
      field.value = v;
      field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      field.dispatchEvent(new Event('change', { bubbles: true }));
    }, value);
  }

  async selectOption(value: string): Promise<void> {
    const element = await this.#element('visible');
    await element.evaluate((el, v) => {
      const select = el as unknown as HTMLSelectElement;
      select.value = v;
      select.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      select.dispatchEvent(new Event('change', { bubbles: true }));
    }, value);
  }

  async innerText(): Promise<string> {
    return (await this.#element('attached')).evaluate((el) => (el as unknown as HTMLElement).innerText);
  }

  async inputValue(): Promise<string> {
    return (await this.#element('attached')).evaluate((el) => (el as unknown as HTMLInputElement).value);
  }

  async getAttribute(name: string): Promise<string | null> {
    return (await this.#element('attached')).evaluate((el, n) => el.getAttribute(n), name);
  }

  async boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null> {
    return (await this.#element('visible')).boundingBox();
  }

  async #element(state: 'attached' | 'visible', timeout = ACTION_TIMEOUT_MS): Promise<ElementHandle<Element>> {
    const handle = await this.page.waitForFunction(`${FINDER}(${JSON.stringify({ ...this.query, state })})`, { timeout, polling: 20 });
    const element = handle.asElement() as ElementHandle<Element> | null;
    if (!element) throw new Error(`no element for ${JSON.stringify(this.query)}`);
    return element;
  }
}

function serializeText(text: string | RegExp): Query['hasText'] {
  return typeof text === 'string' ? text : { source: text.source, flags: text.flags };
}

class FirefoxPlaywrightPage {
  readonly mouse;
  readonly keyboard;

  constructor(readonly page: PuppeteerPage) {
    this.mouse = {
      move: (x: number, y: number, options?: { steps?: number }) => page.mouse.move(x, y, options),
      click: (x: number, y: number) => page.mouse.click(x, y),
    };
    this.keyboard = {
      type: (text: string) => page.keyboard.type(text),
      press: (key: string) => page.keyboard.press(key as Parameters<PuppeteerPage['keyboard']['press']>[0]),
    };
  }

  locator(css: string, options: { hasText?: string | RegExp } = {}): FirefoxLocator {
    return new FirefoxLocator(this.page, { css, ...(options.hasText !== undefined ? { hasText: serializeText(options.hasText) } : {}) });
  }

  getByRole(role: string, options: { name?: string; exact?: boolean } = {}): FirefoxLocator {
    return new FirefoxLocator(this.page, { role, ...(options.name !== undefined ? { name: options.name, exact: options.exact === true } : {}) });
  }

  getByText(text: string): FirefoxLocator {
    return new FirefoxLocator(this.page, { text });
  }

  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    return this.page.evaluate(fn as (arg: unknown) => R | Promise<R>, arg as unknown) as Promise<R>;
  }

  async waitForFunction<A>(fn: (arg: A) => unknown, arg?: A, options: { timeout?: number; polling?: number } = {}): Promise<void> {
    await this.page.waitForFunction(fn as (arg: unknown) => unknown, { timeout: options.timeout ?? ACTION_TIMEOUT_MS, polling: options.polling ?? 20 }, arg as unknown);
  }

  waitForTimeout(ms: number): Promise<void> {
    return delay(ms);
  }

  async waitForURL(url: RegExp, { timeout = ACTION_TIMEOUT_MS }: { timeout?: number } = {}): Promise<void> {
    const deadline = Date.now() + timeout;
    while (!url.test(this.page.url())) {
      if (Date.now() > deadline) throw new Error(`the page did not reach ${url} (at ${this.page.url()})`);
      await delay(20);
    }
  }

  async goto(url: string): Promise<void> {
    await this.page.goto(url);
  }

  async reload(): Promise<void> {
    await this.page.reload();
  }

  url(): string {
    return this.page.url();
  }
}

/**
 * A Firefox page behind the Playwright `Page` type the suites are written against. Only the members
 * above exist; the type is Playwright's so one test text compiles for both browsers.
 */
export function playwrightLike(page: PuppeteerPage): PlaywrightPage {
  return new FirefoxPlaywrightPage(page) as unknown as PlaywrightPage;
}
