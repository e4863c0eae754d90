import { html, nothing, svg, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { CallEngine } from '../../engine/call-engine.js';
import type { DeviceInfo, DeviceList } from '../../engine/devices.js';
import { LocalizeController } from '../../i18n/localize.js';
import { CallKitElement } from '../../internal/call-kit-element.js';
import { EngineController } from '../engine-controller.js';
import styles from './call-controls.styles.js';

/** The commands that have a keyboard shortcut. */
export type CallControlsShortcut = 'mute' | 'video' | 'end';

/**
 * Shortcuts in the `aria-keyshortcuts` format: modifiers (`Control`, `Shift`, `Alt`, `Meta`; also
 * `Ctrl`, `Option`, `Cmd`) then the key, joined by `+`. `null` turns one shortcut off.
 */
export type CallControlsShortcuts = Partial<Record<CallControlsShortcut, string | null>>;

/** Microsoft Teams' call shortcuts, which many agents already know. */
export const DEFAULT_CALL_SHORTCUTS: Readonly<Record<CallControlsShortcut, string>> = Object.freeze({
  mute: 'Control+Shift+M',
  video: 'Control+Shift+O',
  end: 'Control+Shift+H',
});

type DeviceKind = 'microphone' | 'camera' | 'speaker';

/** `shortcuts='{"mute": "Alt+M", "end": null}'`; JSON that does not parse is ignored. */
const shortcutsConverter = {
  fromAttribute(value: string | null): CallControlsShortcuts {
    if (!value) return {};
    try {
      const parsed: unknown = JSON.parse(value);
      return parsed && typeof parsed === 'object' ? (parsed as CallControlsShortcuts) : {};
    } catch {
      return {};
    }
  },
  toAttribute: (value: CallControlsShortcuts) => JSON.stringify(value),
};

/**
 * @summary The in-call toolbar: **Mute** / **Unmute**, **Turn off video** / **Turn on video**, a
 * **Devices** picker and **End call**, for any `CallEngine`.
 *
 * @description Renders only while the engine's call is `outgoing`, `connecting` or `active`; at any
 * other time it renders nothing and its keyboard shortcuts are off. Every label and pressed state
 * comes from what the engine reports (`engine.localMediaState`), never from a click, so a change
 * made through the engine directly (`engine.setMuted(true)`) shows here too.
 *
 * **Toggle buttons.** `aria-pressed="true"` always means "this side is withholding that media":
 * the mute button is pressed while the microphone is muted (its name is then **Unmute**), the video
 * button is pressed while the camera is off (its name is then **Turn on video**). Not pressed:
 * **Mute** and **Turn off video**. The video button is absent when the engine was made with
 * `allowVideo: false`; in a voice call **Turn on video** upgrades the call to video.
 *
 * **End call** first fires the cancelable `call-request-end` (`detail.source: 'button'`); unless a
 * listener calls `preventDefault()`, the controls then call `engine.end()`.
 *
 * **Devices** opens a panel with **Microphone**, **Camera** and **Speaker** lists (the speaker list
 * only where the browser supports `HTMLMediaElement.setSinkId`). They are read from
 * `engine.listDevices()` when the panel opens and whenever the engine reports `devicechange`;
 * picking one calls `engine.switchDevice()`. `Escape` closes the panel and returns focus to
 * **Devices**.
 *
 * **Keyboard shortcuts** (listened for on `document`, only while connected and a call is live;
 * each is also announced through `aria-keyshortcuts`):
 * - `Control+Shift+M` toggles mute;
 * - `Control+Shift+O` toggles video;
 * - `Control+Shift+H` ends the call (through `call-request-end` with `detail.source: 'keyboard'`).
 *
 * The key is compared with `KeyboardEvent.key` case-insensitively and the modifiers must match
 * exactly. Change them with the `shortcuts` property (e.g. `{ mute: 'Alt+M', end: null }`; `null`
 * turns one off, missing ones keep their default) or the `shortcuts` attribute holding the same
 * object as JSON. Every live `<call-controls>` in the document answers a shortcut, so a page
 * showing several calls at once should turn them off on all but one.
 *
 * Engine failures are not rethrown: the engine reports them through its `error` event (which
 * `<chat-call-panel>` shows).
 *
 * @fires {CallRequestEndEvent} call-request-end - Cancelable. The user asked to end the call with the button (`detail.source: 'button'`) or the shortcut (`'keyboard'`). `preventDefault()` keeps the call going.
 *
 * @csspart base - The toolbar wrapper (a group named **Call controls**).
 * @csspart mute-button - The **Mute** / **Unmute** toggle button.
 * @csspart video-button - The **Turn off video** / **Turn on video** toggle button.
 * @csspart end-button - The **End call** button.
 * @csspart devices-button - The **Devices** button that opens the device picker.
 * @csspart devices-panel - The device picker with the **Microphone**, **Camera** and **Speaker** lists.
 *
 * @cssprop --cck-controls-gap - Space between the controls. Default `0.5rem`.
 * @cssprop --cck-control-background - Button background. Defaults to `--cck-color-surface-raised`, then the system `ButtonFace`.
 * @cssprop --cck-control-color - Button text and icon colour. Defaults to `--cck-color-text`, then `ButtonText`.
 * @cssprop --cck-control-pressed-background - Background of a pressed toggle (muted, camera off). Defaults to `--cck-color-text`, then `CanvasText`.
 * @cssprop --cck-control-pressed-color - Text colour of a pressed toggle. Defaults to `--cck-color-surface`, then `Canvas`.
 * @cssprop --cck-control-radius - Corner radius of buttons, lists and the device panel. Default `0.375rem`.
 * @cssprop --cck-end-background - **End call** background. Defaults to `--cck-color-danger`, then `#c62828`.
 * @cssprop --cck-end-color - **End call** text colour. Default `#fff`.
 * @cssprop --cck-focus-ring-color - Focus outline colour. Defaults to `--cck-color-accent`, then `Highlight`.
 * @cssprop --cck-devices-background - Device panel background. Defaults to `--cck-color-surface`, then `Canvas`.
 * @cssprop --cck-color-scheme - The `color-scheme` the system-colour fallbacks use. Default `light dark` (the user's preference); set `dark` or `light` to match a host page that themes itself.
 */
export class CallControls extends CallKitElement {
  static override styles = styles;

  private readonly localize = new LocalizeController(this);
  readonly #engineController = new EngineController(this, (engine) => [
    engine.on('devicechange', () => {
      if (this.devicesOpen) void this.#refreshDevices();
    }),
  ]);
  readonly #shortcuts = new KeyboardShortcutsController<CallControlsShortcut>(this, {
    active: () => this.#live,
    bindings: () => this.#shortcutBindings(),
    run: (command) => this.#runShortcut(command),
  });

  @query('[part~="devices-button"]') private devicesButton?: HTMLButtonElement;

  /** The engine whose call these controls drive. Share the one your `<chat-call-panel>` or app uses. */
  @property({ attribute: false })
  get engine(): CallEngine | undefined {
    return this.#engineController.engine;
  }
  set engine(engine: CallEngine | undefined) {
    if (engine === this.#engineController.engine) return;
    this.devices = undefined;
    this.devicesOpen = false;
    this.#engineController.engine = engine;
  }

  /**
   * Overrides the keyboard shortcuts: `{ mute, video, end }`, each a shortcut such as
   * `'Control+Shift+M'` or `null` to turn it off; missing keys keep their default. As an attribute,
   * the same object as JSON.
   */
  @property({ converter: shortcutsConverter }) shortcuts: CallControlsShortcuts = {};

  /**
   * The locale (`en`, `pt-BR`). When absent, the nearest ancestor's `lang`, then the document's.
   * Changing it (attribute or property) re-renders.
   */
  @property()
  override get lang(): string {
    return this.#lang;
  }
  override set lang(value: string) {
    this.#lang = value ?? '';
    // The locale is read from the attribute: it must change before the next render.
    if (this.#lang && this.getAttribute('lang') !== this.#lang) this.setAttribute('lang', this.#lang);
    else if (!this.#lang && this.hasAttribute('lang')) this.removeAttribute('lang');
  }

  @state() private devicesOpen = false;
  @state() private devices: DeviceList | undefined;

  #lang = '';
  /** What the user picked, for kinds that have no live track to ask (camera off, speaker). */
  readonly #picked: Partial<Record<DeviceKind, string>> = {};
  /** The camera takes a moment to start: a second click meanwhile must not start it twice. */
  #videoPending = false;

  protected override willUpdate(): void {
    // The picker closes with the call, so the next call starts with a closed panel.
    if (!this.#live && this.devicesOpen) this.devicesOpen = false;
  }

  // --- handlers ----------------------------------------------------------------------------

  #toggleMute(): void {
    const engine = this.engine;
    if (!engine || !this.#live) return;
    // Failures are reported through the engine's `error` event.
    engine.setMuted(!engine.localMediaState.muted).catch(() => {});
  }

  #toggleVideo(): void {
    const engine = this.engine;
    if (!engine || !this.#live || !engine.options.allowVideo || this.#videoPending) return;
    this.#videoPending = true;
    engine
      .setVideoEnabled(!engine.localMediaState.videoEnabled)
      .catch(() => {})
      .finally(() => (this.#videoPending = false));
  }

  #requestEnd(source: 'button' | 'keyboard'): void {
    const engine = this.engine;
    if (!engine || !this.#live) return;
    const request = this.emit('call-request-end', { source }, { cancelable: true });
    if (!request.defaultPrevented) engine.end();
  }

  #runShortcut(command: CallControlsShortcut): void {
    if (command === 'mute') this.#toggleMute();
    else if (command === 'video') this.#toggleVideo();
    else this.#requestEnd('keyboard');
  }

  #toggleDevices(): void {
    this.devicesOpen = !this.devicesOpen;
    if (this.devicesOpen) void this.#refreshDevices();
  }

  #onDevicesKeyDown(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || !this.devicesOpen) return;
    // Handled here: an enclosing dialog must not close as well.
    event.preventDefault();
    event.stopPropagation();
    this.devicesOpen = false;
    this.devicesButton?.focus();
  }

  #onDeviceChosen(kind: DeviceKind, event: Event): void {
    const engine = this.engine;
    const deviceId = (event.target as HTMLSelectElement).value;
    if (!engine || !deviceId) return;
    this.#picked[kind] = deviceId;
    engine
      .switchDevice(kind, deviceId)
      .catch(() => {})
      // The lists show the device the engine really uses: after a failure, the previous one again.
      .finally(() => this.requestUpdate());
  }

  async #refreshDevices(): Promise<void> {
    const engine = this.engine;
    if (!engine) return;
    try {
      const devices = await engine.listDevices();
      if (this.engine === engine) this.devices = devices;
    } catch {
      // Listing can fail (no permission yet): the lists keep what they had.
    }
  }

  // --- rendering helpers -------------------------------------------------------------------

  get #live(): boolean {
    const phase = this.engine?.state.phase;
    return phase === 'outgoing' || phase === 'connecting' || phase === 'active';
  }

  /** The overrides, else the defaults; no video shortcut in a voice-only deployment. */
  #shortcutBindings(): Record<CallControlsShortcut, string | null> {
    const overrides = this.shortcuts ?? {};
    const pick = (command: CallControlsShortcut) => (overrides[command] === undefined ? DEFAULT_CALL_SHORTCUTS[command] : overrides[command]);
    return { mute: pick('mute'), video: this.engine?.options.allowVideo ? pick('video') : null, end: pick('end') };
  }

  /** The device a list shows as chosen: the live track's (the engine's choice for the speaker), else the last pick. */
  #current(kind: DeviceKind): string | undefined {
    const engine = this.engine;
    if (kind === 'speaker') return engine?.audioOutputDeviceId ?? this.#picked.speaker;
    const stream = engine?.localStream;
    const track = kind === 'microphone' ? stream?.getAudioTracks()[0] : stream?.getVideoTracks()[0];
    return track?.getSettings().deviceId ?? this.#picked[kind];
  }

  #renderSelect(kind: DeviceKind, label: string, list: readonly DeviceInfo[] | undefined): TemplateResult {
    const strings = this.localize.strings;
    // Browsers name the system's default device `default`.
    const current = this.#current(kind) ?? 'default';
    const known = list?.some((device) => device.deviceId === current) ?? false;
    return html`
      <div class="field">
        <label for="${kind}-select">${label}</label>
        <select id="${kind}-select" @change=${(event: Event) => this.#onDeviceChosen(kind, event)}>
          ${known ? nothing : html`<option value="" .selected=${live(true)}>${strings.defaultDevice}</option>`}
          ${(list ?? []).map(
            (device, index) =>
              html`<option value=${device.deviceId} .selected=${live(device.deviceId === current)}>${device.label || `${label} ${index + 1}`}</option>`,
          )}
        </select>
      </div>
    `;
  }

  override render(): TemplateResult | typeof nothing {
    const engine = this.engine;
    if (!engine || !this.#live) return nothing;
    const strings = this.localize.strings;
    const { muted, videoEnabled } = engine.localMediaState;
    const keys = (command: CallControlsShortcut) => this.#shortcuts.ariaKeyShortcuts(command) ?? nothing;
    const canPickSpeaker = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
    return html`
      <div part="base" class="base" role="group" aria-label=${strings.callControls} lang=${this.localize.lang}>
        <button part="mute-button" type="button" aria-pressed=${String(muted)} aria-keyshortcuts=${keys('mute')} @click=${this.#toggleMute}>
          ${muted ? icons.micOff : icons.mic}<span>${muted ? strings.unmute : strings.mute}</span>
        </button>
        ${engine.options.allowVideo
          ? html`<button
              part="video-button"
              type="button"
              aria-pressed=${String(!videoEnabled)}
              aria-keyshortcuts=${keys('video')}
              @click=${this.#toggleVideo}
            >
              ${videoEnabled ? icons.video : icons.videoOff}<span>${videoEnabled ? strings.turnOffVideo : strings.turnOnVideo}</span>
            </button>`
          : nothing}
        <button
          part="devices-button"
          id="devices-button"
          type="button"
          aria-expanded=${String(this.devicesOpen)}
          aria-controls="devices-panel"
          @click=${this.#toggleDevices}
          @keydown=${this.#onDevicesKeyDown}
        >
          ${icons.devices}<span>${strings.devices}</span>
        </button>
        <button part="end-button" class="end" type="button" aria-keyshortcuts=${keys('end')} @click=${() => this.#requestEnd('button')}>
          ${icons.end}<span>${strings.endCall}</span>
        </button>
        <div
          part="devices-panel"
          id="devices-panel"
          class="devices"
          role="group"
          aria-labelledby="devices-button"
          ?hidden=${!this.devicesOpen}
          @keydown=${this.#onDevicesKeyDown}
        >
          ${this.#renderSelect('microphone', strings.microphone, this.devices?.microphones)}
          ${engine.options.allowVideo ? this.#renderSelect('camera', strings.camera, this.devices?.cameras) : nothing}
          ${canPickSpeaker ? this.#renderSelect('speaker', strings.speaker, this.devices?.speakers) : nothing}
        </div>
      </div>
    `;
  }
}

// --- keyboard shortcuts --------------------------------------------------------------------

interface ParsedShortcut {
  readonly key: string;
  readonly ctrl: boolean;
  readonly shift: boolean;
  readonly alt: boolean;
  readonly meta: boolean;
  /** The `aria-keyshortcuts` spelling. */
  readonly aria: string;
}

const MODIFIERS: Record<string, 'ctrl' | 'shift' | 'alt' | 'meta'> = {
  control: 'ctrl',
  ctrl: 'ctrl',
  shift: 'shift',
  alt: 'alt',
  option: 'alt',
  meta: 'meta',
  cmd: 'meta',
  command: 'meta',
};

/** `'Control+Shift+M'` -> its parts; `null` when it names no key. A lone `+` key is written `Control++`. */
function parseShortcut(text: string): ParsedShortcut | null {
  const parts = text.trim().endsWith('++') ? [...text.trim().slice(0, -2).split('+'), '+'] : text.trim().split('+');
  const key = parts.pop()?.trim();
  if (!key) return null;
  const flags = { ctrl: false, shift: false, alt: false, meta: false };
  for (const part of parts) {
    const modifier = MODIFIERS[part.trim().toLowerCase()];
    if (!modifier) return null;
    flags[modifier] = true;
  }
  const names = [flags.ctrl && 'Control', flags.alt && 'Alt', flags.shift && 'Shift', flags.meta && 'Meta'].filter(Boolean);
  const ariaKey = key.length === 1 ? key.toUpperCase() : key;
  return { key: key.toLowerCase(), ...flags, aria: [...names, ariaKey].join('+') };
}

function matches(shortcut: ParsedShortcut | null, event: KeyboardEvent): boolean {
  return (
    shortcut !== null &&
    event.key.toLowerCase() === shortcut.key &&
    event.ctrlKey === shortcut.ctrl &&
    event.shiftKey === shortcut.shift &&
    event.altKey === shortcut.alt &&
    event.metaKey === shortcut.meta
  );
}

interface KeyboardShortcutsOptions<C extends string> {
  /** Whether the shortcuts work now; the `document` listener exists only while this is true. */
  active: () => boolean;
  /** Each command's shortcut; `null` or missing: none. */
  bindings: () => Partial<Record<C, string | null>>;
  run: (command: C) => void;
}

/**
 * Page-wide keyboard shortcuts for an element: listens to `document` keydown only while the host
 * is connected and `active()`, re-checked after every render and on (dis)connection.
 */
class KeyboardShortcutsController<C extends string> implements ReactiveController {
  #listening = false;
  readonly #onKeyDown = (event: KeyboardEvent) => {
    // The call may have ended since the last render.
    if (event.defaultPrevented || event.repeat || event.isComposing || !this.options.active()) return;
    const command = this.#commandFor(event);
    if (!command) return;
    event.preventDefault();
    this.options.run(command);
  };

  constructor(
    host: ReactiveControllerHost,
    private readonly options: KeyboardShortcutsOptions<C>,
  ) {
    host.addController(this);
  }

  /** The command's shortcut in the `aria-keyshortcuts` spelling, or `undefined` when it has none. */
  ariaKeyShortcuts(command: C): string | undefined {
    const binding = this.options.bindings()[command];
    return binding ? (parseShortcut(binding)?.aria ?? undefined) : undefined;
  }

  hostConnected(): void {
    this.#sync(true);
  }

  hostUpdated(): void {
    this.#sync(true);
  }

  hostDisconnected(): void {
    this.#sync(false);
  }

  #commandFor(event: KeyboardEvent): C | undefined {
    const bindings = Object.entries(this.options.bindings()) as Array<[C, string | null | undefined]>;
    return bindings.find(([, binding]) => binding && matches(parseShortcut(binding), event))?.[0];
  }

  #sync(connected: boolean): void {
    const listen = connected && this.options.active();
    if (listen === this.#listening) return;
    this.#listening = listen;
    if (listen) document.addEventListener('keydown', this.#onKeyDown);
    else document.removeEventListener('keydown', this.#onKeyDown);
  }
}

// --- icons (decorative: every button is named by its text) ---------------------------------

const icon = (content: ReturnType<typeof svg>) => html`<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24">${content}</svg>`;

const icons = {
  mic: icon(svg`<rect x="9" y="3" width="6" height="11" rx="3" /><path d="M5 11a7 7 0 0 0 14 0M12 18v3" />`),
  micOff: icon(
    svg`<path d="M15 9.5V6a3 3 0 0 0-5.7-1.3M9 9v2a3 3 0 0 0 5 2.2M5 11a7 7 0 0 0 11.5 5.4M19 11a7 7 0 0 1-.6 2.8M12 18v3M3 3l18 18" />`,
  ),
  video: icon(svg`<rect x="3" y="6" width="12" height="12" rx="2" /><path d="M15 10l6-3v10l-6-3z" />`),
  videoOff: icon(svg`<path d="M10 6h3a2 2 0 0 1 2 2v3l6-4v10M15 15v1a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2M3 3l18 18" />`),
  devices: icon(svg`<path d="M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0" /><circle cx="16" cy="6" r="2" /><circle cx="10" cy="12" r="2" /><circle cx="18" cy="18" r="2" />`),
  end: icon(
    svg`<path d="M3 14.5c5-4.7 13-4.7 18 0l-2.4 2.4a1 1 0 0 1-1.3.1l-2.3-1.6a1 1 0 0 1-.4-.9l.2-1.9a11 11 0 0 0-5.6 0l.2 1.9a1 1 0 0 1-.4.9L6.7 17a1 1 0 0 1-1.3-.1z" />`,
  ),
};
