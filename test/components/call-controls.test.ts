/**
 * <call-controls> driving a real CallEngine: an agent engine and a customer engine in one page,
 * joined by the in-memory transport, with real peer connections and Chromium's fake devices. The
 * controls sit on the agent's side; the customer's engine is the "other side" that must see what
 * the agent's controls did.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../../src/components/call-controls/call-controls.js';
import type { CallControls } from '../../src/components/call-controls/call-controls.component.js';
import { CallEngine, type CallEngineOptions } from '../../src/engine/call-engine.js';
import type { CallError } from '../../src/engine/errors.js';
import type { CallRequestEndEvent } from '../../src/events/call-request-end.js';
import { MemoryHub } from '../../src/signaling/memory-transport.js';
import { accessibleName } from './support/a11y.js';

const engines: CallEngine[] = [];
let conversations = 0;

/**
 * The real devices, plus what a test needs: a second camera (Chromium fakes only one) that is
 * the real one under another id, extra devices to "plug in", and refusals.
 */
class Devices {
  static readonly SECOND_CAMERA = 'second-camera';
  readonly requests: MediaStreamConstraints[] = [];
  readonly plugged: MediaDeviceInfo[] = [];
  refuse: ((constraints: MediaStreamConstraints) => DOMException | undefined) | undefined;
  readonly api = {
    getUserMedia: async (constraints: MediaStreamConstraints) => {
      this.requests.push(constraints);
      const refusal = this.refuse?.(constraints);
      if (refusal) throw refusal;
      const video = constraints.video;
      const wantsSecond = typeof video === 'object' && JSON.stringify(video.deviceId ?? '').includes(Devices.SECOND_CAMERA);
      const stream = await navigator.mediaDevices.getUserMedia(wantsSecond ? { ...constraints, video: true } : constraints);
      if (wantsSecond) {
        const track = stream.getVideoTracks()[0]!;
        const settings = track.getSettings();
        track.getSettings = () => ({ ...settings, deviceId: Devices.SECOND_CAMERA });
      }
      return stream;
    },
    enumerateDevices: async () => {
      const real = await navigator.mediaDevices.enumerateDevices();
      const second = { deviceId: Devices.SECOND_CAMERA, kind: 'videoinput', label: 'Document camera', groupId: 'g2' } as MediaDeviceInfo;
      return [...real, second, ...this.plugged];
    },
    addEventListener: (type: string, listener: EventListener) => navigator.mediaDevices.addEventListener(type, listener),
    removeEventListener: (type: string, listener: EventListener) => navigator.mediaDevices.removeEventListener(type, listener),
  } as unknown as MediaDevices;
}

interface Setup {
  /** The agent's call is placed as a video call (and the customer answers with video). */
  video?: boolean;
  /** Deployment option: `false` is voice-only. */
  allowVideo?: boolean;
  /** `false` leaves the call ringing (outgoing on the agent's side). */
  answer?: boolean;
  /** `lang` attribute on the element itself. */
  lang?: string;
  /** `lang` attribute on the element's container. */
  containerLang?: string;
}

/** Agent controls in a 320 px container, and a call in the requested state. */
async function callWithControls({ video = true, allowVideo = true, answer = true, lang, containerLang }: Setup = {}) {
  const hub = new MemoryHub();
  const conversationId = `controls-${++conversations}`;
  const devices = new Devices();
  const options: Partial<CallEngineOptions> = { allowVideo };
  const agent = new CallEngine({
    transport: hub.createTransport({ conversationId, role: 'agent' }),
    mediaDevices: () => devices.api,
    ...options,
  });
  const customer = new CallEngine({ transport: hub.createTransport({ conversationId, role: 'customer' }), ...options });
  engines.push(agent, customer);
  const container = await fixture<HTMLDivElement>(html`
    <div style="width: 320px" lang=${containerLang ?? 'en'}>
      <call-controls lang=${ifDefined(lang)} .engine=${agent}></call-controls>
    </div>
  `);
  const el = container.querySelector('call-controls')!;
  await customer.connect();
  await agent.startCall({ video: video && allowVideo });
  if (answer) {
    await waitUntil(() => customer.state.phase === 'incoming', 'the customer is rung');
    await customer.accept({ video: video && allowVideo });
    await waitUntil(() => agent.state.phase === 'active' && customer.state.phase === 'active', 'both sides active', { timeout: 10_000 });
  }
  await el.updateComplete;
  return { el, agent, customer, devices, container };
}

const buttons = (el: CallControls) => [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button')];
const nameOf = accessibleName;
const names = (el: CallControls) => buttons(el).map(nameOf);
const button = (el: CallControls, name: string) => {
  const found = buttons(el).find((b) => nameOf(b) === name);
  if (!found) throw new Error(`no button named "${name}" (have: ${names(el).join(', ')})`);
  return found;
};
const part = <T extends Element = HTMLElement>(el: CallControls, name: string) => el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
const select = (el: CallControls, label: string) => {
  const found = [...el.shadowRoot!.querySelectorAll('label')].find((l) => l.textContent?.trim() === label);
  return found ? el.shadowRoot!.getElementById(found.htmlFor) as HTMLSelectElement | null : null;
};
const isShown = (element: Element | null) => element !== null && !element.closest('[hidden]');
/** Presses a shortcut the way a user does: modifiers held down, then the key. */
async function pressShortcut(shortcut: string) {
  const keys = shortcut.split('+');
  const key = keys.pop()!;
  for (const modifier of keys) await sendKeys({ down: modifier });
  await sendKeys({ press: /^[a-z]$/i.test(key) ? `Key${key.toUpperCase()}` : key });
  for (const modifier of keys.reverse()) await sendKeys({ up: modifier });
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

/** Collects `call-request-end` events reaching the document. */
function endRequests(prevent = false) {
  const seen: Array<{ source: string; cancelable: boolean }> = [];
  const listener = (event: CallRequestEndEvent) => {
    seen.push({ source: event.detail.source, cancelable: event.cancelable });
    if (prevent) event.preventDefault();
  };
  document.addEventListener('call-request-end', listener);
  return { seen, stop: () => document.removeEventListener('call-request-end', listener) };
}

afterEach(() => {
  for (const engine of engines.splice(0)) engine.dispose();
});

describe('<call-controls>', () => {
  describe('when no call is live', () => {
    it('renders nothing without an engine', async () => {
      const el = await fixture<CallControls>(html`<call-controls></call-controls>`);
      expect(buttons(el)).to.have.length(0);
      await expect(el).to.be.accessible();
    });

    it('renders nothing while idle, for a ringing callee, and after the call ended', async () => {
      const { el, agent, customer } = await callWithControls({ answer: false });
      const customerControls = await fixture<CallControls>(html`<call-controls .engine=${customer}></call-controls>`);
      await waitUntil(() => customer.state.phase === 'incoming');
      await customerControls.updateComplete;
      expect(buttons(customerControls), 'ringing callee').to.have.length(0);

      agent.end();
      await el.updateComplete;
      expect(agent.state.phase).to.equal('ended');
      expect(buttons(el), 'after the end').to.have.length(0);
      await expect(el).to.be.accessible();
    });

    it('ignores its shortcuts, so a ringing callee cannot be hung up by keyboard', async () => {
      const { el: callerControls, customer } = await callWithControls({ answer: false });
      callerControls.remove();
      await fixture<CallControls>(html`<call-controls .engine=${customer}></call-controls>`);
      await waitUntil(() => customer.state.phase === 'incoming');
      const requests = endRequests();
      await pressShortcut('Control+Shift+H');
      await settle();
      requests.stop();
      expect(requests.seen).to.deep.equal([]);
      expect(customer.state.phase).to.equal('incoming');
    });
  });

  describe('while the call rings', () => {
    it('shows Mute and Turn off video, each with its device chevron, and End call last', async () => {
      const { el, agent } = await callWithControls({ answer: false });
      expect(agent.state.phase).to.equal('outgoing');
      expect(names(el)).to.deep.equal(['Mute', 'Audio settings', 'Turn off video', 'Video settings', 'End call']);
      await expect(el).to.be.accessible();
    });

    it('cancels the ringing call with End call', async () => {
      const { el, agent, customer } = await callWithControls({ answer: false });
      await waitUntil(() => customer.state.phase === 'incoming');
      button(el, 'End call').click();
      await waitUntil(() => customer.state.phase === 'ended', 'the customer stops ringing');
      expect(agent.state.endReason).to.equal('cancelled');
    });
  });

  describe('in an active call', () => {
    it('starts as Mute and Turn off video, neither pressed, inside a group named Call controls', async () => {
      const { el } = await callWithControls();
      expect(part(el, 'base')!.getAttribute('role')).to.equal('group');
      expect(part(el, 'base')!.getAttribute('aria-label')).to.equal('Call controls');
      expect(nameOf(part(el, 'mute-button'))).to.equal('Mute');
      expect(part(el, 'mute-button')!.getAttribute('aria-pressed')).to.equal('false');
      expect(nameOf(part(el, 'video-button'))).to.equal('Turn off video');
      expect(part(el, 'video-button')!.getAttribute('aria-pressed')).to.equal('false');
      expect(el.shadowRoot!.querySelectorAll('svg:not([aria-hidden="true"])')).to.have.length(0);
      await expect(el).to.be.accessible();
    });

    it('mutes with Mute: the other engine sees this side muted and the button becomes Unmute, pressed', async () => {
      const { el, agent, customer } = await callWithControls();
      button(el, 'Mute').click();
      await waitUntil(() => customer.remoteMediaState?.muted === true, 'the other side sees the mute');
      await el.updateComplete;
      expect(agent.localMediaState.muted).to.equal(true);
      expect(nameOf(part(el, 'mute-button'))).to.equal('Unmute');
      expect(part(el, 'mute-button')!.getAttribute('aria-pressed')).to.equal('true');
      await expect(el).to.be.accessible();

      button(el, 'Unmute').click();
      await waitUntil(() => customer.remoteMediaState?.muted === false, 'the other side sees the unmute');
      await el.updateComplete;
      expect(nameOf(part(el, 'mute-button'))).to.equal('Mute');
      expect(part(el, 'mute-button')!.getAttribute('aria-pressed')).to.equal('false');
    });

    it('follows a mute made through the engine directly, without a click', async () => {
      const { el, agent } = await callWithControls();
      await agent.setMuted(true);
      await el.updateComplete;
      expect(nameOf(part(el, 'mute-button'))).to.equal('Unmute');
      expect(part(el, 'mute-button')!.getAttribute('aria-pressed')).to.equal('true');
      await agent.setMuted(false);
      await el.updateComplete;
      expect(nameOf(part(el, 'mute-button'))).to.equal('Mute');
    });

    it('turns the camera off with Turn off video: the other side sees it off and the button becomes Turn on video, pressed', async () => {
      const { el, agent, customer } = await callWithControls();
      button(el, 'Turn off video').click();
      await waitUntil(() => customer.remoteMediaState?.videoEnabled === false, 'the other side sees the camera off');
      await el.updateComplete;
      expect(agent.localStream?.getVideoTracks() ?? []).to.have.length(0);
      expect(nameOf(part(el, 'video-button'))).to.equal('Turn on video');
      expect(part(el, 'video-button')!.getAttribute('aria-pressed')).to.equal('true');
      await expect(el).to.be.accessible();

      button(el, 'Turn on video').click();
      await waitUntil(() => customer.remoteMediaState?.videoEnabled === true, 'the other side sees the camera on');
      await el.updateComplete;
      expect(nameOf(part(el, 'video-button'))).to.equal('Turn off video');
      expect(part(el, 'video-button')!.getAttribute('aria-pressed')).to.equal('false');
    });

    it('follows a camera change made through the engine directly', async () => {
      const { el, agent } = await callWithControls();
      await agent.setVideoEnabled(false);
      await el.updateComplete;
      expect(nameOf(part(el, 'video-button'))).to.equal('Turn on video');
      await agent.setVideoEnabled(true);
      await el.updateComplete;
      expect(nameOf(part(el, 'video-button'))).to.equal('Turn off video');
    });

    it('offers Turn on video in a voice call, which upgrades the call to video', async () => {
      const { el, customer } = await callWithControls({ video: false });
      expect(names(el)).to.deep.equal(['Mute', 'Audio settings', 'Turn on video', 'Video settings', 'End call']);
      expect(part(el, 'video-button')!.getAttribute('aria-pressed')).to.equal('true');
      await expect(el).to.be.accessible();
      button(el, 'Turn on video').click();
      await waitUntil(() => customer.remoteMediaState?.videoEnabled === true, 'the other side sees video', { timeout: 10_000 });
      await el.updateComplete;
      expect(nameOf(part(el, 'video-button'))).to.equal('Turn off video');
    });

    it('has no video button, video shortcut or camera list in a voice-only deployment', async () => {
      const { el, agent } = await callWithControls({ allowVideo: false });
      expect(names(el)).to.deep.equal(['Mute', 'Audio settings', 'End call']);
      expect(part(el, 'video-button')).to.equal(null);
      await pressShortcut('Control+Shift+O');
      await settle();
      expect(agent.localMediaState.videoEnabled).to.equal(false);
      button(el, 'Audio settings').click();
      await el.updateComplete;
      expect(select(el, 'Camera')).to.equal(null);
      expect(select(el, 'Microphone')).to.not.equal(null);
      await expect(el).to.be.accessible();
    });

    it('fits a 320 px wide container: icon-only round buttons, named for screen readers and by tooltips', async () => {
      const { el } = await callWithControls({ lang: 'pt-BR' });
      button(el, 'Configurações de áudio').click();
      await el.updateComplete;
      const mute = part(el, 'mute-button')!;
      const circle = mute.getBoundingClientRect();
      expect(Math.round(circle.width), 'round: as wide as high').to.equal(Math.round(circle.height));
      expect(getComputedStyle(mute).borderTopLeftRadius).to.not.equal('0px');
      expect(mute.querySelector('.label')!.getBoundingClientRect().width, 'the label is visually hidden').to.be.at.most(1);
      expect(mute.querySelector('.tip')!.textContent).to.equal('Mudo (Ctrl+Shift+M)');
      const base = part(el, 'base')!;
      expect(el.getBoundingClientRect().width).to.be.at.most(320);
      expect(base.scrollWidth).to.be.at.most(base.clientWidth);
      for (const control of [...buttons(el), ...el.shadowRoot!.querySelectorAll('select')]) {
        expect(control.getBoundingClientRect().right, nameOf(control)).to.be.at.most(el.getBoundingClientRect().right + 0.5);
      }
    });

    it('shows each name next to its icon in a wide container, with End call red and last', async () => {
      const { el, container } = await callWithControls();
      container.style.width = '640px';
      await el.updateComplete;
      const mute = part(el, 'mute-button')!;
      expect(mute.querySelector('.label')!.getBoundingClientRect().width).to.be.above(20);
      const all = buttons(el);
      expect(all.at(-1)).to.equal(part(el, 'end-button'));
      const [r, g, b] = getComputedStyle(part(el, 'end-button')!).backgroundColor.match(/\d+/g)!.map(Number);
      expect(r! > 150 && g! < 80 && b! < 80, 'End call is red').to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('lets no engine rejection escape as an unhandled rejection (the engine reports it as an error)', async () => {
      const { el, agent, devices } = await callWithControls({ video: false });
      devices.refuse = (constraints) => (constraints.video ? new DOMException('busy', 'NotReadableError') : undefined);
      const errors: CallError[] = [];
      agent.on('error', (error) => errors.push(error));
      const unhandled: unknown[] = [];
      const onUnhandled = (event: PromiseRejectionEvent) => {
        unhandled.push(event.reason);
        event.preventDefault();
      };
      window.addEventListener('unhandledrejection', onUnhandled);
      try {
        button(el, 'Turn on video').click();
        await waitUntil(() => errors.length > 0, 'the engine reports the busy camera');
        await settle();
      } finally {
        window.removeEventListener('unhandledrejection', onUnhandled);
      }
      expect(unhandled).to.deep.equal([]);
      expect(errors[0]!.code).to.equal('device-in-use');
      await el.updateComplete;
      expect(nameOf(part(el, 'video-button'))).to.equal('Turn on video');
      expect(agent.state.phase).to.equal('active');
    });
  });

  describe('End call', () => {
    it('fires a cancelable call-request-end from the button, then ends the call on both sides', async () => {
      const { el, agent, customer } = await callWithControls();
      const request = oneEvent(el, 'call-request-end');
      button(el, 'End call').click();
      const event = (await request) as CallRequestEndEvent;
      expect(event.detail).to.deep.equal({ source: 'button' });
      expect(event.cancelable).to.equal(true);
      expect(event.bubbles && event.composed).to.equal(true);
      expect(agent.state.endReason).to.equal('local-ended');
      await waitUntil(() => customer.state.phase === 'ended', 'the other side ends too');
      expect(customer.state.endReason).to.equal('remote-ended');
      await el.updateComplete;
      expect(buttons(el)).to.have.length(0);
    });

    it('keeps the call when a listener calls preventDefault()', async () => {
      const { el, agent } = await callWithControls();
      const requests = endRequests(true);
      button(el, 'End call').click();
      requests.stop();
      expect(requests.seen).to.deep.equal([{ source: 'button', cancelable: true }]);
      await settle();
      expect(agent.state.phase).to.equal('active');
      expect(names(el)).to.include('End call');
    });
  });

  describe('keyboard shortcuts', () => {
    it('toggles mute with Control+Shift+M, video with Control+Shift+O, and ends with Control+Shift+H', async () => {
      const { el, agent, customer } = await callWithControls();
      await pressShortcut('Control+Shift+M');
      await waitUntil(() => customer.remoteMediaState?.muted === true, 'muted by keyboard');
      await pressShortcut('Control+Shift+M');
      await waitUntil(() => customer.remoteMediaState?.muted === false, 'unmuted by keyboard');
      await pressShortcut('Control+Shift+O');
      await waitUntil(() => customer.remoteMediaState?.videoEnabled === false, 'camera off by keyboard');
      await el.updateComplete;
      expect(nameOf(part(el, 'video-button'))).to.equal('Turn on video');

      const requests = endRequests();
      await pressShortcut('Control+Shift+H');
      requests.stop();
      expect(requests.seen).to.deep.equal([{ source: 'keyboard', cancelable: true }]);
      expect(agent.state.endReason).to.equal('local-ended');
    });

    it('advertises them through aria-keyshortcuts', async () => {
      const { el } = await callWithControls();
      expect(part(el, 'mute-button')!.getAttribute('aria-keyshortcuts')).to.equal('Control+Shift+M');
      expect(part(el, 'video-button')!.getAttribute('aria-keyshortcuts')).to.equal('Control+Shift+O');
      expect(part(el, 'end-button')!.getAttribute('aria-keyshortcuts')).to.equal('Control+Shift+H');
    });

    it('compares the key case-insensitively but needs exactly the modifiers', async () => {
      const { agent } = await callWithControls();
      const press = (init: KeyboardEventInit) => document.body.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init }));
      press({ key: 'm', ctrlKey: true });
      press({ key: 'M', ctrlKey: true, shiftKey: true, altKey: true });
      await settle();
      expect(agent.localMediaState.muted, 'other modifiers').to.equal(false);
      press({ key: 'm', ctrlKey: true, shiftKey: true });
      expect(agent.localMediaState.muted, 'lower-case key').to.equal(true);
    });

    it('does not repeat while a shortcut key is held down', async () => {
      const { agent } = await callWithControls();
      const init = { key: 'M', ctrlKey: true, shiftKey: true, bubbles: true };
      document.body.dispatchEvent(new KeyboardEvent('keydown', init));
      document.body.dispatchEvent(new KeyboardEvent('keydown', { ...init, repeat: true }));
      expect(agent.localMediaState.muted).to.equal(true);
    });

    it('can be overridden through the shortcuts property; the others keep their defaults', async () => {
      const { el, agent } = await callWithControls();
      el.shortcuts = { mute: 'Alt+M' };
      await el.updateComplete;
      expect(part(el, 'mute-button')!.getAttribute('aria-keyshortcuts')).to.equal('Alt+M');
      await pressShortcut('Control+Shift+M');
      await settle();
      expect(agent.localMediaState.muted, 'old shortcut').to.equal(false);
      await pressShortcut('Alt+M');
      await waitUntil(() => agent.localMediaState.muted, 'muted with the new shortcut');
      await pressShortcut('Control+Shift+O');
      await waitUntil(() => !agent.localMediaState.videoEnabled, 'the video default still works');
    });

    it('can be overridden through the shortcuts attribute as JSON', async () => {
      const { el, agent } = await callWithControls();
      el.setAttribute('shortcuts', '{"end": "Alt+Shift+E"}');
      await el.updateComplete;
      expect(part(el, 'end-button')!.getAttribute('aria-keyshortcuts')).to.equal('Alt+Shift+E');
      await pressShortcut('Alt+Shift+E');
      expect(agent.state.endReason).to.equal('local-ended');
    });

    it('turns a shortcut off with null, and stops advertising it', async () => {
      const { el, agent } = await callWithControls();
      el.shortcuts = { end: null, mute: null };
      await el.updateComplete;
      expect(part(el, 'end-button')!.hasAttribute('aria-keyshortcuts')).to.equal(false);
      expect(part(el, 'mute-button')!.hasAttribute('aria-keyshortcuts')).to.equal(false);
      const requests = endRequests();
      await pressShortcut('Control+Shift+H');
      await pressShortcut('Control+Shift+M');
      await settle();
      requests.stop();
      expect(requests.seen).to.deep.equal([]);
      expect(agent.state.phase).to.equal('active');
      expect(agent.localMediaState.muted).to.equal(false);
    });

    it('stops listening once the element is removed from the document', async () => {
      const { el, agent } = await callWithControls();
      el.remove();
      const requests = endRequests();
      await pressShortcut('Control+Shift+M');
      await pressShortcut('Control+Shift+H');
      await settle();
      requests.stop();
      expect(requests.seen).to.deep.equal([]);
      expect(agent.state.phase).to.equal('active');
      expect(agent.localMediaState.muted).to.equal(false);
    });
  });

  describe('device pickers', () => {
    it('the microphone chevron discloses the Microphone and Speaker lists, the camera chevron the Camera list, with the ones in use selected', async () => {
      const { el, agent } = await callWithControls();
      const audio = button(el, 'Audio settings');
      const video = button(el, 'Video settings');
      const audioPanel = part(el, 'microphone-devices-panel')!;
      const videoPanel = part(el, 'camera-devices-panel')!;
      expect(audio.getAttribute('aria-controls')).to.equal(audioPanel.id);
      expect(video.getAttribute('aria-controls')).to.equal(videoPanel.id);
      expect(audio.getAttribute('aria-expanded')).to.equal('false');
      expect(isShown(audioPanel)).to.equal(false);

      audio.click();
      await waitUntil(() => (select(el, 'Microphone')?.options.length ?? 0) >= 1, 'the lists are filled');
      expect(audio.getAttribute('aria-expanded')).to.equal('true');
      expect(isShown(audioPanel)).to.equal(true);
      expect(isShown(videoPanel)).to.equal(false);
      const listed = await agent.listDevices();
      const optionsOf = (label: string) => [...select(el, label)!.options].map((o) => o.value);
      expect(optionsOf('Microphone')).to.deep.equal(listed.microphones.map((d) => d.deviceId));
      expect(optionsOf('Speaker')).to.deep.equal(listed.speakers.map((d) => d.deviceId));
      expect([...select(el, 'Microphone')!.options].map((o) => o.text)).to.include('Fake Default Audio Input');
      expect(select(el, 'Microphone')!.value).to.equal(agent.localStream!.getAudioTracks()[0]!.getSettings().deviceId);
      expect(select(el, 'Speaker')!.value).to.equal('default');
      expect(audioPanel.contains(select(el, 'Camera')), 'the camera is not in the audio picker').to.equal(false);
      await expect(el).to.be.accessible();

      video.click();
      await el.updateComplete;
      expect(isShown(audioPanel), 'one picker at a time').to.equal(false);
      expect(isShown(videoPanel)).to.equal(true);
      expect(optionsOf('Camera')).to.deep.equal(listed.cameras.map((d) => d.deviceId));
      expect(select(el, 'Camera')!.value).to.equal(agent.localStream!.getVideoTracks()[0]!.getSettings().deviceId);
      await expect(el).to.be.accessible();

      video.click();
      await el.updateComplete;
      expect(video.getAttribute('aria-expanded')).to.equal('false');
      expect(isShown(videoPanel)).to.equal(false);
    });

    it("switches the engine's camera track when another camera is chosen", async () => {
      const { el, agent, devices, customer } = await callWithControls();
      button(el, 'Video settings').click();
      await waitUntil(() => (select(el, 'Camera')?.options.length ?? 0) >= 2, 'the lists are filled');
      const before = agent.localStream!.getVideoTracks()[0]!;
      const camera = select(el, 'Camera')!;
      camera.value = Devices.SECOND_CAMERA;
      camera.dispatchEvent(new Event('change', { bubbles: true }));
      await waitUntil(() => agent.localStream?.getVideoTracks()[0] !== before, 'a new camera track');
      const after = agent.localStream!.getVideoTracks()[0]!;
      expect(before.readyState).to.equal('ended');
      expect(after.readyState).to.equal('live');
      expect(JSON.stringify(devices.requests.at(-1))).to.include(Devices.SECOND_CAMERA);
      await el.updateComplete;
      expect(select(el, 'Camera')!.value).to.equal(Devices.SECOND_CAMERA);
      expect(customer.state.phase).to.equal('active');
    });

    it('chooses the speaker through the engine', async () => {
      const { el, agent } = await callWithControls();
      button(el, 'Audio settings').click();
      await waitUntil(() => (select(el, 'Speaker')?.options.length ?? 0) >= 2, 'the lists are filled');
      const speaker = select(el, 'Speaker')!;
      const other = [...speaker.options].find((o) => o.value !== 'default')!.value;
      speaker.value = other;
      speaker.dispatchEvent(new Event('change', { bubbles: true }));
      expect(agent.audioOutputDeviceId).to.equal(other);
      await el.updateComplete;
      expect(select(el, 'Speaker')!.value).to.equal(other);
    });

    it('closes with Escape from a list and returns focus to its chevron', async () => {
      const { el } = await callWithControls();
      const audio = button(el, 'Audio settings');
      audio.focus();
      audio.click();
      await waitUntil(() => (select(el, 'Microphone')?.options.length ?? 0) >= 1, 'the lists are filled');
      select(el, 'Microphone')!.focus();
      await sendKeys({ press: 'Escape' });
      await el.updateComplete;
      expect(audio.getAttribute('aria-expanded')).to.equal('false');
      expect(isShown(part(el, 'microphone-devices-panel'))).to.equal(false);
      expect(el.shadowRoot!.activeElement).to.equal(audio);
      await expect(el).to.be.accessible();
    });

    it('is next in the tab order after its chevron; Tab past its last list goes on to the camera, not End call, and closes it', async () => {
      const { el } = await callWithControls();
      const audio = button(el, 'Audio settings');
      audio.focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => (select(el, 'Speaker')?.options.length ?? 0) >= 1, 'the lists are filled');
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement, 'Tab enters the open picker').to.equal(select(el, 'Microphone'));
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement).to.equal(select(el, 'Speaker'));
      await sendKeys({ press: 'Tab' });
      await el.updateComplete;
      expect(accessibleName(el.shadowRoot!.activeElement)).to.equal('Turn off video');
      expect(isShown(part(el, 'microphone-devices-panel')), 'focus moved on: the picker closed').to.equal(false);
    });

    it('refreshes the lists when the engine reports a device change', async () => {
      const { el, devices } = await callWithControls();
      button(el, 'Audio settings').click();
      await waitUntil(() => (select(el, 'Microphone')?.options.length ?? 0) >= 1, 'the lists are filled');
      devices.plugged.push({ deviceId: 'headset', kind: 'audioinput', label: 'USB headset', groupId: 'g3' } as MediaDeviceInfo);
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
      await waitUntil(() => [...select(el, 'Microphone')!.options].some((o) => o.text === 'USB headset'), 'the new headset is listed');
    });

    it('hides the Speaker list where the browser cannot choose one (no setSinkId)', async () => {
      const descriptor = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'setSinkId')!;
      delete (HTMLMediaElement.prototype as Partial<HTMLMediaElement>).setSinkId;
      try {
        const { el } = await callWithControls();
        button(el, 'Audio settings').click();
        await el.updateComplete;
        expect(select(el, 'Microphone')).to.not.equal(null);
        expect(select(el, 'Speaker')).to.equal(null);
      } finally {
        Object.defineProperty(HTMLMediaElement.prototype, 'setSinkId', descriptor);
      }
    });

    it("where the browser lists speakers only after its own chooser (Firefox), Choose speaker… opens it and switches to the pick", async () => {
      const { el, agent, devices } = await callWithControls();
      const picked = { deviceId: 'bluetooth-speaker', kind: 'audiooutput', label: 'Bluetooth speaker', groupId: 'g4' } as MediaDeviceInfo;
      let opened = 0;
      let answer: 'pick' | 'dismiss' = 'dismiss';
      // Firefox: selectAudioOutput() shows the chooser; the chosen speaker is listed from then on.
      (devices.api as MediaDevices & { selectAudioOutput?: () => Promise<MediaDeviceInfo> }).selectAudioOutput = async () => {
        opened += 1;
        if (answer === 'dismiss') throw new DOMException('the user closed the chooser', 'NotAllowedError');
        devices.plugged.push(picked);
        return picked;
      };
      button(el, 'Audio settings').click();
      await el.updateComplete;
      const chooser = button(el, 'Choose speaker…');
      expect(isShown(chooser)).to.equal(true);
      await expect(el).to.be.accessible();

      const errors: string[] = [];
      agent.on('error', (error) => errors.push(error.code));
      chooser.click();
      await waitUntil(() => opened === 1, 'the chooser opened');
      await el.updateComplete;
      expect(agent.audioOutputDeviceId).to.equal(undefined, 'closing the chooser keeps the speaker');
      expect(errors).to.deep.equal([], 'closing the chooser is no error');

      answer = 'pick';
      button(el, 'Choose speaker…').click();
      await waitUntil(() => agent.audioOutputDeviceId === 'bluetooth-speaker', 'the engine uses the chosen speaker');
      await waitUntil(() => select(el, 'Speaker')?.value === 'bluetooth-speaker', 'the list shows it as chosen');
    });

    it('offers no speaker chooser where the browser lists speakers itself (Chromium)', async () => {
      const { el } = await callWithControls();
      button(el, 'Audio settings').click();
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part~="speaker-chooser-button"]')).to.equal(null);
    });

    it('is closed again for the next call', async () => {
      const { el, agent, customer } = await callWithControls();
      button(el, 'Audio settings').click();
      await el.updateComplete;
      agent.end();
      await waitUntil(() => customer.state.phase === 'ended');
      await agent.startCall();
      await el.updateComplete;
      expect(button(el, 'Audio settings').getAttribute('aria-expanded')).to.equal('false');
    });

    it('Escape hides a tooltip; it comes back once the pointer leaves', async () => {
      const { el } = await callWithControls();
      const mute = part(el, 'mute-button')!;
      mute.focus({ focusVisible: true } as FocusOptions);
      await sendKeys({ press: 'Shift' }); // keyboard modality: :focus-visible applies
      await waitUntil(() => getComputedStyle(mute.querySelector('.tip')!).display === 'block', 'the tooltip shows on focus');
      await sendKeys({ press: 'Escape' });
      await waitUntil(() => getComputedStyle(mute.querySelector('.tip')!).display === 'none', 'Escape hides it');
      el.dispatchEvent(new PointerEvent('pointerleave'));
      await waitUntil(() => getComputedStyle(mute.querySelector('.tip')!).display === 'block', 'back again');
    });
  });

  describe('localization', () => {
    it('uses the Portuguese names with lang="pt-BR" on the element', async () => {
      const { el, customer } = await callWithControls({ lang: 'pt-BR' });
      expect(names(el)).to.deep.equal(['Mudo', 'Configurações de áudio', 'Desativar vídeo', 'Configurações de vídeo', 'Encerrar chamada']);
      await expect(el).to.be.accessible();
      button(el, 'Mudo').click();
      button(el, 'Desativar vídeo').click();
      await waitUntil(() => customer.remoteMediaState?.muted === true && customer.remoteMediaState.videoEnabled === false);
      await el.updateComplete;
      expect(names(el)).to.deep.equal(['Desativar mudo', 'Configurações de áudio', 'Ativar vídeo', 'Configurações de vídeo', 'Encerrar chamada']);
      button(el, 'Configurações de áudio').click();
      await el.updateComplete;
      expect(select(el, 'Microfone')).to.not.equal(null);
      expect(select(el, 'Alto-falante')).to.not.equal(null);
      button(el, 'Configurações de vídeo').click();
      await el.updateComplete;
      expect(select(el, 'Câmera')).to.not.equal(null);
      expect(part(el, 'base')!.getAttribute('aria-label')).to.equal('Controles da chamada');
      await expect(el).to.be.accessible();
    });

    it('uses the Portuguese names from an ancestor lang', async () => {
      const { el } = await callWithControls({ containerLang: 'pt-BR' });
      expect(names(el)).to.deep.equal(['Mudo', 'Configurações de áudio', 'Desativar vídeo', 'Configurações de vídeo', 'Encerrar chamada']);
    });

    it('re-renders when its lang attribute changes', async () => {
      const { el } = await callWithControls();
      el.setAttribute('lang', 'pt-BR');
      await el.updateComplete;
      expect(nameOf(part(el, 'end-button'))).to.equal('Encerrar chamada');
      el.lang = 'en';
      await el.updateComplete;
      expect(el.getAttribute('lang')).to.equal('en');
      expect(nameOf(part(el, 'end-button'))).to.equal('End call');
    });
  });
});
