/**
 * <cobrowse-launcher> rendering a `VisualEngagement` driven by a scripted provider: every state of
 * both roles, by accessible name, accessible in each (axe), in English and Brazilian Portuguese;
 * plus its events.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/components/cobrowse-launcher/cobrowse-launcher.js';
import type { CobrowseLauncher } from '../../src/components/cobrowse-launcher/cobrowse-launcher.component.js';
import { accessibleName } from './support/a11y.js';
import { disposeLaunchers, launcher } from './support/launchers.js';


afterEach(() => {
  disposeLaunchers();
  document.documentElement.lang = 'en';
});

const root = (el: CobrowseLauncher) => el.shadowRoot!;
const part = <T extends HTMLElement = HTMLElement>(el: CobrowseLauncher, name: string) => root(el).querySelector<T>(`[part~="${name}"]`);
const nameOf = accessibleName;
/** A visible button by accessible name, as a screen reader finds it. */
function button(el: CobrowseLauncher, name: string): HTMLButtonElement | undefined {
  return [...root(el).querySelectorAll<HTMLButtonElement>('button')].find((b) => !b.hidden && nameOf(b) === name);
}
const visibleText = (el: CobrowseLauncher, part_: string) => {
  const node = part(el, part_);
  return node && !node.hidden ? node.textContent!.trim() : '';
};

async function settle(el: CobrowseLauncher) {
  await new Promise((resolve) => setTimeout(resolve, 0));
  await el.updateComplete;
}

describe('<cobrowse-launcher> agent', () => {
  it('idle: the computer-icon button is named Co-browse, or Share screen for a screen-share provider', async () => {
    const { el } = await launcher('agent', 'cobrowse');
    expect(nameOf(part(el, 'start-button'))).to.equal('Co-browse');
    await expect(el).to.be.accessible();
    const other = await launcher('agent', 'screen-share');
    expect(nameOf(part(other.el, 'start-button'))).to.equal('Share screen');
    expect(other.el.kind).to.equal('screen-share');
  });

  it('waiting: shows the PIN in part="pin" with Send PIN to chat, which emits the chat text', async () => {
    const { el } = await launcher('agent');
    button(el, 'Co-browse')!.click();
    await waitUntil(() => part(el, 'pin'), 'the PIN appears');
    expect(part(el, 'pin')!.textContent!.trim()).to.equal('482913');
    expect(visibleText(el, 'status')).to.equal('Waiting for the customer to enter the PIN…');
    expect(Boolean(button(el, 'End session'))).to.equal(true);
    await expect(el).to.be.accessible();
    const shared = oneEvent(el, 'visual-pin-share');
    button(el, 'Send PIN to chat')!.click();
    const event = await shared;
    expect(event.detail.pin).to.equal('482913');
    expect(event.detail.text).to.contain('482913');
    expect(event.detail.kind).to.equal('cobrowse');
  });

  it('visual-engagement-request is cancelable: preventing it starts nothing', async () => {
    const { el, engagement } = await launcher('agent');
    el.addEventListener('visual-engagement-request', (event) => event.preventDefault(), { once: true });
    button(el, 'Co-browse')!.click();
    await settle(el);
    expect(engagement.state.phase).to.equal('idle');
  });

  it('active: the Customer screen region, Laser pointer and Remote control toggles, End session', async () => {
    const { el, agent } = await launcher('agent');
    button(el, 'Co-browse')!.click();
    await waitUntil(() => part(el, 'pin'));
    agent.fire('joined');
    await settle(el);
    expect(visibleText(el, 'status')).to.equal('The customer is looking at the invitation…');
    await expect(el).to.be.accessible();
    agent.fire('accepted');
    await settle(el);
    const region = root(el).querySelector('[role="region"]')!;
    expect(region.getAttribute('aria-label')).to.equal('Customer screen');
    expect(agent.view).to.equal(part(el, 'screen'), 'the session renders into the region');
    expect(button(el, 'Remote control')!.disabled).to.equal(true, 'control waits for the view');
    await expect(el).to.be.accessible();
    agent.fire('active');
    await settle(el);
    const laser = button(el, 'Laser pointer')!;
    expect(laser.getAttribute('aria-pressed')).to.equal('false');
    laser.click();
    await settle(el);
    expect(button(el, 'Laser pointer')!.getAttribute('aria-pressed')).to.equal('true');
    button(el, 'Remote control')!.click();
    await waitUntil(() => button(el, 'Remote control')?.getAttribute('aria-pressed') === 'true', 'control confirmed');
    expect(visibleText(el, 'status')).to.equal('You are in control of the customer’s page.');
    await expect(el).to.be.accessible();
  });

  it('invited: the co-browse view is prepared out of sight, and shown once the customer accepts', async () => {
    const { el, agent } = await launcher('agent');
    button(el, 'Co-browse')!.click();
    await waitUntil(() => part(el, 'pin'));
    expect(part(el, 'screen')).to.equal(null, 'no view before anyone joined');
    agent.fire('joined');
    await settle(el);
    const screen = part(el, 'screen')!;
    expect(screen.hidden).to.equal(true);
    expect(agent.view).to.equal(screen, 'the session already renders into it');
    expect(getComputedStyle(screen).display).to.equal('none', 'nothing of it shows, nor reaches screen readers');
    await expect(el).to.be.accessible();
    agent.fire('accepted');
    await settle(el);
    expect(part(el, 'screen')).to.equal(screen, 'the same view, not a new one');
    expect(screen.hidden).to.equal(false);
  });

  it('screen share: no view before the customer accepts', async () => {
    const { el, agent } = await launcher('agent', 'screen-share');
    button(el, 'Share screen')!.click();
    await waitUntil(() => part(el, 'pin'));
    agent.fire('joined');
    await settle(el);
    expect(part(el, 'screen')).to.equal(null);
  });

  it("the replica's field editor keeps normal letter spacing (the PIN box's is its own)", async () => {
    const { el, agent } = await launcher('agent');
    button(el, 'Co-browse')!.click();
    await waitUntil(() => part(el, 'pin'));
    agent.fire('accepted');
    agent.fire('active');
    await settle(el);
    // What the co-browse tools put over a field of the replica, inside this shadow root.
    const editor = document.createElement('input');
    editor.className = 'cck-tools-editor';
    part(el, 'screen')!.append(editor);
    expect(getComputedStyle(editor).letterSpacing).to.equal('normal');
  });

  it('End session asks first (cancelable), then ends and says so', async () => {
    const { el, engagement } = await launcher('agent');
    button(el, 'Co-browse')!.click();
    await waitUntil(() => part(el, 'pin'));
    el.addEventListener('visual-request-end', (event) => event.preventDefault(), { once: true });
    button(el, 'End session')!.click();
    expect(engagement.state.phase).to.equal('waiting');
    button(el, 'End session')!.click();
    await settle(el);
    expect(visibleText(el, 'status')).to.equal('Session ended.');
    expect(Boolean(button(el, 'Co-browse'))).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('screen share: no Laser pointer when the customer shares something the laser cannot be drawn on', async () => {
    const { el, agent } = await launcher('agent', 'screen-share');
    button(el, 'Share screen')!.click();
    await waitUntil(() => part(el, 'pin'));
    agent.fire('accepted');
    agent.fire('laseravailable', false);
    agent.fire('active');
    await settle(el);
    expect(button(el, 'Laser pointer')).to.equal(undefined);
    expect(Boolean(part(el, 'screen'))).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('screen share offers no Remote control', async () => {
    const { el, agent } = await launcher('agent', 'screen-share');
    button(el, 'Share screen')!.click();
    await waitUntil(() => part(el, 'pin'));
    agent.fire('accepted');
    agent.fire('active');
    await settle(el);
    expect(Boolean(button(el, 'Laser pointer'))).to.equal(true);
    expect(button(el, 'Remote control')).to.equal(undefined);
    await expect(el).to.be.accessible();
  });
});

describe('<cobrowse-launcher> customer', () => {
  async function join(el: CobrowseLauncher, pin: string) {
    const input = root(el).querySelector<HTMLInputElement>('input')!;
    input.value = pin;
    button(el, 'Join')!.click();
    await settle(el);
    await settle(el);
  }

  it('idle: no PIN entry until the agent offers a session, only Have a PIN?', async () => {
    const { el, offer } = await launcher('customer');
    expect(root(el).querySelector('input'), 'no PIN box before a session is offered').to.equal(null);
    expect(Boolean(button(el, 'Join'))).to.equal(false);
    expect(Boolean(button(el, 'Have a PIN?'))).to.equal(true);
    await expect(el).to.be.accessible();
    await offer();
    expect(Boolean(button(el, 'Have a PIN?'))).to.equal(false);
    const input = root(el).querySelector('input')!;
    const label = input.closest('label')!;
    expect(label.textContent!.trim()).to.equal('Session PIN');
    expect(input.type).to.equal('text');
    expect(Boolean(button(el, 'Join'))).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('Have a PIN? opens the PIN entry and puts focus in it (a PIN given by phone, say)', async () => {
    const { el } = await launcher('customer');
    button(el, 'Have a PIN?')!.focus();
    button(el, 'Have a PIN?')!.click();
    await waitUntil(() => root(el).activeElement === root(el).querySelector('input'), 'focus is in the PIN box');
    expect(accessibleName(root(el).querySelector('input')!.closest('label'))).to.equal('Session PIN');
    await expect(el).to.be.accessible();
  });

  it('the PIN entry closes with the session, and opens again with the next offer', async () => {
    const { el, offer } = await launcher('customer');
    await offer();
    await join(el, '482913');
    button(el, 'Accept')!.click();
    await settle(el);
    button(el, 'End session')!.click();
    await settle(el);
    expect(root(el).querySelector('input')).to.equal(null);
    await offer();
    expect(root(el).querySelector('input')).to.not.equal(null);
  });

  it('a wrong or expired PIN is an alert saying so', async () => {
    const { el, offer } = await launcher('customer');
    await offer();
    await join(el, '111111');
    const alert = root(el).querySelector('[role="alert"]')!;
    expect(alert.textContent!.trim()).to.equal('That PIN is not right. Check it and try again. 4 attempts left.');
    expect(root(el).querySelector('input')!.getAttribute('aria-invalid')).to.equal('true');
    await expect(el).to.be.accessible();
    await join(el, '999999');
    expect(root(el).querySelector('[role="alert"]')!.textContent!.trim()).to.equal('That PIN has expired. Ask the agent for a new one.');
  });

  it('invited: Accept / Decline and what the agent will be able to do', async () => {
    const { el, offer } = await launcher('customer');
    await offer();
    await join(el, '482913');
    const invitation = part(el, 'invitation')!;
    expect(invitation.getAttribute('role')).to.equal('group');
    expect(invitation.querySelector('h3')!.textContent).to.equal('Let the agent see this page?');
    const abilities = [...invitation.querySelectorAll('li')].map((li) => li.textContent);
    expect(abilities).to.deep.equal([
      'see this page (passwords and card numbers stay hidden)',
      'point at things with a laser pointer',
      'click, type and scroll in this page for you, until you take control back',
      'open other pages of this site for you',
    ]);
    expect(Boolean(button(el, 'Accept'))).to.equal(true);
    expect(Boolean(button(el, 'Decline'))).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('active: End session; while the agent is in control, a banner with Take back control', async () => {
    const { el, customer, offer } = await launcher('customer');
    await offer();
    await join(el, '482913');
    button(el, 'Accept')!.click();
    await settle(el);
    expect(visibleText(el, 'status')).to.equal('The agent can see this page.');
    expect(Boolean(button(el, 'End session'))).to.equal(true);
    await expect(el).to.be.accessible();
    customer.fire('control', { enabled: true });
    await settle(el);
    expect(part(el, 'control-banner')!.textContent).to.contain('The agent is in control of this page.');
    expect(part(el, 'control-banner')!.matches('[part~="session-bar"]'), 'the session bar, turned red').to.equal(true);
    await expect(el).to.be.accessible();
    button(el, 'Take back control')!.click();
    await settle(el);
    expect(part(el, 'control-banner')).to.equal(null);
    expect(part(el, 'session-bar'), 'the session bar stays for the whole session').to.not.equal(null);
    button(el, 'End session')!.click();
    await settle(el);
    expect(visibleText(el, 'status')).to.equal('Session ended.');
    await expect(el).to.be.accessible();
  });

  it('the agent asks for remote control: the customer answers Allow or Deny; nothing is granted without an answer', async () => {
    const { el, customer, offer } = await launcher('customer');
    await offer();
    await join(el, '482913');
    button(el, 'Accept')!.click();
    await settle(el);
    customer.fire('controlrequest', { requested: true });
    await settle(el);
    const request = part(el, 'control-request')!;
    expect(request.getAttribute('role')).to.equal('group');
    expect(nameOf(root(el).getElementById(request.getAttribute('aria-labelledby')!))).to.equal('The agent asks to control this page');
    expect(visibleText(el, 'status')).to.equal('The agent asks to control this page');
    expect(part(el, 'control-banner')).to.equal(null, 'not in control while asked');
    await expect(el).to.be.accessible();
    button(el, 'Deny')!.click();
    await settle(el);
    expect(part(el, 'control-request')).to.equal(null);
    customer.fire('controlrequest', { requested: true });
    await settle(el);
    button(el, 'Allow')!.click();
    await settle(el);
    expect(customer.answers).to.deep.equal(['deny', 'allow']);
    expect(part(el, 'control-banner')!.textContent).to.contain('The agent is in control of this page.');
  });

  it('works from the keyboard: type the PIN, Enter joins, focus moves to Accept, then to End session', async () => {
    const { el, offer } = await launcher('customer');
    await offer();
    root(el).querySelector<HTMLInputElement>('input')!.focus();
    await sendKeys({ type: '482913' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => button(el, 'Accept'), 'the invitation shows');
    await settle(el);
    expect(nameOf(root(el).activeElement)).to.equal('Accept');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => button(el, 'End session'));
    await settle(el);
    expect(nameOf(root(el).activeElement)).to.equal('End session');
  });

  it('screen share: the invitation and status talk about the screen', async () => {
    const { el, offer } = await launcher('customer', 'screen-share');
    await offer();
    await join(el, '482913');
    expect(part(el, 'invitation')!.querySelector('h3')!.textContent).to.equal('Share your screen with the agent?');
    button(el, 'Accept')!.click();
    await settle(el);
    expect(visibleText(el, 'status')).to.equal('You are sharing your screen with the agent.');
  });

  it('screen share: "sharing" is said only once the browser\'s picker resolved', async () => {
    for (const [lang, choosing, sharing] of [
      ['en', 'Choose what to share in your browser’s window.', 'You are sharing your screen with the agent.'],
      ['pt-BR', 'Escolha o que compartilhar na janela do navegador.', 'Você está compartilhando sua tela com o agente.'],
    ] as const) {
      const { el, picker, engagement } = await launcher('customer', 'screen-share', lang);
      let closePicker!: () => void;
      picker.closed = new Promise((resolve) => (closePicker = resolve));
      await engagement.join('482913');
      await settle(el);
      button(el, lang === 'en' ? 'Accept' : 'Aceitar')!.click();
      await settle(el);
      expect(visibleText(el, 'status')).to.equal(choosing);
      closePicker();
      await settle(el);
      expect(visibleText(el, 'status')).to.equal(sharing);
    }
  });
});

describe('<cobrowse-launcher> in Brazilian Portuguese', () => {
  it('agent: Navegação conjunta, PIN, Enviar PIN no chat, Tela do cliente, Ponteiro laser', async () => {
    const { el, agent } = await launcher('agent', 'cobrowse', 'pt-BR');
    expect(nameOf(part(el, 'start-button'))).to.equal('Navegação conjunta');
    button(el, 'Navegação conjunta')!.click();
    await waitUntil(() => part(el, 'pin'));
    expect(Boolean(button(el, 'Enviar PIN no chat'))).to.equal(true);
    await expect(el).to.be.accessible();
    agent.fire('accepted');
    agent.fire('active');
    await settle(el);
    expect(root(el).querySelector('[role="region"]')!.getAttribute('aria-label')).to.equal('Tela do cliente');
    expect(Boolean(button(el, 'Ponteiro laser'))).to.equal(true);
    expect(Boolean(button(el, 'Controle remoto'))).to.equal(true);
    expect(Boolean(button(el, 'Encerrar sessão'))).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('customer: PIN da sessão, Entrar, Aceitar, Recusar, and the alert for a wrong PIN', async () => {
    const { el, offer } = await launcher('customer', 'cobrowse', 'pt-BR');
    expect(Boolean(button(el, 'Tem um PIN?'))).to.equal(true);
    await offer();
    expect(root(el).querySelector('label')!.textContent!.trim()).to.equal('PIN da sessão');
    const input = root(el).querySelector<HTMLInputElement>('input')!;
    input.value = '000000';
    button(el, 'Entrar')!.click();
    await settle(el);
    await settle(el);
    expect(root(el).querySelector('[role="alert"]')!.textContent!.trim()).to.equal(
      'Esse PIN não está correto. Confira e tente de novo. Restam 4 tentativas.',
    );
    await expect(el).to.be.accessible();
    input.value = '482913';
    button(el, 'Entrar')!.click();
    await settle(el);
    await settle(el);
    expect(Boolean(button(el, 'Aceitar'))).to.equal(true);
    expect(Boolean(button(el, 'Recusar'))).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('customer: the request for remote control, Permitir / Não permitir', async () => {
    const { el, customer, offer } = await launcher('customer', 'cobrowse', 'pt-BR');
    await offer();
    root(el).querySelector<HTMLInputElement>('input')!.value = '482913';
    button(el, 'Entrar')!.click();
    await settle(el);
    await settle(el);
    button(el, 'Aceitar')!.click();
    await settle(el);
    customer.fire('controlrequest', { requested: true });
    await settle(el);
    expect(part(el, 'control-request')!.querySelector('h3')!.textContent).to.equal('O agente pede para controlar esta página');
    expect(Boolean(button(el, 'Permitir'))).to.equal(true);
    expect(Boolean(button(el, 'Não permitir'))).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('agent: waiting for the customer to allow remote control', async () => {
    const { el, agent } = await launcher('agent', 'cobrowse', 'pt-BR');
    button(el, 'Navegação conjunta')!.click();
    await waitUntil(() => part(el, 'pin'));
    agent.fire('accepted');
    agent.fire('active');
    agent.fire('controlrequest', { requested: true });
    await settle(el);
    expect(visibleText(el, 'status')).to.equal('Aguardando a resposta do cliente…');
    expect(part(el, 'control-button')!.getAttribute('aria-pressed')).to.equal('false', 'not pressed before the customer allows it');
  });
});
