/** The bench browser: the same Chromium and flags as the e2e tests (fake camera and microphone). */
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs, chromiumExecutable } from '../test/support/chromium.mjs';

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumExecutable();
  // precise memory info makes performance.memory.usedJSHeapSize exact (hygiene benchmark).
  return chromium.launch({ headless: true, args: [...chromiumArgs, '--enable-precise-memory-info', '--js-flags=--expose-gc'], ...(executablePath ? { executablePath } : {}) });
}

export async function browserVersion(browser: Browser): Promise<string> {
  return browser.version();
}

/** A page in its own context, loaded and ready (`readyFlag` true on window). */
export async function openPage(browser: Browser, url: string, readyFlag: string, viewport?: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext(viewport ? { viewport } : {});
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`  [page error ${new URL(url).pathname}] ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && process.env.BENCH_VERBOSE) console.error(`  [console ${new URL(url).pathname}] ${message.text()}`);
  });
  await page.goto(url);
  await page.waitForFunction((flag) => (window as unknown as Record<string, unknown>)[flag] === true, readyFlag, { timeout: 20_000 });
  return page;
}

export async function closePage(page: Page): Promise<void> {
  await page.context().close().catch(() => {});
}
