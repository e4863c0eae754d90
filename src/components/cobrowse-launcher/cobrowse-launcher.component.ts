import { html, nothing, type TemplateResult } from 'lit';
import { property, query } from 'lit/decorators.js';
import type { CallEngine } from '../../engine/call-engine.js';
import { LocalizeController, type Translation } from '../../i18n/localize.js';
import { CallKitElement } from '../../internal/call-kit-element.js';
import type { VisualError } from '../../providers/errors.js';
import type { ProviderRegistry } from '../../providers/registry.js';
import type { VisualKind } from '../../providers/types.js';
import { VisualEngagement, type VisualState } from '../../providers/visual-engagement.js';
import type { ParticipantRole } from '../../signaling/protocol.js';
import type { SignalingTransport } from '../../signaling/transport.js';
import sharedStyles from '../shared.styles.js';
import styles from './cobrowse-launcher.styles.js';
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
 * pointer** and **Remote control** toggles and **End session**. Customer: the **Session PIN** box and
 * **Join**, then the invitation with **Accept** / **Decline** (saying what the agent will be able to
 * do), then **End session** and, while the agent is in control, **Take back control**.
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
 * @csspart pin-form - Customer: the **Session PIN** form.
 * @csspart pin-input - Customer: the **Session PIN** text box.
 * @csspart join-button - Customer: **Join**.
 * @csspart invitation - Customer: the invitation and what the agent will be able to do.
 * @csspart accept-button - Customer: **Accept**.
 * @csspart decline-button - Customer: **Decline**.
 * @csspart control-banner - Customer: the "agent is in control" banner (fixed at the top of the page).
 * @csspart take-back-button - Customer: **Take back control**.
 * @csspart status - The status line (waiting, connecting, sharing, ended).
 * @csspart error - The error message (`role="alert"`), e.g. a wrong or expired PIN.
 *
 * @cssprop --cck-control-background - Button background. Defaults to `--cck-color-surface-raised`, then `ButtonFace`.
 * @cssprop --cck-accent - Primary buttons and pressed toggles. Defaults to `--cck-color-accent`.
 * @cssprop --cck-danger - Errors and the "agent is in control" banner. Defaults to `--cck-color-danger`.
 * @cssprop --cck-launcher-gap - Space between the panel's rows.
 * @cssprop --cck-launcher-screen-width - Width of the **Customer screen** region. Default `100%`.
 * @cssprop --cck-launcher-screen-height - Height of the **Customer screen** region. Default `22rem`.
 * @cssprop --cck-tile-background - Background of the **Customer screen** region.
 */
export class CobrowseLauncher extends CallKitElement {
  static override styles = [sharedStyles, styles];

  /** The element's locale (its own `lang`, else the nearest ancestor's, else the document's) and strings. */
  private readonly localize = new LocalizeController(this);
  readonly #controller = new VisualController(this, {
    statechange: (state, previous) => this.#onStateChange(state, previous),
    error: (error) => this.emit('visual-error', { error }),
  });
  #owned: VisualEngagement | undefined;
  #ownedConfig: OwnedConfig | undefined;
  #focusAfterUpdate: string | undefined;

  @query('[part~="screen"]') private screen?: HTMLElement;

  /**
   * Which side of the conversation this launcher is: `agent` or `customer`. (Not `role`: that is
   * ARIA's attribute.) Follows the controller's side once the launcher has one.
   */
  @property({ reflect: true }) participant: ParticipantRole = 'agent';
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
  /** The conversation's `CallEngine` (e.g. `<chat-call-panel>`'s `engine`): its transport is used. */
  @property({ attribute: false }) engine: CallEngine | undefined;
  /** Where the provider id is looked up. Default: the page's `visualProviders`. */
  @property({ attribute: false }) registry: ProviderRegistry | undefined;

  /** The controller this launcher renders. Set it to share one you made; otherwise the launcher makes one. */
  @property({ attribute: false })
  get engagement(): VisualEngagement | undefined {
    return this.#controller.engagement;
  }
  set engagement(engagement: VisualEngagement | undefined) {
    if (engagement !== this.#owned) this.#disposeOwned();
    this.#controller.engagement = engagement;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#ensureOwned();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
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
    const selector = this.#focusAfterUpdate;
    this.#focusAfterUpdate = undefined;
    if (selector && this.#hasFocusWithin()) this.shadowRoot?.querySelector<HTMLElement>(selector)?.focus();
  }

  /** The provider id the launcher is configured with: `provider`, else the built-in provider of `kind`. */
  #providerId(): string {
    return this.provider || this.kind;
  }

  #transportToUse(): SignalingTransport | undefined {
    return this.transport ?? this.engine?.transport;
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
    // Focus follows the flow only when the user is working in the launcher (never stolen from the chat).
    if (state.phase !== previous.phase && this.matches(':focus-within')) {
      this.#focusAfterUpdate = FOCUS_BY_PHASE[state.role][state.phase];
    }
    this.emit('visual-state-change', { state, previous });
  }

  #hasFocusWithin(): boolean {
    // Still inside, or on a control this update removed (focus then falls back to the body).
    return this.matches(':focus-within') || this.ownerDocument.activeElement === this.ownerDocument.body;
  }

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
    if (engagement) engagement.setRemoteControl(!engagement.state.remoteControl);
  }

  #takeBack(): void {
    this.engagement?.takeBackControl();
  }

  #renderError(strings: Translation, error: VisualError | undefined): TemplateResult {
    const text = error
      ? `${strings.visual.errors[error.code]}${error.code === 'pin-invalid' && error.attemptsLeft !== undefined ? ` ${strings.visual.attemptsLeft(error.attemptsLeft)}` : ''}`
      : '';
    // Always present so that screen readers announce it when its text appears.
    return html`<p part="error" role="alert" ?hidden=${!text}>${text}</p>`;
  }

  #renderAgent(strings: Translation, state: VisualState | undefined): TemplateResult {
    const kind = state?.kind ?? this.kind;
    const label = kind === 'screen-share' ? strings.shareScreen : strings.coBrowse;
    const phase = state?.phase ?? 'idle';
    const visual = strings.visual;
    const canStart = phase === 'idle' || phase === 'ended';
    const showPin = (phase === 'waiting' || phase === 'invited') && state?.pin;
    const showScreen = phase === 'connecting' || phase === 'active';
    const status = statusForAgent(strings, state);
    return html`
      <button
        part="start-button"
        type="button"
        aria-label=${label}
        title=${label}
        ?hidden=${!canStart}
        @click=${this.#start}
      >
        <svg aria-hidden="true" viewBox="0 0 24 24"><rect x="3" y="4" width="18" height="12" rx="2" /><path d="M8 20h8M12 16v4" /></svg>
      </button>
      <div part="panel" ?hidden=${canStart && !status && !state?.error}>
        ${showPin
          ? html`<div class="row">
              <span>${visual.pinLabel}:</span>
              <strong part="pin">${state?.pin}</strong>
              <button part="send-pin-button" type="button" class="primary" @click=${this.#sendPin}>${visual.sendPinToChat}</button>
            </div>
            ${state?.expiresAt ? html`<span>${visual.pinExpires(formatTime(state.expiresAt, this.localize.lang))}</span>` : nothing}`
          : nothing}
        ${showScreen
          ? html`<div part="screen" role="region" aria-label=${visual.customerScreen}>
              ${state?.consoleUrl
                ? html`<a part="console-link" href=${state.consoleUrl} target="_blank" rel="noopener">${visual.openConsole}</a>`
                : nothing}
            </div>`
          : nothing}
        <p part="status" role="status" ?hidden=${!status}>${status}</p>
        ${this.#renderError(strings, state?.error)}
        ${canStart
          ? nothing
          : html`<div part="toolbar" class="row" role="toolbar" aria-label=${label}>
              ${showScreen && state?.capabilities.laserPointer
                ? html`<button part="laser-button" type="button" aria-pressed=${state.laserPointer ? 'true' : 'false'} @click=${this.#toggleLaser}>
                    ${visual.laserPointer}
                  </button>`
                : nothing}
              ${showScreen && state?.capabilities.remoteControl
                ? html`<button
                    part="control-button"
                    type="button"
                    aria-pressed=${state.remoteControl ? 'true' : 'false'}
                    ?disabled=${phase !== 'active'}
                    @click=${this.#toggleControl}
                  >
                    ${visual.remoteControl}
                  </button>`
                : nothing}
              <button part="end-button" type="button" class="danger" @click=${this.#end}>${visual.endSession}</button>
            </div>`}
      </div>
    `;
  }

  #renderCustomer(strings: Translation, state: VisualState | undefined): TemplateResult {
    const visual = strings.visual;
    const phase = state?.phase ?? 'idle';
    const canJoin = phase === 'idle' || phase === 'ended' || phase === 'joining';
    const status = statusForCustomer(strings, state);
    return html`
      <div part="panel">
        ${canJoin
          ? html`<form part="pin-form" @submit=${this.#join}>
              <label>
                <span>${visual.sessionPin}</span>
                <input
                  part="pin-input"
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
              <button part="join-button" type="submit" class="primary" ?disabled=${!this.engagement || phase === 'joining'}>${visual.join}</button>
            </form>`
          : nothing}
        ${phase === 'invited' && state ? this.#renderInvitation(strings, state) : nothing}
        <p part="status" role="status" ?hidden=${!status}>${status}</p>
        ${this.#renderError(strings, state?.error)}
        ${phase === 'connecting' || phase === 'active'
          ? html`<div part="toolbar" class="row">
              <button part="end-button" type="button" class="danger" @click=${this.#end}>${visual.endSession}</button>
            </div>`
          : nothing}
        ${state?.remoteControl && (phase === 'active' || phase === 'connecting')
          ? html`<div part="control-banner">
              <p>${visual.agentInControl}</p>
              <button part="take-back-button" type="button" @click=${this.#takeBack}>${visual.takeBackControl}</button>
            </div>`
          : nothing}
      </div>
    `;
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
        <button part="accept-button" type="button" class="primary" @click=${this.#accept}>${visual.accept}</button>
        <button part="decline-button" type="button" @click=${this.#decline}>${visual.decline}</button>
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

/** Where focus goes when the phase changes while focus is inside the launcher. */
const FOCUS_BY_PHASE: Record<ParticipantRole, Partial<Record<VisualState['phase'], string>>> = {
  agent: {
    idle: '[part~="start-button"]',
    waiting: '[part~="send-pin-button"]',
    connecting: '[part~="end-button"]',
    ended: '[part~="start-button"]',
  },
  customer: {
    idle: '[part~="pin-input"]',
    invited: '[part~="accept-button"]',
    connecting: '[part~="end-button"]',
    active: '[part~="end-button"]',
    ended: '[part~="pin-input"]',
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
    case 'active':
      if (state.remoteControl) return visual.agentInControl;
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
