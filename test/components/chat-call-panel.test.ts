/**
 * <chat-call-panel> rendering real engines: an agent panel and a customer panel in one page, joined
 * by the in-memory transport, with real peer connections and fake devices.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/components/chat-call-panel/chat-call-panel.js';
import type { ChatCallPanel } from '../../src/components/chat-call-panel/chat-call-panel.component.js';
import { CallEngine } from '../../src/engine/call-engine.js';
import { MemoryHub } from '../../src/signaling/memory-transport.js';
import type { CallSummary } from '../../src/events/call-summary.js';
import { createMessage } from '../../src/signaling/protocol.js';
import { accessibleName } from './support/a11y.js';
import { $, byText, denyingDevices, disposeEngines, engines2, openMenuAndPick, panels, track } from './support/panels.js';

const nameOf = accessibleName;

afterEach(() => {
  disposeEngines();
  document.documentElement.lang = 'en';
});

describe('<chat-call-panel>', () => {
  describe('agent, before a call', () => {
    it('offers More commands with Voice call and Video call in a real ARIA menu', async () => {
      const { agentPanel } = await panels();
      const button = $<HTMLButtonElement>(agentPanel, '[part~="menu-button"]')!;
      expect(nameOf($(agentPanel, '[part~="menu-button"] .visually-hidden'))).to.equal('More commands');
      expect(button.getAttribute('aria-haspopup')).to.equal('menu');
      expect(button.getAttribute('aria-expanded')).to.equal('false');
      await expect(agentPanel).to.be.accessible();
      button.click();
      await agentPanel.updateComplete;
      const items = [...agentPanel.shadowRoot!.querySelectorAll('[role="menuitem"]')].map((i) => i.textContent!.trim());
      expect(items).to.deep.equal(['Voice call', 'Video call']);
      expect(button.getAttribute('aria-expanded')).to.equal('true');
      await expect(agentPanel).to.be.accessible();
    });

    it('works from the keyboard: arrows move, Escape closes and returns focus to the button', async () => {
      const { agentPanel } = await panels();
      $<HTMLButtonElement>(agentPanel, '[part~="menu-button"]')!.focus();
      await sendKeys({ press: 'ArrowDown' });
      await agentPanel.updateComplete;
      const active = () => agentPanel.shadowRoot!.activeElement?.textContent?.trim();
      expect(active()).to.equal('Voice call');
      await sendKeys({ press: 'ArrowDown' });
      expect(active()).to.equal('Video call');
      await sendKeys({ press: 'ArrowDown' });
      expect(active()).to.equal('Voice call', 'wraps around');
      await sendKeys({ press: 'End' });
      expect(active()).to.equal('Video call');
      await sendKeys({ press: 'Escape' });
      await agentPanel.updateComplete;
      expect($(agentPanel, '[role="menu"]')!.hidden).to.equal(true);
      expect(agentPanel.shadowRoot!.activeElement).to.equal($(agentPanel, '[part~="menu-button"]'));
    });

    it('offers only Voice call in a voice-only deployment', async () => {
      const { agentPanel } = await panels({ allowVideo: false });
      $<HTMLButtonElement>(agentPanel, '[part~="menu-button"]')!.click();
      await agentPanel.updateComplete;
      const items = [...agentPanel.shadowRoot!.querySelectorAll('[role="menuitem"]')].map((i) => i.textContent!.trim());
      expect(items).to.deep.equal(['Voice call']);
    });
  });

  it('offers no call at all when the deployment turned calls off', async () => {
    const { agentPanel } = await panels({ calling: 'off' });
    expect($(agentPanel, '[part~="menu-button"]')).to.equal(null);
    await expect(agentPanel).to.be.accessible();
  });

  describe('customer, ringing', () => {
    it('shows the caller and the call kind with Accept with audio, Accept with video and Reject', async () => {
      const { agentPanel, customerPanel } = await panels();
      await openMenuAndPick(agentPanel, 'Video call');
      await waitUntil(() => $(customerPanel, '[part~="ringing"]'), 'customer rings');
      expect($(customerPanel, '.ringing-text')!.textContent).to.equal('Video call from Alex');
      expect(['Accept with audio', 'Accept with video', 'Reject'].map((n) => !!byText(customerPanel, n))).to.deep.equal([true, true, true]);
      await expect(customerPanel).to.be.accessible();
      expect($(agentPanel, '[part~="status"]')!.textContent).to.equal('Calling the customer…');
      await expect(agentPanel).to.be.accessible();
    });

    it('offers no video answer for a voice call', async () => {
      const { agentPanel, customerPanel } = await panels();
      await openMenuAndPick(agentPanel, 'Voice call');
      await waitUntil(() => $(customerPanel, '[part~="ringing"]'));
      expect(byText(customerPanel, 'Accept with video')).to.equal(undefined);
      expect($(customerPanel, '.ringing-text')!.textContent).to.equal('Voice call from Alex');
    });

    it('Reject ends the call on both sides and the agent is told it was declined', async () => {
      const { agentPanel, customerPanel, agent } = await panels();
      await openMenuAndPick(agentPanel, 'Voice call');
      await waitUntil(() => byText(customerPanel, 'Reject'));
      byText(customerPanel, 'Reject')!.click();
      await waitUntil(() => agent.state.phase === 'ended');
      await agentPanel.updateComplete;
      expect($(agentPanel, '[part~="status"]')!.textContent).to.equal('The call was declined');
      expect($(agentPanel, '[part~="menu-button"]')).to.exist;
      await expect(agentPanel).to.be.accessible();
    });
  });

  describe('in a call', () => {
    it('shows remote video, the timer and the controls on both sides, and the remote mute from the engine', async () => {
      const { agentPanel, customerPanel, agent, customer } = await panels();
      await openMenuAndPick(agentPanel, 'Video call');
      await waitUntil(() => byText(customerPanel, 'Accept with video'));
      byText(customerPanel, 'Accept with video')!.click();
      await waitUntil(() => agent.state.phase === 'active' && customer.state.phase === 'active', 'active', { timeout: 10_000 });
      await waitUntil(() => agent.remoteMediaState?.videoEnabled && customer.remoteMediaState?.videoEnabled);
      // The remote tile shows once frames arrive (never a frozen or empty picture).
      await waitUntil(() => agent.remoteVideoFlowing && customer.remoteVideoFlowing, 'remote frames arrive', { timeout: 5_000 });
      for (const panel of [agentPanel, customerPanel]) {
        await panel.updateComplete;
        const remote = $<HTMLVideoElement>(panel, '[part~="remote-video"]')!;
        expect(remote.hidden).to.equal(false);
        await waitUntil(() => remote.videoWidth > 0, 'remote video decodes', { timeout: 5_000 });
        expect($(panel, '[part~="timer"]')!.textContent).to.match(/^0:0\d$/);
        expect($(panel, 'call-controls')).to.exist;
        await expect(panel).to.be.accessible();
      }
      expect($(agentPanel, '[part~="remote-video"]')!.getAttribute('aria-label')).to.equal('Customer video');
      // The own preview is a corner tile inside the remote one, never covering the other side.
      const preview = $(agentPanel, '[part~="local-video"]')!.getBoundingClientRect();
      const remoteBox = $(agentPanel, '[part~="remote-video"]')!.getBoundingClientRect();
      expect(preview.width).to.be.below(remoteBox.width / 2);
      expect(preview.right).to.be.at.most(remoteBox.right);

      await customer.setMuted(true);
      await waitUntil(() => $(agentPanel, '[part~="indicators"]')?.textContent?.includes('Customer is muted'));
      await customer.setVideoEnabled(false);
      await waitUntil(() => $(agentPanel, '[part~="avatar"]'), 'avatar replaces the video');
      expect($(agentPanel, '[part~="indicators"]')!.textContent).to.contain('Customer camera is off');
      await expect(agentPanel).to.be.accessible();
    });

    it('fires call-state-change with the state and the previous state', async () => {
      const { agentPanel, customerPanel } = await panels();
      const changed = oneEvent(customerPanel, 'call-state-change');
      await openMenuAndPick(agentPanel, 'Voice call');
      const event = await changed;
      expect(event.detail.state.phase).to.equal('incoming');
      expect(event.detail.previous.phase).to.equal('idle');
      expect(event.bubbles && event.composed).to.equal(true);
    });
  });

  describe('states around media', () => {
    it('shows Connecting… while the customer\'s devices start, then the call', async () => {
      const hub = new MemoryHub();
      let answerPrompt!: () => void;
      const held = new Promise<void>((resolve) => (answerPrompt = resolve));
      const holding = {
        getUserMedia: async (c: MediaStreamConstraints) => {
          await held;
          return navigator.mediaDevices.getUserMedia(c);
        },
        enumerateDevices: () => navigator.mediaDevices.enumerateDevices(),
        addEventListener: () => {},
        removeEventListener: () => {},
      } as unknown as MediaDevices;
      const agent = new CallEngine({ transport: hub.createTransport({ conversationId: 'held', role: 'agent' }) });
      const customer = new CallEngine({ transport: hub.createTransport({ conversationId: 'held', role: 'customer' }), mediaDevices: () => holding });
      track(agent, customer);
      const panel = await fixture<ChatCallPanel>(html`<chat-call-panel participant="customer" .engine=${customer}></chat-call-panel>`);
      await customer.connect();
      await agent.startCall({ video: false });
      await waitUntil(() => byText(panel, 'Accept with audio'));
      byText(panel, 'Accept with audio')!.click();
      await waitUntil(() => $(panel, '[part~="status"]')?.textContent === 'Connecting…', 'connecting is shown');
      await expect(panel).to.be.accessible();
      answerPrompt();
      await waitUntil(() => $(panel, '[part~="status"]')?.textContent === 'In a call', 'then the call', { timeout: 10_000 });
      await expect(panel).to.be.accessible();
    });

    it('tells the agent the call goes on with audio when the camera is unavailable', async () => {
      const hub = new MemoryHub();
      const noCamera = {
        getUserMedia: (c: MediaStreamConstraints) =>
          c.video ? Promise.reject(new DOMException('in use', 'NotReadableError')) : navigator.mediaDevices.getUserMedia(c),
        enumerateDevices: () => navigator.mediaDevices.enumerateDevices(),
        addEventListener: () => {},
        removeEventListener: () => {},
      } as unknown as MediaDevices;
      const agent = new CallEngine({ transport: hub.createTransport({ conversationId: 'nocam', role: 'agent' }), mediaDevices: () => noCamera });
      const customer = new CallEngine({ transport: hub.createTransport({ conversationId: 'nocam', role: 'customer' }) });
      track(agent, customer);
      const panel = await fixture<ChatCallPanel>(html`<chat-call-panel participant="agent" .engine=${agent}></chat-call-panel>`);
      await customer.connect();
      await openMenuAndPick(panel, 'Video call');
      await waitUntil(() => $(panel, '[part~="notice"]'), 'a notice appears');
      expect($(panel, '[part~="notice"]')!.textContent).to.equal('Your camera is not available, so the call goes on with audio only.');
      expect(agent.state.phase).to.equal('outgoing');
      await expect(panel).to.be.accessible();
    });

    it('shows the customer that the agent ended the call', async () => {
      const { agentPanel, customerPanel, agent, customer } = await panels();
      await openMenuAndPick(agentPanel, 'Voice call');
      await waitUntil(() => byText(customerPanel, 'Accept with audio'));
      byText(customerPanel, 'Accept with audio')!.click();
      await waitUntil(() => agent.state.phase === 'active', 'active', { timeout: 10_000 });
      agent.end();
      await waitUntil(() => customer.state.phase === 'ended');
      await customerPanel.updateComplete;
      expect($(customerPanel, '[part~="status"]')!.textContent).to.equal('The other side ended the call');
      expect($(customerPanel, 'call-controls')).to.equal(null);
      await expect(customerPanel).to.be.accessible();
    });
  });

  describe('errors', () => {
    it('explains a denied microphone in words with what to do, and fires call-error', async () => {
      const { agentPanel } = await panels({}, 'en', true);
      const errored = oneEvent(agentPanel, 'call-error');
      await openMenuAndPick(agentPanel, 'Voice call');
      const event = await errored;
      expect(event.detail.error.code).to.equal('permission-denied');
      await agentPanel.updateComplete;
      const alert = $(agentPanel, '.alerts')!;
      expect(alert.getAttribute('role')).to.equal('alert');
      expect(alert.textContent, 'the device that failed is named').to.contain('Access to your microphone is blocked.');
      expect(alert.textContent).to.contain('site settings');
      await expect(agentPanel).to.be.accessible();
      byText(agentPanel, 'Dismiss')!.click();
      await agentPanel.updateComplete;
      expect(alert.textContent!.trim()).to.equal('');
    });

    it('says it in Portuguese for a pt-BR page', async () => {
      const { agentPanel } = await panels({}, 'pt-BR', true);
      const errored = oneEvent(agentPanel, 'call-error');
      await openMenuAndPick(agentPanel, 'Chamada de voz');
      await errored;
      await agentPanel.updateComplete;
      expect($(agentPanel, '.alerts')!.textContent).to.contain('O acesso ao microfone está bloqueado.');
    });
  });

  describe('localization', () => {
    it('uses the product wording in pt-BR', async () => {
      const { agentPanel, customerPanel } = await panels({}, 'pt-BR');
      expect(nameOf($(agentPanel, '[part~="menu-button"] .visually-hidden'))).to.equal('Mais comandos');
      $<HTMLButtonElement>(agentPanel, '[part~="menu-button"]')!.click();
      await agentPanel.updateComplete;
      const items = [...agentPanel.shadowRoot!.querySelectorAll('[role="menuitem"]')].map((i) => i.textContent!.trim());
      expect(items).to.deep.equal(['Chamada de voz', 'Chamada de vídeo']);
      byText(agentPanel, 'Chamada de vídeo')!.click();
      await waitUntil(() => byText(customerPanel, 'Aceitar com vídeo'));
      expect(byText(customerPanel, 'Aceitar com áudio')).to.exist;
      expect(byText(customerPanel, 'Rejeitar')).to.exist;
    });

    it('follows the document language when no ancestor sets one, and re-renders when it changes', async () => {
      const { agent } = engines2();
      const panel = await fixture<ChatCallPanel>(html`<chat-call-panel participant="agent" .engine=${agent}></chat-call-panel>`);
      document.documentElement.lang = 'pt-BR';
      await waitUntil(() => $(panel, '.visually-hidden')!.textContent === 'Mais comandos');
      document.documentElement.lang = 'en';
      await waitUntil(() => $(panel, '.visually-hidden')!.textContent === 'More commands');
    });
  });

  describe('layout', () => {
    it('fits a 320 px wide chat widget without horizontal scrolling while ringing', async () => {
      const { agentPanel, customerPanel } = await panels();
      await openMenuAndPick(agentPanel, 'Video call');
      await waitUntil(() => $(customerPanel, '[part~="ringing"]'));
      const base = $(customerPanel, '[part~="base"]')!;
      expect(customerPanel.getBoundingClientRect().width).to.equal(320);
      expect(base.scrollWidth).to.be.at.most(base.clientWidth);
    });
  });

  describe('look', () => {
    it('a voice call is a compact row with the other side\'s initials and name, no black video tile', async () => {
      const { agentPanel, customerPanel, agent, customer } = await panels({}, 'en', false, 480);
      await openMenuAndPick(agentPanel, 'Voice call');
      await waitUntil(() => byText(customerPanel, 'Accept with audio'));
      byText(customerPanel, 'Accept with audio')!.click();
      await waitUntil(() => agent.state.phase === 'active' && customer.state.phase === 'active', 'active', { timeout: 10_000 });
      await customerPanel.updateComplete;
      for (const [panel, name, initials] of [
        [customerPanel, 'Alex', 'A'],
        [agentPanel, 'Customer', 'C'],
      ] as const) {
        expect($(panel, '[part~="videos"]'), 'no video tile').to.equal(null);
        const row = $(panel, '[part~="audio-call"]')!;
        expect(row.getBoundingClientRect().height).to.be.below(100);
        expect($(panel, '[part~="name"]')!.textContent).to.equal(name);
        expect($(panel, '[part~="avatar"]')!.textContent).to.equal(initials);
        await expect(panel).to.be.accessible();
      }
      // Turning the camera on brings the video layout back.
      await customer.setVideoEnabled(true);
      await waitUntil(() => $(agentPanel, '[part~="remote-video"]'), 'the customer video shows', { timeout: 10_000 });
    });

    it('names the other side on their tile, takes the name from remote-name, and mirrors the self-view', async () => {
      const { agentPanel, customerPanel, agent, customer } = await panels({}, 'en', false, 480);
      agentPanel.remoteName = 'Maria Silva';
      await openMenuAndPick(agentPanel, 'Video call');
      await waitUntil(() => byText(customerPanel, 'Accept with video'));
      byText(customerPanel, 'Accept with video')!.click();
      await waitUntil(() => agent.remoteMediaState?.videoEnabled && customer.remoteMediaState?.videoEnabled, 'video both ways', { timeout: 10_000 });
      // The remote tile shows once frames arrive (never a frozen or empty picture).
      await waitUntil(() => agent.remoteVideoFlowing, 'remote frames arrive', { timeout: 5_000 });
      await agentPanel.updateComplete;
      expect($(agentPanel, '[part~="name"]')!.textContent).to.equal('Maria Silva');
      expect($(customerPanel, '[part~="name"]')!.textContent).to.equal('Alex');
      const self = $<HTMLVideoElement>(agentPanel, '[part~="local-video"]')!;
      expect(getComputedStyle(self).transform, 'mirrored').to.equal('matrix(-1, 0, 0, 1, 0, 0)');
      expect(getComputedStyle($(agentPanel, '[part~="remote-video"]')!).transform, 'the other side is not').to.equal('none');
      await customer.setVideoEnabled(false);
      await waitUntil(() => $(agentPanel, '[part~="avatar"]'));
      expect($(agentPanel, '[part~="avatar"]')!.textContent).to.equal('MS');
    });
  });

  describe('call-summary', () => {
    it('after a connected call: kind, duration, why and by whom it ended, on both sides', async () => {
      const { agentPanel, customerPanel, agent, customer } = await panels();
      const summaries: Array<{ side: string; detail: CallSummary }> = [];
      agentPanel.addEventListener('call-summary', (event) => summaries.push({ side: 'agent', detail: event.detail }));
      customerPanel.addEventListener('call-summary', (event) => summaries.push({ side: 'customer', detail: event.detail }));
      await openMenuAndPick(agentPanel, 'Video call');
      await waitUntil(() => byText(customerPanel, 'Accept with video'));
      byText(customerPanel, 'Accept with video')!.click();
      await waitUntil(() => agent.state.phase === 'active' && customer.state.phase === 'active', 'active', { timeout: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      customer.end();
      await waitUntil(() => summaries.length === 2, 'both sides summarize');
      const bySide = Object.fromEntries(summaries.map((s) => [s.side, s.detail]));
      expect(bySide.agent).to.include({ kind: 'video', endReason: 'remote-ended', by: 'customer' });
      expect(bySide.customer).to.include({ kind: 'video', endReason: 'local-ended', by: 'customer' });
      expect(bySide.agent!.durationMs).to.be.within(250, 10_000);
    });

    it('after a call that never connected: duration 0 and the reason (missed, declined)', async () => {
      const { agentPanel, customerPanel } = await panels();
      const seen = oneEvent(agentPanel, 'call-summary');
      await openMenuAndPick(agentPanel, 'Voice call');
      await waitUntil(() => byText(customerPanel, 'Reject'));
      byText(customerPanel, 'Reject')!.click();
      const event = await seen;
      expect(event.detail).to.deep.equal({ kind: 'voice', durationMs: 0, endReason: 'rejected', by: 'customer' });
      expect(event.bubbles && event.composed).to.equal(true);
    });
  });

  describe('words for the customer', () => {
    it('a blocked microphone: names the microphone and says the agent can call again (never "try again")', async () => {
      const { agent, customerPanel, customer } = engines2AndCustomerPanelRefusing();
      const panel = await customerPanel;
      await customer.connect();
      await agent.connect();
      await agent.startCall({ video: false });
      await waitUntil(() => byText(panel, 'Accept with audio'));
      byText(panel, 'Accept with audio')!.click();
      await waitUntil(() => $(panel, '[part~="error"]'), 'the error shows');
      const text = $(panel, '[part~="error"]')!.textContent!;
      expect(text).to.contain('Access to your microphone is blocked.');
      expect(text).to.contain('The agent can then call you again.');
      expect(text).to.not.contain('try again');
      await expect(panel).to.be.accessible();
    });
  });

  describe('end notices', () => {
    it('clear with Clear notice, and with the next call', async () => {
      const { agentPanel, customerPanel, agent } = await panels();
      await openMenuAndPick(agentPanel, 'Voice call');
      await waitUntil(() => byText(customerPanel, 'Reject'));
      byText(customerPanel, 'Reject')!.click();
      await waitUntil(() => byText(agentPanel, 'Clear notice'));
      expect($(agentPanel, '[part~="status"]')!.textContent).to.equal('The call was declined');
      byText(agentPanel, 'Clear notice')!.click();
      await agentPanel.updateComplete;
      expect($(agentPanel, '[part~="status"]')!.textContent!.trim()).to.equal('');
      expect(byText(customerPanel, 'Clear notice')).to.exist;
      await agent.startCall();
      await waitUntil(() => !byText(customerPanel, 'Clear notice'), 'the next call clears it');
    });
  });

  describe('lifecycle', () => {
    it('tells the agent a supervisor is listening, the customer only once it speaks, in both locales', async () => {
      const { agent, customer, hub, agentPanel, customerPanel } = await panels();
      await agent.startCall({ video: false });
      await waitUntil(() => customer.state.phase === 'incoming');
      await customer.accept({ video: false });
      await waitUntil(() => agent.state.phase === 'active' && customer.state.phase === 'active', 'call active', { timeout: 10_000 });
      const line = (panel: ChatCallPanel) => $(panel, '[part~="supervisor"]')?.textContent?.trim();
      hub.push(agent.conversationId, 'agent', createMessage('supervisor', { state: 'monitoring' }));
      await waitUntil(() => line(agentPanel) === 'A supervisor is listening', 'agent told');
      expect(line(customerPanel)).to.equal(undefined);
      expect($(agentPanel, '[part~="supervisor"]')!.getAttribute('role')).to.equal('status');
      await expect(agentPanel).to.be.accessible();
      for (const role of ['agent', 'customer'] as const) hub.push(agent.conversationId, role, createMessage('supervisor', { state: 'barged-in' }));
      await waitUntil(() => line(agentPanel) === 'A supervisor joined the call' && line(customerPanel) === 'A supervisor joined the call', 'both told');
      customerPanel.lang = 'pt-BR';
      await waitUntil(() => line(customerPanel) === 'Um supervisor entrou na chamada', 'pt-BR');
      for (const role of ['agent', 'customer'] as const) hub.push(agent.conversationId, role, createMessage('supervisor', { state: 'left' }));
      await waitUntil(() => line(agentPanel) === undefined && line(customerPanel) === undefined, 'gone');
      agent.end();
    });

    it('stops listening to the engine when removed from the document', async () => {
      const { agent } = engines2();
      const events = ['statechange', 'error', 'localstream', 'remotemediastate'] as const;
      const baseline = events.map((e) => agent.listenerCount(e));
      const panel = await fixture<ChatCallPanel>(html`<chat-call-panel participant="agent" .engine=${agent}></chat-call-panel>`);
      expect(events.map((e) => agent.listenerCount(e))).to.not.deep.equal(baseline);
      panel.remove();
      expect(events.map((e) => agent.listenerCount(e))).to.deep.equal(baseline);
    });
  });
});

/** Engines whose customer's browser denies the microphone, and a customer panel rendering them. */
function engines2AndCustomerPanelRefusing() {
  const hub = new MemoryHub();
  const denying = denyingDevices();
  const agent = new CallEngine({ transport: hub.createTransport({ conversationId: 'refusing', role: 'agent' }), displayName: 'Alex' });
  const customer = new CallEngine({ transport: hub.createTransport({ conversationId: 'refusing', role: 'customer' }), mediaDevices: () => denying });
  track(agent, customer);
  const customerPanel = fixture<ChatCallPanel>(html`<chat-call-panel participant="customer" .engine=${customer}></chat-call-panel>`);
  return { agent, customer, customerPanel };
}
