/**
 * The demo's agent console and customer portal in real Chromium pages, driven by role and
 * accessible name (through shadow DOM) as a person would: for the fault suites, which need to open
 * each side through its own address (a proxy in front of the server, say) and to check what the
 * panels say while things break.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';

export interface DemoPair {
  agent: Page;
  customer: Page;
  conversation: string;
}

export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  return page;
}

/** Opens both sides of `conversation` (QA mode); `agentBase` / `customerBase` are the origins each side uses. */
/** `members`: who joins a routed conversation (its assigned agent and its customer); QA mode needs none. */
export async function openDemoPair(
  browser: Browser,
  bases: { agent: string; customer: string },
  conversation: string,
  members: { agent?: string | null; customer?: string } = {},
): Promise<DemoPair> {
  const [agent, customer] = await Promise.all([newPage(browser), newPage(browser)]);
  const search = (role: 'agent' | 'customer') => {
    const name = members[role];
    return new URLSearchParams({ conversation, ...(name ? { [role]: name } : {}) }).toString();
  };
  await customer.goto(`${bases.customer}/demo/customer.html?${search('customer')}`);
  await agent.goto(`${bases.agent}/demo/agent.html?${search('agent')}`);
  await agent.getByText('Customer joined the chat').waitFor();
  return { agent, customer, conversation };
}

/** The agent places a video call and the customer accepts it with video; both see the other. */
export async function videoCall({ agent, customer }: DemoPair): Promise<void> {
  await agent.getByRole('button', { name: 'More commands' }).click();
  await agent.getByRole('menuitem', { name: 'Video call' }).click();
  await customer.getByRole('button', { name: 'Accept with video' }).click();
  await framesAdvance(agent, 'Customer video');
  await framesAdvance(customer, 'Agent video');
}

/** Waits for the panel's status line to say `text`. */
export async function status(page: Page, text: string, timeoutMs = 10_000): Promise<void> {
  await page.getByRole('status').filter({ hasText: text }).first().waitFor({ timeout: timeoutMs });
}

/** Whether the panel's status line says `text` now. */
export async function statusNow(page: Page, text: string): Promise<boolean> {
  return (await page.getByRole('status').filter({ hasText: text }).count()) > 0;
}

/** The other side's video is shown and its frames keep coming (decoded frames grow over half a second). */
export async function framesAdvance(page: Page, label: string, timeoutMs = 10_000): Promise<void> {
  const video = page.getByLabel(label);
  await video.waitFor({ state: 'visible', timeout: timeoutMs });
  const frames = () => video.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);
  const before = await frames();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = await frames();
  assert.ok(after > before, `${label}: frames keep arriving (${before} -> ${after})`);
}

/** Still in the call: the End call control is there (the panel did not drop the call). */
export async function inCall(page: Page): Promise<boolean> {
  return (await page.getByRole('button', { name: 'End call' }).count()) > 0;
}

export async function closeAll(...pages: Page[]): Promise<void> {
  await Promise.all(pages.map((page) => page.context().close().catch(() => {})));
}

/** Clicks the toggle named `from` and waits for it to read `to`. */
export async function toggle(page: Page, from: string, to: string): Promise<void> {
  await page.getByRole('button', { name: from, exact: true }).click();
  await page.getByRole('button', { name: to, exact: true }).waitFor();
}

/** What `page` shows about the other side: waits until `text` is (or is not) shown. */
export async function shows(page: Page, text: string, present: boolean, timeoutMs = 10_000): Promise<void> {
  await page.getByText(text).first().waitFor({ state: present ? 'visible' : 'detached', timeout: timeoutMs });
}
