/**
 * What signaling tells the rest of the server about calls: the deployment's calling option is
 * enforced on the wire, and agents' calls are turned into capacity changes in the router. The agent
 * reports its calls (`call-started` / `call-ended`); besides, the server frees the agent as soon as
 * a hang-up, reject or cancel passes through it from either side (so a report lost in a dead socket
 * does not keep the agent busy), and a (re)joining agent's announced call is taken as the truth: a
 * server that restarted re-establishes the agent's `in-call` from it, and an announced "no call"
 * ends what the router still counted.
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
      relayed: (member, message) => relayed(router, member, message),
      notice: (member, message) => notice(router, deployment, member, message),
    },
    registry: {
      onJoined: (member) => joined(router, member),
      onRemoved: (member, reason, conversationEmpty) => router.memberRemoved(member.conversationId, member.role, reason, conversationEmpty),
    },
  };
}

function joined(router: Router, member: Member): void {
  router.memberJoined(member.conversationId, member.role, member.subject);
  if (member.role !== 'agent') return;
  const call = member.call;
  if (call) router.callResumed(member.conversationId, member.subject, call.callId, call.video);
  else router.callEnded(member.conversationId, undefined, 'agent-announced-no-call');
}

function relayed(router: Router, member: Member, message: SignalingMessage): void {
  if (message.type === 'call-end' || message.type === 'call-reject' || message.type === 'call-cancel') {
    router.callEnded(member.conversationId, message.payload.callId, `${member.role}-${message.type}`);
  }
}

function notice(router: Router, deployment: DeploymentConfig, member: Member, message: SignalingMessage): Refusal | null {
  if (message.type !== 'call-started' && message.type !== 'call-ended') return null;
  if (member.role !== 'agent') return { code: 'forbidden', detail: `only the agent reports its calls, not the ${member.role}` };
  const refusal = callRefusal(deployment.calling, message);
  if (refusal) return refusal;
  if (message.type === 'call-started') router.callStarted(member.conversationId, message.payload.callId, message.payload.video);
  else router.callEnded(member.conversationId, message.payload.callId);
  return null;
}
