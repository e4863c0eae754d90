/**
 * The one place that decides which browsers the end-to-end suites run in, and how each is driven:
 * Debian's Chromium through playwright-core, Debian's Firefox ESR through puppeteer-core over
 * WebDriver BiDi, both with fake devices. Suites drive a `TestPage` and never see the driver.
 *
 * `CCK_E2E_PAIRS` picks the browser pairs (`agent>customer`, comma separated; default all three:
 * `chromium>chromium,chromium>firefox,firefox>chromium`). `CCK_E2E_MEDIA` picks the media modes
 * (default `p2p,sfu`): `p2p`, browsers send media to each other; `sfu`, the reference server in SFU
 * mode with the real mediasoup worker, pages configured from `GET /api/config` so their engines pick
 * the SFU session themselves. The SFU mode skips with the reason where mediasoup cannot run, and
 * fails instead in CI (see test/support/sfu.ts).
 */
import { networkInterfaces } from 'node:os';
import { chromium, type Browser as PlaywrightBrowser, type LaunchOptions, type Page as PlaywrightPage } from 'playwright-core';
import puppeteer, { type Browser as PuppeteerBrowser } from 'puppeteer-core';
import type { ServerOverrides } from '../../../server/config.js';
import type { MediaServerOverrides } from '../../../server/server.js';
import { chromiumArgs, chromiumExecutable } from '../../support/chromium.mjs';
import { firefoxExecutable, firefoxPrefs } from '../../support/firefox.mjs';
import { sfuUnavailableReason } from '../../support/sfu.js';
import { playwrightLike } from './firefox-page.js';
import { startXvfb, type XDisplay } from './xvfb.js';

export type BrowserName = 'chromium' | 'firefox';
export type MediaMode = 'p2p' | 'sfu';

export interface BrowserPair {
  agent: BrowserName;
  customer: BrowserName;
  /** `Chromium → Firefox`: the agent's browser first. */
  label: string;
}

const BROWSER_NAMES: readonly BrowserName[] = ['chromium', 'firefox'];
const MEDIA_MODES_KNOWN: readonly MediaMode[] = ['p2p', 'sfu'];
const DEFAULT_PAIRS = 'chromium>chromium,chromium>firefox,firefox>chromium';

function title(name: BrowserName): string {
  return name === 'chromium' ? 'Chromium' : 'Firefox';
}

function parsePairs(spec: string): BrowserPair[] {
  return spec.split(',').map((entry) => {
    const [agent, customer] = entry.trim().split('>') as [BrowserName, BrowserName];
    if (!BROWSER_NAMES.includes(agent) || !BROWSER_NAMES.includes(customer)) {
      throw new Error(`CCK_E2E_PAIRS: "${entry}" is not agent>customer with each one of ${BROWSER_NAMES.join(', ')}`);
    }
    return { agent, customer, label: `${title(agent)} → ${title(customer)}` };
  });
}

function parseModes(spec: string): MediaMode[] {
  return spec.split(',').map((entry) => {
    const mode = entry.trim() as MediaMode;
    if (!MEDIA_MODES_KNOWN.includes(mode)) throw new Error(`CCK_E2E_MEDIA: "${entry}" is not one of ${MEDIA_MODES_KNOWN.join(', ')}`);
    return mode;
  });
}

/** The browser pairs every two-browser suite runs for. */
export const BROWSER_PAIRS: readonly BrowserPair[] = parsePairs(process.env.CCK_E2E_PAIRS ?? DEFAULT_PAIRS);
/** The media modes the call suite runs for. */
export const MEDIA_MODES: readonly MediaMode[] = parseModes(process.env.CCK_E2E_MEDIA ?? 'p2p,sfu');

/** Why `mode` cannot run here (undefined when it can; throws in CI, where it must). */
export async function mediaModeUnavailable(mode: MediaMode): Promise<string | undefined> {
  return mode === 'sfu' ? sfuUnavailableReason() : undefined;
}

/**
 * Where the suites' SFU listens: this machine's own IPv4 address, loopback only when it has none.
 * Firefox gathers no loopback candidate (even with `media.peerconnection.ice.loopback`) and pairs
 * none with a loopback one, so an SFU on 127.0.0.1 is unreachable from it.
 */
function sfuListenIp(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const own = addresses?.find((address) => address.family === 'IPv4' && !address.internal);
    if (own) return own.address;
  }
  return '127.0.0.1';
}

/** The server options of a mode (one SFU worker is plenty for two pages). */
export function serverOptionsFor(mode: MediaMode): Pick<ServerOverrides, 'deployment'> & MediaServerOverrides {
  return mode === 'sfu' ? { deployment: { media: 'sfu' }, sfu: { workers: 1, listenIp: sfuListenIp() } } : {};
}

/** What the pages' engines are configured with: in SFU mode as a host would, from `GET /api/config`. */
export function joinOptionsFor(mode: MediaMode): Record<string, unknown> {
  return mode === 'sfu' ? { fromServerConfig: true } : {};
}

export interface WaitOptions {
  timeout?: number;
}

/** One page in one isolated browser profile (its own cookies, permissions and devices). */
export interface TestPage {
  readonly browser: BrowserName;
  goto(url: string): Promise<void>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Resolves once `fn(arg)` is truthy in the page, polled every 20 ms. */
  waitForFunction<A>(fn: (arg: A) => unknown, arg: A, options?: WaitOptions): Promise<void>;
  onPageError(listener: (message: string) => void): void;
  /** The page behind Playwright's `Page` API (Firefox: the subset in `firefox-page.ts`). */
  playwright(): PlaywrightPage;
  close(): Promise<void>;
}

export interface TestBrowser {
  readonly name: BrowserName;
  /** `userAgent`: what this page's requests say they come from (tests that tell two pages' requests apart). */
  newPage(options?: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark'; userAgent?: string }): Promise<TestPage>;
  close(): Promise<void>;
}

/** A `TestPage` over Playwright's `Page` API (Firefox: the `firefox-page.ts` subset, same calls). */
class DriverPage implements TestPage {
  constructor(
    readonly browser: BrowserName,
    readonly page: PlaywrightPage,
    readonly onPageError: (listener: (message: string) => void) => void,
    readonly close: () => Promise<void>,
  ) {}

  async goto(url: string): Promise<void> {
    await this.page.goto(url);
  }

  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    return this.page.evaluate(fn as (arg: unknown) => R | Promise<R>, arg as unknown) as Promise<R>;
  }

  async waitForFunction<A>(fn: (arg: A) => unknown, arg: A, options: WaitOptions = {}): Promise<void> {
    await this.page.waitForFunction(fn as (arg: unknown) => unknown, arg as unknown, { timeout: options.timeout ?? 10_000, polling: 20 });
  }

  playwright(): PlaywrightPage {
    return this.page;
  }
}

export async function launchChromium(options: { args?: string[] } = {}): Promise<PlaywrightBrowser> {
  const executablePath = chromiumExecutable();
  const launch: LaunchOptions = { headless: true, args: options.args ?? chromiumArgs };
  if (executablePath) launch.executablePath = executablePath;
  return chromium.launch(launch);
}

/** Debian's Firefox over WebDriver BiDi. Throws (the suite fails) when no Firefox is installed. */
export async function launchFirefox(options: { headless?: boolean; env?: Record<string, string> } = {}): Promise<PuppeteerBrowser> {
  const executablePath = firefoxExecutable();
  if (!executablePath) throw new Error('Firefox is not installed: apt-get install firefox-esr (or set FIREFOX_PATH)');
  return puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: options.headless ?? true,
    extraPrefsFirefox: firefoxPrefs,
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
}

/** A launched playwright Chromium as a `TestBrowser` (for suites that launch with their own flags). */
export function wrapChromium(browser: PlaywrightBrowser): TestBrowser {
  return {
    name: 'chromium',
    async newPage({ viewport, colorScheme, userAgent } = {}) {
      const context = await browser.newContext({ ...(viewport ? { viewport } : {}), ...(colorScheme ? { colorScheme } : {}), ...(userAgent ? { userAgent } : {}) });
      const page = await context.newPage();
      return new DriverPage('chromium', page, (listener) => page.on('pageerror', (error) => listener(error.message)), () => context.close());
    },
    close: () => browser.close(),
  };
}

function wrapFirefox(browser: PuppeteerBrowser): TestBrowser {
  return {
    name: 'firefox',
    async newPage({ viewport, colorScheme, userAgent } = {}) {
      const context = await browser.createBrowserContext();
      // A window each, not a tab: a background tab would throttle its timers and stop painting video.
      const page = await context.newPage({ type: 'window' });
      if (userAgent) await page.setUserAgent(userAgent);
      if (viewport) await page.setViewport(viewport);
      if (colorScheme) await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: colorScheme }]);
      const onPageError = (listener: (message: string) => void) =>
        void page.on('pageerror', (error) => listener(error instanceof Error ? error.message : String(error)));
      return new DriverPage('firefox', playwrightLike(page), onPageError, () => context.close());
    },
    close: () => browser.close(),
  };
}

/**
 * Launches each browser at most once per suite; `close()` stops every one launched (and the X
 * display). `screens: true`: Firefox runs headed on a private Xvfb display so it has a screen to
 * share (headless Firefox has none); Chromium's fake screen works headless.
 */
export class Browsers {
  readonly #launched = new Map<BrowserName, Promise<TestBrowser>>();
  readonly #screens: boolean;
  #display: Promise<XDisplay> | undefined;

  constructor(options: { screens?: boolean } = {}) {
    this.#screens = options.screens ?? false;
  }

  get(name: BrowserName): Promise<TestBrowser> {
    let browser = this.#launched.get(name);
    if (!browser) {
      browser = name === 'chromium' ? launchChromium().then(wrapChromium) : this.#launchFirefox().then(wrapFirefox);
      this.#launched.set(name, browser);
    }
    return browser;
  }

  async close(): Promise<void> {
    const all = [...this.#launched.values()];
    this.#launched.clear();
    await Promise.all(all.map(async (launched) => (await launched.catch(() => undefined))?.close()));
    const display = this.#display;
    this.#display = undefined;
    await (await display?.catch(() => undefined))?.stop();
  }

  async #launchFirefox(): Promise<PuppeteerBrowser> {
    if (!this.#screens) return launchFirefox();
    this.#display ??= startXvfb();
    const { display } = await this.#display;
    return launchFirefox({ headless: false, env: { DISPLAY: display } });
  }
}

/** The same flags without auto-accepted permission prompts: headless Chromium then denies what is not granted. */
export const argsWithRealPermissionPrompts = chromiumArgs.filter((arg) => arg !== '--use-fake-ui-for-media-stream');
