/**
 * Which nodes are alive, and which seats each one holds, so that the seats of a node that died
 * (SIGKILL, power loss: no goodbye) are not held forever when their members never come back. Every
 * node renews its own liveness document (it expires after `3 × heartbeatMs`) and keeps an index of
 * the seats it holds; each node in turn looks for nodes whose liveness expired and hands their
 * indexed seats to `adopt`, which restarts the seats' grace period on the adopting node. Adopting is
 * a compare-and-set on the seat itself, so two nodes sweeping at once cannot both take one.
 */
import type { DocumentStore } from '../stores/document-store.js';

export interface NodeRosterOptions {
  documents: DocumentStore;
  node: string;
  heartbeatMs: number;
  /** Takes over the seats (`conversationId|role`) a dead node held. */
  adopt(deadNode: string, seats: readonly string[]): Promise<void>;
  onError(error: unknown): void;
}

const ROSTER_KEY = 'nodes';

export class NodeRoster {
  readonly #options: NodeRosterOptions;
  readonly #timer: ReturnType<typeof setInterval>;
  #stopped = false;
  #beating = false;

  constructor(options: NodeRosterOptions) {
    this.#options = options;
    this.#timer = setInterval(() => void this.#beat(), options.heartbeatMs);
    this.#timer.unref();
    void this.#beat();
  }

  /**
   * This node is about to hold `seat` (`conversationId|role`). Awaited before the seat is taken: a
   * node that dies right after taking a seat has it in its index (an entry for a seat it did not get
   * in the end is skipped when adopting).
   */
  seated(seat: string): Promise<void> {
    return this.#index(this.#options.node, (seats) => (seats.includes(seat) ? seats : [...seats, seat]));
  }

  /** This node no longer holds `seat`. */
  unseated(seat: string): void {
    this.#index(this.#options.node, (seats) => seats.filter((s) => s !== seat)).catch((error: unknown) => this.#options.onError(error));
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  async #beat(): Promise<void> {
    if (this.#stopped || this.#beating) return;
    this.#beating = true;
    const { documents, node, heartbeatMs } = this.#options;
    try {
      await documents.update(`node:${node}`, () => ({ next: { at: Date.now() }, result: undefined, ttlMs: heartbeatMs * 3 }));
      const roster = await documents.update<string[], string[]>(ROSTER_KEY, (current) => {
        const nodes = current ?? [];
        return { next: nodes.includes(node) ? nodes : [...nodes, node], result: nodes };
      });
      for (const other of roster) {
        if (other === node || this.#stopped) continue;
        if ((await documents.read(`node:${other}`)) !== undefined) continue;
        const seats = (await documents.read<string[]>(`node-seats:${other}`)) ?? [];
        await this.#options.adopt(other, seats);
        await documents.update(`node-seats:${other}`, () => ({ next: undefined, result: undefined }));
        await documents.update<string[], void>(ROSTER_KEY, (current) => ({ next: (current ?? []).filter((n) => n !== other), result: undefined }));
      }
    } catch (error) {
      this.#options.onError(error);
    } finally {
      this.#beating = false;
    }
  }

  #index(node: string, change: (seats: string[]) => string[]): Promise<void> {
    return this.#options.documents.update<string[], void>(`node-seats:${node}`, (current) => {
      const next = change(current ?? []);
      return { next: next.length === 0 ? undefined : next, result: undefined };
    });
  }
}
