/**
 * In-memory conversations: who is in which conversation, relaying between the two members, and
 * keeping a dropped member's seat (and the messages meant for it) for a grace period so a reconnect
 * resumes where it left off. Knows nothing about sockets: a member's connection is the small
 * `MemberConnection` interface, which keeps this module easy to reason about and to test.
 */
import { createMessage } from '../src/signaling/protocol.js';
import type { ParticipantRole, SignalingMessage } from '../src/signaling/protocol.js';
import type { ServerLog } from './config.js';

export interface MemberConnection {
  send(message: SignalingMessage): void;
  /** The same member joined from another connection; this one must close and not come back. */
  replaced(): void;
}

export interface Member {
  readonly conversationId: string;
  readonly role: ParticipantRole;
  readonly subject: string;
}

interface MemberRecord extends Member {
  /** Null while the member is away (dropped, within the grace period). */
  connection: MemberConnection | null;
  buffer: SignalingMessage[];
  graceTimer: ReturnType<typeof setTimeout> | null;
}

interface Conversation {
  readonly id: string;
  readonly members: Map<ParticipantRole, MemberRecord>;
}

export type JoinOutcome = { ok: true; member: Member; resumed: boolean } | { ok: false; code: 'conversation-full' };

export interface RegistryOptions {
  resumeGraceMs: number;
  resumeBufferLimit: number;
  log: ServerLog;
  /** A member took a seat (a fresh join, not a resume). */
  onJoined?(member: Member): void;
  /**
   * A member lost its seat for good: `leave`, `grace-expired` or `buffer-overflow`. `conversationEmpty`:
   * it was the last member, the conversation is gone.
   */
  onRemoved?(member: Member, reason: string, conversationEmpty: boolean): void;
}

const otherRole = (role: ParticipantRole): ParticipantRole => (role === 'agent' ? 'customer' : 'agent');

export class ConversationRegistry {
  readonly #conversations = new Map<string, Conversation>();
  readonly #options: RegistryOptions;

  constructor(options: RegistryOptions) {
    this.#options = options;
  }

  /**
   * Seats `connection` as the conversation's `role`. The same role+subject again takes over the seat
   * (a resume: buffered messages follow `joined`, in order); another subject in a taken seat is refused.
   */
  join(conversationId: string, role: ParticipantRole, subject: string, connection: MemberConnection): JoinOutcome {
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
    if (existing) {
      const previous = existing.connection;
      existing.connection = connection;
      this.#clearGrace(existing);
      // The old connection may still look open when the client already gave up on it (half-open TCP).
      previous?.replaced();
      const buffered = existing.buffer.splice(0);
      connection.send(this.#joined(conversation, role, true));
      for (const message of buffered) connection.send(message);
      this.#options.log('resume', { conversationId, role, replayed: buffered.length, replacedLive: previous !== null });
      return { ok: true, member: existing, resumed: true };
    }
    const member: MemberRecord = { conversationId, role, subject, connection, buffer: [], graceTimer: null };
    conversation.members.set(role, member);
    connection.send(this.#joined(conversation, role, false));
    this.#notifyOther(conversation, role, true);
    this.#options.log('join', { conversationId, role });
    this.#options.onJoined?.(member);
    return { ok: true, member, resumed: false };
  }

  /**
   * Forwards a message to the other member: delivered now, buffered while it is away, or refused
   * (`false`) when there is nobody to receive it.
   */
  relay(member: Member, connection: MemberConnection, message: SignalingMessage): boolean {
    const record = this.#current(member, connection);
    if (!record) return false;
    const other = this.#conversations.get(member.conversationId)?.members.get(otherRole(member.role));
    if (!other) return false;
    return this.#deliver(other, message);
  }

  /** An explicit leave: the seat is freed at once and the other member is told. */
  leave(member: Member, connection: MemberConnection): void {
    const record = this.#current(member, connection);
    if (!record) return;
    this.#remove(record, 'leave');
  }

  /** The member's connection dropped: keep the seat for the grace period. */
  disconnect(member: Member, connection: MemberConnection): void {
    const record = this.#current(member, connection);
    if (!record) return;
    record.connection = null;
    this.#options.log('away', { conversationId: member.conversationId, role: member.role });
    if (this.#options.resumeGraceMs === 0) {
      this.#remove(record, 'grace-expired');
      return;
    }
    record.graceTimer = setTimeout(() => this.#remove(record, 'grace-expired'), this.#options.resumeGraceMs);
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

  #deliver(member: MemberRecord, message: SignalingMessage): boolean {
    if (member.connection) {
      member.connection.send(message);
      return true;
    }
    if (member.buffer.length >= this.#options.resumeBufferLimit) {
      // Dropping messages would silently corrupt call state; losing the seat is honest (the member
      // rejoins fresh, `resumed: false`, and the other side is told it left).
      this.#remove(member, 'buffer-overflow');
      return false;
    }
    member.buffer.push(message);
    return true;
  }

  #remove(member: MemberRecord, reason: string): void {
    const conversation = this.#conversations.get(member.conversationId);
    if (!conversation || conversation.members.get(member.role) !== member) return;
    this.#clearGrace(member);
    member.buffer.length = 0;
    member.connection = null;
    conversation.members.delete(member.role);
    this.#options.log('removed', { conversationId: member.conversationId, role: member.role, reason });
    this.#notifyOther(conversation, member.role, false);
    this.#deleteIfEmpty(conversation);
    this.#options.onRemoved?.(member, reason, conversation.members.size === 0);
  }

  #notifyOther(conversation: Conversation, role: ParticipantRole, present: boolean): void {
    const other = conversation.members.get(otherRole(role));
    if (!other) return;
    const presence = createMessage('presence', {
      conversationId: conversation.id,
      from: 'server',
      payload: { role, present },
    });
    this.#deliver(other, presence);
  }

  #joined(conversation: Conversation, role: ParticipantRole, resumed: boolean): SignalingMessage {
    return createMessage('joined', {
      conversationId: conversation.id,
      from: 'server',
      payload: { role, present: [...conversation.members.keys()], resumed },
    });
  }

  #clearGrace(member: MemberRecord): void {
    if (member.graceTimer) clearTimeout(member.graceTimer);
    member.graceTimer = null;
  }

  #deleteIfEmpty(conversation: Conversation): void {
    if (conversation.members.size === 0) this.#conversations.delete(conversation.id);
  }
}
