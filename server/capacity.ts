/**
 * Agents and their capacity. An agent signs in with a capacity in units; each conversation assigned
 * to it takes `conversationUnits`; a call takes everything that is left until it ends. An agent is
 * available for routing while signed in, not in a call, and with room for one more conversation.
 *
 * Every mutation is synchronous and complete when it returns: Node runs one at a time, so concurrent
 * HTTP requests and signaling messages can never interleave inside one and over-assign an agent.
 */

export interface AgentCall {
  readonly conversationId: string;
  readonly callId: string;
  readonly video: boolean;
  /** `Date.now()` when the call started ringing. */
  readonly since: number;
}

/** One agent as the API shows it. */
export interface AgentView {
  readonly id: string;
  readonly name: string;
  readonly signedIn: boolean;
  /** Units this agent can take. */
  readonly capacity: number;
  /** Units in use: its conversations' share, or all of its capacity during a call (may exceed capacity after supervisor assignments). */
  readonly used: number;
  /** `capacity - used`, never below 0. */
  readonly available: number;
  readonly callState: 'idle' | 'in-call';
  /** The ongoing call, if any (the first one, should the agent be in several). */
  readonly call: AgentCall | null;
  /** Ids of the conversations assigned to the agent, oldest first. */
  readonly conversations: readonly string[];
}

export interface CapacityOptions {
  /** Capacity of an agent that signs in without giving one. */
  defaultCapacity: number;
  /** Units one conversation takes. */
  conversationUnits: number;
  /** Signed-in agents not seen for this long are signed out; 0 never. */
  presenceTimeoutMs: number;
  now?: () => number;
}

/** An agent's whole record, as a store shared by several nodes keeps it (see `AgentRegistry.snapshot`). */
export interface AgentSnapshot {
  readonly id: string;
  readonly name: string;
  readonly signedIn: boolean;
  readonly capacity: number;
  readonly conversations: readonly string[];
  readonly calls: readonly AgentCall[];
  readonly signInSeq: number;
  readonly lastSeenAt: number;
  readonly lastAssignedSeq: number;
}

export interface AgentRegistrySnapshot {
  readonly seq: number;
  readonly assignments: number;
  readonly agents: readonly AgentSnapshot[];
}

interface AgentRecord {
  readonly id: string;
  name: string;
  signedIn: boolean;
  capacity: number;
  readonly conversations: Set<string>;
  /** Ongoing calls by conversation id. */
  readonly calls: Map<string, AgentCall>;
  /** Order of sign-in, the last tie-breaker of routing. */
  signInSeq: number;
  lastSeenAt: number;
  /** Order of its latest assignment: among equally loaded agents the one waiting longest goes first. */
  lastAssignedSeq: number;
}

export class AgentRegistry {
  readonly #agents = new Map<string, AgentRecord>();
  readonly #options: CapacityOptions;
  readonly #now: () => number;
  #seq = 0;
  #assignments = 0;

  constructor(options: CapacityOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get conversationUnits(): number {
    return this.#options.conversationUnits;
  }

  /** Signs in (or updates a signed-in agent's capacity and name). */
  signIn(id: string, { capacity, name }: { capacity?: number; name?: string } = {}): AgentView {
    const now = this.#now();
    let agent = this.#agents.get(id);
    if (!agent) {
      agent = {
        id,
        name: name ?? id,
        signedIn: false,
        capacity: 0,
        conversations: new Set(),
        calls: new Map(),
        signInSeq: 0,
        lastSeenAt: now,
        lastAssignedSeq: 0,
      };
      this.#agents.set(id, agent);
    }
    if (!agent.signedIn) agent.signInSeq = ++this.#seq;
    agent.signedIn = true;
    agent.capacity = capacity ?? (agent.capacity || this.#options.defaultCapacity);
    if (name !== undefined) agent.name = name;
    agent.lastSeenAt = now;
    return this.#view(agent);
  }

  /** Knows the agent without signing it in (a server that restarted learns of it from its ongoing call). */
  register(id: string): AgentView {
    if (!this.#agents.has(id)) {
      this.#agents.set(id, {
        id,
        name: id,
        signedIn: false,
        capacity: this.#options.defaultCapacity,
        conversations: new Set(),
        calls: new Map(),
        signInSeq: ++this.#seq,
        lastSeenAt: this.#now(),
        lastAssignedSeq: 0,
      });
    }
    return this.#view(this.#agents.get(id)!);
  }

  /** Takes the agent out of routing. Its conversations and any call stay with it. */
  signOut(id: string): AgentView | undefined {
    const agent = this.#agents.get(id);
    if (!agent) return undefined;
    agent.signedIn = false;
    return this.#view(agent);
  }

  /** The agent is still there (a heartbeat). Returns whether it is signed in. */
  touch(id: string): boolean {
    const agent = this.#agents.get(id);
    if (!agent?.signedIn) return false;
    agent.lastSeenAt = this.#now();
    return true;
  }

  /** Signs out the agents that stopped showing signs of life. Returns their ids. */
  expireSilent(): string[] {
    const timeout = this.#options.presenceTimeoutMs;
    if (timeout <= 0) return [];
    const limit = this.#now() - timeout;
    const expired: string[] = [];
    for (const agent of this.#agents.values()) {
      if (agent.signedIn && agent.lastSeenAt < limit) {
        agent.signedIn = false;
        expired.push(agent.id);
      }
    }
    return expired;
  }

  isSignedIn(id: string): boolean {
    return this.#agents.get(id)?.signedIn ?? false;
  }

  view(id: string): AgentView | undefined {
    const agent = this.#agents.get(id);
    return agent && this.#view(agent);
  }

  /** Every agent ever signed in, in sign-in order. */
  list(): AgentView[] {
    return [...this.#agents.values()].sort((a, b) => a.signInSeq - b.signInSeq).map((agent) => this.#view(agent));
  }

  /** Signed in, not in a call, and room for one more conversation. */
  isAvailable(id: string): boolean {
    const agent = this.#agents.get(id);
    return agent !== undefined && this.#isAvailable(agent);
  }

  /**
   * The available agent to route the next conversation to: the lowest share of capacity in use,
   * then the fewest units in use, then the one given a conversation longest ago, then sign-in order.
   */
  leastLoaded(): string | undefined {
    let best: AgentRecord | undefined;
    for (const agent of this.#agents.values()) {
      if (!this.#isAvailable(agent)) continue;
      if (!best || compareLoad(this.#chatUnits(agent), agent, this.#chatUnits(best), best) < 0) best = agent;
    }
    return best?.id;
  }

  /** Assigns a conversation's units to the agent, whatever its capacity (routing checks availability first). */
  addConversation(id: string, conversationId: string): void {
    const agent = this.#require(id);
    agent.conversations.add(conversationId);
    agent.lastAssignedSeq = ++this.#assignments;
  }

  removeConversation(id: string, conversationId: string): void {
    const agent = this.#agents.get(id);
    if (!agent) return;
    agent.conversations.delete(conversationId);
    agent.calls.delete(conversationId);
  }

  /** The agent's ongoing call in that conversation, if any. */
  callIn(id: string, conversationId: string): AgentCall | undefined {
    return this.#agents.get(id)?.calls.get(conversationId);
  }

  /** The agent's call in `conversationId` started: all its capacity is in use until it ends. */
  startCall(id: string, conversationId: string, callId: string, video: boolean): void {
    this.#require(id).calls.set(conversationId, { conversationId, callId, video, since: this.#now() });
  }

  /**
   * The call in `conversationId` ended. With a `callId`, only that call ends (a late report about an
   * older call does not end a newer one). Returns whether a call ended.
   */
  endCall(id: string, conversationId: string, callId?: string): boolean {
    const agent = this.#agents.get(id);
    const call = agent?.calls.get(conversationId);
    if (!agent || !call || (callId !== undefined && call.callId !== callId)) return false;
    agent.calls.delete(conversationId);
    return true;
  }

  /** Everything the registry holds, as plain data (JSON-safe). */
  snapshot(): AgentRegistrySnapshot {
    return {
      seq: this.#seq,
      assignments: this.#assignments,
      agents: [...this.#agents.values()].map((agent) => ({
        id: agent.id,
        name: agent.name,
        signedIn: agent.signedIn,
        capacity: agent.capacity,
        conversations: [...agent.conversations],
        calls: [...agent.calls.values()],
        signInSeq: agent.signInSeq,
        lastSeenAt: agent.lastSeenAt,
        lastAssignedSeq: agent.lastAssignedSeq,
      })),
    };
  }

  /** A registry holding what `snapshot()` returned (the same rules then apply to it). */
  static fromSnapshot(options: CapacityOptions, snapshot: AgentRegistrySnapshot): AgentRegistry {
    const registry = new AgentRegistry(options);
    registry.#seq = snapshot.seq;
    registry.#assignments = snapshot.assignments;
    for (const agent of snapshot.agents) {
      registry.#agents.set(agent.id, {
        ...agent,
        conversations: new Set(agent.conversations),
        calls: new Map(agent.calls.map((call) => [call.conversationId, call])),
      });
    }
    return registry;
  }

  #require(id: string): AgentRecord {
    const agent = this.#agents.get(id);
    if (!agent) throw new Error(`unknown agent ${id}`);
    return agent;
  }

  #chatUnits(agent: AgentRecord): number {
    return agent.conversations.size * this.#options.conversationUnits;
  }

  #isAvailable(agent: AgentRecord): boolean {
    return agent.signedIn && agent.calls.size === 0 && agent.capacity - this.#chatUnits(agent) >= this.#options.conversationUnits;
  }

  #view(agent: AgentRecord): AgentView {
    const chatUnits = this.#chatUnits(agent);
    const inCall = agent.calls.size > 0;
    const used = inCall ? Math.max(agent.capacity, chatUnits) : chatUnits;
    return {
      id: agent.id,
      name: agent.name,
      signedIn: agent.signedIn,
      capacity: agent.capacity,
      used,
      available: Math.max(0, agent.capacity - used),
      callState: inCall ? 'in-call' : 'idle',
      call: inCall ? [...agent.calls.values()][0] : null,
      conversations: [...agent.conversations],
    };
  }
}

function compareLoad(unitsA: number, a: AgentRecord, unitsB: number, b: AgentRecord): number {
  return (
    unitsA / a.capacity - unitsB / b.capacity ||
    unitsA - unitsB ||
    a.lastAssignedSeq - b.lastAssignedSeq ||
    a.signInSeq - b.signInSeq
  );
}
