/**
 * Supervision: which calls are in progress (for the supervisor's list), and who is told what about
 * a supervisor on a call. A monitoring supervisor is announced to the agent only ("A supervisor is
 * listening"); once it barges in (its voice goes through the SFU) the customer is told too; when it
 * leaves, whoever was told hears that it left. A member that (re)joins is told the current state.
 */
import { createMessage, type ParticipantRole, type SignalingMessage } from '../src/signaling/protocol.js';
import type { ServerLog } from './config.js';
import type { CallHooks } from './calls.js';
import type { Member, SeatRegistry } from './conversations.js';

export type SupervisorState = 'monitoring' | 'barged-in';

/** A call in progress, as `GET /api/calls` lists it. */
export interface CallInProgress {
  readonly conversationId: string;
  readonly callId: string;
  readonly video: boolean;
  /** When the agent's call started ringing (ms since the epoch). */
  readonly since: number;
  /** A supervisor on the call, if any. */
  readonly supervisor: SupervisorState | null;
}

interface CallRecord {
  callId: string;
  video: boolean;
  since: number;
}

export interface SupervisionOptions {
  registry: Pick<SeatRegistry, 'sendTo'>;
  log: ServerLog;
  now?: () => number;
}

export class Supervision {
  readonly #options: SupervisionOptions;
  readonly #calls = new Map<string, CallRecord>();
  readonly #supervisors = new Map<string, SupervisorState>();

  constructor(options: SupervisionOptions) {
    this.#options = options;
  }

  /** Calls in progress, oldest first. */
  calls(): CallInProgress[] {
    return [...this.#calls.entries()]
      .map(([conversationId, call]) => ({ conversationId, ...call, supervisor: this.#supervisors.get(conversationId) ?? null }))
      .sort((a, b) => a.since - b.since);
  }

  callOf(conversationId: string): CallInProgress | undefined {
    return this.calls().find((call) => call.conversationId === conversationId);
  }

  /** The agent's `call-started` / `call-ended` notices (the same ones agent capacity counts). */
  onNotice(member: Member, message: SignalingMessage): void {
    if (member.role !== 'agent') return;
    if (message.type === 'call-started') {
      this.#calls.set(member.conversationId, { callId: message.payload.callId, video: message.payload.video, since: this.#now() });
    } else if (message.type === 'call-ended' && this.#calls.get(member.conversationId)?.callId === message.payload.callId) {
      this.#calls.delete(member.conversationId);
    }
  }

  onJoined(member: Member): void {
    const { conversationId, role } = member;
    if (role === 'supervisor') {
      this.#supervisors.set(conversationId, 'monitoring');
      this.#tell(conversationId, 'agent', 'monitoring');
      this.#options.log('supervisor-monitoring', { conversationId });
      return;
    }
    // An agent that re-announces its call after a server restart has it listed again.
    if (role === 'agent' && member.call && !this.#calls.has(conversationId)) {
      this.#calls.set(conversationId, { callId: member.call.callId, video: member.call.video, since: this.#now() });
    }
    const state = this.#supervisors.get(conversationId);
    if (state && (role === 'agent' || state === 'barged-in')) this.#tell(conversationId, role, state);
  }

  onRemoved(member: Member): void {
    const { conversationId, role } = member;
    if (role === 'agent') this.#calls.delete(conversationId);
    if (role !== 'supervisor') return;
    const state = this.#supervisors.get(conversationId);
    this.#supervisors.delete(conversationId);
    if (!state) return;
    this.#tell(conversationId, 'agent', 'left');
    if (state === 'barged-in') this.#tell(conversationId, 'customer', 'left');
    this.#options.log('supervisor-left', { conversationId });
  }

  /** The supervisor's voice is on the call (it produced audio on the SFU): both sides are told. */
  bargedIn(conversationId: string): void {
    if (this.#supervisors.get(conversationId) !== 'monitoring') return;
    this.#supervisors.set(conversationId, 'barged-in');
    this.#tell(conversationId, 'agent', 'barged-in');
    this.#tell(conversationId, 'customer', 'barged-in');
    this.#options.log('supervisor-barged-in', { conversationId });
  }

  #tell(conversationId: string, role: ParticipantRole, state: SupervisorState | 'left'): void {
    this.#options.registry.sendTo(conversationId, role, JSON.stringify(createMessage('supervisor', { state })));
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}

/**
 * The server's call hooks with supervision in them: a supervisor is kept out of what the calls
 * count (capacity, routing: its coming and going ends no call), relays nothing, and its seat and the
 * agent's call notices feed `supervision`.
 */
export function withSupervision(hooks: CallHooks, supervision: Supervision): CallHooks {
  return {
    signaling: {
      ...hooks.signaling,
      checkRelay: (member, message) =>
        member.role === 'supervisor' ? { code: 'forbidden', detail: 'a supervisor sends nothing to the call’s members' } : (hooks.signaling.checkRelay?.(member, message) ?? null),
      notice: (member, message) => {
        const refusal = hooks.signaling.notice?.(member, message) ?? null;
        if (!refusal) supervision.onNotice(member, message);
        return refusal;
      },
    },
    registry: {
      onJoined: (member, resumed) => {
        if (member.role !== 'supervisor') hooks.registry.onJoined(member, resumed);
        supervision.onJoined(member);
      },
      onRemoved: (member, reason, conversationEmpty) => {
        if (member.role !== 'supervisor') hooks.registry.onRemoved(member, reason, conversationEmpty);
        supervision.onRemoved(member);
      },
    },
  };
}
