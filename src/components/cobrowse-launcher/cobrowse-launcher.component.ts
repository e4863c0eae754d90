import { css, html, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { LocalizeController } from '../../i18n/localize.js';
import { CallKitElement } from '../../internal/call-kit-element.js';

export type VisualEngagementKind = 'cobrowse' | 'screen-share';

/**
 * @summary The agent's computer-icon button that starts visual engagement (co-browse or screen
 * share) next to the chat's End button.
 *
 * @description This release ships the launcher's button and its request event; the session flow
 * (PIN, invitation, the customer's screen) is added with the provider registry.
 *
 * @fires {VisualEngagementRequestEvent} visual-engagement-request - The agent asked to start a session. `detail: { kind }`.
 *
 * @csspart base - The wrapper.
 * @csspart start-button - The computer-icon button (**Co-browse** or **Share screen**).
 *
 * @cssprop --cck-control-background - Button background. Defaults to `--cck-color-surface-raised`, then `ButtonFace`.
 */
export class CobrowseLauncher extends CallKitElement {
  static override styles = css`
    :host {
      display: inline-block;
      color-scheme: light dark;
    }
    button {
      display: inline-flex;
      align-items: center;
      justify-content: center;
      width: 2.25rem;
      height: 2.25rem;
      padding: 0;
      border-radius: 0.375rem;
      border: 1px solid color-mix(in srgb, currentColor 25%, transparent);
      background: var(--cck-control-background, var(--cck-color-surface-raised, ButtonFace));
      color: inherit;
      cursor: pointer;
    }
    button:focus-visible {
      outline: 2px solid var(--cck-color-accent, Highlight);
      outline-offset: 2px;
    }
    svg {
      width: 1.25rem;
      height: 1.25rem;
      fill: none;
      stroke: currentColor;
      stroke-width: 2;
    }
  `;

  readonly localize = new LocalizeController(this);

  /** The configured provider's kind: it names the button. */
  @property({ reflect: true }) kind: VisualEngagementKind = 'cobrowse';

  #request(): void {
    this.emit('visual-engagement-request', { kind: this.kind });
  }

  override render(): TemplateResult {
    const strings = this.localize.strings;
    const label = this.kind === 'screen-share' ? strings.shareScreen : strings.coBrowse;
    return html`
      <span part="base" lang=${this.localize.lang}>
        <button part="start-button" type="button" aria-label=${label} title=${label} @click=${this.#request}>
          <svg aria-hidden="true" viewBox="0 0 24 24"><rect x="3" y="4" width="18" height="12" rx="2" /><path d="M8 20h8M12 16v4" /></svg>
        </button>
      </span>
    `;
  }
}

export type VisualEngagementRequestEvent = CustomEvent<{ kind: VisualEngagementKind }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'visual-engagement-request': VisualEngagementRequestEvent;
  }
}
