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
import type { ServerLog } from './config.js';
import type { Router } from './routing.js';
import type { Refusal, SignalingHooks } from './signaling.js';
import type { RoutingStore } from './stores/routing-store.js';

export interface CallHooks {
  signaling: SignalingHooks;
  registry: Required<Pick<RegistryOptions, 'onJoined' | 'onRemoved'>>;
}

/**
 * `routing` may be shared by several nodes, so its changes are asynchronous: signaling does not wait
 * for them (the frame is relayed already); a failed change is logged.
 */
export function createCallHooks(routing: RoutingStore, deployment: DeploymentConfig, log: ServerLog): CallHooks {
  const apply = (change: (router: Router) => unknown) => {
    routing.change(change).catch((error: unknown) => log('internal-error', { message: error instanceof Error ? error.message : String(error) }));
  };
  return {
    signaling: {
      checkRelay: (_member, message) => callRefusal(deployment.calling, message),
      relayed: (member, message) => relayed(apply, member, message),
      notice: (member, message) => notice(apply, deployment, member, message),
    },
    registry: {
      onJoined: (member) => apply((router) => joined(router, member)),
      onRemoved: (member, reason, conversationEmpty) =>
        apply((router) => router.memberRemoved(member.conversationId, member.role, reason, conversationEmpty)),
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

type Apply = (change: (router: Router) => unknown) => void;

function relayed(apply: Apply, member: Member, message: SignalingMessage): void {
  if (message.type === 'call-end' || message.type === 'call-reject' || message.type === 'call-cancel') {
    const { callId } = message.payload;
    apply((router) => router.callEnded(member.conversationId, callId, `${member.role}-${message.type}`));
  }
}

function notice(apply: Apply, deployment: DeploymentConfig, member: Member, message: SignalingMessage): Refusal | null {
  if (message.type !== 'call-started' && message.type !== 'call-ended') return null;
  if (member.role !== 'agent') return { code: 'forbidden', detail: `only the agent reports its calls, not the ${member.role}` };
  const refusal = callRefusal(deployment.calling, message);
  if (refusal) return refusal;
  const { callId } = message.payload;
  if (message.type === 'call-started') {
    const { video } = message.payload;
    apply((router) => router.callStarted(member.conversationId, callId, video));
  } else {
    apply((router) => router.callEnded(member.conversationId, callId));
  }
  return null;
}
