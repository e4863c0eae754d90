/**
 * The SFU behind the signaling server's media seam (server/media-hooks.ts): members' media requests
 * go to the `SfuService`, its notices go back to the member's session as server-originated media
 * signals, and a member that loses its seat loses its media. A supervisor whose voice goes onto the
 * call (it produced audio) has barged in: `onBargeIn` says so.
 */
import type { MediaHandlerFactory } from '../media-hooks.js';
import { SfuError } from './sfu-error.js';
import type { SfuService } from './sfu-service.js';

export interface SfuMediaHooks {
  onBargeIn?(conversationId: string): void;
}

export function sfuMedia(sfu: SfuService, hooks: SfuMediaHooks = {}): MediaHandlerFactory {
  return (port) => {
    sfu.setNoticeSink((member, notice) => {
      port.signal({ conversationId: member.conversationId, role: member.source }, member.callId, notice);
    });
    return {
      async request(member, callId, payload) {
        try {
          const reply = await sfu.handle({ conversationId: member.conversationId, source: member.role, callId }, payload);
          if (member.role === 'supervisor' && payload.op === 'produce') hooks.onBargeIn?.(member.conversationId);
          return { payload: reply };
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
