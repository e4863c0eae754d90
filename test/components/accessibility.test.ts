/**
 * axe on every state of every element, for both participants, in both locales, light and dark:
 * zero violations. Each state is reached once and then checked in the four combinations (the
 * document's language and the emulated colour scheme change in place), so the whole matrix stays
 * quick. Colour contrast is part of it: a dark-mode End session at 1.05:1 fails here.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import type { ChatCallPanel } from '../../src/components/chat-call-panel/chat-call-panel.component.js';
import { disposeLaunchers, launcherPair } from './support/launchers.js';
import { $, byText, disposeEngines, openMenuAndPick, panels } from './support/panels.js';

const combinations = [
  { lang: 'en', scheme: 'light' },
  { lang: 'pt-BR', scheme: 'light' },
  { lang: 'en', scheme: 'dark' },
  { lang: 'pt-BR', scheme: 'dark' },
] as const;

/** The relative luminance of a computed `rgb(...)` colour. */
function luminance(color: string): number {
  const [r, g, b] = color.match(/[\d.]+/g)!.slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** Checks `root` with axe in all four combinations; `probe` proves the scheme really applied. */
async function checkEveryCombination(root: HTMLElement, probe: HTMLElement, state: string): Promise<void> {
  for (const { lang, scheme } of combinations) {
    document.documentElement.lang = lang;
    await emulateMedia({ colorScheme: scheme });
    await waitUntil(() => (luminance(getComputedStyle(probe).color) > 0.5) === (scheme === 'dark'), `${state}: ${scheme} text colour`);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    try {
      await expect(root).to.be.accessible();
    } catch (error) {
      throw new Error(`${state} (${lang}, ${scheme}): ${(error as Error).message}`, { cause: error });
    }
  }
  document.documentElement.lang = 'en';
  await emulateMedia({ colorScheme: 'light' });
}

const base = (panel: ChatCallPanel) => $(panel, '[part~="base"]')!;

// The host page supports both schemes, as the elements do (a light-only page pins
// --cck-color-scheme: light instead): the launcher's start button sits on the page's own background.
before(() => {
  document.documentElement.style.colorScheme = 'light dark';
});
after(() => {
  document.documentElement.style.colorScheme = '';
});

afterEach(async () => {
  disposeEngines();
  disposeLaunchers();
  document.documentElement.lang = 'en';
  await emulateMedia({ colorScheme: 'light' });
});

describe('accessibility of every state (axe, en and pt-BR, light and dark)', () => {
  it('<chat-call-panel> and <call-controls>: idle, menu, ringing, video call, device picker, tooltip, camera off and muted, voice call, ended', async () => {
    const { agentPanel, customerPanel, agent, customer, wrapper } = await panels({}, null, false, 480);
    const check = (state: string) => checkEveryCombination(wrapper, base(agentPanel), state);
    await check('idle');

    $<HTMLButtonElement>(agentPanel, '[part~="menu-button"]')!.click();
    await agentPanel.updateComplete;
    await check('agent menu open');

    byText(agentPanel, 'Video call')!.click();
    await waitUntil(() => $(customerPanel, '[part~="ringing"]'), 'it rings');
    await check('ringing');

    void customer.accept({ video: true });
    await waitUntil(() => agent.remoteMediaState?.videoEnabled && customer.remoteMediaState?.videoEnabled, 'video both ways', { timeout: 10_000 });
    await agentPanel.updateComplete;
    await check('video call');

    const controls = $(agentPanel, 'call-controls')!;
    controls.shadowRoot!.querySelector<HTMLButtonElement>('[part~="microphone-devices-button"]')!.click();
    await waitUntil(() => controls.shadowRoot!.querySelector('select')?.options.length, 'the devices are listed');
    await check('audio device picker open');
    controls.shadowRoot!.querySelector<HTMLButtonElement>('[part~="camera-devices-button"]')!.click();
    await check('video device picker open');
    controls.shadowRoot!.querySelector<HTMLButtonElement>('[part~="camera-devices-button"]')!.click();

    controls.shadowRoot!.querySelector<HTMLButtonElement>('[part~="mute-button"]')!.focus();
    await sendKeys({ press: 'Shift' }); // keyboard modality: the tooltip shows on :focus-visible
    await check('tooltip shown');

    await customer.setMuted(true);
    await customer.setVideoEnabled(false);
    await agent.setMuted(true);
    await waitUntil(() => $(agentPanel, '[part~="indicators"]'), 'the customer shows as muted, camera off');
    await check('camera off, muted');

    agent.end();
    await waitUntil(() => customer.state.phase === 'ended');
    await agent.startCall({ video: false });
    await waitUntil(() => customer.state.phase === 'incoming');
    await customer.accept({ video: false });
    await waitUntil(() => $(agentPanel, '[part~="audio-call"]') && $(customerPanel, '[part~="audio-call"]'), 'the compact voice layout', { timeout: 10_000 });
    await check('voice call');

    customer.end();
    await waitUntil(() => $(agentPanel, '[part~="clear-notice-button"]'), 'the end notice');
    await check('ended');
  });

  it('<chat-call-panel> errors: a blocked microphone, on each side', async () => {
    const { agentPanel, wrapper } = await panels({}, null, true, 480);
    await openMenuAndPick(agentPanel, 'Voice call');
    await waitUntil(() => $(agentPanel, '[part~="error"]'), 'the error shows');
    await checkEveryCombination(wrapper, base(agentPanel), 'error');
  });

  it('<cobrowse-launcher>: idle, offered, wrong PIN, invitation, session, tools on, in control, ended', async () => {
    const { agentLauncher, customerLauncher, agent, customer, wrapper } = await launcherPair('cobrowse', null);
    const probe = agentLauncher.shadowRoot!.querySelector<HTMLElement>('[part~="start-button"]')!;
    const check = (state: string) => checkEveryCombination(wrapper, probe, state);
    const part = (el: HTMLElement, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
    const settle = async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      await Promise.all([agentLauncher.updateComplete, customerLauncher.updateComplete]);
    };
    await check('idle');

    part(agentLauncher, 'start-button')!.click();
    await waitUntil(() => part(customerLauncher, 'pin-input'), 'offered');
    await check('PIN shown, PIN entry offered');

    const input = part(customerLauncher, 'pin-input') as HTMLInputElement;
    input.value = '111111';
    part(customerLauncher, 'join-button')!.click();
    await waitUntil(() => part(customerLauncher, 'error')!.textContent!.trim(), 'the wrong PIN is an alert');
    await check('wrong PIN');

    input.value = '482913';
    part(customerLauncher, 'join-button')!.click();
    await waitUntil(() => part(customerLauncher, 'invitation'));
    agent.fire('joined');
    await settle();
    await check('invitation');

    part(customerLauncher, 'accept-button')!.click();
    agent.fire('accepted');
    agent.fire('active');
    await waitUntil(() => part(customerLauncher, 'session-bar') && part(agentLauncher, 'screen'), 'the session runs');
    await check('session');

    part(agentLauncher, 'laser-button')!.click();
    part(agentLauncher, 'control-button')!.click();
    customer.fire('control', { enabled: true });
    await waitUntil(() => part(customerLauncher, 'control-banner') && part(agentLauncher, 'screen-hint'), 'tools on, agent in control');
    await check('laser and control on');

    part(agentLauncher, 'fit-button')!.click();
    await settle();
    await check('fit to width');

    part(customerLauncher, 'end-button')!.click();
    await waitUntil(() => part(agentLauncher, 'status')!.textContent!.trim(), 'ended on both sides');
    await check('ended');
  });

  it('<cobrowse-launcher> screen share: invitation and session', async () => {
    const { agentLauncher, customerLauncher, agent, wrapper } = await launcherPair('screen-share', null);
    const part = (el: HTMLElement, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
    part(agentLauncher, 'start-button')!.click();
    await waitUntil(() => part(customerLauncher, 'pin-input'));
    (part(customerLauncher, 'pin-input') as HTMLInputElement).value = '482913';
    part(customerLauncher, 'join-button')!.click();
    await waitUntil(() => part(customerLauncher, 'invitation'));
    await checkEveryCombination(wrapper, part(agentLauncher, 'panel')!, 'screen-share invitation');
    part(customerLauncher, 'accept-button')!.click();
    agent.fire('accepted');
    agent.fire('active');
    await waitUntil(() => part(customerLauncher, 'session-bar'));
    await checkEveryCombination(wrapper, part(agentLauncher, 'panel')!, 'screen-share session');
  });

  it('the focus ring keeps 3:1 against what surrounds it, light and dark, on the panel and on the session bar', async () => {
    const { customerLauncher, agentLauncher, customer } = await launcherPair('cobrowse', null);
    const part = (el: HTMLElement, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`)!;
    part(agentLauncher, 'start-button').click();
    await waitUntil(() => customerLauncher.shadowRoot!.querySelector('[part~="pin-input"]'));
    (part(customerLauncher, 'pin-input') as HTMLInputElement).value = '482913';
    part(customerLauncher, 'join-button').click();
    await waitUntil(() => customerLauncher.shadowRoot!.querySelector('[part~="accept-button"]'));
    part(customerLauncher, 'accept-button').click();
    await waitUntil(() => customerLauncher.shadowRoot!.querySelector('[part~="session-bar"]'));
    for (const scheme of ['light', 'dark'] as const) {
      await emulateMedia({ colorScheme: scheme });
      for (const inControl of [false, true]) {
        customer.fire('control', { enabled: inControl });
        await waitUntil(() => Boolean(customerLauncher.shadowRoot!.querySelector('[part~="control-banner"]')) === inControl);
        for (const target of [part(agentLauncher, 'send-pin-button'), part(customerLauncher, 'end-button')]) {
          target.focus();
          await sendKeys({ press: 'Shift' });
          const ring = getComputedStyle(target).outlineColor;
          const around = backgroundBehind(target.parentElement!);
          const ratio = contrast(ring, around);
          expect(ratio, `${scheme}${inControl ? ', in control' : ''}: ring ${ring} on ${around} around ${target.getAttribute('part')}`).to.be.at.least(3);
        }
      }
    }
  });
});

/** The first opaque background from `element` outwards (through shadow hosts); the page's canvas last. */
function backgroundBehind(element: Element): string {
  let node: Element | null = element;
  while (node) {
    const color = getComputedStyle(node).backgroundColor;
    if (!/rgba\(.*,\s*0\)$/.test(color) && color !== 'transparent') return color;
    node = node.parentElement ?? ((node.getRootNode() as ShadowRoot).host ?? null);
  }
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'rgb(18, 18, 18)' : 'rgb(255, 255, 255)';
}

function contrast(a: string, b: string): number {
  const [la, lb] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (la! + 0.05) / (lb! + 0.05);
}

