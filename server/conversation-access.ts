/**
 * Who may act in a conversation with a conversation token, beyond a valid signature: for a
 * conversation the server routes, the token must be of the current version for its role (reassigning
 * and ending revoke), the conversation must not have ended, its agent must be the assigned one and its
 * customer the one who asked. Conversations the server does not route (QA mode, a host's own routing)
 * are the token issuer's business. Used by the join and by the REST API alike.
 */
import type { ParticipantRole, ProtocolErrorCode } from '../src/signaling/protocol.js';
import type { Router } from './routing.js';
import { versionOf } from './token-versions.js';

export interface ConversationGrant {
  role: ParticipantRole;
  conversationId: string;
  subject: string;
  version?: number;
}

export interface AccessRefusal {
  code: Extract<ProtocolErrorCode, 'token-revoked' | 'conversation-ended' | 'forbidden'>;
  detail: string;
}

export function accessRefusal(grant: ConversationGrant, router: Router): AccessRefusal | null {
  const entry = router.tokenVersions.get(grant.conversationId);
  const conversation = router.get(grant.conversationId);
  if (entry?.closed || conversation?.status === 'ended') return { code: 'conversation-ended', detail: 'the conversation has ended' };
  if (!entry) return null;
  if (grant.version !== versionOf(entry, grant.role)) {
    return { code: 'token-revoked', detail: 'this token was revoked (the conversation was reassigned); ask for a new one' };
  }
  if (!conversation) return null;
  if (grant.role === 'agent' && conversation.agentId !== grant.subject) {
    return { code: 'forbidden', detail: conversation.agentId === null ? 'the conversation is not assigned yet' : 'the conversation is assigned to another agent' };
  }
  if (grant.role === 'customer' && conversation.customerId !== grant.subject) {
    return { code: 'forbidden', detail: 'the token is not for the customer of this conversation' };
  }
  return null;
}
