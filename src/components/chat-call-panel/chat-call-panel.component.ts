import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, queryAll, state } from 'lit/decorators.js';
import { CallEngine } from '../../engine/call-engine.js';
import type { CallState } from '../../engine/call-state.js';
import type { CallingOption } from '../../engine/calling.js';
import type { CallError } from '../../engine/errors.js';
import { LocalizeController } from '../../i18n/localize.js';
import { CallKitElement } from '../../internal/call-kit-element.js';
import type { ParticipantRole } from '../../signaling/protocol.js';
import { WebSocketTransport } from '../../signaling/websocket-transport.js';
import '../call-controls/call-controls.js';
import { EngineController } from '../engine-controller.js';
import { srcObject } from '../src-object.js';
import { CallTimerController } from './call-timer-controller.js';
import sharedStyles from '../shared.styles.js';
import styles from './chat-call-panel.styles.js';
import { MenuController } from './menu-controller.js';
import { RingTone } from './ring-tone.js';
import { VideoOnlyStream } from './video-only-stream.js';

/** `allow-video="false"` turns video off; absent or any other value keeps it on. */
const booleanDefaultTrue = {
  fromAttribute: (value: string | null) => value === null || value.toLowerCase() !== 'false',
  toAttribute: (value: boolean) => String(value),
};

/**
 * @summary One conversation's call, for the agent or the customer: starts, rings, shows the
 * call and its controls, and explains errors. All call logic lives in the `CallEngine` it renders.
 *
 * @description Give it an engine through the `engine` property, or let it make one from the
 * `conversation`, `signaling-url` and `token` attributes (it then owns that engine and disposes of
 * it when removed from the document). The agent gets a **More commands** menu with **Voice call**
 * and **Video call**; the customer is rung with **Accept with audio**, **Accept with video** and
 * **Reject**. A ring tone sounds only after the page has had a user gesture, unless `silent`.
 *
 * @attr {string} lang - The locale (`en`, `pt-BR`, or one added with `registerTranslation`). Defaults to the
 *   nearest ancestor's `lang`, then the document's.
 *
 * @fires {CallStateChangeEvent} call-state-change - The call changed phase. `detail: { state, previous }`.
 * @fires {CallErrorEvent} call-error - The engine reported an error. `detail: { error }` with a stable `error.code`.
 * @fires {CallRequestEndEvent} call-request-end - From the embedded controls: cancelable, before the call is ended.
 *
 * @slot actions - Extra commands next to **More commands** (e.g. a `<cobrowse-launcher>`).
 *
 * @csspart base - The panel's wrapper.
 * @csspart menu-button - The agent's **More commands** button.
 * @csspart menu - The agent's call menu.
 * @csspart menu-item - Each item of the call menu.
 * @csspart ringing - The customer's incoming-call prompt.
 * @csspart accept-audio-button - **Accept with audio**.
 * @csspart accept-video-button - **Accept with video**.
 * @csspart reject-button - **Reject**.
 * @csspart status - The call status line (calling, connecting, reconnecting, ended).
 * @csspart timer - The call timer.
 * @csspart videos - The area holding the video tiles.
 * @csspart remote-video - The other side's video.
 * @csspart avatar - Shown instead of the other side's video while their camera is off.
 * @csspart local-video - This side's preview.
 * @csspart indicators - The other side's muted / camera-off indicators.
 * @csspart error - The error message with what to do next.
 * @csspart notice - Non-blocking notices (camera unavailable, audio only).
 * @csspart controls - The embedded `<call-controls>`; its own parts are exported as well.
 *
 * @cssprop --cck-panel-background - Panel background. Defaults to `--cck-color-surface`, then the system `Canvas`.
 * @cssprop --cck-panel-color - Panel text colour. Defaults to `--cck-color-text`, then `CanvasText`.
 * @cssprop --cck-panel-radius - Corner radius of the panel and tiles.
 * @cssprop --cck-panel-gap - Space between the panel's rows.
 * @cssprop --cck-accent - Accept / primary button colour. Defaults to `--cck-color-accent`.
 * @cssprop --cck-danger - Reject / error colour. Defaults to `--cck-color-danger`.
 * @cssprop --cck-tile-background - Background of video tiles and the avatar.
 */
export class ChatCallPanel extends CallKitElement {
  static override styles = [sharedStyles, styles];

  private readonly localize = new LocalizeController(this);
  readonly #engineController = new EngineController(this, (engine) => [
    engine.on('statechange', (state, previous) => this.#onStateChange(state, previous)),
    engine.on('error', (error) => {
      this.errorShown = error;
      this.emit('call-error', { error });
    }),
    engine.on('videofallback', () => (this.videoFallbackShown = true)),
    engine.on('audiooutputchange', () => void this.#applySpeaker()),
  ]);
  readonly #menu = new MenuController(
    this,
    () => this.menuButton,
    () => [...this.menuItems],
  );
  readonly #timer = new CallTimerController(this);
  readonly #ring = new RingTone();
  readonly #remoteVideo = new VideoOnlyStream();
  readonly #localVideo = new VideoOnlyStream();
  #ownedEngine: CallEngine | undefined;

  @query('[part~="menu-button"]') private menuButton?: HTMLButtonElement;
  @queryAll('[role="menuitem"]') private menuItems!: NodeListOf<HTMLElement>;
  @query('audio') private remoteAudio?: HTMLAudioElement;

  /**
   * Which side of the conversation this panel is: `agent` or `customer`. (Not `role`: that is ARIA's
   * attribute, and a host carrying `role="agent"` fails every accessibility audit.)
   */
  @property({ reflect: true }) participant: ParticipantRole = 'customer';
  /** The conversation to join when the panel makes its own engine. */
  @property() conversation = '';
  /** WebSocket URL of the signaling server (e.g. `wss://host/signaling`), when the panel makes its own engine. */
  @property({ attribute: 'signaling-url' }) signalingUrl = '';
  /** The signed token that admits this side to the conversation, when the panel makes its own engine. */
  @property() token = '';
  /** `false` for a voice-only deployment (when the panel makes its own engine). */
  @property({ attribute: 'allow-video', converter: booleanDefaultTrue }) allowVideo = true;
  /**
   * The deployment's calling option, `video-and-voice`, `voice-only` or `off` (when the panel makes its
   * own engine). With `off` the panel offers no call at all.
   */
  @property() calling: CallingOption = 'video-and-voice';
  /** The deployment's media region (`na`, `eu`, `apac`, `gcc`, ...) whose ICE/TURN servers calls use. */
  @property() region = '';
  /** Shown to the customer as the caller's name (agent side, when the panel makes its own engine). */
  @property({ attribute: 'display-name' }) displayName = '';
  /** No ring tone for incoming calls. */
  @property({ type: Boolean, reflect: true }) silent = false;

  /** The last error the engine reported, shown until dismissed or the next call. */
  @state() private errorShown: CallError | undefined;
  @state() private videoFallbackShown = false;

  /** The engine this panel renders. Set it to share an engine you made; otherwise the panel makes one. */
  @property({ attribute: false })
  get engine(): CallEngine | undefined {
    return this.#engineController.engine;
  }
  set engine(engine: CallEngine | undefined) {
    if (engine !== this.#ownedEngine) this.#disposeOwnedEngine();
    this.#engineController.engine = engine;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#ensureOwnedEngine();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#ring.stop();
    this.#disposeOwnedEngine();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const configChanged = (['conversation', 'signalingUrl', 'token', 'participant', 'allowVideo', 'displayName', 'calling', 'region'] as const).some((key) =>
      changed.has(key),
    );
    if (configChanged && this.#ownedEngine) this.#disposeOwnedEngine();
    if (configChanged) this.#ensureOwnedEngine();
  }

  protected override updated(): void {
    void this.#applySpeaker();
  }

  #onStateChange(state: CallState, previous: CallState): void {
    if (state.phase === 'outgoing' || state.phase === 'incoming') {
      this.errorShown = undefined;
      this.videoFallbackShown = false;
    }
    if (state.phase === 'incoming' && !this.silent) this.#ring.start();
    else this.#ring.stop();
    this.emit('call-state-change', { state, previous });
  }

  #ensureOwnedEngine(): void {
    if (!this.isConnected || this.engine || !this.conversation || !this.signalingUrl || !this.token) return;
    const transport = new WebSocketTransport({
      url: this.signalingUrl,
      conversationId: this.conversation,
      role: this.participant,
      token: this.token,
    });
    let engine: CallEngine;
    try {
      engine = new CallEngine({
        transport,
        allowVideo: this.allowVideo,
        calling: this.calling,
        ...(this.region ? { region: this.region } : {}),
        ...(this.displayName ? { displayName: this.displayName } : {}),
      });
    } catch (error) {
      // A misconfiguration (say, an unknown region): say so instead of leaving a dead panel.
      transport.close();
      this.errorShown = error as CallError;
      this.emit('call-error', { error: error as CallError });
      return;
    }
    this.#ownedEngine = engine;
    this.#engineController.engine = engine;
    engine.connect().catch((error: CallError) => {
      this.errorShown = error;
      this.emit('call-error', { error });
    });
  }

  #disposeOwnedEngine(): void {
    const owned = this.#ownedEngine;
    if (!owned) return;
    this.#ownedEngine = undefined;
    if (this.#engineController.engine === owned) this.#engineController.engine = undefined;
    owned.dispose();
  }

  async #applySpeaker(): Promise<void> {
    const deviceId = this.engine?.audioOutputDeviceId;
    const audio = this.remoteAudio;
    if (!deviceId || !audio || typeof audio.setSinkId !== 'function' || audio.sinkId === deviceId) return;
    await audio.setSinkId(deviceId).catch(() => {});
  }

  #start(video: boolean): void {
    this.#menu.close(true);
    // Failures reach the user through the engine's `error` event; nothing else to do here.
    this.engine?.startCall({ video }).catch(() => {});
  }

  #accept(video: boolean): void {
    this.engine?.accept({ video }).catch(() => {});
  }

  #reject(): void {
    try {
      this.engine?.reject();
    } catch {
      // Already no longer ringing: nothing to reject.
    }
  }

  #otherSide(): string {
    const strings = this.localize.strings;
    return this.participant === 'agent' ? strings.customer : strings.agent;
  }

  #renderMenu(engine: CallEngine): TemplateResult {
    const strings = this.localize.strings;
    const open = this.#menu.open;
    return html`
      <div class="menu-anchor">
        <button
          part="menu-button"
          id="menu-button"
          type="button"
          aria-haspopup="menu"
          aria-expanded=${String(open)}
          aria-controls="call-menu"
          @click=${this.#menu.onButtonClick}
          @keydown=${this.#menu.onButtonKeyDown}
        >
          <svg aria-hidden="true" viewBox="0 0 24 24"><circle cx="5" cy="12" r="2" /><circle cx="12" cy="12" r="2" /><circle cx="19" cy="12" r="2" /></svg>
          <span class="visually-hidden">${strings.moreCommands}</span>
        </button>
        <div part="menu" id="call-menu" role="menu" aria-labelledby="menu-button" ?hidden=${!open} @keydown=${this.#menu.onMenuKeyDown}>
          <button part="menu-item" role="menuitem" type="button" tabindex="-1" @click=${() => this.#start(false)}>${strings.voiceCall}</button>
          ${engine.options.allowVideo
            ? html`<button part="menu-item" role="menuitem" type="button" tabindex="-1" @click=${() => this.#start(true)}>
                ${strings.videoCall}
              </button>`
            : nothing}
        </div>
      </div>
    `;
  }

  #renderRinging(engine: CallEngine): TemplateResult {
    const strings = this.localize.strings;
    const { callerName, video } = engine.state;
    const offerVideo = video && engine.options.allowVideo;
    return html`
      <div part="ringing" class="ringing" role="group" aria-labelledby="ringing-text">
        <p id="ringing-text" class="ringing-text">${strings.incomingCall(callerName || strings.defaultCaller, video)}</p>
        <div class="ringing-actions">
          <button part="accept-audio-button" class="accept" type="button" @click=${() => this.#accept(false)}>${strings.acceptWithAudio}</button>
          ${offerVideo
            ? html`<button part="accept-video-button" class="accept" type="button" @click=${() => this.#accept(true)}>${strings.acceptWithVideo}</button>`
            : nothing}
          <button part="reject-button" class="reject" type="button" @click=${() => this.#reject()}>${strings.reject}</button>
        </div>
      </div>
    `;
  }

  #renderStatus(engine: CallEngine): TemplateResult | typeof nothing {
    const strings = this.localize.strings;
    const { phase, endReason, activeSince } = engine.state;
    let text = '';
    if (phase === 'outgoing') text = strings.calling;
    else if (phase === 'connecting') text = strings.connecting;
    else if (phase === 'active' && engine.connectionState === 'reconnecting') text = strings.reconnecting;
    else if (phase === 'active' && engine.networkQuality === 'poor') text = strings.poorNetwork;
    else if (phase === 'active') text = strings.inCall;
    else if (phase === 'ended' && endReason) text = strings.ended[endReason];
    const elapsed = this.#timer.format(phase === 'active' ? activeSince : undefined);
    if (!text) return nothing;
    return html`
      <p class="status-line">
        <span part="status" role="status">${text}</span>
        ${elapsed ? html`<span part="timer" role="timer" aria-label=${strings.callDuration}>${elapsed}</span>` : nothing}
      </p>
    `;
  }

  #renderCall(engine: CallEngine): TemplateResult {
    const strings = this.localize.strings;
    const other = this.#otherSide();
    const remote = engine.remoteMediaState;
    // The other side's camera state comes from its engine; a frozen last frame is never shown.
    const remoteVideo = remote?.videoEnabled ? this.#remoteVideo.of(engine.remoteStream) : null;
    const localVideo = engine.localMediaState.videoEnabled ? this.#localVideo.of(engine.localStream) : null;
    return html`
      <div part="videos" class="videos">
        <div class="tile remote">
          ${remoteVideo
            ? html`<video
                part="remote-video"
                aria-label=${strings.remoteVideo(other)}
                ${srcObject(remoteVideo)}
                .muted=${true}
                autoplay
                playsinline
              ></video>`
            : html`<div part="avatar" class="avatar" aria-hidden="true">${other.slice(0, 1)}</div>`}
          <ul part="indicators" class="indicators">
            ${remote?.muted ? html`<li>${strings.remoteMuted(other)}</li>` : nothing}
            ${remote && !remote.videoEnabled && engine.state.video ? html`<li>${strings.remoteCameraOff(other)}</li>` : nothing}
          </ul>
        </div>
        ${localVideo
          ? html`<video part="local-video" class="tile local" aria-label=${strings.yourVideo} ${srcObject(localVideo)} .muted=${true} autoplay playsinline></video>`
          : nothing}
      </div>
      <!-- Sound plays here only: the videos are muted by property (a cloned template's muted attribute
           would not mute them), so there is one audio sink to route with setSinkId. -->
      <audio ${srcObject(engine.remoteStream)} autoplay></audio>
    `;
  }

  #renderProblems(): TemplateResult {
    const strings = this.localize.strings;
    const error = this.errorShown;
    const text = error ? strings.errors[error.code] : undefined;
    return html`
      <div role="alert" class="alerts">
        ${text
          ? html`<div part="error" class="error">
              <p><strong>${text.title}</strong> ${text.action}</p>
              <button type="button" class="dismiss" @click=${() => (this.errorShown = undefined)}>${strings.dismiss}</button>
            </div>`
          : nothing}
      </div>
      ${this.videoFallbackShown ? html`<p part="notice" class="notice" role="status">${strings.videoFallback}</p>` : nothing}
    `;
  }

  override render(): TemplateResult {
    const engine = this.engine;
    const phase = engine?.state.phase ?? 'idle';
    const live = phase === 'outgoing' || phase === 'connecting' || phase === 'active';
    return html`
      <div part="base" class="base" lang=${this.localize.lang}>
        ${engine && this.participant === 'agent' && !live && engine.options.calling !== 'off'
          ? html`<div class="toolbar">${this.#renderMenu(engine)}<slot name="actions"></slot></div>`
          : html`<div class="toolbar" ?hidden=${this.participant !== 'agent'}><slot name="actions"></slot></div>`}
        ${engine && phase === 'incoming' ? this.#renderRinging(engine) : nothing}
        ${engine ? this.#renderStatus(engine) : nothing}
        ${engine && live ? this.#renderCall(engine) : nothing}
        ${engine && live
          ? html`<call-controls
              part="controls"
              exportparts="base: controls-base, mute-button, video-button, end-button, devices-button, devices-panel"
              .engine=${engine}
            ></call-controls>`
          : nothing}
        ${this.#renderProblems()}
      </div>
    `;
  }
}
