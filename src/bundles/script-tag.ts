/**
 * The script-tag entry (dist/chat-call-kit.min.js, and dist/chat-call-kit.esm.js): defines every
 * element on load and exposes, as `window.ChatCallKit`, what a page without a bundler uses. Test and
 * extension helpers (in-memory transport, PIN service clients, privacy rules class) stay in the npm
 * package only, to keep this file small; built-in providers load on first use.
 */
import '../components/chat-call-panel/chat-call-panel.js';
import '../components/call-controls/call-controls.js';
import '../components/cobrowse-launcher/cobrowse-launcher.js';

export { CallEngine } from '../engine/call-engine.js';
export { CallError, CALL_ERROR_CODES } from '../engine/errors.js';
export { CALLING_OPTIONS } from '../engine/calling.js';
export { SignalingCapacityReporter } from '../engine/capacity-reporter.js';
export { PeerSession, createPeerSession } from '../media/peer-session.js';
export { createMediaSession } from '../media/default-session.js';
export { createSfuSession } from '../media/sfu/lazy-sfu-session.js';
export { openSupervisorMonitor } from '../media/sfu/open-supervisor-monitor.js';
export { DEFAULT_MEDIA_REGIONS, setMediaRegions, mediaRegions, resolveMediaRegion, UnknownRegionError } from '../media/regions.js';
export { WebSocketTransport } from '../signaling/websocket-transport.js';
export { PROTOCOL_VERSION, PROTOCOL_ERROR_CODES, MAX_MESSAGE_BYTES } from '../signaling/protocol.js';
export { ChatCallPanel } from '../components/chat-call-panel/chat-call-panel.component.js';
export { CallControls } from '../components/call-controls/call-controls.component.js';
export { CobrowseLauncher } from '../components/cobrowse-launcher/cobrowse-launcher.component.js';
export { registerTranslation, translationFor } from '../i18n/localize.js';
export { VisualEngagement } from '../providers/visual-engagement.js';
export { ProviderRegistry } from '../providers/registry.js';
export { visualProviders, createProviderRegistry, loadBuiltinProviders, BUILTIN_CAPABILITIES } from '../providers/defaults.js';
export { LazyProvider } from '../providers/lazy-provider.js';
export { VisualError, VISUAL_ERROR_CODES } from '../providers/errors.js';
export { MASK_ATTRIBUTE, UNMASK_ATTRIBUTE, BLOCK_ATTRIBUTE } from '../providers/cobrowse/privacy.js';
