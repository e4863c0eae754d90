import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { CallEngine } from '../../engine/call-engine.js';
import type { DeviceInfo, DeviceList } from '../../engine/devices.js';
import { LocalizeController } from '../../i18n/localize.js';
import { CallKitElement } from '../../internal/call-kit-element.js';
import buttonStyles from '../buttons.styles.js';
import { consumeEngine } from '../engine-context.js';
import { EngineController } from '../engine-controller.js';
import { icons } from '../icons.js';
import tokens from '../tokens.styles.js';
import styles from './call-controls.styles.js';
import { KeyboardShortcutsController } from './keyboard-shortcuts.js';

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
/** Each device picker hangs off the chevron next to its toggle, as in Teams and LiveKit. */
type Picker = 'microphone' | 'camera';

/** One of the round buttons: what it shows and does. */
interface ControlButton {
  part: string;
  name: string;
  icon: TemplateResult;
  command?: CallControlsShortcut;
  pressed?: boolean;
  className?: string;
  onClick: () => void;
}

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
 * @summary The in-call toolbar: round **Mute** / **Unmute** and **Turn off video** / **Turn on video**
 * buttons, each with a chevron that opens its device picker, and a red **End call**, last.
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
 * **Device pickers.** The chevron next to the microphone (**Audio settings**) opens the
 * **Microphone** and **Speaker** lists (the speaker list only where the browser supports
 * `HTMLMediaElement.setSinkId`); the one next to the camera (**Video settings**) opens **Camera**.
 * Lists are read from `engine.listDevices()` when a picker opens and whenever the engine reports
 * `devicechange`; picking one calls `engine.switchDevice()`. Where the browser lists speakers only once
 * the user picked one in its own chooser (Firefox: `selectAudioOutput`), the audio picker also has
 * **Choose speaker…**, which opens that chooser (`engine.selectAudioOutput()`). A picker follows its chevron in the tab
 * order; `Escape` closes it and returns focus to the chevron, and moving focus past it closes it.
 *
 * **Look.** Every button has an icon, its name as text and a tooltip (with its shortcut). Below a
 * container width of 480 px the buttons are icon-only circles; the name stays for screen readers
 * and in the tooltip. `Escape` hides a tooltip. Calling `focus()` focuses the first control.
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
 * @csspart devices-button - Both chevrons that open a device picker (**Audio settings**, **Video settings**).
 * @csspart microphone-devices-button - The chevron next to the microphone: **Audio settings**.
 * @csspart camera-devices-button - The chevron next to the camera: **Video settings**.
 * @csspart devices-panel - Both device pickers.
 * @csspart microphone-devices-panel - The **Microphone** and **Speaker** lists.
 * @csspart camera-devices-panel - The **Camera** list.
 * @csspart speaker-chooser-button - **Choose speaker…** in the audio picker, where the browser picks speakers in its own chooser (Firefox).
 *
 * @cssprop --cck-controls-gap - Space between the controls. Default `0.5rem`.
 * @cssprop --cck-control-background - Button background. Defaults to `--cck-color-surface-raised`.
 * @cssprop --cck-control-color - Button text and icon colour. Defaults to `--cck-color-text`.
 * @cssprop --cck-control-pressed-background - Background of the pressed mute toggle (muted). Defaults to a tint of `--cck-color-danger`.
 * @cssprop --cck-end-background - **End call** background. Defaults to `--cck-color-danger` (`#c5221f`).
 * @cssprop --cck-end-color - **End call** text and icon colour. Default `#fff`.
 * @cssprop --cck-focus-ring-color - Focus outline colour. Defaults to `--cck-color-accent`.
 * @cssprop --cck-devices-background - Device picker background. Defaults to `--cck-color-surface`.
 * @cssprop --cck-color-scheme - The elements' `color-scheme`. Default `light dark` (the user's preference); set `dark` or `light` to match a host page that themes itself.
 */
export class CallControls extends CallKitElement {
  static override styles = [tokens, buttonStyles, styles];

  private readonly localize = new LocalizeController(this);
  readonly #engineController = new EngineController(this, (engine) => [
    engine.on('devicechange', () => {
      if (this.openPicker) void this.#refreshDevices();
    }),
  ]);
  readonly #shortcuts = new KeyboardShortcutsController<CallControlsShortcut>(this, {
    active: () => this.#live,
    bindings: () => this.#shortcutBindings(),
    run: (command) => this.#runShortcut(command),
  });

  /** The engine of the `<chat-call-panel>` these controls are inside, if any. */
  #panelEngine: CallEngine | undefined;
  #ownEngine: CallEngine | undefined;

  /**
   * The engine whose call these controls drive. Inside a `<chat-call-panel>` (slotted or nested) they
   * use the panel's engine unless this is set; elsewhere, share the one your app uses.
   */
  @property({ attribute: false })
  get engine(): CallEngine | undefined {
    return this.#engineController.engine;
  }
  set engine(engine: CallEngine | undefined) {
    this.#ownEngine = engine;
    this.#useEngine(engine ?? this.#panelEngine);
  }

  constructor() {
    super();
    consumeEngine(this, (engine) => {
      this.#panelEngine = engine;
      this.#useEngine(this.#ownEngine ?? engine);
    });
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

  /** The device picker that is open, if any. */
  @state() private openPicker: Picker | undefined;
  @state() private devices: DeviceList | undefined;

  #lang = '';
  /** What the user picked, for kinds that have no live track to ask (camera off, speaker). */
  readonly #picked: Partial<Record<DeviceKind, string>> = {};
  /** The camera takes a moment to start: a second click meanwhile must not start it twice. */
  #videoPending = false;

  protected override willUpdate(): void {
    // The picker closes with the call, so the next call starts with a closed panel.
    if (!this.#live && this.openPicker) this.openPicker = undefined;
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

  #togglePicker(picker: Picker): void {
    this.openPicker = this.openPicker === picker ? undefined : picker;
    if (this.openPicker) void this.#refreshDevices();
  }

  #onPickerKeyDown(picker: Picker, event: KeyboardEvent): void {
    if (event.key !== 'Escape' || this.openPicker !== picker) return;
    // Handled here: an enclosing dialog must not close as well.
    event.preventDefault();
    event.stopPropagation();
    this.openPicker = undefined;
    this.renderRoot.querySelector<HTMLElement>(`[part~="${picker}-devices-button"]`)?.focus();
  }

  /** Focus moved on past the chevron and its picker (Tab, a click elsewhere): the picker closes. */
  #onPickerFocusOut(picker: Picker, event: FocusEvent): void {
    const next = event.relatedTarget as Node | null;
    const group = event.currentTarget as HTMLElement;
    if (this.openPicker === picker && next && !group.contains(next)) this.openPicker = undefined;
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

  #chooseSpeaker(): void {
    const engine = this.engine;
    if (!engine) return;
    engine
      .selectAudioOutput()
      .then((chosen) => (chosen ? this.#refreshDevices() : undefined))
      // Failures reach the user through the engine's `error` event.
      .catch(() => {})
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

  /** Focuses the first control (the microphone toggle) once the call's controls are shown. */
  override focus(options?: FocusOptions): void {
    const first = this.renderRoot.querySelector<HTMLElement>('button');
    if (first) first.focus(options);
    else super.focus(options);
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

  /** A round toggle or command with its icon, its name and a tooltip that adds the shortcut. */
  #renderButton(options: ControlButton): TemplateResult {
    const shortcut = options.command ? this.#shortcuts.ariaKeyShortcuts(options.command) : undefined;
    const tip = shortcut ? `${options.name} (${shortcut.replace('Control', 'Ctrl')})` : options.name;
    return html`<button
      part=${options.part}
      class="btn collapsible ${options.className ?? ''}"
      type="button"
      aria-pressed=${options.pressed === undefined ? nothing : String(options.pressed)}
      aria-keyshortcuts=${shortcut ?? nothing}
      @click=${options.onClick}
    >
      ${options.icon}<span class="label">${options.name}</span><span class="tip" aria-hidden="true">${tip}</span>
    </button>`;
  }

  /** A toggle with its chevron and device picker, as one control. */
  #renderPair(picker: Picker, toggle: ControlButton, pickerName: string, lists: TemplateResult): TemplateResult {
    return html`<div
      class="pair"
      @keydown=${(event: KeyboardEvent) => this.#onPickerKeyDown(picker, event)}
      @focusout=${(event: FocusEvent) => this.#onPickerFocusOut(picker, event)}
    >
      ${this.#renderButton(toggle)} ${this.#renderPicker(picker, pickerName, lists)}
    </div>`;
  }

  /** The chevron next to a toggle and the device picker it opens, right after it in the tab order. */
  #renderPicker(picker: Picker, name: string, lists: TemplateResult): TemplateResult {
    const open = this.openPicker === picker;
    return html`
      <button
        part="devices-button ${picker}-devices-button"
        id="${picker}-devices-button"
        class="btn small chevron"
        type="button"
        aria-label=${name}
        aria-expanded=${String(open)}
        aria-controls="${picker}-devices-panel"
        @click=${() => this.#togglePicker(picker)}
      >
        ${icons.chevronUp}<span class="tip" aria-hidden="true">${name}</span>
      </button>
      <div
        part="devices-panel ${picker}-devices-panel"
        id="${picker}-devices-panel"
        class="devices"
        role="group"
        aria-labelledby="${picker}-devices-button"
        ?hidden=${!open}
      >
        ${lists}
      </div>
    `;
  }

  #useEngine(engine: CallEngine | undefined): void {
    if (engine === this.#engineController.engine) return;
    this.devices = undefined;
    this.openPicker = undefined;
    this.#engineController.engine = engine;
  }

  override render(): TemplateResult | typeof nothing {
    const engine = this.engine;
    if (!engine || !this.#live) return nothing;
    const strings = this.localize.strings;
    const { muted, videoEnabled } = engine.localMediaState;
    const canPickSpeaker = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
    return html`
      <div part="base" class="base" role="group" aria-label=${strings.callControls} lang=${this.localize.lang}>
        ${this.#renderPair(
          'microphone',
          {
            part: 'mute-button',
            name: muted ? strings.unmute : strings.mute,
            icon: muted ? icons.micOff : icons.mic,
            command: 'mute',
            pressed: muted,
            className: 'toggle mute',
            onClick: () => this.#toggleMute(),
          },
          strings.audioSettings,
          html`${this.#renderSelect('microphone', strings.microphone, this.devices?.microphones)}
          ${canPickSpeaker ? this.#renderSelect('speaker', strings.speaker, this.devices?.speakers) : nothing}
          ${canPickSpeaker && engine.canSelectAudioOutput
            ? html`<button part="speaker-chooser-button" type="button" @click=${this.#chooseSpeaker}>${strings.chooseSpeaker}</button>`
            : nothing}`,
        )}
        ${engine.options.allowVideo
          ? this.#renderPair(
              'camera',
              {
                part: 'video-button',
                name: videoEnabled ? strings.turnOffVideo : strings.turnOnVideo,
                icon: videoEnabled ? icons.video : icons.videoOff,
                command: 'video',
                pressed: !videoEnabled,
                className: 'toggle',
                onClick: () => this.#toggleVideo(),
              },
              strings.videoSettings,
              this.#renderSelect('camera', strings.camera, this.devices?.cameras),
            )
          : nothing}
        ${this.#renderButton({
          part: 'end-button',
          name: strings.endCall,
          icon: icons.end,
          command: 'end',
          className: 'end',
          onClick: () => this.#requestEnd('button'),
        })}
      </div>
    `;
  }
}
