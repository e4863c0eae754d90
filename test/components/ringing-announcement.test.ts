/**
 * An incoming call is announced: the ringing text appears inside a live region that was already in
 * the page before it rang, focus moves to Accept with audio (unless the person is typing elsewhere),
 * a countdown shows how long it rings, the title flashes, a hidden tab may get a notification, and a
 * missed call is announced through the status live region.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { deepActiveElement, accessibleName } from './support/a11y.js';
import { $, byText, disposeEngines, openMenuAndPick, panels } from './support/panels.js';

afterEach(() => {
  disposeEngines();
});

/** The live region an element's text is in: its own or its nearest ancestor's `role=alert|status` / `aria-live`. */
function liveRegionOf(node: Element): Element | null {
  return node.closest('[role="alert"], [role="status"], [aria-live="polite"], [aria-live="assertive"]');
}

describe('ringing is announced', () => {
  it('the ringing text appears inside a live region that was in the panel before it rang', async () => {
    const { agentPanel, customerPanel } = await panels();
    const region = $(customerPanel, '[part~="ringing-text"]')!;
    expect(region, 'the live region exists while idle').to.exist;
    expect(region.getAttribute('role')).to.equal('alert');
    expect(region.textContent!.trim()).to.equal('');
    await openMenuAndPick(agentPanel, 'Video call');
    await waitUntil(() => $(customerPanel, '[part~="ringing"]'), 'it rings');
    const text = $(customerPanel, '[part~="ringing-text"]')!;
    expect(text, 'the same element: not created with its text').to.equal(region);
    expect(text.textContent).to.equal('Video call from Alex');
    expect(liveRegionOf(text)).to.equal(region);
    expect($(customerPanel, '[part~="ringing"]')!.getAttribute('aria-labelledby')).to.equal(region.id);
    await expect(customerPanel).to.be.accessible();
  });

  it('moves focus to Accept with audio when nobody was typing elsewhere', async () => {
    const { agent, customerPanel } = await panels();
    (document.activeElement as HTMLElement | null)?.blur();
    // The agent calls from its own page: here, straight through its engine.
    await agent.startCall({ video: false });
    await waitUntil(() => accessibleName(deepActiveElement()) === 'Accept with audio', 'focus is on Accept with audio');
    expect(customerPanel.shadowRoot!.contains(deepActiveElement())).to.equal(true);
  });

  it('never takes focus from the text box the customer is typing in', async () => {
    const { agent, customerPanel } = await panels();
    const chat = await fixture<HTMLInputElement>(html`<input aria-label="Message" />`);
    chat.focus();
    await agent.startCall({ video: false });
    await waitUntil(() => $(customerPanel, '[part~="ringing"]'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(document.activeElement).to.equal(chat);
  });

  it('shows a countdown while it rings, on both sides', async () => {
    const { agentPanel, customerPanel } = await panels({ ringTimeoutMs: 30_000 });
    await openMenuAndPick(agentPanel, 'Voice call');
    await waitUntil(() => $(customerPanel, '[part~="ring-countdown"]'));
    expect($(customerPanel, '[part~="ring-countdown"]')!.textContent).to.match(/^0:(30|29) left to answer$/);
    expect($(customerPanel, '[part~="ring-countdown"]')!.getAttribute('role')).to.equal('timer');
    await waitUntil(() => /^0:2\d left to answer$/.test($(customerPanel, '[part~="ring-countdown"]')!.textContent!), 'it counts down', { timeout: 5_000 });
    expect($(agentPanel, '[part~="ring-countdown"]')!.textContent).to.match(/^Rings for 0:[23]\d more$/);
  });

  it('alternates the page title while it rings and restores it after; ring-title="false" turns that off', async () => {
    const original = document.title;
    const { agentPanel, customerPanel, agent } = await panels();
    await openMenuAndPick(agentPanel, 'Voice call');
    await waitUntil(() => document.title === 'Alex is calling…', 'the title says who calls');
    byText(customerPanel, 'Reject')!.click();
    await waitUntil(() => agent.state.phase === 'ended');
    expect(document.title).to.equal(original);

    customerPanel.setAttribute('ring-title', 'false');
    await customerPanel.updateComplete;
    await agent.startCall();
    await waitUntil(() => $(customerPanel, '[part~="ringing"]'));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(document.title).to.equal(original);
  });

  it('with ring-notification, notifies a hidden tab when the page holds the permission, and closes it when the ringing stops', async () => {
    // The permission prompt cannot be answered in a headless test: the browser's Notification is
    // replaced by a recorder for this test only, and the page is made to look hidden.
    const shown: Array<{ title: string; closed: boolean }> = [];
    class RecordingNotification {
      static permission = 'granted';
      onclick: (() => void) | null = null;
      readonly record: { title: string; closed: boolean };
      constructor(title: string) {
        this.record = { title, closed: false };
        shown.push(this.record);
      }
      close() {
        this.record.closed = true;
      }
    }
    const realNotification = window.Notification;
    const visibility = Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState')!;
    Object.defineProperty(window, 'Notification', { value: RecordingNotification, configurable: true, writable: true });
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    try {
      const { agentPanel, customerPanel, agent } = await panels();
      customerPanel.ringNotification = true;
      await openMenuAndPick(agentPanel, 'Voice call');
      await waitUntil(() => shown.length === 1, 'a notification');
      expect(shown[0]!.title).to.equal('Alex is calling…');
      agent.end();
      await waitUntil(() => shown[0]!.closed, 'closed when the ringing stops');

      customerPanel.ringNotification = false;
      await agent.startCall();
      await waitUntil(() => $(customerPanel, '[part~="ringing"]'));
      expect(shown).to.have.length(1, 'off by default');
    } finally {
      Object.defineProperty(window, 'Notification', { value: realNotification, configurable: true, writable: true });
      delete (document as unknown as Record<string, unknown>).visibilityState;
      Object.defineProperty(Document.prototype, 'visibilityState', visibility);
    }
  });

  it('announces a missed call through the status live region that was there all along', async () => {
    const { agentPanel, customerPanel, customer } = await panels({ ringTimeoutMs: 600 });
    const status = $(customerPanel, '[part~="status"]')!;
    expect(status.getAttribute('role')).to.equal('status');
    await openMenuAndPick(agentPanel, 'Voice call');
    await waitUntil(() => customer.state.phase === 'ended', 'missed', { timeout: 10_000 });
    await customerPanel.updateComplete;
    expect($(customerPanel, '[part~="status"]'), 'the same live region').to.equal(status);
    expect(status.textContent).to.equal('Missed call');
    expect($(customerPanel, '[part~="ringing-text"]')!.textContent!.trim()).to.equal('');
  });
});
