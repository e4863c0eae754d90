/**
 * The signaling side of the visual-engagement PIN service: handles the server-bound `ve-pin-*`
 * messages of a joined member and answers them. `server/signaling.ts` calls `handleVisualRequest`
 * for every message in `VISUAL_REQUEST_TYPES`; everything about PINs lives in `visual-pins.ts`.
 */
import { createMessage } from '../src/signaling/protocol.js';
import type { MessageType, ProtocolErrorCode, SignalingMessage } from '../src/signaling/protocol.js';
import type { ServerLog } from './config.js';
import type { Member } from './conversations.js';
import type { PinStore } from './stores/pin-store.js';

/** The PIN service's requests (`ve-pin-create`, `ve-pin-redeem`, answered with `replyTo` = their `id`) and notice (`ve-pin-revoke`). */
export const VISUAL_REQUEST_TYPES: ReadonlySet<MessageType> = new Set<MessageType>(['ve-pin-create', 've-pin-redeem', 've-pin-revoke']);

export interface VisualRequestContext {
  member: Member;
  /** Absent when the server runs without a PIN service: requests are then refused. */
  pins: PinStore | undefined;
  /** Sends to the requesting connection. */
  reply(message: SignalingMessage): void;
  /** Sends to the other member of the conversation, if it is connected now. */
  notifyOther(message: SignalingMessage): void;
  refuse(code: ProtocolErrorCode, detail: string): void;
  log: ServerLog;
}

export function isVisualRequest(message: SignalingMessage): boolean {
  return VISUAL_REQUEST_TYPES.has(message.type);
}

/** Resolves once the request is answered (PIN state may live in a store shared by several nodes). */
export async function handleVisualRequest(message: SignalingMessage, context: VisualRequestContext): Promise<void> {
  const { member, pins } = context;
  if (!pins) {
    context.refuse('forbidden', 'this server has no visual-engagement PIN service');
    return;
  }
  const conversationId = member.conversationId;
  const replyTo = { replyTo: message.id ?? 0 };
  switch (message.type) {
    case 've-pin-create': {
      if (member.role !== 'agent') {
        context.refuse('forbidden', 'only the agent creates visual-engagement sessions');
        return;
      }
      const { sessionId, provider, kind, capabilities, ttlMs } = message.payload;
      const created = await pins.create(conversationId, { sessionId, provider, kind, capabilities }, ttlMs);
      context.log('ve-pin-created', { conversationId, sessionId, provider, expiresAt: created.expiresAt });
      context.reply(createMessage('ve-pin', { sessionId, pin: created.pin, expiresAt: created.expiresAt }, replyTo));
      return;
    }
    case 've-pin-redeem': {
      if (member.role !== 'customer') {
        context.refuse('forbidden', 'only the customer redeems a visual-engagement PIN');
        return;
      }
      const outcome = await pins.redeem(conversationId, message.payload.pin);
      context.log('ve-pin-redeem', { conversationId, outcome: outcome.ok ? 'ok' : outcome.code });
      const payload = outcome.ok
        ? { outcome: 'ok' as const, session: outcome.session }
        : outcome.code === 'pin-invalid'
          ? { outcome: outcome.code, attemptsLeft: outcome.attemptsLeft }
          : { outcome: outcome.code };
      context.reply(createMessage('ve-pin-result', payload, replyTo));
      const statusFor = outcome.ok ? outcome.session.sessionId : outcome.lockedSessionId;
      if (statusFor) {
        context.notifyOther(createMessage('ve-pin-status', { sessionId: statusFor, status: outcome.ok ? 'redeemed' : 'locked' }));
      }
      return;
    }
    case 've-pin-revoke': {
      if (member.role !== 'agent') {
        context.refuse('forbidden', 'only the agent revokes a visual-engagement PIN');
        return;
      }
      await pins.revoke(conversationId, message.payload.sessionId);
      return;
    }
    default:
      context.refuse('forbidden', `${message.type} is not a visual-engagement request`);
  }
}
