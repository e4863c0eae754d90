/**
 * The script-tag entry (dist/chat-call-kit.min.js): defines every element on load and exposes the
 * public API as `window.ChatCallKit` for pages without a bundler.
 */
import '../components/chat-call-panel/chat-call-panel.js';
import '../components/call-controls/call-controls.js';
import '../components/cobrowse-launcher/cobrowse-launcher.js';

export * from '../index.js';
