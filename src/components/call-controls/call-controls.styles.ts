import { css } from 'lit';

export default css`
  :host {
    display: block;
    container-type: inline-size;
    color: var(--cck-control-color, var(--_text));
  }

  [hidden] {
    display: none !important;
  }

  .base {
    position: relative;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: center;
    gap: var(--cck-controls-gap, 0.5rem);
    min-width: 0;
  }

  .btn {
    background: var(--cck-control-background, var(--_raised));
    color: var(--cck-control-color, var(--_text));
  }

  /* A toggle with its chevron reads as one control, as in Teams and LiveKit. */
  .pair {
    display: inline-flex;
    align-items: center;
    gap: 2px;
    padding: 2px;
    border-radius: 999px;
    background: color-mix(in srgb, var(--cck-control-background, var(--_raised)) 55%, transparent);
  }

  .chevron {
    background: transparent;
  }

  .chevron[aria-expanded='true'] .icon {
    rotate: 180deg;
  }

  /* Muted is the state a person must not miss; camera off is ordinary (voice calls): icon only. */
  .mute[aria-pressed='true'] {
    background: var(--cck-control-pressed-background, color-mix(in srgb, var(--_danger) 22%, var(--_raised)));
  }

  .end {
    background: var(--cck-end-background, var(--_danger));
    color: var(--cck-end-color, #fff);
  }

  .end:hover {
    background: var(--cck-end-background, var(--_danger));
    filter: brightness(0.9);
  }

  .devices {
    position: absolute;
    z-index: 20;
    inset-block-end: calc(100% + 0.5rem);
    inset-inline: 0;
    margin-inline: auto;
    width: min(20rem, 100%);
    box-sizing: border-box;
    display: grid;
    gap: 0.75rem;
    padding: 0.75rem;
    border-radius: var(--_radius);
    border: 1px solid var(--_border);
    background: var(--cck-devices-background, var(--_surface));
    color: var(--_text);
    box-shadow: var(--_shadow);
  }

  .field {
    display: grid;
    gap: 0.25rem;
    min-width: 0;
  }

  label {
    font-size: 0.875rem;
    color: var(--_muted);
  }

  select {
    width: 100%;
    min-width: 0;
    min-height: 2.25rem;
    border-radius: 0.5rem;
    border: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_text);
  }
`;
