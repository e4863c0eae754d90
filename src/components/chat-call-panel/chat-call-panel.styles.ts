import { css } from 'lit';

export default css`
  :host {
    display: block;
    color-scheme: light dark;
    container-type: inline-size;
    font: inherit;
    color: var(--cck-panel-color, var(--cck-color-text, CanvasText));
  }

  .base {
    display: grid;
    gap: var(--cck-panel-gap, 0.5rem);
    padding: 0.5rem;
    border-radius: var(--cck-panel-radius, 0.5rem);
    background: var(--cck-panel-background, var(--cck-color-surface, Canvas));
    min-width: 0;
  }

  .toolbar {
    display: flex;
    align-items: center;
    gap: 0.25rem;
  }

  button {
    font: inherit;
    min-height: 2.25rem;
    padding: 0.25rem 0.75rem;
    border-radius: 0.375rem;
    border: 1px solid color-mix(in srgb, currentColor 25%, transparent);
    background: var(--cck-control-background, var(--cck-color-surface-raised, ButtonFace));
    color: inherit;
    cursor: pointer;
  }

  button:focus-visible {
    outline: 2px solid var(--cck-accent, var(--cck-color-accent, Highlight));
    outline-offset: 2px;
  }

  [part~='menu-button'] {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: 2.25rem;
    padding: 0;
  }

  svg {
    width: 1.25rem;
    height: 1.25rem;
    fill: currentColor;
  }

  .menu-anchor {
    position: relative;
  }

  [part~='menu'] {
    position: absolute;
    z-index: 10;
    inset-block-start: calc(100% + 0.25rem);
    inset-inline-start: 0;
    display: grid;
    min-width: 11rem;
    padding: 0.25rem;
    border-radius: 0.5rem;
    border: 1px solid color-mix(in srgb, currentColor 20%, transparent);
    background: var(--cck-panel-background, var(--cck-color-surface, Canvas));
    box-shadow: 0 4px 16px rgb(0 0 0 / 0.2);
  }

  [part~='menu-item'] {
    border: none;
    background: transparent;
    text-align: start;
  }

  [part~='menu-item']:hover,
  [part~='menu-item']:focus-visible {
    background: color-mix(in srgb, var(--cck-accent, var(--cck-color-accent, Highlight)) 18%, transparent);
  }

  .ringing {
    display: grid;
    gap: 0.5rem;
  }

  .ringing-text {
    margin: 0;
    font-weight: 600;
  }

  .ringing-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }

  .accept {
    background: var(--cck-accent, var(--cck-color-accent, #1b6e3a));
    border-color: transparent;
    color: white;
  }

  .reject {
    background: var(--cck-danger, var(--cck-color-danger, #b3261e));
    border-color: transparent;
    color: white;
  }

  .status-line {
    display: flex;
    justify-content: space-between;
    gap: 0.5rem;
    margin: 0;
  }

  [part~='timer'] {
    font-variant-numeric: tabular-nums;
  }

  .videos {
    position: relative;
    display: grid;
  }

  .tile {
    position: relative;
    border-radius: var(--cck-panel-radius, 0.5rem);
    overflow: hidden;
    background: var(--cck-tile-background, #202124);
    aspect-ratio: 4 / 3;
    color: white;
  }

  .tile video,
  video.tile {
    display: block;
    width: 100%;
    height: 100%;
    object-fit: cover;
  }

  /* Two classes: beats the full-size rule for video tiles above. */
  .tile.local {
    position: absolute;
    inset-block-end: 0.5rem;
    inset-inline-end: 0.5rem;
    width: 28%;
    min-width: 4rem;
    border: 2px solid white;
    aspect-ratio: 4 / 3;
    height: auto;
  }

  .avatar {
    display: grid;
    place-items: center;
    width: 100%;
    height: 100%;
    font-size: 2.5rem;
    font-weight: 600;
  }

  .indicators {
    position: absolute;
    inset-block-start: 0.5rem;
    inset-inline-start: 0.5rem;
    display: grid;
    gap: 0.25rem;
    margin: 0;
    padding: 0;
    list-style: none;
    font-size: 0.8rem;
  }

  .indicators li {
    padding: 0.125rem 0.5rem;
    border-radius: 1rem;
    background: rgb(0 0 0 / 0.6);
  }

  .error {
    display: flex;
    align-items: start;
    gap: 0.5rem;
    padding: 0.5rem;
    border-radius: 0.375rem;
    border-inline-start: 4px solid var(--cck-danger, var(--cck-color-danger, #b3261e));
    background: color-mix(in srgb, var(--cck-danger, var(--cck-color-danger, #b3261e)) 12%, transparent);
  }

  .error p {
    margin: 0;
    flex: 1;
  }

  .notice {
    margin: 0;
    font-size: 0.9rem;
  }

  @container (max-width: 360px) {
    .ringing-actions button {
      flex: 1 1 100%;
    }
  }
`;
