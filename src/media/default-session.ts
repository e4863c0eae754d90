/**
 * The engine's default media strategy, chosen by the deployment's configuration: a call whose media
 * region has an SFU (`sfuUrl`, as `GET /api/config` says in SFU mode) goes through it, any other
 * call is peer-to-peer. Neither the engine nor the elements know which one a call uses.
 */
import type { MediaSession, MediaSessionOptions } from './media-session.js';
import { createPeerSession } from './peer-session.js';
import { createSfuSession } from './sfu/lazy-sfu-session.js';

export function createMediaSession(options: MediaSessionOptions): MediaSession {
  return options.sfuUrl ? createSfuSession(options) : createPeerSession(options);
}

/** Whether `factory` is one of the built-in WebRTC strategies (so calls need `RTCPeerConnection`). */
export function isWebRtcSessionFactory(factory: unknown): boolean {
  return factory === createMediaSession || factory === createPeerSession || factory === createSfuSession;
}
