import { css } from 'lit';

export default css`
  :host {
    display: block;
    /* Follows the user's light/dark preference; a host that themes itself sets the variable. */
    color-scheme: var(--cck-color-scheme, light dark);
    font: inherit;
    color: var(--cck-control-color, var(--cck-color-text, CanvasText));
  }

  :host([hidden]),
  [hidden] {
    display: none !important;
  }

  .base {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--cck-controls-gap, 0.5rem);
    min-width: 0;
  }

  button,
  select {
    font: inherit;
    color: inherit;
  }

  button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.375rem;
    min-height: 2.5rem;
    min-width: 2.5rem;
    padding: 0.25rem 0.75rem;
    border-radius: var(--cck-control-radius, 0.375rem);
    border: 1px solid color-mix(in srgb, currentColor 30%, transparent);
    background: var(--cck-control-background, var(--cck-color-surface-raised, ButtonFace));
    color: var(--cck-control-color, var(--cck-color-text, ButtonText));
    cursor: pointer;
    white-space: nowrap;
  }

  button:hover {
    background: color-mix(in srgb, var(--cck-control-background, var(--cck-color-surface-raised, ButtonFace)) 85%, currentColor);
  }

  /* Pressed: the microphone is muted / the camera is off. */
  button[aria-pressed='true'] {
    background: var(--cck-control-pressed-background, var(--cck-color-text, CanvasText));
    color: var(--cck-control-pressed-color, var(--cck-color-surface, Canvas));
    border-color: transparent;
  }

  .end {
    margin-inline-start: auto;
    background: var(--cck-end-background, var(--cck-color-danger, #c62828));
    color: var(--cck-end-color, #fff);
    border-color: transparent;
  }

  .end:hover {
    background: color-mix(in srgb, var(--cck-end-background, var(--cck-color-danger, #c62828)) 85%, #000);
  }

  button:focus-visible,
  select:focus-visible {
    outline: 2px solid var(--cck-focus-ring-color, var(--cck-color-accent, Highlight));
    outline-offset: 2px;
  }

  svg {
    flex: none;
    width: 1.25rem;
    height: 1.25rem;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linecap: round;
    stroke-linejoin: round;
  }

  .devices {
    flex: 1 1 100%;
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
    gap: var(--cck-controls-gap, 0.5rem);
    padding: 0.5rem;
    border-radius: var(--cck-control-radius, 0.375rem);
    border: 1px solid color-mix(in srgb, currentColor 20%, transparent);
    background: var(--cck-devices-background, var(--cck-color-surface, Canvas));
    min-width: 0;
  }

  .field {
    display: grid;
    gap: 0.25rem;
    min-width: 0;
  }

  select {
    width: 100%;
    min-width: 0;
    min-height: 2.25rem;
    border-radius: var(--cck-control-radius, 0.375rem);
    border: 1px solid color-mix(in srgb, currentColor 30%, transparent);
    background: var(--cck-devices-background, var(--cck-color-surface, Field));
  }

  @media (forced-colors: active) {
    button[aria-pressed='true'] {
      border: 2px solid ButtonText;
    }
  }
`;
