import { CobrowseLauncher } from './cobrowse-launcher.component.js';

export { CobrowseLauncher };
export type { VisualEngagementKind, VisualEngagementRequestEvent } from './cobrowse-launcher.component.js';

if (!customElements.get('cobrowse-launcher')) customElements.define('cobrowse-launcher', CobrowseLauncher);

declare global {
  interface HTMLElementTagNameMap {
    'cobrowse-launcher': CobrowseLauncher;
  }
}
