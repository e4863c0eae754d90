import { css } from 'lit';

/**
 * The design tokens every element shares: one palette, one focus ring, one set of radii. Each
 * private `--_name` reads the public `--cck-color-*` token first (docs/theming.md), then a default
 * for the element's colour scheme (`light-dark()` follows `color-scheme`, which follows the user's
 * preference unless the host pins `--cck-color-scheme`).
 *
 * Solid fills (accept green, end red) keep white text in both schemes: 5.8:1 or better. Text colours
 * and the focus ring have a lighter value in dark mode, so they keep 4.5:1 (text) and 3:1 (ring)
 * against both surfaces.
 */
export default css`
  :host {
    color-scheme: var(--cck-color-scheme, light dark);
    --_surface: var(--cck-color-surface, light-dark(#ffffff, #1d1f23));
    --_raised: var(--cck-color-surface-raised, light-dark(#eceff3, #2e3137));
    --_text: var(--cck-color-text, light-dark(#1b1d21, #e9ebef));
    --_muted: var(--cck-color-text-muted, light-dark(#5b616b, #aab0ba));
    --_border: color-mix(in srgb, var(--_text) 22%, transparent);
    --_accent: var(--cck-color-accent, light-dark(#0b57d0, #8ab4f8));
    --_on-accent: var(--cck-color-on-accent, light-dark(#ffffff, #0b1d3a));
    --_success: var(--cck-color-success, #146c2e);
    --_danger: var(--cck-color-danger, #c5221f);
    --_danger-text: var(--cck-color-danger-text, light-dark(#b3261e, #ffb4ab));
    --_focus: var(--cck-focus-ring-color, var(--_accent));
    --_tile: var(--cck-tile-background, #202124);
    --_radius: var(--cck-radius, 0.75rem);
    --_shadow: 0 6px 20px rgb(0 0 0 / 0.22);
    font: inherit;
    color: var(--_text);
  }

  :host([hidden]) {
    display: none !important;
  }

  button,
  select,
  input,
  a {
    font: inherit;
  }

  :is(button, select, input, a, [tabindex]):focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }

  @media (forced-colors: active) {
    :is(button, select, input, a, [tabindex]):focus-visible {
      outline-color: Highlight;
    }
  }
`;
