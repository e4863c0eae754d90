import { html, nothing, type TemplateResult } from 'lit';
import { property, query, state as reactiveState } from 'lit/decorators.js';
import type { CallEngine } from '../../engine/call-engine.js';
import { LocalizeController, type Translation } from '../../i18n/localize.js';
import { CallKitElement } from '../../internal/call-kit-element.js';
import type { VisualError } from '../../providers/errors.js';
import type { ProviderRegistry } from '../../providers/registry.js';
import type { VisualKind } from '../../providers/types.js';
import { VisualEngagement, type VisualState } from '../../providers/visual-engagement.js';
import type { CallParticipantRole } from '../../signaling/protocol.js';
import type { SignalingTransport } from '../../signaling/transport.js';
import buttonStyles from '../buttons.styles.js';
import { FocusFollowController } from '../focus-follow-controller.js';
import { icons } from '../icons.js';
import sharedStyles from '../shared.styles.js';
import tokens from '../tokens.styles.js';
import styles from './cobrowse-launcher.styles.js';
import { consumeEngine } from '../engine-context.js';
import { VisualController } from './visual-controller.js';

export type { VisualEngagementRequestEvent } from '../../events/visual-engagement-request.js';
/** @deprecated Use `VisualKind`. */
export type VisualEngagementKind = VisualKind;

/**
 * @summary Screen share and co-browse for one side of a conversation: the agent's computer-icon
 * button, PIN and view of the customer's screen; the customer's PIN entry, invitation and session
 * controls. All session logic lives in the `VisualEngagement` it renders.
 *
 * @description Give it a `VisualEngagement` through the `engagement` property, or a `transport`
 * (or the `engine` of the conversation's `<chat-call-panel>`) and the configured `provider`; it then
 * makes its own controller and disposes of it when removed. Agent: the **Co-browse** / **Share
 * screen** button creates a session; the PIN is shown in `part="pin"` with **Send PIN to chat**; once
 * the customer accepts, the **Customer screen** region shows their screen or page, with the **Laser
 * pointer** and **Remote control** toggles, **Fit to width** and **Full screen** to enlarge the view,
 * and **End session**. With the laser or control on, the view takes focus and works from the
 * keyboard: the arrow keys move the pointer, Enter clicks, Page Up / Page Down scroll.
 *
 * Customer: once the agent has offered a session (`state.offered`), the **Session PIN** box and
 * **Join** (before that, only a small **Have a PIN?** button that opens them); then the invitation
 * with **Accept** / **Decline** (saying what the agent will be able to do); then, for the whole
 * session, a slim bar at the top of the page saying that support can see the page, with **End
 * session** and, while the agent is in control, **Take back control**. When the agent asks for remote
 * control, **Allow** / **Deny**: each grant needs the customer's answer.
 *
 * Focus follows the flow when the person works in the launcher (never taken from the chat): to
 * **Send PIN to chat** once the PIN is there, to **Accept** on the invitation, to **End session** once
 * the session runs or control is taken back, and back to the start when a session ends.
 *
 * @attr {string} lang - The locale (`en`, `pt-BR`, or one added with `registerTranslation`). Defaults to the
 *   nearest ancestor's `lang`, then the document's.
 *
 * @fires {VisualEngagementRequestEvent} visual-engagement-request - Agent: the computer-icon button was clicked. Cancelable: `preventDefault()` stops the launcher from starting the session. `detail: { kind }`.
 * @fires {VisualPinShareEvent} visual-pin-share - Agent: **Send PIN to chat** was clicked; the host's chat sends `detail.text` (or builds a message from `detail.pin`). `detail: { pin, text, expiresAt, kind }`.
 * @fires {VisualRequestEndEvent} visual-request-end - **End session** was clicked. Cancelable: `preventDefault()` keeps the session going. `detail: { source }`.
 * @fires {VisualStateChangeEvent} visual-state-change - The session changed phase or state. `detail: { state, previous }`.
 * @fires {VisualErrorEvent} visual-error - Something failed (wrong PIN, refused share, ...). `detail: { error }` with a stable `error.code`.
 *
 * @csspart base - The wrapper.
 * @csspart start-button - Agent: the computer-icon button (**Co-browse** or **Share screen**).
 * @csspart panel - The session panel (PIN, invitation, screen and controls).
 * @csspart pin - Agent: the PIN, as text.
 * @csspart send-pin-button - Agent: **Send PIN to chat**.
 * @csspart screen - Agent: the **Customer screen** region holding the customer's screen or page.
 * @csspart toolbar - The row of session controls.
 * @csspart laser-button - Agent: the **Laser pointer** toggle.
 * @csspart control-button - Agent: the **Remote control** toggle (co-browse).
 * @csspart end-button - **End session**.
 * @csspart console-link - Agent, for providers with their own console: the link that opens it.
 * @csspart screen-hint - Agent: the keyboard help under the view, while the laser or control is on.
 * @csspart fit-button - Agent: the **Fit to width** toggle (the view fills its width and grows in height).
 * @csspart fullscreen-button - Agent: the **Full screen** toggle.
 * @csspart have-pin-button - Customer: **Have a PIN?**, before a session is offered.
 * @csspart pin-form - Customer: the **Session PIN** form.
 * @csspart pin-input - Customer: the **Session PIN** text box.
 * @csspart join-button - Customer: **Join**.
 * @csspart invitation - Customer: the invitation and what the agent will be able to do.
 * @csspart accept-button - Customer: **Accept**.
 * @csspart decline-button - Customer: **Decline**.
 * @csspart session-bar - Customer: the bar at the top of the page for the whole session ("The agent can see this page", **End session**).
 * @csspart control-banner - Customer: the session bar while the agent is in control (red, with **Take back control**).
 * @csspart take-back-button - Customer: **Take back control**.
 * @csspart control-request - Customer: the agent's request for remote control, with **Allow** / **Deny**.
 * @csspart allow-control-button - Customer: **Allow** (grants remote control).
 * @csspart deny-control-button - Customer: **Deny** (refuses remote control).
 * @csspart status - The status line (waiting, connecting, sharing, ended).
 * @csspart error - The error message (`role="alert"`), e.g. a wrong or expired PIN.
 *
 * @cssprop --cck-control-background - Button background. Defaults to `--cck-color-surface-raised`.
 * @cssprop --cck-color-accent - Primary buttons and tools that are on (global token).
 * @cssprop --cck-color-danger - **End session** and the "agent is in control" bar (global token).
 * @cssprop --cck-launcher-gap - Space between the panel's rows.
 * @cssprop --cck-launcher-background - The session panel's background. Defaults to `--cck-color-surface`.
 * @cssprop --cck-launcher-screen-width - Width of the **Customer screen** region. Default `100%`.
 * @cssprop --cck-launcher-screen-height - Height of the **Customer screen** region. Default `22rem`.
 * @cssprop --cck-tile-background - Background of the **Customer screen** region.
 */
export class CobrowseLauncher extends CallKitElement {
  static override styles = [tokens, sharedStyles, buttonStyles, styles];

  /** The element's locale (its own `lang`, else the nearest ancestor's, else the document's) and strings. */
  private readonly localize = new LocalizeController(this);
  readonly #controller = new VisualController(this, {
    statechange: (state, previous) => this.#onStateChange(state, previous),
    error: (error) => this.emit('visual-error', { error }),
  });
  readonly #focus = new FocusFollowController(this);
  #owned: VisualEngagement | undefined;
  #ownedConfig: OwnedConfig | undefined;

  @query('[part~="screen"]') private screen?: HTMLElement;

  /**
   * Which side of the conversation this launcher is: `agent` or `customer`. (Not `role`: that is
   * ARIA's attribute.) Follows the controller's side once the launcher has one.
   */
  @property({ reflect: true }) participant: CallParticipantRole = 'agent';
  /**
   * The configured provider's id in the registry (`cobrowse`, `screen-share`, or a vendor's), when
   * the launcher makes its own controller. Empty: the built-in provider of `kind`.
   */
  @property() provider = '';
  /**
   * The kind of visual engagement (`cobrowse` or `screen-share`); it names the agent's button. Follows
   * the provider's kind once the launcher has a controller.
   */
  @property({ reflect: true }) kind: VisualKind = 'cobrowse';
  /** The conversation's signaling, when the launcher makes its own controller. */
  @property({ attribute: false }) transport: SignalingTransport | undefined;
  /**
   * The conversation's `CallEngine`: its transport is used. Inside a `<chat-call-panel>` (slotted or
   * nested) the panel's engine is used unless this is set.
   */
  @property({ attribute: false }) engine: CallEngine | undefined;
  /** The engine of the `<chat-call-panel>` this launcher is inside, if any. */
  @reactiveState() private panelEngine: CallEngine | undefined;
  /** Where the provider id is looked up. Default: the page's `visualProviders`. */
  @property({ attribute: false }) registry: ProviderRegistry | undefined;

  /** Customer: asked for the PIN entry (**Have a PIN?**, or a join that needs correcting). */
  @reactiveState() private pinWanted = false;
  /** Agent: how the view fits its box. */
  @reactiveState() private fit: 'contain' | 'width' = 'contain';
  @reactiveState() private fullScreen = false;

  /** The controller this launcher renders. Set it to share one you made; otherwise the launcher makes one. */
  @property({ attribute: false })
  get engagement(): VisualEngagement | undefined {
    return this.#controller.engagement;
  }
  set engagement(engagement: VisualEngagement | undefined) {
    if (engagement !== this.#owned) this.#disposeOwned();
    this.#controller.engagement = engagement;
  }

  constructor() {
    super();
    consumeEngine(this, (engine) => (this.panelEngine = engine));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.ownerDocument.addEventListener('fullscreenchange', this.#onFullScreenChange);
    this.#ensureOwned();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.ownerDocument.removeEventListener('fullscreenchange', this.#onFullScreenChange);
    this.engagement?.detachView();
    this.#disposeOwned();
  }

  protected override willUpdate(): void {
    const owned = this.#owned;
    // Only a real change of what the owned controller was made from replaces it (and ends its session).
    if (owned && !this.#ownedConfig?.matches(this.#transportToUse(), this.#providerId(), this.registry)) this.#disposeOwned();
    this.#ensureOwned();
    const engagement = this.engagement;
    if (engagement && engagement.state.kind !== this.kind) this.kind = engagement.state.kind;
    if (engagement && engagement.role !== this.participant) this.participant = engagement.role;
  }

  protected override updated(): void {
    const engagement = this.engagement;
    const screen = this.screen;
    if (engagement && screen) engagement.attachView(screen);
    else engagement?.detachView();
  }

  /** The provider id the launcher is configured with: `provider`, else the built-in provider of `kind`. */
  #providerId(): string {
    return this.provider || this.kind;
  }

  #transportToUse(): SignalingTransport | undefined {
    return this.transport ?? (this.engine ?? this.panelEngine)?.transport;
  }

  #ensureOwned(): void {
    if (!this.isConnected || this.engagement) return;
    const transport = this.#transportToUse();
    if (!transport) return;
    const provider = this.#providerId();
    const registry = this.registry;
    const engagement = new VisualEngagement({
      transport,
      provider,
      ...(registry ? { registry } : {}),
      document: this.ownerDocument,
    });
    this.#owned = engagement;
    this.#ownedConfig = {
      matches: (t, p, r) => t === transport && p === provider && r === registry,
    };
    this.#controller.engagement = engagement;
  }

  #disposeOwned(): void {
    const owned = this.#owned;
    if (!owned) return;
    this.#owned = undefined;
    this.#ownedConfig = undefined;
    if (this.#controller.engagement === owned) this.#controller.engagement = undefined;
    owned.detachView();
    owned.dispose();
  }

  #onStateChange(state: VisualState, previous: VisualState): void {
    if (state.phase === 'invited' || state.phase === 'ended') this.pinWanted = false;
    if (state.phase !== 'connecting' && state.phase !== 'active' && this.fullScreen) void this.#toggleFullScreen();
    // Focus follows the flow only when the person works in the launcher (never taken from the chat).
    const target = state.phase !== previous.phase ? FOCUS_BY_PHASE[state.role][state.phase] : previous.remoteControl && !state.remoteControl ? 'end' : undefined;
    if (target) this.#focus.request(() => this.#focusable(target));
    this.emit('visual-state-change', { state, previous });
  }

  /** The control a focus-map entry names; the PIN box, or Have a PIN? while it is collapsed. */
  #focusable(target: FocusName): HTMLElement | null {
    const query = (selector: string) => this.renderRoot.querySelector<HTMLElement>(selector);
    if (target === 'pin') return query('[part~="pin-input"]') ?? query('[part~="have-pin-button"]');
    return query(FOCUS_SELECTORS[target]);
  }

  #askForPin(): void {
    this.pinWanted = true;
    this.#focus.request(() => this.#focusable('pin'));
  }

  #toggleFit(): void {
    this.fit = this.fit === 'width' ? 'contain' : 'width';
  }

  /** The whole panel (view and tools) goes full screen, so the tools stay at hand. */
  async #toggleFullScreen(): Promise<void> {
    const doc = this.ownerDocument;
    const panel = this.renderRoot.querySelector<HTMLElement>('[part~="panel"]');
    try {
      if (this.fullScreen || this.shadowRoot?.fullscreenElement) await doc.exitFullscreen();
      else await panel?.requestFullscreen();
    } catch {
      // Refused (no user gesture, or not allowed in this frame): the view keeps its size.
    }
  }

  readonly #onFullScreenChange = (): void => {
    this.fullScreen = Boolean(this.shadowRoot?.fullscreenElement);
  };

  #start(): void {
    const request = this.emit('visual-engagement-request', { kind: this.kind }, { cancelable: true });
    if (request.defaultPrevented) return;
    this.engagement?.start().catch(() => {});
  }

  #sendPin(): void {
    const state = this.engagement?.state;
    if (!state?.pin) return;
    const text = this.localize.strings.visual.pinChatMessage(state.pin, state.kind);
    this.emit('visual-pin-share', { pin: state.pin, text, expiresAt: state.expiresAt ?? 0, kind: state.kind });
  }

  #end(): void {
    const request = this.emit('visual-request-end', { source: 'button' }, { cancelable: true });
    if (!request.defaultPrevented) this.engagement?.end();
  }

  #join(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const input = form.querySelector('input');
    const pin = input?.value.trim() ?? '';
    const engagement = this.engagement;
    if (!engagement) return;
    if (!pin) {
      input?.focus();
      return;
    }
    this.pinWanted = true;
    engagement.join(pin).then(
      () => {
        if (input) input.value = '';
      },
      () => {
        // The error is in the controller's state (role="alert"); keep the PIN to correct it.
        input?.select();
      },
    );
  }

  #accept(): void {
    this.engagement?.accept().catch(() => {});
  }

  #decline(): void {
    this.engagement?.decline();
  }

  #toggleLaser(): void {
    const engagement = this.engagement;
    if (engagement) engagement.setLaserPointer(!engagement.state.laserPointer);
  }

  #toggleControl(): void {
    const engagement = this.engagement;
    // Pressed only once the customer allowed it; asking again while the customer is asked changes nothing.
    if (engagement) engagement.setRemoteControl(!engagement.state.remoteControl);
  }

  #takeBack(): void {
    this.engagement?.takeBackControl();
  }

  #allowControl(): void {
    this.engagement?.allowControl();
  }

  #denyControl(): void {
    this.engagement?.denyControl();
  }

  #renderError(strings: Translation, error: VisualError | undefined): TemplateResult {
    const text = error
      ? `${strings.visual.errors[error.code]}${error.code === 'pin-invalid' && error.attemptsLeft !== undefined ? ` ${strings.visual.attemptsLeft(error.attemptsLeft)}` : ''}`
      : '';
    // Always present so that screen readers announce it when its text appears.
    return html`<p part="error" class="error ${text ? '' : 'live-empty'}" role="alert">${text || nothing}</p>`;
  }

  /** The status line, a live region that is always there; `visuallyHidden` when a bar shows the same words. */
  #renderStatus(status: string, visuallyHidden = false): TemplateResult {
    return html`<p part="status" class="status ${status && !visuallyHidden ? '' : 'live-empty'}" role="status">${status || nothing}</p>`;
  }

  /** A tool or command of the session toolbar: icon, name (icon-only in a narrow panel), tooltip. */
  #renderTool(options: {
    part: string;
    name: string;
    icon: TemplateResult;
    pressed?: boolean;
    className?: string;
    disabled?: boolean;
    onClick: () => void;
  }): TemplateResult {
    return html`<button
      part=${options.part}
      type="button"
      class="btn collapsible ${options.className ?? 'tool'}"
      aria-pressed=${options.pressed === undefined ? nothing : String(options.pressed)}
      ?disabled=${options.disabled ?? false}
      @click=${options.onClick}
    >
      ${options.icon}<span class="label">${options.name}</span><span class="tip" aria-hidden="true">${options.name}</span>
    </button>`;
  }

  #renderAgent(strings: Translation, state: VisualState | undefined): TemplateResult {
    const kind = state?.kind ?? this.kind;
    const label = kind === 'screen-share' ? strings.shareScreen : strings.coBrowse;
    const phase = state?.phase ?? 'idle';
    const visual = strings.visual;
    const canStart = phase === 'idle' || phase === 'ended';
    const showPin = (phase === 'waiting' || phase === 'invited') && state?.pin;
    const showScreen = phase === 'connecting' || phase === 'active';
    // Once the customer has joined, a co-browse view is prepared out of sight (its replayer made),
    // so the page shows as soon as it arrives after the accept.
    const prepareScreen = phase === 'invited' && kind === 'cobrowse';
    const status = statusForAgent(strings, state);
    const laser = Boolean(state?.laserPointer);
    const control = Boolean(state?.remoteControl);
    const keyboard = showScreen && (laser || control);
    return html`
      <button part="start-button" class="btn icon-only quiet" type="button" aria-label=${label} ?hidden=${!canStart} @click=${this.#start}>
        ${icons.screen}<span class="tip" aria-hidden="true">${label}</span>
      </button>
      <div part="panel" class="panel" ?hidden=${canStart && !status && !state?.error}>
        ${showPin
          ? html`<div class="row">
              <span>${visual.pinLabel}:</span>
              <strong part="pin">${state?.pin}</strong>
              <button part="send-pin-button" type="button" class="btn primary" @click=${this.#sendPin}>${visual.sendPinToChat}</button>
            </div>
            ${state?.expiresAt ? html`<span class="hint">${visual.pinExpires(formatTime(state.expiresAt, this.localize.lang))}</span>` : nothing}`
          : nothing}
        ${showScreen || prepareScreen
          ? html`<div
              part="screen"
              class="screen"
              ?hidden=${!showScreen}
              role="region"
              aria-label=${visual.customerScreen}
              tabindex=${keyboard ? '0' : nothing}
              aria-describedby=${keyboard ? 'screen-keys' : nothing}
              data-cck-fit=${this.fit}
            >
              ${state?.consoleUrl
                ? html`<a part="console-link" href=${state.consoleUrl} target="_blank" rel="noopener">${visual.openConsole}</a>`
                : nothing}
            </div>
            ${keyboard ? html`<p id="screen-keys" part="screen-hint" class="hint">${visual.screenKeys(control)}</p>` : nothing}`
          : nothing}
        ${this.#renderStatus(status)}
        ${this.#renderError(strings, state?.error)}
        ${canStart
          ? nothing
          : html`<div class="tools"><div part="toolbar" class="row toolbar" role="toolbar" aria-label=${label}>
              ${showScreen && state?.capabilities.laserPointer
                ? this.#renderTool({ part: 'laser-button', name: visual.laserPointer, icon: icons.laser, pressed: laser, onClick: () => this.#toggleLaser() })
                : nothing}
              ${showScreen && state?.capabilities.remoteControl
                ? this.#renderTool({
                    part: 'control-button',
                    name: visual.remoteControl,
                    icon: icons.control,
                    pressed: control,
                    disabled: phase !== 'active',
                    onClick: () => this.#toggleControl(),
                  })
                : nothing}
              ${showScreen
                ? html`${this.#renderTool({
                    part: 'fit-button',
                    name: visual.fitToWidth,
                    icon: icons.fitWidth,
                    pressed: this.fit === 'width',
                    onClick: () => this.#toggleFit(),
                  })}
                  ${this.#renderTool({
                    part: 'fullscreen-button',
                    name: visual.fullScreen,
                    icon: this.fullScreen ? icons.exitFullScreen : icons.fullScreen,
                    pressed: this.fullScreen,
                    onClick: () => void this.#toggleFullScreen(),
                  })}`
                : nothing}
              ${this.#renderTool({ part: 'end-button', name: visual.endSession, icon: icons.close, className: 'danger', onClick: () => this.#end() })}
            </div></div>`}
      </div>
    `;
  }

  #renderCustomer(strings: Translation, state: VisualState | undefined): TemplateResult {
    const visual = strings.visual;
    const phase = state?.phase ?? 'idle';
    const canJoin = phase === 'idle' || phase === 'ended' || phase === 'joining';
    // No PIN box before there is a PIN to enter: the agent offered a session, or the customer asked.
    const showForm = canJoin && (Boolean(state?.offered) || this.pinWanted || phase === 'joining');
    const inSession = phase === 'connecting' || phase === 'active';
    const status = statusForCustomer(strings, state);
    return html`
      <div part="panel" class="panel">
        ${showForm
          ? html`<form part="pin-form" @submit=${this.#join}>
              <label>
                <span>${visual.sessionPin}</span>
                <input
                  part="pin-input"
                  class="pin-input"
                  name="pin"
                  type="text"
                  inputmode="numeric"
                  autocomplete="one-time-code"
                  maxlength="32"
                  spellcheck="false"
                  aria-invalid=${state?.error?.code.startsWith('pin-') ? 'true' : 'false'}
                  ?disabled=${!this.engagement}
                />
              </label>
              <button part="join-button" type="submit" class="btn primary" ?disabled=${!this.engagement || phase === 'joining'}>${visual.join}</button>
            </form>`
          : canJoin
            ? html`<button part="have-pin-button" type="button" class="link" @click=${this.#askForPin}>${visual.havePin}</button>`
            : nothing}
        ${phase === 'invited' && state ? this.#renderInvitation(strings, state) : nothing}
        ${this.#renderStatus(status, inSession)}
        ${this.#renderError(strings, state?.error)}
        ${inSession && state ? this.#renderSessionBar(strings, state) : nothing}
        ${state?.controlRequested && !state.remoteControl && phase === 'active'
          ? html`<div part="control-request" role="group" aria-labelledby="control-request-title">
              <h3 id="control-request-title">${visual.controlRequestTitle}</h3>
              <span>${visual.capabilities.remoteControl}</span>
              <div class="row">
                <button part="allow-control-button" type="button" class="btn primary" @click=${this.#allowControl}>${visual.allowControl}</button>
                <button part="deny-control-button" type="button" class="btn quiet" @click=${this.#denyControl}>${visual.denyControl}</button>
              </div>
            </div>`
          : nothing}
      </div>
    `;
  }

  /** The customer's page-wide sign that support sees it, for the whole session, with End session. */
  #renderSessionBar(strings: Translation, state: VisualState): TemplateResult {
    const visual = strings.visual;
    const control = state.remoteControl;
    const text = control ? visual.agentInControl : state.kind === 'screen-share' ? visual.sharingScreen : visual.agentSeesPage;
    return html`<div part=${control ? 'session-bar control-banner' : 'session-bar'} class="session-bar ${control ? 'in-control' : ''}">
      ${control ? icons.control : icons.eye}
      <p>${text}</p>
      ${control ? html`<button part="take-back-button" type="button" class="btn on-bar" @click=${this.#takeBack}>${visual.takeBackControl}</button>` : nothing}
      <button part="end-button" type="button" class="btn on-bar danger" @click=${this.#end}>${visual.endSession}</button>
    </div>`;
  }

  #renderInvitation(strings: Translation, state: VisualState): TemplateResult {
    const visual = strings.visual;
    const caps = state.capabilities;
    const items = [
      caps.view ? visual.capabilities.view(state.kind) : undefined,
      caps.laserPointer ? visual.capabilities.laserPointer : undefined,
      caps.remoteControl ? visual.capabilities.remoteControl : undefined,
      caps.navigation ? visual.capabilities.navigation : undefined,
    ].filter((item): item is string => Boolean(item));
    return html`<div part="invitation" role="group" aria-labelledby="invitation-title" aria-describedby="invitation-intro invitation-list">
      <h3 id="invitation-title">${visual.invitationTitle(state.kind)}</h3>
      <p id="invitation-intro">${visual.invitationIntro}</p>
      <ul id="invitation-list">
        ${items.map((item) => html`<li>${item}</li>`)}
      </ul>
      <div class="row">
        <button part="accept-button" type="button" class="btn primary" @click=${this.#accept}>${visual.accept}</button>
        <button part="decline-button" type="button" class="btn quiet" @click=${this.#decline}>${visual.decline}</button>
      </div>
    </div>`;
  }

  override render(): TemplateResult {
    const strings = this.localize.strings;
    const state = this.engagement?.state;
    return html`
      <div part="base" lang=${this.localize.lang}>
        ${this.participant === 'customer' ? this.#renderCustomer(strings, state) : this.#renderAgent(strings, state)}
      </div>
    `;
  }
}

interface OwnedConfig {
  matches(transport: SignalingTransport | undefined, provider: string, registry: ProviderRegistry | undefined): boolean;
}

type FocusName = 'start' | 'send-pin' | 'tools' | 'end' | 'pin' | 'accept';

const FOCUS_SELECTORS: Record<Exclude<FocusName, 'pin'>, string> = {
  start: '[part~="start-button"]',
  'send-pin': '[part~="send-pin-button"]',
  tools: '[part~="toolbar"] button',
  end: '[part~="end-button"]',
  accept: '[part~="accept-button"]',
};

/** Where focus goes when the phase changes (only while the person works in the launcher). */
const FOCUS_BY_PHASE: Record<CallParticipantRole, Partial<Record<VisualState['phase'], FocusName>>> = {
  agent: {
    idle: 'start',
    waiting: 'send-pin',
    connecting: 'tools',
    ended: 'start',
  },
  customer: {
    idle: 'pin',
    invited: 'accept',
    connecting: 'end',
    active: 'end',
    ended: 'pin',
  },
};

function statusForAgent(strings: Translation, state: VisualState | undefined): string {
  const visual = strings.visual;
  switch (state?.phase) {
    case 'starting':
      return visual.creating;
    case 'waiting':
      return visual.waitingForCustomer;
    case 'invited':
      return visual.customerReviewing;
    case 'connecting':
      return visual.connectingView(state.kind);
    case 'active':
      if (state.navigating) return visual.customerNavigating;
      if (state.controlRequested) return visual.waitingForControl;
      return state.remoteControl ? visual.youAreInControl : '';
    case 'ended':
      return state.endReason ? visual.endedAgent[state.endReason] : '';
    default:
      return '';
  }
}

function statusForCustomer(strings: Translation, state: VisualState | undefined): string {
  const visual = strings.visual;
  switch (state?.phase) {
    case 'joining':
      return visual.checkingPin;
    case 'connecting':
      // Screen share: the browser's picker is open; nothing is shared until it resolves.
      return state.kind === 'screen-share' ? visual.choosingScreen : visual.agentSeesPage;
    case 'active':
      if (state.remoteControl) return visual.agentInControl;
      if (state.controlRequested) return visual.controlRequestTitle;
      return state.kind === 'screen-share' ? visual.sharingScreen : visual.agentSeesPage;
    case 'ended':
      return state.endReason ? visual.endedCustomer[state.endReason] : '';
    default:
      return '';
  }
}

function formatTime(at: number, lang: string): string {
  try {
    return new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' }).format(at);
  } catch {
    return new Date(at).toLocaleTimeString();
  }
}
