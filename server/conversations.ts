/**
 * Seats and relay: who holds which seat of which conversation, relaying between the seated
 * members, and keeping a dropped member's seat for a grace period. Knows nothing about sockets: a
 * member's connection is the small `MemberConnection` interface.
 *
 * The server keeps no message state at all: sequencing, acknowledgements and re-sends are end to
 * end between the members' transports (docs/protocol.md, "Delivery"), so a frame for a member who
 * is away is simply not delivered and its sender sends it again when the member is back. That is
 * what lets a restarted server (or another node, see `SeatRegistry`) carry on with empty memory.
 *
 * Seats are keyed by role; relaying and presence go to every other seated member of the call's
 * stream. A `supervisor` is seated too (for its media requests and the server's signals) but is no
 * part of that stream: it relays nothing, receives nothing relayed, and the agent and the customer
 * never see it in `presence` or `joined` (the server tells them with `supervisor` messages instead,
 * see server/supervision.ts).
 */
import { createMessage } from '../src/signaling/protocol.js';
import type { CallAnnouncement, MemberInfo, ParticipantRole, PayloadOf } from '../src/signaling/protocol.js';
import type { ServerLog } from './config.js';

export interface MemberConnection {
  /** Sends one text frame (serialized, or the UTF-8 bytes of one) to the member. */
  sendText(frame: string | Uint8Array): void;
  /** The same identity took the seat from another connection; this one must close and not come back. */
  replaced(): void;
  /** The member's access was revoked (reassigned, ended): tell it why and close. */
  revoked?(code: 'token-revoked' | 'conversation-ended', detail: string): void;
}

/** A seated member. The record stays the same object while the seat is held (across resumes). */
export interface Member {
  readonly conversationId: string;
  readonly role: ParticipantRole;
  readonly subject: string;
  /** The page instance holding the seat now. */
  readonly instance: string;
  /** The call the member announced at its latest join, if any. */
  readonly call: CallAnnouncement | undefined;
}

export interface JoinRequest {
  conversationId: string;
  role: ParticipantRole;
  /** The token's `sub`: who the member is. Another subject cannot take a held seat. */
  subject: string;
  instance: string;
  call?: CallAnnouncement;
}

export type JoinOutcome =
  | { ok: true; member: Member; resumed: boolean; members: MemberInfo[] }
  | { ok: false; code: 'conversation-full' };

/** Why a member lost its seat for good. */
export type RemovalReason = 'leave' | 'grace-expired' | 'replaced' | 'token-revoked' | 'conversation-ended';

export interface RegistryOptions {
  resumeGraceMs: number;
  log: ServerLog;
  /** A member took its seat: a fresh join, a resume, or a new page of the same identity. */
  onJoined?(member: Member, resumed: boolean): void;
  /**
   * A member lost its seat for good: `leave`, `grace-expired` or `replaced` (a newer page of the
   * same identity took it). `conversationEmpty`: it was the last member, the conversation is gone.
   */
  onRemoved?(member: Member, reason: RemovalReason, conversationEmpty: boolean): void;
}

/**
 * What the signaling endpoint needs from the seat store. In memory here; a store shared by many
 * nodes (Redis) implements the same shape and relays across nodes.
 */
export interface SeatRegistry {
  /** Seats `connection` (asynchronous when the seats are shared by several nodes). */
  join(request: JoinRequest, connection: MemberConnection): JoinOutcome | Promise<JoinOutcome>;
  /** Sends `frame` to every other member of `member`'s conversation that is connected now. */
  relay(member: Member, connection: MemberConnection, frame: string | Uint8Array): void;
  /** Sends `text` to one member of a conversation, if it is connected now. */
  sendTo(conversationId: string, role: ParticipantRole, text: string): boolean;
  leave(member: Member, connection: MemberConnection): void;
  disconnect(member: Member, connection: MemberConnection): void;
  presentRoles(conversationId: string): ParticipantRole[];
  /** Takes the seats of `roles` away now (reassigned: the agent; ended: both), closing their connections. */
  revoke(conversationId: string, roles: readonly ParticipantRole[], code: 'token-revoked' | 'conversation-ended', detail: string): void;
  dispose(): void;
}

interface MemberRecord extends Member {
  instance: string;
  call: CallAnnouncement | undefined;
  /** Null while the member is away (dropped, within the grace period). */
  connection: MemberConnection | null;
  graceTimer: ReturnType<typeof setTimeout> | null;
}

interface Conversation {
  readonly id: string;
  readonly members: Map<ParticipantRole, MemberRecord>;
}

export class ConversationRegistry implements SeatRegistry {
  readonly #conversations = new Map<string, Conversation>();
  readonly #options: RegistryOptions;

  constructor(options: RegistryOptions) {
    this.#options = options;
  }

  /**
   * Seats `connection`. The same identity takes over its held seat: with the same instance it is a
   * resume (the old connection, if it still looks open, is closed); with another instance a new page
   * replaced the old one. Another identity in a held seat is refused.
   */
  join(request: JoinRequest, connection: MemberConnection): JoinOutcome {
    const { conversationId, role, subject, instance, call } = request;
    let conversation = this.#conversations.get(conversationId);
    if (!conversation) {
      conversation = { id: conversationId, members: new Map() };
      this.#conversations.set(conversationId, conversation);
    }
    const existing = conversation.members.get(role);
    if (existing && existing.subject !== subject) {
      this.#deleteIfEmpty(conversation);
      return { ok: false, code: 'conversation-full' };
    }
    let record: MemberRecord;
    let resumed = false;
    if (existing && existing.instance === instance) {
      const previous = existing.connection;
      this.#clearGrace(existing);
      existing.connection = connection;
      existing.call = call;
      // The old connection may still look open when the client already gave up on it (half-open TCP).
      if (previous && previous !== connection) previous.replaced();
      record = existing;
      resumed = true;
      this.#options.log('resume', { conversationId, role, replacedLive: previous !== null });
    } else {
      if (existing) {
        // A newer page of the same identity: the old one is gone (or is a second tab, which must stop).
        existing.connection?.replaced();
        this.#remove(existing, 'replaced', false);
      }
      record = { conversationId, role, subject, instance, call, connection, graceTimer: null };
      conversation.members.set(role, record);
      this.#conversations.set(conversationId, conversation);
      this.#options.log('join', { conversationId, role });
    }
    this.#notifyOthers(conversation, role, { role, present: true, instance, ...(call ? { call } : {}) });
    this.#options.onJoined?.(record, resumed);
    return { ok: true, member: record, resumed, members: this.#membersOf(conversation, role) };
  }

  relay(member: Member, connection: MemberConnection, frame: string | Uint8Array): void {
    const record = this.#current(member, connection);
    if (!record || !inStream(record.role)) return;
    for (const other of this.#conversations.get(member.conversationId)!.members.values()) {
      if (other !== record && inStream(other.role)) other.connection?.sendText(frame);
    }
  }

  sendTo(conversationId: string, role: ParticipantRole, text: string): boolean {
    const connection = this.#conversations.get(conversationId)?.members.get(role)?.connection;
    connection?.sendText(text);
    return connection !== undefined && connection !== null;
  }

  /** An explicit leave: the seat is freed at once and the others are told. */
  leave(member: Member, connection: MemberConnection): void {
    const record = this.#current(member, connection);
    if (record) this.#remove(record, 'leave', true);
  }

  /** The member's connection dropped: keep the seat for the grace period. */
  disconnect(member: Member, connection: MemberConnection): void {
    const record = this.#current(member, connection);
    if (!record) return;
    record.connection = null;
    this.#options.log('away', { conversationId: member.conversationId, role: member.role });
    if (this.#options.resumeGraceMs === 0) {
      this.#remove(record, 'grace-expired', true);
      return;
    }
    record.graceTimer = setTimeout(() => this.#remove(record, 'grace-expired', true), this.#options.resumeGraceMs);
  }

  /**
   * Takes the seats of `roles` away now (connected or within their grace period), telling each
   * connection why: its access was revoked, it must not wait for its token to expire.
   */
  revoke(conversationId: string, roles: readonly ParticipantRole[], code: 'token-revoked' | 'conversation-ended', detail: string): void {
    const conversation = this.#conversations.get(conversationId);
    if (!conversation) return;
    for (const role of roles) {
      const member = conversation.members.get(role);
      if (!member) continue;
      const connection = member.connection;
      this.#remove(member, code, true);
      connection?.revoked?.(code, detail);
    }
  }

  /** Roles seated in a conversation (connected or within their grace period). */
  presentRoles(conversationId: string): ParticipantRole[] {
    return [...(this.#conversations.get(conversationId)?.members.keys() ?? [])];
  }

  get conversationCount(): number {
    return this.#conversations.size;
  }

  /** Stops every timer; the registry is empty afterwards. */
  dispose(): void {
    for (const conversation of this.#conversations.values()) {
      for (const member of conversation.members.values()) this.#clearGrace(member);
    }
    this.#conversations.clear();
  }

  /** The member's record, but only while `connection` still holds its seat (not replaced, not removed). */
  #current(member: Member, connection: MemberConnection): MemberRecord | undefined {
    const record = this.#conversations.get(member.conversationId)?.members.get(member.role);
    return record && record === member && record.connection === connection ? record : undefined;
  }

  #remove(member: MemberRecord, reason: RemovalReason, tellOthers: boolean): void {
    const conversation = this.#conversations.get(member.conversationId);
    if (!conversation || conversation.members.get(member.role) !== member) return;
    this.#clearGrace(member);
    member.connection = null;
    conversation.members.delete(member.role);
    this.#options.log('removed', { conversationId: member.conversationId, role: member.role, reason });
    // A replaced member's successor announces itself (a new instance) right after; no absence in between.
    if (tellOthers) this.#notifyOthers(conversation, member.role, { role: member.role, present: false, reason: reason === 'grace-expired' ? 'timeout' : 'left' });
    this.#deleteIfEmpty(conversation);
    // A supervisor still seated does not keep a conversation its agent and customer both left going.
    const empty = ![...conversation.members.keys()].some(inStream);
    this.#options.onRemoved?.(member, reason, empty && inStream(member.role) && reason !== 'replaced');
  }

  #notifyOthers(conversation: Conversation, role: ParticipantRole, payload: PayloadOf<'presence'>): void {
    if (!inStream(role)) return;
    const text = JSON.stringify(createMessage('presence', payload));
    for (const [otherRole, other] of conversation.members) {
      if (otherRole !== role) other.connection?.sendText(text);
    }
  }

  /** The seated members `viewer` may know of: a supervisor sees everyone, the call's sides not the supervisor. */
  #membersOf(conversation: Conversation, viewer: ParticipantRole): MemberInfo[] {
    return [...conversation.members.values()]
      .filter((m) => m.role === viewer || !inStream(viewer) || inStream(m.role))
      .map((m) => ({ role: m.role, instance: m.instance, ...(m.call ? { call: m.call } : {}) }));
  }

  #clearGrace(member: MemberRecord): void {
    if (member.graceTimer) clearTimeout(member.graceTimer);
    member.graceTimer = null;
  }

  #deleteIfEmpty(conversation: Conversation): void {
    if (conversation.members.size === 0) this.#conversations.delete(conversation.id);
  }
}

/** Whether a role takes part in the members' relayed stream (the call's two sides; not a supervisor). */
function inStream(role: ParticipantRole): boolean {
  return role !== 'supervisor';
}
