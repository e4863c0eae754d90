/**
 * Conversation routing: a customer's chat request goes to the least-loaded available agent, or waits
 * in a first-in-first-out queue that drains as capacity frees (a call ends, a conversation ends, an
 * agent signs in). A supervisor assigns a conversation to a signed-in agent regardless of capacity.
 *
 * Like the agent registry, every operation is synchronous, so each request or signaling event is
 * applied whole before the next one starts.
 */
import { randomUUID } from 'node:crypto';
import type { ParticipantRole } from '../src/signaling/protocol.js';
import { AgentRegistry, type AgentRegistrySnapshot, type AgentView, type CapacityOptions } from './capacity.js';
import type { ServerLog } from './config.js';
import type { Page, PageRequest } from './pagination.js';
import { MemoryTokenVersions, versionOf, type TokenVersions, type TokenVersionsSnapshot } from './token-versions.js';

export type ConversationStatus = 'queued' | 'assigned' | 'ended';

export interface ConversationView {
  readonly id: string;
  readonly customerId: string;
  readonly status: ConversationStatus;
  readonly agentId: string | null;
  /** `routing` (capacity-based), `supervisor` (explicit assignment) or `restored` (re-established from the agent's call after a server restart). */
  readonly assignedBy: 'routing' | 'supervisor' | 'restored' | null;
  /** 1 for the head of the queue; null unless queued. */
  readonly queuePosition: number | null;
  /** The agent's call in this conversation, if one is ongoing. */
  readonly call: { readonly callId: string; readonly video: boolean; readonly since: number } | null;
  readonly createdAt: number;
  readonly assignedAt: number | null;
  readonly endedAt: number | null;
  readonly endReason: string | null;
}

export type RoutingErrorCode = 'not-found' | 'agent-not-found' | 'agent-not-signed-in' | 'conversation-ended' | 'conversation-in-call';

export type RoutingResult =
  | { ok: true; conversation: ConversationView }
  | { ok: false; code: RoutingErrorCode; message: string };

/** Agents, conversations, the queue and token versions as plain data: what a store shared by several nodes keeps. */
export interface RouterSnapshot {
  readonly agents: AgentRegistrySnapshot;
  readonly conversations: readonly ConversationRecord[];
  readonly queue: readonly string[];
  /** The last conversation `seq` handed out. */
  readonly seq: number;
  readonly tokenVersions: TokenVersionsSnapshot;
}

export interface ConversationRecord {
  /** Creation order: the cursor of paginated lists. */
  readonly seq: number;
  readonly id: string;
  /** Empty for a conversation adopted after a restart until its customer joins. */
  customerId: string;
  status: ConversationStatus;
  agentId: string | null;
  assignedBy: 'routing' | 'supervisor' | 'restored' | null;
  readonly createdAt: number;
  assignedAt: number | null;
  endedAt: number | null;
  endReason: string | null;
  /** The customer took its seat at least once: the conversation ends when everybody left afterwards. */
  customerJoined: boolean;
}

export interface RouterOptions {
  log: ServerLog;
  now?: () => number;
  /** Token versions of the routed conversations (revocation); in memory by default. */
  tokenVersions?: TokenVersions;
  /** How long an ended conversation stays readable before it is forgotten; default one hour. */
  retentionMs?: number;
  /** How long tokens of a conversation can outlive it (the longest conversation token lifetime); default one hour. */
  tokenLifetimeMs?: number;
  /**
   * Access to a conversation was taken away from `roles`: its agent after a reassignment, everybody
   * when it ended. Their seats must close now, not when their tokens expire.
   */
  onAccessRevoked?(conversationId: string, roles: readonly ParticipantRole[], reason: 'reassigned' | 'ended'): void;
}

const HOUR_MS = 60 * 60_000;
/** Ended conversations are looked for at most this often. */
const EVICTION_INTERVAL_MS = 1_000;

export class Router {
  readonly agents: AgentRegistry;
  readonly #conversations = new Map<string, ConversationRecord>();
  /** Ids of queued conversations, in arrival order. */
  readonly #queue: string[] = [];
  /** Customer id -> its conversation that has not ended. */
  readonly #openByCustomer = new Map<string, string>();
  readonly #log: ServerLog;
  readonly #now: () => number;
  readonly tokenVersions: TokenVersions;
  readonly #retentionMs: number;
  readonly #tokenLifetimeMs: number;
  readonly #onAccessRevoked: RouterOptions['onAccessRevoked'];
  #seq = 0;
  #evictedAt = 0;

  constructor(agents: AgentRegistry, options: RouterOptions) {
    this.agents = agents;
    this.#log = options.log;
    this.#now = options.now ?? Date.now;
    this.tokenVersions = options.tokenVersions ?? new MemoryTokenVersions(this.#now);
    this.#retentionMs = options.retentionMs ?? HOUR_MS;
    this.#tokenLifetimeMs = options.tokenLifetimeMs ?? HOUR_MS;
    this.#onAccessRevoked = options.onAccessRevoked;
  }

  /**
   * A customer asks for a chat: assigned to the least-loaded available agent, else queued. A customer
   * with an open conversation gets that one back (`created: false`) instead of a second one.
   */
  request(customerId: string): { created: boolean; conversation: ConversationView } {
    this.#expireSilentAgents();
    this.#evictEnded();
    const open = this.openConversationOf(customerId);
    if (open) return { created: false, conversation: open };
    const record: ConversationRecord = {
      seq: ++this.#seq,
      id: `conv-${randomUUID()}`,
      customerId,
      status: 'queued',
      agentId: null,
      assignedBy: null,
      createdAt: this.#now(),
      assignedAt: null,
      endedAt: null,
      endReason: null,
      customerJoined: false,
    };
    this.#conversations.set(record.id, record);
    this.tokenVersions.open(record.id);
    this.#openByCustomer.set(customerId, record.id);
    this.#queue.push(record.id);
    this.#log('conversation-requested', { conversationId: record.id });
    this.#drain();
    return { created: true, conversation: this.#view(record) };
  }

  /** A supervisor's explicit assignment: any signed-in agent, whatever its load or call. */
  assign(conversationId: string, agentId: string): RoutingResult {
    const record = this.#conversations.get(conversationId);
    if (!record) return notFound(conversationId);
    if (record.status === 'ended') return { ok: false, code: 'conversation-ended', message: `conversation ${conversationId} has ended` };
    if (!this.agents.view(agentId)) return { ok: false, code: 'agent-not-found', message: `no agent ${agentId} has signed in` };
    if (!this.agents.isSignedIn(agentId)) return { ok: false, code: 'agent-not-signed-in', message: `agent ${agentId} is signed out` };
    if (record.agentId === agentId) return { ok: true, conversation: this.#view(record) };
    const previous = record.agentId;
    if (previous !== null) {
      if (this.#callOf(record)) {
        return { ok: false, code: 'conversation-in-call', message: 'the conversation has a call going on; end it before reassigning' };
      }
      this.agents.removeConversation(previous, conversationId);
    } else {
      this.#dequeue(conversationId);
    }
    this.#assignTo(record, agentId, 'supervisor');
    if (previous !== null) {
      // The previous agent's tokens and seat go now: it must not keep reading or acting on the chat.
      this.tokenVersions.bump(conversationId, 'agent');
      this.#onAccessRevoked?.(conversationId, ['agent'], 'reassigned');
      // The previous agent has a unit free now.
      this.#drain();
    }
    return { ok: true, conversation: this.#view(record) };
  }

  /** Ends a conversation: its units (and any call's) go back to its agent, and the queue moves. */
  end(conversationId: string, reason: string): RoutingResult {
    const record = this.#conversations.get(conversationId);
    if (!record) return notFound(conversationId);
    if (record.status === 'ended') return { ok: true, conversation: this.#view(record) };
    if (record.status === 'queued') this.#dequeue(conversationId);
    if (record.agentId !== null) this.agents.removeConversation(record.agentId, conversationId);
    record.status = 'ended';
    this.#openByCustomer.delete(record.customerId);
    record.endedAt = this.#now();
    record.endReason = reason;
    this.tokenVersions.close(conversationId, record.endedAt + this.#tokenLifetimeMs);
    this.#log('conversation-ended', { conversationId, reason });
    this.#onAccessRevoked?.(conversationId, ['agent', 'customer', 'supervisor'], 'ended');
    this.#drain();
    return { ok: true, conversation: this.#view(record) };
  }

  signIn(agentId: string, options: { capacity?: number; name?: string }): AgentView {
    const view = this.agents.signIn(agentId, options);
    this.#log('agent-signed-in', { agentId, capacity: view.capacity });
    this.#drain();
    return this.agents.view(agentId) ?? view;
  }

  signOut(agentId: string): AgentView | undefined {
    this.#log('agent-signed-out', { agentId });
    return this.agents.signOut(agentId);
  }

  /** An agent's heartbeat; signs out agents that went silent. Returns whether `agentId` is signed in. */
  touch(agentId: string): boolean {
    const signedIn = this.agents.touch(agentId);
    this.#expireSilentAgents();
    return signedIn;
  }

  /** The agent's call in the conversation started ringing. Returns whether it counts against an agent. */
  callStarted(conversationId: string, callId: string, video: boolean): boolean {
    const record = this.#conversations.get(conversationId);
    if (!record || record.status !== 'assigned' || record.agentId === null) return false;
    this.agents.startCall(record.agentId, conversationId, callId, video);
    this.#log('call-started', { conversationId, agentId: record.agentId, callId });
    return true;
  }

  /** The call ended (or, without `callId`, whatever call the conversation has). Frees the agent. */
  callEnded(conversationId: string, callId?: string, reason = 'call-ended'): boolean {
    const record = this.#conversations.get(conversationId);
    if (!record || record.agentId === null) return false;
    if (!this.agents.endCall(record.agentId, conversationId, callId)) return false;
    this.#log('call-ended', { conversationId, agentId: record.agentId, reason });
    this.#drain();
    return true;
  }

  /**
   * An agent that (re)joined announced it is in `callId`. Counts the call if it was not counted
   * (the report was lost, or this server restarted and lost everything): a conversation the router
   * does not know is adopted for that agent (`assignedBy: 'restored'`), creating the agent (signed
   * out) if needed. Returns whether the call counts against an agent.
   */
  callResumed(conversationId: string, agentId: string, callId: string, video: boolean): boolean {
    let record = this.#conversations.get(conversationId);
    if (!record) record = this.#adopt(conversationId, agentId);
    if (record.status !== 'assigned' || record.agentId === null) return false;
    if (this.agents.callIn(record.agentId, conversationId)?.callId === callId) return true;
    this.agents.startCall(record.agentId, conversationId, callId, video);
    this.#log('call-resumed', { conversationId, agentId: record.agentId, callId });
    return true;
  }

  /** A member took its seat in the conversation's signaling. */
  memberJoined(conversationId: string, role: ParticipantRole, subject?: string): void {
    const record = this.#conversations.get(conversationId);
    if (!record || role !== 'customer') return;
    record.customerJoined = true;
    if (record.customerId === '' && subject) {
      // An adopted conversation learns its customer when the customer comes back.
      record.customerId = subject;
      if (record.status !== 'ended') this.#openByCustomer.set(subject, record.id);
    }
  }

  /** A conversation this router never saw (it restarted), seated by a known agent: take it as that agent's. */
  #adopt(conversationId: string, agentId: string): ConversationRecord {
    if (!this.agents.view(agentId)) this.agents.register(agentId);
    const now = this.#now();
    const record: ConversationRecord = {
      id: conversationId,
      seq: ++this.#seq,
      customerId: '',
      status: 'queued',
      agentId: null,
      assignedBy: null,
      createdAt: now,
      assignedAt: null,
      endedAt: null,
      endReason: null,
      customerJoined: false,
    };
    this.#conversations.set(conversationId, record);
    this.#assignTo(record, agentId, 'restored');
    return record;
  }

  /**
   * A member lost its seat for good (`leave`, its grace period ran out, buffer overflow). Whoever it
   * was, no call can go on without it. When the last member left a conversation the customer had
   * joined, the conversation is over.
   */
  memberRemoved(conversationId: string, role: ParticipantRole, reason: string, conversationEmpty: boolean): void {
    const record = this.#conversations.get(conversationId);
    if (!record) return;
    this.callEnded(conversationId, undefined, `${role}-${reason}`);
    // A revoked seat (the conversation moved to another agent) is not the conversation being over.
    if (conversationEmpty && record.customerJoined && reason !== 'token-revoked') this.end(conversationId, 'members-left');
  }

  get(conversationId: string): ConversationView | undefined {
    this.#evictEnded();
    const record = this.#conversations.get(conversationId);
    return record && this.#view(record);
  }

  /** The version new tokens of `role` for the conversation carry; undefined when the server does not route it. */
  tokenVersion(conversationId: string, role: ParticipantRole): number | undefined {
    const entry = this.tokenVersions.get(conversationId);
    return entry ? versionOf(entry, role) : undefined;
  }

  /** The customer's conversation that has not ended, if any. */
  openConversationOf(customerId: string): ConversationView | undefined {
    const openId = this.#openByCustomer.get(customerId);
    const open = openId === undefined ? undefined : this.#conversations.get(openId);
    return open && this.#view(open);
  }

  /** Conversations, oldest first, optionally of one status or one agent. */
  list(filter: { status?: ConversationStatus; agentId?: string } = {}): ConversationView[] {
    return this.page(filter, { limit: Infinity }).items;
  }

  /** One page of `list`: at most `limit` conversations created after the cursor. */
  page(filter: { status?: ConversationStatus; agentId?: string }, request: PageRequest): Page<ConversationView> {
    this.#evictEnded();
    const after = request.after === undefined ? 0 : Number(request.after);
    const positions = this.#positions();
    const items: ConversationView[] = [];
    let lastSeq = 0;
    for (const c of this.#conversations.values()) {
      if (c.seq <= after) continue;
      if ((filter.status !== undefined && c.status !== filter.status) || (filter.agentId !== undefined && c.agentId !== filter.agentId)) continue;
      if (items.length === request.limit) return { items, next: String(lastSeq) };
      items.push(this.#view(c, positions));
      lastSeq = c.seq;
    }
    return { items, next: null };
  }

  /** The queue, head first. */
  queue(): ConversationView[] {
    const positions = this.#positions();
    return this.#queue.map((id) => this.#view(this.#conversations.get(id)!, positions));
  }

  /** Ended conversations past their retention are forgotten (their tokens were revoked when they ended). */
  #evictEnded(): void {
    const now = this.#now();
    if (now - this.#evictedAt < EVICTION_INTERVAL_MS) return;
    this.#evictedAt = now;
    for (const [id, record] of this.#conversations) {
      if (record.status === 'ended' && record.endedAt !== null && record.endedAt + this.#retentionMs <= now) {
        this.#conversations.delete(id);
        this.#log('conversation-evicted', { conversationId: id });
      }
    }
  }

  listAgents(): AgentView[] {
    this.#expireSilentAgents();
    return this.agents.list();
  }

  /** Everything the router holds, as plain data (JSON-safe). */
  snapshot(): RouterSnapshot {
    if (!(this.tokenVersions instanceof MemoryTokenVersions)) throw new Error('only a router with in-memory token versions has a snapshot');
    return {
      agents: this.agents.snapshot(),
      conversations: [...this.#conversations.values()].map((c) => ({ ...c })),
      queue: [...this.#queue],
      seq: this.#seq,
      tokenVersions: this.tokenVersions.snapshot(),
    };
  }

  /** A router holding what `snapshot()` returned: the same rules then apply to it. */
  static fromSnapshot(snapshot: RouterSnapshot, options: RouterOptions & CapacityOptions): Router {
    const tokenVersions = MemoryTokenVersions.fromSnapshot(snapshot.tokenVersions, options.now);
    const router = new Router(AgentRegistry.fromSnapshot(options, snapshot.agents), { ...options, tokenVersions });
    router.#seq = snapshot.seq;
    for (const record of snapshot.conversations) {
      router.#conversations.set(record.id, { ...record });
      if (record.status !== 'ended' && record.customerId !== '') router.#openByCustomer.set(record.customerId, record.id);
    }
    router.#queue.push(...snapshot.queue);
    return router;
  }

  #drain(): void {
    while (this.#queue.length > 0) {
      const agentId = this.agents.leastLoaded();
      if (agentId === undefined) return;
      const record = this.#conversations.get(this.#queue.shift()!)!;
      this.#assignTo(record, agentId, 'routing');
    }
  }

  #assignTo(record: ConversationRecord, agentId: string, by: 'routing' | 'supervisor' | 'restored'): void {
    this.agents.addConversation(agentId, record.id);
    record.status = 'assigned';
    record.agentId = agentId;
    record.assignedBy = by;
    record.assignedAt = this.#now();
    this.#log('conversation-assigned', { conversationId: record.id, agentId, by });
  }

  #dequeue(conversationId: string): void {
    const index = this.#queue.indexOf(conversationId);
    if (index !== -1) this.#queue.splice(index, 1);
  }

  #expireSilentAgents(): void {
    for (const agentId of this.agents.expireSilent()) this.#log('agent-signed-out', { agentId, reason: 'silent' });
  }

  #callOf(record: ConversationRecord): ConversationView['call'] {
    const call = record.agentId === null ? undefined : this.agents.callIn(record.agentId, record.id);
    return call ? { callId: call.callId, video: call.video, since: call.since } : null;
  }

  #positions(): Map<string, number> {
    return new Map(this.#queue.map((id, index) => [id, index + 1]));
  }

  #view(record: ConversationRecord, positions?: Map<string, number>): ConversationView {
    const position = record.status === 'queued' ? (positions ?? this.#positions()).get(record.id) ?? null : null;
    return {
      id: record.id,
      customerId: record.customerId,
      status: record.status,
      agentId: record.agentId,
      assignedBy: record.assignedBy,
      queuePosition: position,
      call: this.#callOf(record),
      createdAt: record.createdAt,
      assignedAt: record.assignedAt,
      endedAt: record.endedAt,
      endReason: record.endReason,
    };
  }
}

function notFound(conversationId: string): RoutingResult {
  return { ok: false, code: 'not-found', message: `no conversation ${conversationId}` };
}
