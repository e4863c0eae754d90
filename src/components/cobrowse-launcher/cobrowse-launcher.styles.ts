import { css } from 'lit';

export default css`
  :host {
    display: inline-block;
    color-scheme: light dark;
    font: inherit;
    --_accent: var(--cck-accent, var(--cck-color-accent, #1b6ef3));
    --_danger: var(--cck-danger, var(--cck-color-danger, #c62828));
    --_control: var(--cck-control-background, var(--cck-color-surface-raised, ButtonFace));
  }
  :host([participant='customer']) {
    display: block;
  }
  button {
    font: inherit;
    color: inherit;
    min-height: 2.25rem;
    padding: 0 0.75rem;
    border-radius: 0.375rem;
    border: 1px solid color-mix(in srgb, currentColor 25%, transparent);
    background: var(--_control);
    cursor: pointer;
  }
  button:focus-visible,
  input:focus-visible,
  a:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  button[aria-pressed='true'] {
    background: var(--_accent);
    border-color: var(--_accent);
    color: #fff;
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: #fff;
  }
  button.danger {
    color: var(--_danger);
  }
  [part~='start-button'] {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: 2.25rem;
    height: 2.25rem;
    padding: 0;
  }
  svg {
    width: 1.25rem;
    height: 1.25rem;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
  }
  [part~='panel'] {
    display: grid;
    gap: var(--cck-launcher-gap, 0.5rem);
    min-width: min(22rem, 100%);
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
  [part~='status'],
  [part~='error'] {
    margin: 0;
  }
  [part~='error'] {
    color: var(--_danger);
  }
  [part~='screen'] {
    position: relative;
    width: var(--cck-launcher-screen-width, 100%);
    height: var(--cck-launcher-screen-height, 22rem);
    border-radius: 0.375rem;
    overflow: hidden;
    background: var(--cck-tile-background, #222);
    outline: 1px solid color-mix(in srgb, currentColor 20%, transparent);
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
  input {
    font: inherit;
    color: inherit;
    min-height: 2.25rem;
    width: 9rem;
    padding: 0 0.5rem;
    border-radius: 0.375rem;
    border: 1px solid color-mix(in srgb, currentColor 40%, transparent);
    background: Field;
    letter-spacing: 0.15em;
  }
  [part~='invitation'] {
    display: grid;
    gap: 0.5rem;
    padding: 0.75rem;
    border-radius: 0.375rem;
    border: 1px solid color-mix(in srgb, currentColor 25%, transparent);
  }
  [part~='invitation'] h3 {
    margin: 0;
    font-size: 1rem;
  }
  [part~='invitation'] ul {
    margin: 0;
    padding-inline-start: 1.25rem;
  }
  [part~='control-banner'] {
    position: fixed;
    top: 0.75rem;
    left: 50%;
    transform: translateX(-50%);
    z-index: 2147483647;
    display: flex;
    align-items: center;
    gap: 0.75rem;
    padding: 0.5rem 0.75rem;
    border-radius: 0.5rem;
    background: var(--_danger);
    color: #fff;
    box-shadow: 0 4px 16px rgb(0 0 0 / 0.3);
  }
  [part~='control-banner'] p {
    margin: 0;
  }
  [part~='control-banner'] button {
    background: #fff;
    color: #000;
  }
`;
