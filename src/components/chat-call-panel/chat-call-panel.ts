import { ChatCallPanel } from './chat-call-panel.component.js';

export { ChatCallPanel };

if (!customElements.get('chat-call-panel')) customElements.define('chat-call-panel', ChatCallPanel);

declare global {
  interface HTMLElementTagNameMap {
    'chat-call-panel': ChatCallPanel;
  }
}
