import { css } from 'lit';

export default css`
  :host {
    display: inline-block;
    --_control: var(--cck-control-background, var(--_raised));
  }

  :host([participant='customer']) {
    display: block;
  }

  .btn {
    min-height: 2.5rem;
  }

  .btn:not(.primary, .danger, [aria-pressed='true']) {
    background: var(--_control);
  }

  [part~='start-button'] {
    background: transparent;
  }

  .panel {
    display: grid;
    gap: var(--cck-launcher-gap, 0.5rem);
    min-width: min(22rem, 100%);
    border-radius: var(--_radius);
    background: var(--cck-launcher-background, var(--_surface));
    color: var(--_text);
  }

  /* The toolbar's own container (not the panel's: containment inside a shrink-to-fit host confuses
     layout and checkers), for icon-only tools below 480 px. */
  .tools {
    container-type: inline-size;
  }

  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }

  [part~='pin'] {
    font-size: 1.5rem;
    font-weight: 700;
    letter-spacing: 0.2em;
    font-variant-numeric: tabular-nums;
  }

  .status,
  .error,
  .hint {
    margin: 0;
  }

  .hint {
    color: var(--_muted);
    font-size: 0.875rem;
  }

  .error {
    color: var(--_danger-text);
  }

  .screen {
    position: relative;
    width: var(--cck-launcher-screen-width, 100%);
    height: var(--cck-launcher-screen-height, 22rem);
    border-radius: 0.5rem;
    overflow: hidden;
    background: var(--_tile);
    outline: 1px solid var(--_border);
  }

  /* Fit to width: the replica fills the width and sets its own height; the page scrolls. */
  .screen[data-cck-fit='width'] {
    height: auto;
  }

  .screen:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }

  .panel:fullscreen {
    box-sizing: border-box;
    display: flex;
    flex-direction: column;
    padding: 1rem;
    background: var(--_surface);
    color: var(--_text);
  }

  .panel:fullscreen .screen {
    flex: 1;
    width: 100%;
    height: auto;
  }

  .panel:fullscreen .screen[data-cck-fit='width'] {
    overflow: auto;
  }

  form {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 0.5rem;
    margin: 0;
  }

  label {
    display: grid;
    gap: 0.25rem;
  }

  /* Scoped to the PIN box: the replica's field editors also live in this shadow root. */
  .pin-input {
    min-height: 2.5rem;
    width: 9rem;
    box-sizing: border-box;
    padding: 0 0.75rem;
    border-radius: 0.5rem;
    border: 1px solid color-mix(in srgb, var(--_text) 45%, transparent);
    background: var(--_surface);
    color: var(--_text);
    letter-spacing: 0.15em;
  }

  .link {
    justify-self: start;
    padding: 0.25rem 0;
    border: none;
    background: none;
    color: var(--_accent);
    text-decoration: underline;
    text-underline-offset: 0.2em;
    cursor: pointer;
  }

  [part~='invitation'],
  [part~='control-request'] {
    display: grid;
    gap: 0.5rem;
    padding: 0.75rem;
    border-radius: var(--_radius);
    border: 1px solid var(--_border);
  }

  [part~='invitation'] h3,
  [part~='control-request'] h3 {
    margin: 0;
    font-size: 1rem;
  }

  [part~='invitation'] ul {
    margin: 0;
    padding-inline-start: 1.25rem;
  }

  /* The customer's page-wide sign of the session: slim, at the top, above everything. */
  .session-bar {
    position: fixed;
    z-index: 2147483647;
    inset-block-start: 0.5rem;
    inset-inline: 0;
    margin-inline: auto;
    box-sizing: border-box;
    width: max-content;
    max-width: calc(100vw - 1rem);
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: center;
    gap: 0.5rem 0.75rem;
    padding: 0.375rem 0.5rem 0.375rem 0.875rem;
    border-radius: 999px;
    background: var(--_text);
    color: var(--_surface);
    box-shadow: var(--_shadow);
    font-size: 0.9375rem;
    --_focus: var(--_surface);
  }

  .session-bar p {
    margin: 0;
  }

  .session-bar.in-control {
    background: var(--_danger);
    color: #fff;
    --_focus: #fff;
  }

  .session-bar .btn {
    min-height: 2.25rem;
    padding: 0 0.875rem;
  }

  .session-bar.in-control .btn.on-bar {
    background: #fff;
    color: #1b1d21;
  }
`;
