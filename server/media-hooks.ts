/**
 * Where a server-side media session (an SFU) plugs into signaling. Members' `media-request`s go to
 * the `MediaRequestHandler`; the handler reaches members with server-originated `media-signal`s
 * through the `ServerMediaPort` it is given. The peer-to-peer default answers every request with
 * `media-unavailable`: in peer-to-peer mode the browsers negotiate between themselves.
 */
import type { MediaPayload, ParticipantRole } from '../src/signaling/protocol.js';
import type { Member } from './conversations.js';
import type { Refusal } from './signaling.js';

/** The answer to a media request: its response payload, or an error code for the member. */
export type MediaReply = { payload: MediaPayload } | Refusal;

export interface MediaRequestHandler {
  /** A member's `media-request` for one of its calls. Runs once per request; may be async. */
  request(member: Member, callId: string, payload: MediaPayload): MediaReply | Promise<MediaReply>;
  /** A member lost its seat for good (left, grace period over, replaced): release what it held. */
  memberRemoved?(member: Member): void;
  /** The server is stopping. */
  close?(): void | Promise<void>;
}

export interface ServerMediaPort {
  /**
   * Sends a server-originated `media-signal` of `callId` to one member (not sequenced: it is for
   * the connection that is up now). Returns false when the member has no connection.
   */
  signal(target: { conversationId: string; role: ParticipantRole }, callId: string, payload: MediaPayload): boolean;
}

/** Builds the handler once the signaling endpoint exists (it needs the port to reach members). */
export type MediaHandlerFactory = (port: ServerMediaPort) => MediaRequestHandler;

export const peerToPeerMedia: MediaHandlerFactory = () => ({
  request: () => ({ code: 'media-unavailable', detail: 'this server carries media peer-to-peer: there is no server-side media session' }),
});
