/**
 * One member's end of the sequenced, acknowledged stream between it and the other member: the
 * bookkeeping only, no I/O. Guarantees hold end to end between the two members' transports, so a
 * server that restarts with empty memory (or a move to another node) loses nothing:
 *
 * - every relayed message gets the next sequence number (`seq`) and stays in the outbox until the
 *   other member acknowledges it; after any (re)join the whole outbox is sent again, in order;
 * - a receiver takes only the next number it expects: duplicates are dropped (and acknowledged again
 *   so the sender stops), and a message after a gap is dropped too: the sender re-sends everything
 *   unacknowledged from the gap on, in order;
 * - numbering belongs to one pair of page instances. When the other member's instance changes (its
 *   page reloaded), the outbox is renumbered from 1 for the new instance, and what the old instance
 *   sent is forgotten; the receiver resets the same way when it learns of a new sender instance.
 */
import type { MessageType } from './protocol.js';
import { relayedFrame } from './protocol.js';

export interface OutboxEntry {
  seq: number;
  type: MessageType;
  /** The payload, serialized once. */
  payloadJson: string;
}

export type Arrival = 'deliver' | 'duplicate' | 'gap';

/** More unacknowledged messages than this and the oldest are dropped (reported by the transport). */
export const DEFAULT_OUTBOX_LIMIT = 5_000;

export class ReliableChannel {
  readonly #limit: number;
  #outbox: OutboxEntry[] = [];
  #nextSeq = 1;
  /** The other member's page instance both directions are numbered for; null while unknown. */
  #peer: string | null = null;
  #received = 0;
  #ackSent = 0;
  #ackForced = false;

  constructor(limit = DEFAULT_OUTBOX_LIMIT) {
    this.#limit = limit;
  }

  get peerInstance(): string | null {
    return this.#peer;
  }

  /** The highest sequence number received in order from the other member. */
  get received(): number {
    return this.#received;
  }

  /** Messages sent and not acknowledged yet, oldest first. */
  get pending(): readonly OutboxEntry[] {
    return this.#outbox;
  }

  /** Numbers and keeps a message. Returns its entry and how many old entries the limit dropped. */
  enqueue(type: MessageType, payloadJson: string): { entry: OutboxEntry; dropped: number } {
    const entry = { seq: this.#nextSeq++, type, payloadJson };
    this.#outbox.push(entry);
    const dropped = Math.max(0, this.#outbox.length - this.#limit);
    if (dropped > 0) this.#outbox.splice(0, dropped);
    return { entry, dropped };
  }

  /** The entry's frame, carrying the current acknowledgement (which then counts as sent). */
  frame(entry: OutboxEntry): string {
    return relayedFrame(entry.type, entry.seq, this.#takeAck(), entry.payloadJson);
  }

  /** Whether an acknowledgement is owed to the other member (a standalone `ack` frame if nothing else goes out). */
  get ackDue(): boolean {
    return this.#ackForced || this.#received > this.#ackSent;
  }

  /** The value of the `ack` to send now (which then counts as sent). */
  takeAck(): number {
    return this.#takeAck() ?? this.#received;
  }

  /** The other member acknowledged everything up to `ack`. */
  acknowledge(ack: number): void {
    let drop = 0;
    while (drop < this.#outbox.length && this.#outbox[drop]!.seq <= ack) drop += 1;
    if (drop > 0) this.#outbox.splice(0, drop);
  }

  /** What to do with a relayed message numbered `seq` from the other member. */
  arrive(seq: number): Arrival {
    if (seq === this.#received + 1) {
      this.#received = seq;
      return 'deliver';
    }
    // Either way the sender is (re)sending: tell it where we are so it stops or fills the gap.
    this.#ackForced = true;
    return seq <= this.#received ? 'duplicate' : 'gap';
  }

  /** The server refused message `seq` and relayed a `skip` in its place: re-send that, not the message. */
  skip(seq: number): void {
    const entry = this.#outbox.find((e) => e.seq === seq);
    if (entry) {
      entry.type = 'skip';
      entry.payloadJson = '{}';
    }
  }

  /**
   * The other member's page instance, from the server. A different instance than before restarts the
   * numbering both ways; the same one (a resume, a restarted server) changes nothing.
   */
  setPeer(instance: string): void {
    if (instance === this.#peer) return;
    this.#peer = instance;
    this.#received = 0;
    this.#ackSent = 0;
    this.#ackForced = false;
    this.#outbox.forEach((entry, index) => (entry.seq = index + 1));
    this.#nextSeq = this.#outbox.length + 1;
  }

  /** The other member left on purpose: what was meant for that instance is dropped. */
  peerLeft(): void {
    this.#outbox = [];
    this.#peer = null;
    this.#received = 0;
    this.#ackSent = 0;
    this.#ackForced = false;
  }

  /** Piggy-backed only when it says something new: a lost one is made good by the next duplicate. */
  #takeAck(): number | undefined {
    if (!this.ackDue) return undefined;
    this.#ackForced = false;
    this.#ackSent = this.#received;
    return this.#received;
  }
}
