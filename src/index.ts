/** chat-call-kit public API. Anything not exported here is internal. */
export { CallEngine, type CallEngineOptions } from './engine/call-engine.js';
export { type CallState, type CallPhase, type EndReason } from './engine/call-state.js';
export { CallError, CALL_ERROR_CODES, type CallErrorCode, type MediaDeviceRole } from './engine/errors.js';
export type { CallEngineEvents, MediaState, IncomingCall, SignalingState, SupervisorPresence } from './engine/events.js';
export type { CallMemoryStorage } from './engine/call-memory.js';
export type { DeviceInfo, DeviceList } from './engine/devices.js';
export type { NetworkQuality } from './engine/network-quality.js';
export type {
  MediaSession,
  MediaSessionFactory,
  MediaSessionOptions,
  MediaSessionEvents,
  MediaSignalingPort,
  MediaPayload,
  MediaKind,
  MediaConnectionState,
  SignalingRestored,
} from './media/media-session.js';
export { PeerSession, createPeerSession } from './media/peer-session.js';
export { createTrackStream } from './media/track-stream.js';
// SFU media (the session's code is the lazy chunk dist/chat-call-kit-sfu.js) and the supervisor's monitor.
export { createMediaSession } from './media/default-session.js';
export { LazySfuSession, createSfuSession } from './media/sfu/lazy-sfu-session.js';
export { openSupervisorMonitor, type OpenSupervisorMonitorOptions } from './media/sfu/open-supervisor-monitor.js';
export type { SupervisorMonitor, SupervisorMonitorEvents, SupervisorState } from './media/sfu/supervisor-monitor.js';
export { FakeMediaSession, createFakeMediaSessions, type FakeMediaSessionOptions } from './media/fake-media-session.js';
export {
  TransportError,
  type SignalingTransport,
  type TransportEvents,
  type TransportState,
  type TransportErrorCode,
  type TransportErrorEvent,
  type OutgoingMessage,
  type RequestMessage,
  type RequestOptions,
  type ReplyOf,
  type PresenceEvent,
  type JoinInfo,
  LOCAL_CLOSE_REASON,
} from './signaling/transport.js';
export { WebSocketTransport, type WebSocketTransportOptions, type WebSocketConstructor } from './signaling/websocket-transport.js';
export { DefaultReconnectPolicy, type ReconnectPolicy, type ReconnectContext, type DefaultReconnectOptions } from './signaling/reconnect-policy.js';
export type { LivenessOptions } from './signaling/liveness.js';
export { MemoryHub, MemoryTransport, type MemoryHubOptions } from './signaling/memory-transport.js';
export {
  PROTOCOL_VERSION,
  PROTOCOL_ERROR_CODES,
  MAX_MESSAGE_BYTES,
  parseMessage,
  validateMessage,
  createMessage,
  type CallAnnouncement,
  type MemberInfo,
  type SignalingMessage,
  type MessageType,
  type MessageOf,
  type PayloadOf,
  type ParticipantRole,
  type CallParticipantRole,
  type ProtocolErrorCode,
} from './signaling/protocol.js';
export { TypedEmitter, type EventMap, type Listener } from './internal/typed-emitter.js';

// Element classes (not defined here: import 'chat-call-kit/chat-call-panel.js' etc. to define them).
export { ChatCallPanel } from './components/chat-call-panel/chat-call-panel.component.js';
export { CallControls } from './components/call-controls/call-controls.component.js';
export { CobrowseLauncher, type VisualEngagementKind, type VisualEngagementRequestEvent } from './components/cobrowse-launcher/cobrowse-launcher.component.js';
export type { CallStateChangeEvent, CallErrorEvent, CallRequestEndEvent, EngineChangeEvent } from './events/index.js';
export type { CallSummary, CallSummaryEvent } from './events/call-summary.js';
export { engineContext } from './components/engine-context.js';
export { registerTranslation, translationFor, type Translation } from './i18n/localize.js';

// Agent capacity, calling options and media regions.
export { CALLING_OPTIONS, type CallingOption } from './engine/calling.js';
export { SignalingCapacityReporter, type CapacityReporter, type CallStartInfo, type CallEndInfo } from './engine/capacity-reporter.js';
export {
  DEFAULT_MEDIA_REGIONS,
  setMediaRegions,
  mediaRegions,
  resolveMediaRegion,
  UnknownRegionError,
  type MediaRegion,
  type MediaRegionMap,
  type ResolvedMediaRegion,
} from './media/regions.js';
export { SERVER_BOUND_TYPES } from './signaling/protocol.js';
export type { ServerNotice } from './signaling/transport.js';

// Visual engagement: provider registry, built-in screen share and co-browse, the controller.
export { VisualEngagement, type VisualEngagementOptions, type VisualEngagementEvents, type VisualState, type VisualPhase } from './providers/visual-engagement.js';
export { ProviderRegistry } from './providers/registry.js';
export { visualProviders, createProviderRegistry, loadBuiltinProviders, BUILTIN_CAPABILITIES } from './providers/defaults.js';
export { LazyProvider, type LazyProviderOptions } from './providers/lazy-provider.js';
export { VisualError, VISUAL_ERROR_CODES, type VisualErrorCode } from './providers/errors.js';
export type {
  VisualProviderAdapter,
  VisualKind,
  VisualCapabilities,
  VisualEndReason,
  ProviderContext,
  AgentSession,
  AgentSessionEvents,
  CustomerSession,
  CustomerSessionEvents,
  Invitation,
} from './providers/types.js';
export { PrivacyRules, MASK_ATTRIBUTE, UNMASK_ATTRIBUTE, BLOCK_ATTRIBUTE, MASKED_VALUE, type PrivacyOptions } from './providers/cobrowse/privacy.js';
export type { CobrowseProvider, CobrowseProviderOptions } from './providers/cobrowse/cobrowse-provider.js';
export type { ScreenShareProvider, ScreenShareProviderOptions } from './providers/screen-share/screen-share-provider.js';
export {
  SignalingPinService,
  MemoryPinService,
  type PinClient,
  type PinClientFactory,
  type PinGrant,
  type PinRequest,
  type RedeemedSession,
} from './providers/builtin/pins.js';
export type { VisualStateChangeEvent } from './events/visual-state-change.js';
export type { VisualErrorEvent } from './events/visual-error.js';
export type { VisualPinShareEvent } from './events/visual-pin-share.js';
export type { VisualRequestEndEvent } from './events/visual-request-end.js';
