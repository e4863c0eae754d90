/**
 * The nodes' message bus: one channel per conversation, to which every node with a member of that
 * conversation subscribes. Redis pub/sub: fire-and-forget, in order per publisher, which is all the
 * relay needs because delivery guarantees are end to end between the members (docs/protocol.md,
 * "Delivery"): a frame lost while a node dies is re-sent by its sender after the member resumes.
 */
import type { Redis } from 'ioredis';

export interface Bus {
  /** Resolves once messages published to `channel` from now on reach `onMessage`. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  /** Fire and forget; messages from one node arrive in the order it published them. */
  publish(channel: string, message: string | Uint8Array): void;
  close(): Promise<void>;
}

export class RedisBus implements Bus {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #handlers = new Map<string, (message: string) => void>();
  readonly #onError: (error: Error) => void;

  /** `publisher` is shared with other commands; a dedicated subscriber connection is made from it. */
  constructor(publisher: Redis, onError: (error: Error) => void) {
    this.#publisher = publisher;
    this.#onError = onError;
    this.#subscriber = publisher.duplicate();
    this.#subscriber.on('error', onError);
    this.#subscriber.on('message', (channel: string, message: string) => this.#handlers.get(channel)?.(message));
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<void> {
    this.#handlers.set(channel, onMessage);
    await this.#subscriber.subscribe(channel);
  }

  async unsubscribe(channel: string): Promise<void> {
    this.#handlers.delete(channel);
    await this.#subscriber.unsubscribe(channel);
  }

  publish(channel: string, message: string | Uint8Array): void {
    this.#publisher.publish(channel, Buffer.isBuffer(message) || typeof message === 'string' ? message : Buffer.from(message)).catch(this.#onError);
  }

  async close(): Promise<void> {
    this.#handlers.clear();
    this.#subscriber.disconnect();
    await Promise.resolve();
  }
}
