import { css } from 'lit';
import { visuallyHidden } from './shared.styles.js';

/**
 * Buttons the elements share: pill buttons with an icon and a label, round icon buttons, tooltips.
 * `.collapsible` buttons drop to icon-only (the label stays, visually hidden, as the accessible
 * name) when the element's container is narrower than 480 px; their tooltip names them then.
 */
export default css`
  .btn {
    position: relative;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.5rem;
    min-height: 2.75rem;
    min-width: 2.75rem;
    padding: 0 1rem;
    border-radius: 999px;
    border: 1px solid transparent;
    background: var(--_raised);
    color: var(--_text);
    cursor: pointer;
    white-space: nowrap;
  }

  .btn:hover {
    background: color-mix(in srgb, var(--_raised) 86%, var(--_text));
  }

  .btn:disabled {
    cursor: default;
    opacity: 0.6;
  }

  .btn.primary {
    background: var(--_accent);
    color: var(--_on-accent);
  }

  .btn.success {
    background: var(--_success);
    color: #fff;
  }

  .btn.danger {
    background: var(--_danger);
    color: #fff;
  }

  .btn:is(.primary, .success, .danger):hover {
    filter: brightness(0.92);
  }

  .btn.quiet {
    background: transparent;
    border-color: var(--_border);
  }

  /* A toggle that is on (laser, remote control): the accent, like a selected tool. */
  .btn.tool[aria-pressed='true'] {
    background: var(--_accent);
    color: var(--_on-accent);
  }

  .btn.icon-only {
    width: 2.75rem;
    padding: 0;
  }

  .btn.small {
    min-height: 2rem;
    min-width: 2rem;
    width: 2rem;
    padding: 0;
  }

  .icon {
    flex: none;
    width: 1.25rem;
    height: 1.25rem;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linecap: round;
    stroke-linejoin: round;
  }

  .tip {
    position: absolute;
    z-index: 30;
    inset-block-end: calc(100% + 0.375rem);
    inset-inline-start: 50%;
    translate: -50% 0;
    padding: 0.25rem 0.5rem;
    border-radius: 0.375rem;
    background: var(--_text);
    color: var(--_surface);
    font-size: 0.8125rem;
    line-height: 1.3;
    white-space: nowrap;
    pointer-events: none;
    /* Not just transparent: a hidden tooltip must not widen a scrolling ancestor. */
    display: none;
  }

  .btn:is(:hover, :focus-visible) > .tip {
    display: block;
  }

  /* The last button's tooltip ends at its edge, so it stays inside the element. */
  .btn:last-child > .tip {
    inset-inline-start: auto;
    inset-inline-end: 0;
    translate: none;
  }

  /* Escape hides tooltips until the pointer or focus moves on (WCAG 1.4.13). */
  :host(:state(tips-off)) .tip {
    display: none !important;
  }

  @container (max-width: 479px) {
    .btn.collapsible {
      width: 2.75rem;
      padding: 0;
    }

    .btn.collapsible > .label {
      ${visuallyHidden}
    }
  }

  @media (forced-colors: active) {
    .btn {
      border-color: ButtonText;
    }

    .btn[aria-pressed='true'] {
      border-width: 3px;
    }
  }
`;
