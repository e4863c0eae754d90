import { css } from 'lit';

export default css`
  :host {
    display: block;
    container-type: inline-size;
    color: var(--cck-panel-color, var(--_text));
  }

  .base {
    position: relative;
    display: grid;
    gap: var(--cck-panel-gap, 0.5rem);
    border-radius: var(--cck-panel-radius, var(--_radius));
    background: var(--cck-panel-background, var(--_surface));
    min-width: 0;
  }

  .toolbar {
    display: flex;
    align-items: center;
    gap: 0.25rem;
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
    min-width: 12rem;
    padding: 0.25rem;
    border-radius: var(--_radius);
    border: 1px solid var(--_border);
    background: var(--cck-panel-background, var(--_surface));
    box-shadow: var(--_shadow);
  }

  [part~='menu-item'] {
    display: flex;
    align-items: center;
    gap: 0.625rem;
    min-height: 2.5rem;
    padding: 0 0.75rem;
    border: none;
    border-radius: 0.5rem;
    background: transparent;
    color: inherit;
    text-align: start;
    cursor: pointer;
  }

  [part~='menu-item']:hover,
  [part~='menu-item']:focus-visible {
    background: color-mix(in srgb, var(--_accent) 16%, transparent);
  }

  .ringing-text {
    margin: 0;
    font-weight: 600;
  }

  .ringing {
    display: grid;
    gap: 0.75rem;
  }

  .caller {
    display: flex;
    align-items: center;
    gap: 0.75rem;
  }

  .countdown {
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
  }

  .ringing-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }

  .btn.success {
    background: var(--cck-accept-background, var(--_success));
  }

  .ringing .btn.danger {
    background: var(--cck-reject-background, var(--_danger));
  }

  .status-line {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin: 0;
    min-height: 2rem;
  }

  [part~='status'] {
    flex: 1;
  }

  [part~='timer'] {
    font-variant-numeric: tabular-nums;
  }

  .avatar {
    display: grid;
    place-items: center;
    flex: none;
    width: 4.5rem;
    height: 4.5rem;
    border-radius: 50%;
    background: color-mix(in srgb, var(--_accent) 30%, #3c4043);
    color: #fff;
    font-size: 1.5rem;
    font-weight: 600;
    letter-spacing: 0.02em;
  }

  .avatar.small {
    width: 2.75rem;
    height: 2.75rem;
    font-size: 1rem;
  }

  @media (prefers-reduced-motion: no-preference) {
    .ringing-pulse {
      animation: pulse 1.6s ease-out infinite;
    }
  }

  @keyframes pulse {
    0% {
      box-shadow: 0 0 0 0 color-mix(in srgb, var(--_success) 55%, transparent);
    }
    100% {
      box-shadow: 0 0 0 0.75rem transparent;
    }
  }

  /* A voice call: who is on the call, in one row. */
  .audio-call {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    padding: 0.5rem;
    border-radius: var(--cck-panel-radius, var(--_radius));
    background: var(--_raised);
  }

  .audio-call .avatar {
    width: 3rem;
    height: 3rem;
    font-size: 1.125rem;
  }

  .who {
    display: grid;
    gap: 0.25rem;
    min-width: 0;
  }

  .name {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .videos {
    display: grid;
  }

  .tile {
    position: relative;
    display: grid;
    place-items: center;
    border-radius: var(--cck-panel-radius, var(--_radius));
    overflow: hidden;
    background: var(--_tile);
    aspect-ratio: 4 / 3;
    max-height: min(60vh, 30rem);
    width: 100%;
    color: #fff;
  }

  .tile video {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: cover;
  }

  .tile-name {
    position: absolute;
    inset-block-end: 0.5rem;
    inset-inline-start: 0.5rem;
    max-width: 60%;
    padding: 0.125rem 0.5rem;
    border-radius: 0.375rem;
    background: rgb(0 0 0 / 0.65);
    color: #fff;
    font-size: 0.8125rem;
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  /* The self-view, inside the other side's tile; mirrored, as people expect to see themselves. */
  .tile.local {
    position: absolute;
    inset-block-end: 0.5rem;
    inset-inline-end: 0.5rem;
    width: 28%;
    min-width: 4.5rem;
    aspect-ratio: 4 / 3;
    border: 2px solid rgb(255 255 255 / 0.85);
    border-radius: 0.5rem;
    box-shadow: var(--_shadow);
  }

  .tile.local video {
    transform: scaleX(-1);
  }

  .tile.local .tile-name {
    inset-block-end: 0.25rem;
    inset-inline-start: 0.25rem;
    font-size: 0.75rem;
  }

  .indicators {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
    margin: 0;
    padding: 0;
    list-style: none;
    font-size: 0.8125rem;
  }

  .tile > .indicators {
    position: absolute;
    inset-block-start: 0.5rem;
    inset-inline-start: 0.5rem;
  }

  .indicators li {
    display: inline-flex;
    align-items: center;
    gap: 0.25rem;
    padding: 0.125rem 0.5rem;
    border-radius: 1rem;
    background: rgb(0 0 0 / 0.65);
    color: #fff;
  }

  .indicators .icon {
    width: 0.875rem;
    height: 0.875rem;
  }

  .error {
    display: flex;
    align-items: start;
    gap: 0.5rem;
    padding: 0.5rem 0.5rem 0.5rem 0.75rem;
    border-radius: 0.5rem;
    border-inline-start: 4px solid var(--_danger);
    background: color-mix(in srgb, var(--_danger) 10%, var(--cck-panel-background, var(--_surface)));
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
    .ringing-actions .btn {
      flex: 1 1 100%;
    }
  }
`;
