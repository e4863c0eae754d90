import { CallControls } from './call-controls.component.js';

export { CallControls };
export { DEFAULT_CALL_SHORTCUTS, type CallControlsShortcut, type CallControlsShortcuts } from './call-controls.component.js';

if (!customElements.get('call-controls')) customElements.define('call-controls', CallControls);

declare global {
  interface HTMLElementTagNameMap {
    'call-controls': CallControls;
  }
}
