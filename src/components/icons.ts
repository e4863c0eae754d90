/**
 * The elements' icons, 24×24 strokes drawn in `currentColor`. Decorative: every button that shows
 * one is named by its own text. Kept in one place so the look stays consistent.
 */
import { html, svg, type TemplateResult } from 'lit';

const icon = (content: ReturnType<typeof svg>): TemplateResult =>
  html`<svg class="icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24">${content}</svg>`;

export const icons = {
  mic: icon(svg`<rect x="9" y="3" width="6" height="11" rx="3" /><path d="M5 11a7 7 0 0 0 14 0M12 18v3" />`),
  micOff: icon(svg`<path d="M15 9.5V6a3 3 0 0 0-5.7-1.3M9 9v2a3 3 0 0 0 5 2.2M5 11a7 7 0 0 0 11.5 5.4M19 11a7 7 0 0 1-.6 2.8M12 18v3M3 3l18 18" />`),
  video: icon(svg`<rect x="3" y="6" width="12" height="12" rx="2" /><path d="M15 10l6-3v10l-6-3z" />`),
  videoOff: icon(svg`<path d="M10 6h3a2 2 0 0 1 2 2v3l6-4v10M15 15v1a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2M3 3l18 18" />`),
  end: icon(
    svg`<path d="M3 14.5c5-4.7 13-4.7 18 0l-2.4 2.4a1 1 0 0 1-1.3.1l-2.3-1.6a1 1 0 0 1-.4-.9l.2-1.9a11 11 0 0 0-5.6 0l.2 1.9a1 1 0 0 1-.4.9L6.7 17a1 1 0 0 1-1.3-.1z" />`,
  ),
  chevronUp: icon(svg`<path d="M6 15l6-6 6 6" />`),
  more: icon(svg`<circle cx="5" cy="12" r="1.5" /><circle cx="12" cy="12" r="1.5" /><circle cx="19" cy="12" r="1.5" />`),
  phone: icon(svg`<path d="M6.6 3.5l2.6.4 1.2 4-2 1.6a12 12 0 0 0 6 6l1.6-2 4 1.2.4 2.6a2 2 0 0 1-2 2.2A16.5 16.5 0 0 1 4.4 5.5a2 2 0 0 1 2.2-2z" />`),
  screen: icon(svg`<rect x="3" y="4" width="18" height="12" rx="2" /><path d="M8 20h8M12 16v4" />`),
  laser: icon(svg`<circle cx="12" cy="12" r="3" /><path d="M12 2v4M12 18v4M2 12h4M18 12h4" />`),
  control: icon(svg`<path d="M5 3l12 8-5.5 1.2L14 19l-2.5 1-2.6-6.4L5 17z" />`),
  fitWidth: icon(svg`<path d="M3 5v14M21 5v14M7 12h10M7 12l3-3M7 12l3 3M17 12l-3-3M17 12l-3 3" />`),
  fullScreen: icon(svg`<path d="M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5" />`),
  exitFullScreen: icon(svg`<path d="M9 4v5H4M20 9h-5V4M15 20v-5h5M4 15h5v5" />`),
  close: icon(svg`<path d="M6 6l12 12M18 6L6 18" />`),
  eye: icon(svg`<path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z" /><circle cx="12" cy="12" r="3" />`),
};
