/**
 * Seats shared by every node, and the relay between nodes. The seats of a conversation are one
 * document of a shared `DocumentStore` (who holds each role's seat: subject, page instance, call,
 * and which node and connection has it now); frames go to the members on this node directly and to
 * the other nodes through the conversation's `Bus` channel. Any node can seat any member: a member
 * whose node died reconnects (through the load balancer) to another node and resumes its seat there,
 * exactly as it would after a drop on one node — the seat's subject and instance decide, not the node.
 *
 * Same rules as `ConversationRegistry` (conversations.ts): another subject cannot take a held seat;
 * the same instance resumes it; another instance of the same subject replaces it; a dropped member
 * keeps it for the grace period (timed by the node it dropped from).
 */
import { randomUUID } from 'node:crypto';
import { createMessage } from '../../src/signaling/protocol.js';
import type { CallAnnouncement, MemberInfo, ParticipantRole, PayloadOf } from '../../src/signaling/protocol.js';
import type { JoinOutcome, JoinRequest, Member, MemberConnection, RegistryOptions, RemovalReason, SeatRegistry } from '../conversations.js';
import type { DocumentStore } from '../stores/document-store.js';
import type { Bus } from './bus.js';
import { NodeRoster } from './node-roster.js';

/** A seat as every node sees it. */
interface SharedSeat {
  readonly subject: string;
  readonly instance: string;
  readonly call?: CallAnnouncement;
  /** The node and connection holding the seat now. */
  readonly node: string;
  readonly connection: string;
  /** The member dropped; its node times the grace period. */
  readonly away: boolean;
}

interface SeatsDocument {
  members: Partial<Record<ParticipantRole, SharedSeat>>;
}

/** A seat held through this node. */
interface LocalSeat extends Member {
  readonly connectionId: string;
  connection: MemberConnection | null;
  graceTimer: ReturnType<typeof setTimeout> | null;
}

export interface ClusterSeatOptions extends RegistryOptions {
  documents: DocumentStore;
  bus: Bus;
  /** This node's id (unique per process). */
  node: string;
  /** Prefix of the bus channels. */
  prefix: string;
  /** How often this node says it is alive; a node silent for 3 of these is dead and its seats are adopted. Default 2 s. */
  heartbeatMs?: number;
}

/**
 * Bus messages: `f` a frame for every member but the sender, `t` a frame for one role, `k` a
 * connection that lost its seat, `v` a role whose access was revoked (`code detail`).
 */
const FRAME = 'f';
const TARGETED = 't';
const KICK = 'k';
const REVOKE = 'v';

export class ClusterSeatRegistry implements SeatRegistry {
  readonly #options: ClusterSeatOptions;
  readonly #local = new Map<string, Map<ParticipantRole, LocalSeat>>();
  /** Joins in flight per conversation: its channel must stay subscribed for them. */
  readonly #joining = new Map<string, number>();
  /** Channels subscribed (or being subscribed) by this node. */
  readonly #subscribed = new Map<string, Promise<void>>();
  readonly #roster: NodeRoster;
  #disposed = false;

  constructor(options: ClusterSeatOptions) {
    this.#options = options;
    this.#roster = new NodeRoster({
      documents: options.documents,
      node: options.node,
      heartbeatMs: options.heartbeatMs ?? 2_000,
      adopt: (deadNode, seats) => this.#adopt(deadNode, seats),
      onError: (error) => this.#failed(error),
    });
  }

  async join(request: JoinRequest, connection: MemberConnection): Promise<JoinOutcome> {
    const { conversationId, role, subject, instance, call } = request;
    const { node } = this.#options;
    const connectionId = randomUUID();
    this.#joining.set(conversationId, (this.#joining.get(conversationId) ?? 0) + 1);
    try {
      // Subscribed before the seat is taken: nothing sent to the member after its join can be missed.
      await this.#subscribe(conversationId);
      await this.#roster.seated(seatName(conversationId, role));
      const taken = await this.#options.documents.update<SeatsDocument, { ok: false } | { ok: true; previous: SharedSeat | undefined; members: MemberInfo[] }>(
        seatsKey(conversationId),
        (current) => {
          const doc = current ?? { members: {} };
          const existing = doc.members[role];
          if (existing && existing.subject !== subject) return { next: current, result: { ok: false } };
          doc.members[role] = { subject, instance, ...(call ? { call } : {}), node, connection: connectionId, away: false };
          return { next: doc, result: { ok: true, previous: existing, members: membersOf(doc) } };
        },
      );
      if (!taken.ok) {
        this.#unindexUnlessHeld(conversationId, role);
        return { ok: false, code: 'conversation-full' };
      }
      const { previous } = taken;
      const resumed = previous !== undefined && previous.instance === instance;
      if (previous) this.#evict(conversationId, role, previous);
      const record: LocalSeat = { conversationId, role, subject, instance, call, connectionId, connection, graceTimer: null };
      this.#seatsOf(conversationId).set(role, record);
      this.#options.log(resumed ? 'resume' : 'join', { conversationId, role, node });
      if (previous && !resumed) {
        // A newer page of the same identity took the seat: the old one is gone for good.
        this.#options.onRemoved?.({ ...record, instance: previous.instance, call: previous.call }, 'replaced', false);
      }
      this.#broadcast(conversationId, role, presence({ role, present: true, instance, ...(call ? { call } : {}) }));
      this.#options.onJoined?.(record, resumed);
      return { ok: true, member: record, resumed, members: taken.members };
    } finally {
      const left = (this.#joining.get(conversationId) ?? 1) - 1;
      if (left === 0) this.#joining.delete(conversationId);
      else this.#joining.set(conversationId, left);
      this.#unsubscribeIfIdle(conversationId);
    }
  }

  relay(member: Member, connection: MemberConnection, frame: string | Uint8Array): void {
    if (!this.#current(member, connection)) return;
    this.#broadcast(member.conversationId, member.role, frame);
  }

  sendTo(conversationId: string, role: ParticipantRole, text: string): boolean {
    const local = this.#local.get(conversationId)?.get(role);
    if (local?.connection) {
      local.connection.sendText(text);
      return true;
    }
    this.#options.bus.publish(this.#channel(conversationId), `${TARGETED}|${this.#options.node}|${role}|${text}`);
    return true;
  }

  leave(member: Member, connection: MemberConnection): void {
    const record = this.#current(member, connection);
    if (record) void this.#remove(record, 'leave');
  }

  disconnect(member: Member, connection: MemberConnection): void {
    const record = this.#current(member, connection);
    if (!record) return;
    record.connection = null;
    this.#options.log('away', { conversationId: member.conversationId, role: member.role });
    const grace = this.#options.resumeGraceMs;
    if (grace === 0) {
      void this.#remove(record, 'grace-expired');
      return;
    }
    void this.#options.documents
      .update<SeatsDocument, void>(seatsKey(member.conversationId), (current) => {
        const seat = current?.members[member.role];
        if (!current || seat?.connection !== record.connectionId) return { next: current, result: undefined };
        current.members[member.role] = { ...seat, away: true };
        return { next: current, result: undefined };
      })
      .catch((error: unknown) => this.#failed(error));
    record.graceTimer = setTimeout(() => void this.#remove(record, 'grace-expired'), grace);
  }

  /**
   * Takes the seats of `roles` away now, wherever they are held: the seats leave the shared document
   * (the others are told), and the node holding each connection closes it with `code`.
   */
  revoke(conversationId: string, roles: readonly ParticipantRole[], code: 'token-revoked' | 'conversation-ended', detail: string): void {
    for (const role of roles) {
      this.#revokeLocal(conversationId, role, code, detail);
      this.#options.bus.publish(this.#channel(conversationId), `${REVOKE}|${this.#options.node}|${role}|${code} ${detail}`);
      void this.#options.documents
        .update<SeatsDocument, { seat: SharedSeat | undefined; empty: boolean }>(seatsKey(conversationId), (current) => {
          const seat = current?.members[role];
          if (!current || !seat) return { next: current, result: { seat: undefined, empty: false } };
          delete current.members[role];
          const empty = Object.keys(current.members).length === 0;
          return { next: empty ? undefined : current, result: { seat, empty } };
        })
        .then(({ seat, empty }) => {
          if (!seat || this.#disposed) return;
          this.#options.log('removed', { conversationId, role, reason: code });
          this.#broadcast(conversationId, role, presence({ role, present: false, reason: 'left' }));
          const { subject, instance, call } = seat;
          this.#options.onRemoved?.({ conversationId, role, subject, instance, call }, code, empty);
        })
        .catch((error: unknown) => this.#failed(error));
    }
  }

  /** Roles seated through this node (the shared document knows the others). */
  presentRoles(conversationId: string): ParticipantRole[] {
    return [...(this.#local.get(conversationId)?.keys() ?? [])];
  }

  /**
   * Stops this node's timers and subscriptions. The seats stay in the shared document, as when a
   * node dies: their members reconnect through another node and resume.
   */
  dispose(): void {
    this.#disposed = true;
    this.#roster.stop();
    for (const seats of this.#local.values()) for (const seat of seats.values()) clearGrace(seat);
    this.#local.clear();
    for (const channel of this.#subscribed.keys()) void this.#options.bus.unsubscribe(channel).catch(() => {});
    this.#subscribed.clear();
  }

  /** Sends `frame` to every other member of the conversation, here and on the other nodes. */
  #broadcast(conversationId: string, fromRole: ParticipantRole, frame: string | Uint8Array): void {
    for (const [role, seat] of this.#local.get(conversationId) ?? []) {
      if (role !== fromRole) seat.connection?.sendText(frame);
    }
    const header = `${FRAME}|${this.#options.node}|${fromRole}|`;
    this.#options.bus.publish(this.#channel(conversationId), typeof frame === 'string' ? header + frame : Buffer.concat([Buffer.from(header), frame]));
  }

  /** A message of the conversation's channel, from any node. */
  #onBusMessage(conversationId: string, message: string): void {
    const [kind, from, role] = message.split('|', 3);
    const body = message.slice(kind.length + from.length + role.length + 3);
    const seats = this.#local.get(conversationId);
    if (!seats) return;
    if (kind === FRAME) {
      if (from === this.#options.node) return;
      for (const [seatRole, seat] of seats) if (seatRole !== role) seat.connection?.sendText(body);
    } else if (kind === TARGETED) {
      seats.get(role as ParticipantRole)?.connection?.sendText(body);
    } else if (kind === REVOKE) {
      if (from === this.#options.node) return;
      const space = body.indexOf(' ');
      this.#revokeLocal(conversationId, role as ParticipantRole, body.slice(0, space) as 'token-revoked' | 'conversation-ended', body.slice(space + 1));
    } else if (kind === KICK) {
      const seat = seats.get(role as ParticipantRole);
      if (seat?.connectionId === body) this.#dropLocal(seat);
    }
  }

  /** The seat's previous holder lost it: close its connection, wherever it is. */
  #evict(conversationId: string, role: ParticipantRole, previous: SharedSeat): void {
    const local = this.#local.get(conversationId)?.get(role);
    if (local?.connectionId === previous.connection) this.#dropLocal(local);
    else if (previous.node !== this.#options.node) {
      this.#options.bus.publish(this.#channel(conversationId), `${KICK}|${this.#options.node}|${role}|${previous.connection}`);
    }
  }

  /** The member's access was revoked: its connection here (if it is here) is told why and closed. */
  #revokeLocal(conversationId: string, role: ParticipantRole, code: 'token-revoked' | 'conversation-ended', detail: string): void {
    const seat = this.#local.get(conversationId)?.get(role);
    if (!seat) return;
    clearGrace(seat);
    const connection = seat.connection;
    seat.connection = null;
    this.#forgetLocal(seat);
    connection?.revoked?.(code, detail);
    this.#unsubscribeIfIdle(conversationId);
  }

  /** A connection here lost its seat to another one: it closes and must not come back. */
  #dropLocal(seat: LocalSeat): void {
    clearGrace(seat);
    const connection = seat.connection;
    seat.connection = null;
    this.#forgetLocal(seat);
    connection?.replaced();
  }

  async #remove(record: LocalSeat, reason: RemovalReason): Promise<void> {
    clearGrace(record);
    record.connection = null;
    this.#forgetLocal(record);
    try {
      const outcome = await this.#options.documents.update<SeatsDocument, { removed: boolean; empty: boolean }>(seatsKey(record.conversationId), (current) => {
        const seat = current?.members[record.role];
        if (!current || seat?.connection !== record.connectionId) return { next: current, result: { removed: false, empty: false } };
        delete current.members[record.role];
        const empty = Object.keys(current.members).length === 0;
        return { next: empty ? undefined : current, result: { removed: true, empty } };
      });
      if (!outcome.removed || this.#disposed) return;
      this.#options.log('removed', { conversationId: record.conversationId, role: record.role, reason });
      this.#broadcast(record.conversationId, record.role, presence({ role: record.role, present: false, reason: reason === 'leave' ? 'left' : 'timeout' }));
      this.#options.onRemoved?.(record, reason, outcome.empty);
    } catch (error) {
      this.#failed(error);
    } finally {
      this.#unsubscribeIfIdle(record.conversationId);
    }
  }

  /** The record, but only while `connection` still holds its seat through this node. */
  #current(member: Member, connection: MemberConnection): LocalSeat | undefined {
    const record = this.#local.get(member.conversationId)?.get(member.role);
    return record && record === member && record.connection === connection ? record : undefined;
  }

  #seatsOf(conversationId: string): Map<ParticipantRole, LocalSeat> {
    let seats = this.#local.get(conversationId);
    if (!seats) {
      seats = new Map();
      this.#local.set(conversationId, seats);
    }
    return seats;
  }

  #forgetLocal(record: LocalSeat): void {
    const seats = this.#local.get(record.conversationId);
    if (seats?.get(record.role) !== record) return;
    seats.delete(record.role);
    if (seats.size === 0) this.#local.delete(record.conversationId);
    if (!this.#disposed) this.#roster.unseated(seatName(record.conversationId, record.role));
  }

  /**
   * A dead node's seats: each one still held by it becomes this node's, away, with a fresh grace
   * period. A member that comes back within it resumes (on any node); otherwise it is removed and
   * the others are told, as after any drop.
   */
  async #adopt(deadNode: string, seats: readonly string[]): Promise<void> {
    for (const name of seats) {
      const separator = name.lastIndexOf('|');
      const conversationId = name.slice(0, separator);
      const role = name.slice(separator + 1) as ParticipantRole;
      const connectionId = `adopted-${randomUUID()}`;
      await this.#roster.seated(name);
      const adopted = await this.#options.documents.update<SeatsDocument, SharedSeat | undefined>(seatsKey(conversationId), (current) => {
        const seat = current?.members[role];
        if (!current || seat?.node !== deadNode) return { next: current, result: undefined };
        const taken = { ...seat, node: this.#options.node, connection: connectionId, away: true };
        current.members[role] = taken;
        return { next: current, result: taken };
      });
      if (!adopted || this.#disposed || this.#local.get(conversationId)?.has(role)) {
        this.#unindexUnlessHeld(conversationId, role);
        continue;
      }
      const { subject, instance, call } = adopted;
      const record: LocalSeat = { conversationId, role, subject, instance, call, connectionId, connection: null, graceTimer: null };
      this.#seatsOf(conversationId).set(role, record);
      this.#options.log('adopted', { conversationId, role, from: deadNode });
      record.graceTimer = setTimeout(() => void this.#remove(record, 'grace-expired'), this.#options.resumeGraceMs);
    }
  }

  /** The seat was indexed for a take that did not happen: drop the entry unless this node holds the seat anyway. */
  #unindexUnlessHeld(conversationId: string, role: ParticipantRole): void {
    if (!this.#disposed && !this.#local.get(conversationId)?.has(role)) this.#roster.unseated(seatName(conversationId, role));
  }

  /** Resolves once the channel is subscribed (a second join in the same conversation waits for the first one's subscription). */
  #subscribe(conversationId: string): Promise<void> {
    const channel = this.#channel(conversationId);
    let subscribed = this.#subscribed.get(channel);
    if (!subscribed) {
      subscribed = this.#options.bus.subscribe(channel, (message) => this.#onBusMessage(conversationId, message)).catch((error: unknown) => {
        // A failed subscription is tried again by the next join.
        this.#subscribed.delete(channel);
        throw error;
      });
      this.#subscribed.set(channel, subscribed);
    }
    return subscribed;
  }

  #unsubscribeIfIdle(conversationId: string): void {
    if (this.#local.has(conversationId) || this.#joining.has(conversationId)) return;
    const channel = this.#channel(conversationId);
    if (!this.#subscribed.delete(channel)) return;
    void this.#options.bus.unsubscribe(channel).catch((error: unknown) => this.#failed(error));
  }

  #channel(conversationId: string): string {
    return `${this.#options.prefix}c:${conversationId}`;
  }

  #failed(error: unknown): void {
    this.#options.log('internal-error', { message: error instanceof Error ? error.message : String(error) });
  }
}

function seatName(conversationId: string, role: ParticipantRole): string {
  return `${conversationId}|${role}`;
}

function seatsKey(conversationId: string): string {
  return `seats:${conversationId}`;
}

function membersOf(doc: SeatsDocument): MemberInfo[] {
  return Object.entries(doc.members).map(([role, seat]) => ({ role: role as ParticipantRole, instance: seat.instance, ...(seat.call ? { call: seat.call } : {}) }));
}

function presence(payload: PayloadOf<'presence'>): string {
  return JSON.stringify(createMessage('presence', payload));
}

function clearGrace(seat: LocalSeat): void {
  if (seat.graceTimer) clearTimeout(seat.graceTimer);
  seat.graceTimer = null;
}
