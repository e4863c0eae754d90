/**
 * Screen share end to end, for every browser pair of `support/browser.ts` (agent's browser first):
 * the customer shares a screen with `getDisplayMedia` (Chromium's fake screen; Firefox, headed on a
 * private Xvfb display, shares that display), the agent sees it as live video in the **Customer
 * screen** region; sharing this tab shows the agent's laser pointer on the customer's page where the
 * customer's browser can host it (Chromium: Capture Handle), and is not promised where it cannot
 * (Firefox); stopping from the browser's own UI ends the session for both.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BROWSER_PAIRS, type BrowserPair } from './support/browser.js';
import { harnessSuite } from './support/harness-suite.js';
import { harnessState, openVisualSide, visualConversation, type VisualHarnessWindow, type VisualSide } from './support/visual-pair.js';

declare const window: VisualHarnessWindow & Window & { harness: { stopSharingFromBrowser(): void } };

// Firefox runs headed on a private X display here: headless Firefox has no screen to share.
const suite = harnessSuite<VisualSide>({ screens: true });
const { browsers, opened } = suite;

async function sharedScreen(browserPair: BrowserPair, customerQuery = '') {
  const conversation = visualConversation('screen');
  const query = `conversation=${encodeURIComponent(conversation)}&visual=screen-share`;
  const [agentBrowser, customerBrowser] = await Promise.all([browsers.get(browserPair.agent), browsers.get(browserPair.customer)]);
  const [agent, customer] = await Promise.all([
    openVisualSide(agentBrowser, `${suite.server.url}/test-harness/visual/agent.html?${query}`, { width: 1000, height: 900 }),
    openVisualSide(customerBrowser, `${suite.server.url}/test-harness/visual/shop.html?${query}${customerQuery}`, { width: 1280, height: 720 }),
  ]);
  opened.push(agent, customer);
  await agent.byRole('button', 'Share screen').click();
  const pin = (await agent.page.locator('cobrowse-launcher [part~="pin"]').innerText()).trim();
  await customer.byRole('textbox', 'Session PIN').fill(pin);
  await customer.byRole('button', 'Join').click();
  const invitation = customer.page.getByRole('group', { name: 'Share your screen with the agent?' });
  await invitation.waitFor();
  const text = await invitation.innerText();
  assert.ok(text.includes('see the screen, window or tab you choose to share'), `the invitation says what the agent will see: ${text}`);
  assert.ok(!text.includes('click, type'), 'no remote control in screen share');
  // Only a browser with Capture Handle can recognise its own tab and show the agent's laser.
  const laserPromised = text.includes('laser pointer');
  assert.equal(laserPromised, customer.browser === 'chromium', `the laser is promised only by a sharer that can host it: ${text}`);
  await customer.byRole('button', 'Accept').click();
  await agent.byRole('region', 'Customer screen').waitFor();
  return { agent, customer };
}

for (const browserPair of BROWSER_PAIRS) describe(`screen share ${browserPair.label}`, { timeout: 90_000 }, () => {
  it('shows the customer screen to the agent as live video; stopping from the browser ends it for both', async () => {
    const { agent, customer } = await sharedScreen(browserPair);
    await agent.page.waitForFunction(() => (window.harness.videoState()?.width ?? 0) > 0, undefined, { timeout: 15_000 });
    const first = await agent.page.evaluate(() => window.harness.videoState()!);
    await agent.page.waitForTimeout(500);
    const later = await agent.page.evaluate(() => window.harness.videoState()!);
    assert.ok(later.time > first.time, `the video plays (${first.time} -> ${later.time})`);
    assert.ok(first.width >= 640, `real frames (${first.width}x${first.height})`);
    assert.equal(await agent.page.getByRole('button', { name: 'Remote control', exact: true }).count(), 0, 'no remote control for screen share');
    assert.equal(await agent.page.getByRole('button', { name: 'Laser pointer', exact: true }).count(), 0, 'no laser over a screen that is not this tab');
    await customer.page.locator('cobrowse-launcher [part~="status"]', { hasText: 'You are sharing your screen with the agent.' }).waitFor();
    await customer.page.evaluate(() => window.harness.stopSharingFromBrowser());
    await agent.page.locator('cobrowse-launcher [part~="status"]', { hasText: 'The customer ended the session.' }).waitFor({ timeout: 5_000 });
    assert.equal((await harnessState(customer.page))?.phase, 'ended', 'ended on the customer side too');
  });

  if (browserPair.customer === 'chromium') {
    it('sharing this tab: the laser pointer is drawn over the customer page; the agent ends the session', async () => {
      const { agent, customer } = await sharedScreen(browserPair, '&thisTab=1');
      await agent.page.waitForFunction(() => (window.harness.videoState()?.width ?? 0) > 0, undefined, { timeout: 15_000 });
      await agent.page.waitForFunction(() => window.harness.state()?.laserAvailable === true, undefined, { timeout: 5_000 });
      await agent.byRole('button', 'Laser pointer').click();
      const box = await agent.page.locator('cobrowse-launcher [part~="screen"] video').boundingBox();
      assert.ok(box, 'the video is on screen');
      await agent.page.mouse.move(box.x + box.width / 2 - 30, box.y + box.height / 2);
      await agent.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
      await customer.page.locator('cck-visual-overlay[data-laser="visible"]').waitFor({ state: 'attached', timeout: 5_000 });
      const x = Number(await customer.page.locator('cck-visual-overlay').getAttribute('data-laser-x'));
      assert.ok(Math.abs(x - 640) < 80, `the pointer is near the middle of the customer's tab (x = ${x})`);
      await agent.byRole('button', 'End session').click();
      await customer.page.locator('cobrowse-launcher [part~="status"]', { hasText: 'The agent ended the session.' }).waitFor({ timeout: 5_000 });
    });
  } else {
    it('a Firefox sharer asked for this tab: no laser is promised or offered, the screen still shows; the agent ends the session', async () => {
      const { agent, customer } = await sharedScreen(browserPair, '&thisTab=1');
      await agent.page.waitForFunction(() => (window.harness.videoState()?.width ?? 0) > 0, undefined, { timeout: 15_000 });
      assert.equal((await harnessState(agent.page))?.laserAvailable, false, 'the laser is not available');
      assert.equal(await agent.page.getByRole('button', { name: 'Laser pointer', exact: true }).count(), 0, 'no Laser pointer toggle');
      await agent.byRole('button', 'End session').click();
      await customer.page.locator('cobrowse-launcher [part~="status"]', { hasText: 'The agent ended the session.' }).waitFor({ timeout: 5_000 });
    });
  }
});
