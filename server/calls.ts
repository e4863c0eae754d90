/**
 * What signaling tells the rest of the server about calls: the deployment's calling option is
 * enforced on the wire, and agents' calls (`call-started` / `call-ended`, and seats lost for good)
 * are turned into capacity changes in the router.
 */
import type { SignalingMessage } from '../src/signaling/protocol.js';
import type { Member, RegistryOptions } from './conversations.js';
import { callRefusal, type DeploymentConfig } from './deployment.js';
import type { Router } from './routing.js';
import type { Refusal, SignalingHooks } from './signaling.js';

export interface CallHooks {
  signaling: SignalingHooks;
  registry: Required<Pick<RegistryOptions, 'onJoined' | 'onRemoved'>>;
}

export function createCallHooks(router: Router, deployment: DeploymentConfig): CallHooks {
  return {
    signaling: {
      checkRelay: (_member, message) => callRefusal(deployment.calling, message),
      notice: (member, message) => notice(router, deployment, member, message),
    },
    registry: {
      onJoined: (member) => router.memberJoined(member.conversationId, member.role),
      onRemoved: (member, reason, conversationEmpty) => router.memberRemoved(member.conversationId, member.role, reason, conversationEmpty),
    },
  };
}

function notice(router: Router, deployment: DeploymentConfig, member: Member, message: SignalingMessage): Refusal | null {
  if (message.type !== 'call-started' && message.type !== 'call-ended') return null;
  if (member.role !== 'agent') return { code: 'forbidden', detail: `only the agent reports its calls, not the ${member.role}` };
  const refusal = callRefusal(deployment.calling, message);
  if (refusal) return refusal;
  if (message.type === 'call-started') router.callStarted(member.conversationId, message.payload.callId, message.payload.video);
  else if (message.type === 'call-ended') router.callEnded(member.conversationId, message.payload.callId);
  return null;
}
