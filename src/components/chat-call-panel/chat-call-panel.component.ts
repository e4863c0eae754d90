import { ContextProvider } from '@lit/context';
import { html, nothing, type TemplateResult } from 'lit';
import { property, query, queryAll, state } from 'lit/decorators.js';
import { CallEngine } from '../../engine/call-engine.js';
import type { CallState } from '../../engine/call-state.js';
import type { CallingOption } from '../../engine/calling.js';
import type { CallError } from '../../engine/errors.js';
import { LocalizeController } from '../../i18n/localize.js';
import { CallKitElement } from '../../internal/call-kit-element.js';
import type { CallParticipantRole } from '../../signaling/protocol.js';
import { WebSocketTransport } from '../../signaling/websocket-transport.js';
import '../call-controls/call-controls.js';
import buttonStyles from '../buttons.styles.js';
import { engineContext } from '../engine-context.js';
import { EngineController } from '../engine-controller.js';
import { FocusFollowController } from '../focus-follow-controller.js';
import { icons } from '../icons.js';
import { srcObject } from '../src-object.js';
import sharedStyles from '../shared.styles.js';
import tokens from '../tokens.styles.js';
import { CallTimerController } from './call-timer-controller.js';
import { summarize } from './call-summary.js';
import styles from './chat-call-panel.styles.js';
import { errorText } from './error-text.js';
import { initialsOf } from './initials.js';
import { MenuController } from './menu-controller.js';
import { RingAlerts } from './ring-alerts.js';
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
 * it when removed from the document); pages that stay open longer than a token lives give it a
 * `tokenProvider` function instead, which it calls before every (re)join. However it is configured
 * (markup before or after the element is defined, attributes, properties, a framework), it makes one engine and opens one connection,
 * and replaces them only when that configuration really changes. Elements inside it (a slotted
 * `<cobrowse-launcher>`, a nested `<call-controls>`) get its engine without host code. The agent gets a **More commands** menu with **Voice call**
 * and **Video call**; the customer is rung with **Accept with audio**, **Accept with video** and
 * **Reject**. A ring tone sounds only after the page has had a user gesture, unless `silent`.
 *
 * **Ringing is announced**: the ringing text appears in a live region (`role="alert"`) that is in
 * the panel before the call rings, focus moves to **Accept with audio** unless the person is working
 * in another control of the page, a countdown shows how long it will ring, and the page title
 * alternates with "Alex is calling…" (`ring-title="false"` turns that off). With
 * `ring-notification`, a hidden tab also gets a system notification, if the page already holds the
 * notification permission (the panel never asks for it: ask at a moment that makes sense to your
 * users, e.g. when the agent signs in).
 *
 * **Focus never falls to the page**: after **Voice call** / **Video call** and **Accept**, focus goes
 * to the call controls (the microphone); after the call ends, to **More commands** (agent) or to the
 * end notice's **Clear notice** (customer). Focus moves only when it was in the panel.
 *
 * **Layout**: a video call shows the other side's tile (video, or their initials and name while the
 * camera is off) with your mirrored self-view inside it; a voice call, or a call with both cameras
 * off, is a compact row with the other side's initials and name. End notices stay until cleared,
 * the next call, or 30 s later.
 *
 * @attr {string} lang - The locale (`en`, `pt-BR`, or one added with `registerTranslation`). Defaults to the
 *   nearest ancestor's `lang`, then the document's.
 *
 * @fires {CallStateChangeEvent} call-state-change - The call changed phase. `detail: { state, previous }`.
 * @fires {CallErrorEvent} call-error - The engine reported an error. `detail: { error }` with a stable `error.code`.
 * @fires {CallRequestEndEvent} call-request-end - From the embedded controls: cancelable, before the call is ended.
 * @fires {CallSummaryEvent} call-summary - A call is over (connected or not), for the host to post into its conversation ("Video call · 3:12"). `detail: { kind, durationMs, endReason, by }`.
 * @fires {EngineChangeEvent} engine-change - The panel's engine was made, replaced or dropped. `detail: { engine }` (`undefined` when dropped).
 *
 * @slot actions - Extra commands next to **More commands** (e.g. a `<cobrowse-launcher>`).
 *
 * @csspart base - The panel's wrapper.
 * @csspart menu-button - The agent's **More commands** button.
 * @csspart menu - The agent's call menu.
 * @csspart menu-item - Each item of the call menu.
 * @csspart ringing-text - The live region that announces an incoming call (empty while nothing rings).
 * @csspart ringing - The customer's incoming-call prompt.
 * @csspart ring-countdown - How long the call will still ring.
 * @csspart accept-audio-button - **Accept with audio**.
 * @csspart accept-video-button - **Accept with video**.
 * @csspart reject-button - **Reject**.
 * @csspart status - The call status line (calling, connecting, reconnecting to the call service or the other side, ended).
 * @csspart timer - The call timer.
 * @csspart clear-notice-button - Clears the end notice.
 * @csspart supervisor - "A supervisor is listening" (agent only) / "A supervisor joined the call", in SFU deployments.
 * @csspart videos - The area holding the video tiles (a video call).
 * @csspart audio-call - The compact row of a voice call: the other side's initials and name.
 * @csspart remote-video - The other side's video.
 * @csspart avatar - The other side's initials, instead of their video while their camera is off.
 * @csspart name - The other side's name on their tile.
 * @csspart local-video - This side's preview (mirrored, as in a mirror).
 * @csspart indicators - The other side's muted / camera-off indicators.
 * @csspart error - The error message with what to do next.
 * @csspart notice - Non-blocking notices (camera unavailable, audio only).
 * @csspart controls - The embedded `<call-controls>`; its own parts are exported as well.
 *
 * @cssprop --cck-panel-background - Panel background. Defaults to `--cck-color-surface`.
 * @cssprop --cck-panel-color - Panel text colour. Defaults to `--cck-color-text`.
 * @cssprop --cck-panel-radius - Corner radius of the panel and tiles. Defaults to `--cck-radius`.
 * @cssprop --cck-panel-gap - Space between the panel's rows.
 * @cssprop --cck-accept-background - **Accept** buttons. Defaults to `--cck-color-success` (`#146c2e`).
 * @cssprop --cck-reject-background - **Reject**. Defaults to `--cck-color-danger` (`#c5221f`).
 * @cssprop --cck-tile-background - Background of video tiles and the avatar.
 * @cssprop --cck-color-scheme - The `color-scheme` of the panel and its controls. Default `light dark` (the user's preference).
 */
export class ChatCallPanel extends CallKitElement {
  static override styles = [tokens, sharedStyles, buttonStyles, styles];

  private readonly localize = new LocalizeController(this);
  readonly #engineController = new EngineController(this, (engine) => {
    // An engine that starts out ended (this tab's previous page was in a call when it reloaded) says so too.
    if (engine.state.phase === 'ended' && engine.state.endReason) queueMicrotask(() => this.#showNotice());
    return [
      engine.on('statechange', (state, previous) => this.#onStateChange(state, previous)),
      engine.on('error', (error) => this.#showError(error)),
      engine.on('videofallback', () => (this.videoFallbackShown = true)),
      engine.on('audiooutputchange', () => void this.#applySpeaker()),
    ];
  });
  readonly #menu = new MenuController(
    this,
    () => this.menuButton,
    () => [...this.menuItems],
  );
  readonly #timer = new CallTimerController(this);
  readonly #focus = new FocusFollowController(this);
  readonly #ring = new RingTone();
  readonly #ringAlerts = new RingAlerts();
  readonly #remoteVideo = new VideoOnlyStream();
  readonly #localVideo = new VideoOnlyStream();
  readonly #engineProvider = new ContextProvider(this, { context: engineContext });
  #ownedEngine: CallEngine | undefined;
  /** When the ringing call stops ringing unanswered (ms since the epoch), for the countdown. */
  #ringDeadline: number | undefined;
  /** Either side showed video during the current call (for `call-summary`). */
  #sawVideo = false;
  #noticeTimer: ReturnType<typeof setTimeout> | undefined;
  /** What the owned engine was made from; the same configuration again keeps it (and its socket). */
  #ownedConfig: string | undefined;

  @query('[part~="menu-button"]') private menuButton?: HTMLButtonElement;
  @queryAll('[role="menuitem"]') private menuItems!: NodeListOf<HTMLElement>;
  @query('audio') private remoteAudio?: HTMLAudioElement;

  /**
   * Which side of the conversation this panel is: `agent` or `customer`. (Not `role`: that is ARIA's
   * attribute, and a host carrying `role="agent"` fails every accessibility audit.)
   */
  @property({ reflect: true }) participant: CallParticipantRole = 'customer';
  /** The conversation to join when the panel makes its own engine. */
  @property() conversation = '';
  /** WebSocket URL of the signaling server (e.g. `wss://host/signaling`), when the panel makes its own engine. */
  @property({ attribute: 'signaling-url' }) signalingUrl = '';
  /** The signed token that admits this side to the conversation, when the panel makes its own engine. */
  @property() token = '';
  /**
   * A function returning a fresh signed token (or a promise of one), when the panel makes its own
   * engine. It is called before every join and rejoin and wins over `token`: conversation tokens
   * expire (15 minutes on the reference server), pages stay open longer, and a rejoin after a network
   * drop needs a token that is still valid. Replacing the function does not reconnect: the next
   * rejoin calls the new one. Property only (a function is no attribute).
   */
  @property({ attribute: false }) tokenProvider: (() => string | Promise<string>) | undefined = undefined;
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
  /**
   * The other side's name on their tile. Default: the caller's display name (customer side), or
   * "Customer" (agent side).
   */
  @property({ attribute: 'remote-name' }) remoteName = '';
  /** While a call rings here, alternate the page title with "Alex is calling…". `ring-title="false"` turns it off. */
  @property({ attribute: 'ring-title', converter: booleanDefaultTrue }) ringTitle = true;
  /**
   * While a call rings here and the tab is hidden, show a system notification (only if the page
   * already has the `Notification` permission; the panel never asks for it). Off by default.
   */
  @property({ attribute: 'ring-notification', type: Boolean }) ringNotification = false;

  /** The last error the engine reported, shown until dismissed or the next call. */
  @state() private errorShown: CallError | undefined;
  @state() private videoFallbackShown = false;
  /** The end notice ("Call ended", "Missed call") is shown until cleared, the next call or 30 s. */
  @state() private noticeShown = false;

  /** The engine this panel renders. Set it to share an engine you made; otherwise the panel makes one. */
  @property({ attribute: false })
  get engine(): CallEngine | undefined {
    return this.#engineController.engine;
  }
  set engine(engine: CallEngine | undefined) {
    if (engine !== this.#ownedEngine) this.#disposeOwnedEngine();
    this.#useEngine(engine);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#syncOwnedEngine();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#ring.stop();
    this.#ringAlerts.stop();
    clearTimeout(this.#noticeTimer);
    // A move within the document (a framework re-parenting it) keeps the engine and its socket.
    queueMicrotask(() => {
      if (!this.isConnected) this.#disposeOwnedEngine();
    });
  }

  protected override willUpdate(): void {
    this.#syncOwnedEngine();
  }

  protected override updated(): void {
    void this.#applySpeaker();
  }

  #onStateChange(state: CallState, previous: CallState): void {
    const { phase } = state;
    if (phase === 'outgoing' || phase === 'incoming') {
      this.errorShown = undefined;
      this.videoFallbackShown = false;
      this.#clearNotice();
      this.#sawVideo = state.video;
      this.#ringDeadline = Date.now() + (this.engine?.options.ringTimeoutMs ?? 45_000);
    } else {
      this.#ringDeadline = undefined;
    }
    this.#updateRinging(state);
    const focusTarget = FOCUS_BY_PHASE[this.participant][phase];
    if (focusTarget && phase !== previous.phase) {
      this.#focus.request(() => this.#focusable(focusTarget), phase === 'incoming' ? 'unless-elsewhere' : 'if-inside');
    }
    const ended = phase === 'ended' && previous.phase !== 'ended';
    if (ended) this.#showNotice();
    this.emit('call-state-change', { state, previous });
    if (ended && previous.phase !== 'idle') this.emit('call-summary', summarize(state, this.participant, this.#sawVideo));
  }

  /** Tone, title and notification for a call ringing here; all stop once it stops ringing. */
  #updateRinging(state: CallState): void {
    if (state.phase !== 'incoming') {
      this.#ring.stop();
      this.#ringAlerts.stop();
      return;
    }
    if (!this.silent) this.#ring.start();
    const strings = this.localize.strings;
    this.#ringAlerts.start(this.ownerDocument, strings.ringTitle(state.callerName || strings.defaultCaller), {
      title: this.ringTitle,
      notification: this.ringNotification,
      onNotificationClick: () => this.#focusable('accept')?.focus(),
    });
  }

  /** The control a focus-map entry names, in this panel or its embedded controls. */
  #focusable(target: FocusName): HTMLElement | null {
    if (target === 'controls') return this.renderRoot.querySelector<HTMLElement>('call-controls');
    const selector = { accept: '[part~="accept-audio-button"]', menu: '[part~="menu-button"]', notice: '[part~="clear-notice-button"]' }[target];
    return this.renderRoot.querySelector<HTMLElement>(selector);
  }

  #showNotice(): void {
    this.noticeShown = true;
    clearTimeout(this.#noticeTimer);
    const clearLater = () => {
      // Never pull the notice (and the focus on its button) from under the person reading it.
      if (this.renderRoot.querySelector('.notice-line:focus-within')) this.#noticeTimer = setTimeout(clearLater, 5_000);
      else this.noticeShown = false;
    };
    this.#noticeTimer = setTimeout(clearLater, NOTICE_MS);
  }

  #clearNotice(): void {
    clearTimeout(this.#noticeTimer);
    this.noticeShown = false;
  }

  #onNoticeCleared(): void {
    this.#clearNotice();
    // The button goes away with the notice: the agent's next step is a new call.
    if (this.participant === 'agent') this.#focus.request(() => this.#focusable('menu'));
  }

  /** The configuration an owned engine is made from, or undefined while it is incomplete. */
  #ownedEngineConfig() {
    // The token provider is left out of the configuration on purpose: a new function is no reason to reconnect.
    if (!this.conversation || !this.signalingUrl || (!this.token && !this.tokenProvider)) return undefined;
    const { conversation, signalingUrl, token, participant, allowVideo, calling, region, displayName } = this;
    return { conversation, signalingUrl, token, participant, allowVideo, calling, region, displayName };
  }

  /**
   * Makes, keeps or replaces the owned engine to match the configuration. Called on connect and
   * before every update: attributes parsed before the upgrade, set one by one after it, or set as
   * properties by a framework all end in one engine for one configuration.
   */
  #syncOwnedEngine(): void {
    if (!this.isConnected || (this.engine && !this.#ownedEngine)) return;
    const config = this.#ownedEngineConfig();
    const key = config && JSON.stringify(config);
    if (this.#ownedEngine && key === this.#ownedConfig) return;
    this.#disposeOwnedEngine();
    if (!config) return;
    const transport = new WebSocketTransport({
      url: config.signalingUrl,
      conversationId: config.conversation,
      role: config.participant,
      // Read at every (re)join, so the current provider (or token) is the one used.
      token: () => this.tokenProvider?.() ?? config.token,
    });
    let engine: CallEngine;
    try {
      engine = new CallEngine({
        transport,
        allowVideo: config.allowVideo,
        calling: config.calling,
        ...(config.region ? { region: config.region } : {}),
        ...(config.displayName ? { displayName: config.displayName } : {}),
      });
    } catch (error) {
      // A misconfiguration (say, an unknown region): say so instead of leaving a dead panel.
      transport.close();
      this.#showError(error as CallError);
      return;
    }
    this.#ownedEngine = engine;
    this.#ownedConfig = key;
    this.#useEngine(engine);
    engine.connect().catch((error: CallError) => {
      // An engine replaced or dropped meanwhile failed because we closed it: not news for the user.
      if (engine === this.#ownedEngine) this.#showError(error);
    });
  }

  #disposeOwnedEngine(): void {
    const owned = this.#ownedEngine;
    if (!owned) return;
    this.#ownedEngine = undefined;
    this.#ownedConfig = undefined;
    if (this.#engineController.engine === owned) this.#useEngine(undefined);
    owned.dispose();
  }

  /** Renders `engine`, hands it to the elements inside, and says so when it changed. */
  #useEngine(engine: CallEngine | undefined): void {
    if (engine === this.#engineController.engine) return;
    this.#engineController.engine = engine;
    this.#engineProvider.setValue(engine);
    this.emit('engine-change', { engine });
  }

  #showError(error: CallError): void {
    this.errorShown = error;
    this.emit('call-error', { error });
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

  /** The other side's name, as shown on their tile. */
  #otherSide(): string {
    const strings = this.localize.strings;
    if (this.remoteName) return this.remoteName;
    if (this.participant === 'agent') return strings.customer;
    return this.engine?.state.callerName || strings.agent;
  }

  /** The other side's role word ("Agent", "Customer"), for indicators and video labels. */
  #otherRole(): string {
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
          class="btn icon-only quiet"
          type="button"
          aria-haspopup="menu"
          aria-expanded=${String(open)}
          aria-controls="call-menu"
          @click=${this.#menu.onButtonClick}
          @keydown=${this.#menu.onButtonKeyDown}
        >
          ${icons.more}<span class="visually-hidden">${strings.moreCommands}</span><span class="tip" aria-hidden="true">${strings.moreCommands}</span>
        </button>
        <div part="menu" id="call-menu" role="menu" aria-labelledby="menu-button" ?hidden=${!open} @keydown=${this.#menu.onMenuKeyDown}>
          <button part="menu-item" role="menuitem" type="button" tabindex="-1" @click=${() => this.#start(false)}>
            ${icons.phone}<span>${strings.voiceCall}</span>
          </button>
          ${engine.options.allowVideo
            ? html`<button part="menu-item" role="menuitem" type="button" tabindex="-1" @click=${() => this.#start(true)}>
                ${icons.video}<span>${strings.videoCall}</span>
              </button>`
            : nothing}
        </div>
      </div>
    `;
  }

  /** Always in the panel, so that the ringing text is announced the moment it appears. */
  #renderRingingText(engine: CallEngine | undefined): TemplateResult {
    const strings = this.localize.strings;
    const state = engine?.state;
    const text = state?.phase === 'incoming' ? strings.incomingCall(state.callerName || strings.defaultCaller, state.video) : '';
    return html`<p part="ringing-text" id="ringing-text" class="ringing-text ${text ? '' : 'live-empty'}" role="alert">${text || nothing}</p>`;
  }

  #renderRinging(engine: CallEngine): TemplateResult {
    const strings = this.localize.strings;
    const { callerName, video } = engine.state;
    const offerVideo = video && engine.options.allowVideo;
    const name = callerName || strings.defaultCaller;
    return html`
      <div part="ringing" class="ringing" role="group" aria-labelledby="ringing-text">
        <div class="caller">
          <span class="avatar small ringing-pulse" aria-hidden="true">${initialsOf(name)}</span>
          <span part="ring-countdown" class="countdown" role="timer">${strings.answerCountdown(this.#timer.remaining(this.#ringDeadline))}</span>
        </div>
        <div class="ringing-actions">
          <button part="accept-audio-button" class="btn success" type="button" @click=${() => this.#accept(false)}>
            ${icons.phone}<span>${strings.acceptWithAudio}</span>
          </button>
          ${offerVideo
            ? html`<button part="accept-video-button" class="btn success" type="button" @click=${() => this.#accept(true)}>
                ${icons.video}<span>${strings.acceptWithVideo}</span>
              </button>`
            : nothing}
          <button part="reject-button" class="btn danger" type="button" @click=${() => this.#reject()}>${icons.end}<span>${strings.reject}</span></button>
        </div>
      </div>
    `;
  }

  /** The status line is a live region that is always there, so every change of it is announced. */
  #renderStatus(engine: CallEngine | undefined): TemplateResult {
    const strings = this.localize.strings;
    const phase = engine?.state.phase;
    const { endReason, activeSince } = engine?.state ?? {};
    let text = '';
    // Signaling trouble is told apart from media trouble: the call goes on, messages wait for the way back.
    const signalingDown = engine?.signalingState === 'reconnecting' && (phase === 'outgoing' || phase === 'connecting' || phase === 'active');
    if (signalingDown) text = strings.reconnectingSignaling;
    else if (phase === 'outgoing') text = strings.calling;
    else if (phase === 'connecting') text = strings.connecting;
    else if (phase === 'active' && engine?.connectionState === 'reconnecting') text = strings.reconnecting;
    else if (phase === 'active' && engine?.networkQuality === 'poor') text = strings.poorNetwork;
    else if (phase === 'active') text = strings.inCall;
    else if (phase === 'ended' && endReason && this.noticeShown) text = strings.ended[endReason];
    const elapsed = this.#timer.elapsed(phase === 'active' ? activeSince : undefined);
    const countdown = phase === 'outgoing' ? this.#timer.remaining(this.#ringDeadline) : '';
    const notice = phase === 'ended' && Boolean(text);
    return html`
      <div class="status-line ${notice ? 'notice-line' : ''} ${text ? '' : 'live-empty'}">
        <span part="status" role="status">${text || nothing}</span>
        ${elapsed ? html`<span part="timer" role="timer" aria-label=${strings.callDuration}>${elapsed}</span>` : nothing}
        ${countdown ? html`<span part="ring-countdown" class="countdown" role="timer">${strings.callerCountdown(countdown)}</span>` : nothing}
        ${notice
          ? html`<button part="clear-notice-button" class="btn small quiet" type="button" aria-label=${strings.clearNotice} @click=${this.#onNoticeCleared}>
              ${icons.close}<span class="tip" aria-hidden="true">${strings.clearNotice}</span>
            </button>`
          : nothing}
      </div>
    `;
  }

  /** What the server says about a supervisor on the call (the customer only hears of one that speaks). */
  #renderSupervisor(supervisor: 'monitoring' | 'barged-in'): TemplateResult {
    const strings = this.localize.strings;
    return html`<p part="supervisor" class="notice" role="status">${supervisor === 'monitoring' ? strings.supervisorListening : strings.supervisorJoined}</p>`;
  }

  #renderCall(engine: CallEngine): TemplateResult {
    const strings = this.localize.strings;
    const name = this.#otherSide();
    const role = this.#otherRole();
    const remote = engine.remoteMediaState;
    // The other side's camera state comes from its engine, and frames must be arriving: a frozen last
    // frame is never shown, not even while a late "camera off" is still on its way.
    const remoteVideo = remote?.videoEnabled && engine.remoteVideoFlowing ? this.#remoteVideo.of(engine.remoteStream) : null;
    const localVideo = engine.localMediaState.videoEnabled ? this.#localVideo.of(engine.localStream) : null;
    if (remoteVideo || localVideo) this.#sawVideo = true;
    const muted = Boolean(remote?.muted);
    const cameraOff = Boolean(remote && !remote.videoEnabled && engine.state.video);
    const indicators =
      muted || cameraOff
        ? html`<ul part="indicators" class="indicators">
            ${muted ? html`<li>${icons.micOff}<span>${strings.remoteMuted(role)}</span></li>` : nothing}
            ${cameraOff ? html`<li>${icons.videoOff}<span>${strings.remoteCameraOff(role)}</span></li>` : nothing}
          </ul>`
        : nothing;
    // Sound plays here only: the videos are muted by property (a cloned template's muted attribute
    // would not mute them), so there is one audio sink to route with setSinkId.
    const audio = html`<audio ${srcObject(engine.remoteStream)} autoplay></audio>`;
    if (!remoteVideo && !localVideo) {
      // Nobody shows video (a voice call, or both cameras off): no black tile, just who is on the call.
      return html`
        <div part="audio-call" class="audio-call">
          <span part="avatar" class="avatar" aria-hidden="true">${initialsOf(name)}</span>
          <div class="who"><span part="name" class="name">${name}</span>${indicators}</div>
        </div>
        ${audio}
      `;
    }
    return html`
      <div part="videos" class="videos">
        <div class="tile remote">
          ${remoteVideo
            ? html`<video
                part="remote-video"
                aria-label=${strings.remoteVideo(role)}
                ${srcObject(remoteVideo)}
                .muted=${true}
                autoplay
                playsinline
              ></video>`
            : html`<span part="avatar" class="avatar" aria-hidden="true">${initialsOf(name)}</span>`}
          <span part="name" class="name tile-name">${name}</span>
          ${indicators}
          ${localVideo
            ? html`<div class="tile local">
                <video part="local-video" aria-label=${strings.yourVideo} ${srcObject(localVideo)} .muted=${true} autoplay playsinline></video>
                <span class="tile-name" aria-hidden="true">${strings.you}</span>
              </div>`
            : nothing}
        </div>
      </div>
      ${audio}
    `;
  }

  #renderProblems(): TemplateResult {
    const strings = this.localize.strings;
    const error = this.errorShown;
    const text = error ? errorText(strings, error, this.participant) : undefined;
    return html`
      <div role="alert" class="alerts ${text ? '' : 'live-empty'}">
        ${text
          ? html`<div part="error" class="error">
              <p><strong>${text.title}</strong> ${text.action}</p>
              <button type="button" class="btn small quiet" aria-label=${strings.dismiss} @click=${() => (this.errorShown = undefined)}>
                ${icons.close}<span class="tip" aria-hidden="true">${strings.dismiss}</span>
              </button>
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
        ${this.#renderRingingText(engine)}
        ${engine && phase === 'incoming' ? this.#renderRinging(engine) : nothing}
        ${this.#renderStatus(engine)}
        ${engine && live && engine.supervisor ? this.#renderSupervisor(engine.supervisor) : nothing}
        ${engine && live ? this.#renderCall(engine) : nothing}
        ${engine && live
          ? html`<call-controls
              part="controls"
              exportparts="base: controls-base, mute-button, video-button, end-button, devices-button, microphone-devices-button, camera-devices-button, devices-panel, microphone-devices-panel, camera-devices-panel"
              .engine=${engine}
            ></call-controls>`
          : nothing}
        ${this.#renderProblems()}
      </div>
    `;
  }
}

/** How long an end notice stays when nobody clears it. */
const NOTICE_MS = 30_000;

type FocusName = 'accept' | 'controls' | 'menu' | 'notice';

/** Where focus goes after each transition (when focus was in the panel; for ringing, see above). */
const FOCUS_BY_PHASE: Record<CallParticipantRole, Partial<Record<CallState['phase'], FocusName>>> = {
  agent: { outgoing: 'controls', ended: 'menu' },
  customer: { incoming: 'accept', connecting: 'controls', ended: 'notice' },
};
