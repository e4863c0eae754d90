/**
 * Two real browser pages for visual engagement (any pair of `browser.ts`): the agent's console (a
 * `<cobrowse-launcher participant="agent">`) and the customer's site (a shop page with a
 * `<cobrowse-launcher participant="customer">`), on the reference server, driven the way a person would:
 * by role and accessible name. Each side's `page` is Playwright's API (in Firefox, the subset of
 * `firefox-page.ts`), so one test text runs in both browsers.
 */
import assert from 'node:assert/strict';
import type { Browser as PlaywrightBrowser, Locator, Page } from 'playwright-core';
import { wrapChromium, type BrowserName, type TestBrowser, type TestPage } from './browser.js';

export interface VisualHarnessWindow {
  harness: {
    sentFrames: string[];
    /** Messages this page handed to its transport. */
    sentMessages: Array<{ type: string; payload: Record<string, unknown> }>;
    /** Session messages this page received: `{ type, payload, at }`. */
    received: Array<{ type: string; payload: Record<string, unknown>; at: number }>;
    events: Array<{ name: string; phase?: string; code?: string; text?: string; at: number }>;
    arrivals: Record<string, number>;
    now(): number;
    state(): {
      phase: string;
      sessionId?: string;
      pin?: string;
      remoteControl: boolean;
      controlRequested?: boolean;
      capabilities?: { view: boolean; laserPointer: boolean; remoteControl: boolean; navigation: boolean };
      consoleUrl?: string;
      laserAvailable: boolean;
      endReason?: string;
      error?: { code: string };
    } | null;
    watchMirror(): boolean;
    mirrorDocument(): Document | null;
    pointOf(selector: string): { x: number; y: number } | null;
    videoState(): { width: number; height: number; time: number; ready: number } | null;
  };
  harnessReady?: boolean;
}

/** The agent harness's hostile-agent tools (agent.html). */
export interface HostileAgentWindow {
  harness: VisualHarnessWindow['harness'] & {
    nodeOf(htmlId: string): { epoch: string; nodeId: number } | null;
    sendRaw(type: string, payload: Record<string, unknown>): void;
    controlRaw(action: string, htmlId: string, extra?: Record<string, unknown>): number;
    resultOf(seq: number): { ok: boolean; reason?: string } | null;
    typeInEditor(values: string[], pauseMs: number): Promise<void>;
  };
}

export interface VisualSide {
  page: Page;
  browser: BrowserName;
  /** A control by ARIA role and exact accessible name (through shadow roots, as a screen reader finds it). */
  byRole(role: Parameters<Page['getByRole']>[0], name: string): Locator;
  close(): Promise<void>;
}

export async function openVisualSide(
  launched: TestBrowser | PlaywrightBrowser,
  url: string,
  viewport: { width: number; height: number },
  options: { colorScheme?: 'light' | 'dark'; userAgent?: string } = {},
): Promise<VisualSide> {
  const browser = 'newContext' in launched ? wrapChromium(launched) : launched;
  const testPage: TestPage = await browser.newPage({ viewport, ...options });
  testPage.onPageError((message) => console.error(`[page error ${browser.name} ${new URL(url).pathname}] ${message}`));
  const page = testPage.playwright();
  await page.goto(url);
  await waitReady(page);
  return {
    page,
    browser: browser.name,
    byRole: (role, name) => page.getByRole(role, { name, exact: true }),
    close: () => testPage.close(),
  };
}

export async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as VisualHarnessWindow).harnessReady === true, undefined, { timeout: 15_000 });
}

/** The text of the first element matching `part` inside the launcher's shadow root. */
export function partText(page: Page, part: string): Promise<string> {
  return page.locator(`cobrowse-launcher [part~="${part}"]`).first().innerText();
}

export function harnessState(page: Page) {
  return page.evaluate(() => (window as unknown as VisualHarnessWindow).harness.state());
}

export async function waitForPhase(page: Page, phase: string, timeout = 10_000): Promise<void> {
  await page.waitForFunction((p) => (window as unknown as VisualHarnessWindow).harness?.state()?.phase === p, phase, { timeout, polling: 20 });
}

let counter = 0;
export function visualConversation(label: string): string {
  counter += 1;
  return `${label}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Agent: Co-browse -> PIN. Returns the PIN as shown in `part="pin"`. */
export async function createPin(agent: VisualSide): Promise<string> {
  await agent.byRole('button', 'Co-browse').click();
  await agent.page.locator('cobrowse-launcher [part~="pin"]').waitFor();
  const pin = (await partText(agent.page, 'pin')).trim();
  assert.match(pin, /^\d{6,}$/, `a PIN of at least 6 digits, got ${pin}`);
  return pin;
}

export async function enterPin(customer: VisualSide, pin: string): Promise<void> {
  await customer.byRole('textbox', 'Session PIN').fill(pin);
  await customer.byRole('button', 'Join').click();
}

/** The text of the launcher's alert, once it has some. */
export async function alertText(side: VisualSide): Promise<string> {
  const alert = side.page.locator('cobrowse-launcher [role="alert"]');
  await alert.filter({ hasText: /\S/ }).waitFor({ timeout: 5_000 });
  return (await alert.innerText()).trim();
}

export async function statusText(side: VisualSide, expected: string): Promise<void> {
  await side.page.locator('cobrowse-launcher [part~="status"]', { hasText: expected }).waitFor({ timeout: 10_000 });
}

/** Waits until the agent's replica shows `text` in `selector`. */
export async function mirrorHas(agent: VisualSide, selector: string, text: string, timeout = 10_000): Promise<void> {
  await agent.page.waitForFunction(
    ([s, t]) => (window as unknown as VisualHarnessWindow).harness.mirrorDocument()?.querySelector(s!)?.textContent?.trim() === t,
    [selector, text] as const,
    { timeout, polling: 10 },
  );
}

/** Agent: a real mouse click on the replica's element `selector`. */
export async function clickMirrored(agent: VisualSide, selector: string): Promise<void> {
  const pointOf = () => agent.page.evaluate((s) => (window as unknown as VisualHarnessWindow).harness.pointOf(s), selector);
  // Where the element is once the replica holds still: what arrives after the snapshot (the page's
  // fonts, sampled canvases) can still move it, and a click computed before that lands elsewhere.
  let point = await pointOf();
  for (let tries = 0; tries < 20; tries += 1) {
    await agent.page.waitForTimeout(50);
    const again = await pointOf();
    const still = point && again && point.x === again.x && point.y === again.y;
    point = again;
    if (still) break;
  }
  assert.ok(point, `${selector} is in the agent's mirror`);
  await agent.page.mouse.click(point.x, point.y);
}
