/**
 * Focus never falls to <body>: after each transition a person causes from the keyboard (Voice call,
 * Video call, Accept, Reject, the call ending, starting co-browse, accepting it, Take back control),
 * `document.activeElement`, followed through shadow roots, is a control of the widget.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { accessibleName, deepActiveElement } from './support/a11y.js';
import { disposeLaunchers, launcherPair } from './support/launchers.js';
import { $, disposeEngines, panels } from './support/panels.js';

afterEach(() => {
  disposeEngines();
  disposeLaunchers();
});

/** Focus is on a control inside `widget` (through its shadow roots), named `name`. */
async function focusLandsOn(widget: Element, name: string): Promise<void> {
  await waitUntil(() => accessibleName(deepActiveElement()) === name, `focus on "${name}" (is on ${describeElement(deepActiveElement())})`, { timeout: 5_000 });
  const active = deepActiveElement()!;
  expect(active).to.not.equal(document.body);
  expect(['BUTTON', 'INPUT', 'SELECT'].includes(active.tagName), `${active.tagName} is a control`).to.equal(true);
  let host: Node = active.getRootNode();
  while (host instanceof ShadowRoot && host.host !== widget) host = host.host.getRootNode();
  expect(host instanceof ShadowRoot && host.host === widget, 'inside the widget').to.equal(true);
}

function describeElement(element: Element | null): string {
  return element ? `${element.tagName.toLowerCase()} "${accessibleName(element)}"` : 'nothing';
}

describe('<chat-call-panel> focus map', () => {
  it('agent: Voice call from the keyboard -> the microphone toggle; End call -> More commands', async () => {
    const { agentPanel, customer } = await panels();
    $<HTMLButtonElement>(agentPanel, '[part~="menu-button"]')!.focus();
    await sendKeys({ press: 'Enter' }); // opens the menu on its first item
    await sendKeys({ press: 'Enter' }); // Voice call
    await focusLandsOn(agentPanel, 'Mute');
    await waitUntil(() => customer.state.phase === 'incoming');
    void customer.accept({ video: false });
    await waitUntil(() => customer.state.phase === 'active', 'active', { timeout: 10_000 });
    // Tab to End call (mute, its chevron, End call in a voice-only row... or the video toggle and its chevron).
    for (let i = 0; i < 6 && accessibleName(deepActiveElement()) !== 'End call'; i += 1) await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await focusLandsOn(agentPanel, 'More commands');
  });

  it('agent: Video call -> the microphone toggle', async () => {
    const { agentPanel } = await panels();
    $<HTMLButtonElement>(agentPanel, '[part~="menu-button"]')!.focus();
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' }); // Video call
    await focusLandsOn(agentPanel, 'Mute');
  });

  it('customer: Accept -> the microphone toggle; the agent hanging up -> Clear notice', async () => {
    const { agent, customerPanel, customer } = await panels();
    (document.activeElement as HTMLElement | null)?.blur();
    await agent.startCall({ video: false });
    await focusLandsOn(customerPanel, 'Accept with audio');
    await sendKeys({ press: 'Enter' });
    await focusLandsOn(customerPanel, 'Mute');
    await waitUntil(() => customer.state.phase === 'active', 'active', { timeout: 10_000 });
    agent.end();
    await focusLandsOn(customerPanel, 'Clear notice');
    await sendKeys({ press: 'Enter' });
    await customerPanel.updateComplete;
    expect($(customerPanel, '[part~="status"]')!.textContent!.trim(), 'the notice is cleared').to.equal('');
  });

  it('customer: Reject -> Clear notice', async () => {
    const { agent, customerPanel } = await panels();
    (document.activeElement as HTMLElement | null)?.blur();
    await agent.startCall({ video: true });
    await focusLandsOn(customerPanel, 'Accept with audio');
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    expect(accessibleName(deepActiveElement())).to.equal('Reject');
    await sendKeys({ press: 'Enter' });
    await focusLandsOn(customerPanel, 'Clear notice');
    expect($(customerPanel, '[part~="status"]')!.textContent).to.equal('The call was declined');
  });
});

// --- co-browse ------------------------------------------------------------------------------

async function launchers() {
  const pair = await launcherPair();
  return { agent: pair.agentLauncher, customer: pair.customerLauncher, agentSession: pair.agent, customerSession: pair.customer };
}

const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`)!;

describe('<cobrowse-launcher> focus map', () => {
  it('agent: Co-browse -> Send PIN to chat; the session starting -> its first tool', async () => {
    const { agent, agentSession } = await launchers();
    part(agent, 'start-button').focus();
    await sendKeys({ press: 'Enter' });
    await focusLandsOn(agent, 'Send PIN to chat');
    agentSession.fire('joined');
    agentSession.fire('accepted');
    await focusLandsOn(agent, 'Laser pointer');
  });

  it('customer: Join -> Accept -> End session in the session bar; Take back control -> End session', async () => {
    const { agent, customer, customerSession } = await launchers();
    part(agent, 'start-button').click();
    await waitUntil(() => customer.shadowRoot!.querySelector('[part~="pin-input"]'), 'the PIN entry appears with the offer');
    part(customer, 'pin-input').focus();
    await sendKeys({ type: '482913' });
    await sendKeys({ press: 'Enter' });
    await focusLandsOn(customer, 'Accept');
    await sendKeys({ press: 'Enter' });
    await focusLandsOn(customer, 'End session');
    expect(deepActiveElement()!.closest('[part~="session-bar"]')).to.not.equal(null);
    customerSession.fire('control', { enabled: true });
    await waitUntil(() => customer.shadowRoot!.querySelector('[part~="take-back-button"]'));
    part(customer, 'take-back-button').focus();
    await sendKeys({ press: 'Enter' });
    await focusLandsOn(customer, 'End session');
    await sendKeys({ press: 'Enter' });
    await focusLandsOn(customer, 'Have a PIN?');
  });
});
