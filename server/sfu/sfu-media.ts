/**
 * The SFU behind the signaling server's media seam (server/media-hooks.ts): members' media requests
 * go to the `SfuService`, its notices go back to the member's session as server-originated media
 * signals, and a member that loses its seat loses its media.
 */
import type { ParticipantRole } from '../../src/signaling/protocol.js';
import type { MediaHandlerFactory } from '../media-hooks.js';
import { SfuError } from './sfu-error.js';
import type { SfuService } from './sfu-service.js';

export function sfuMedia(sfu: SfuService): MediaHandlerFactory {
  return (port) => {
    sfu.setNoticeSink((member, notice) => {
      port.signal({ conversationId: member.conversationId, role: member.source as ParticipantRole }, member.callId, notice);
    });
    return {
      async request(member, callId, payload) {
        try {
          return { payload: await sfu.handle({ conversationId: member.conversationId, source: member.role, callId }, payload) };
        } catch (error) {
          if (error instanceof SfuError) return { code: error.code, detail: error.message };
          throw error;
        }
      },
      memberRemoved: (member) => sfu.memberLeft(member.conversationId, member.role),
      close: () => sfu.close(),
    };
  };
}
