/**
 * Per-connection rate limits on what a client sends: messages and bytes per second overall, and
 * tighter ones for the co-browse stream (DOM events, laser, control), each a token bucket. A client
 * that keeps sending into refusals, instead of slowing down, runs out of strikes and is disconnected.
 */
import { MAX_MESSAGE_BYTES } from '../../src/signaling/protocol.js';
import { TokenBucket } from './token-bucket.js';

/** Every this many bytes of a refused frame count as one more strike. */
const STRIKE_BYTES = MAX_MESSAGE_BYTES;

export interface RateLimitOptions {
  messagesPerSecond: number;
  messageBurst: number;
  bytesPerSecond: number;
  byteBurst: number;
  cobrowseMessagesPerSecond: number;
  cobrowseMessageBurst: number;
  cobrowseBytesPerSecond: number;
  cobrowseByteBurst: number;
}

/** The co-browse stream: the message types a page or an agent can emit at input-event rates. */
export const COBROWSE_STREAM_TYPES: ReadonlySet<string> = new Set(['ve-events', 've-laser', 've-control']);

export type RateVerdict = 'ok' | 'refuse' | 'disconnect';

export class ConnectionRateLimits {
  readonly #messages: TokenBucket;
  readonly #bytes: TokenBucket;
  readonly #cobrowseMessages: TokenBucket;
  readonly #cobrowseBytes: TokenBucket;
  /** One strike per refusal; refilled at the message rate, so only a sustained flood empties it. */
  readonly #strikes: TokenBucket;

  constructor(options: RateLimitOptions, now?: () => number) {
    this.#messages = new TokenBucket(options.messagesPerSecond, options.messageBurst, now);
    this.#bytes = new TokenBucket(options.bytesPerSecond, options.byteBurst, now);
    this.#cobrowseMessages = new TokenBucket(options.cobrowseMessagesPerSecond, options.cobrowseMessageBurst, now);
    this.#cobrowseBytes = new TokenBucket(options.cobrowseBytesPerSecond, options.cobrowseByteBurst, now);
    this.#strikes = new TokenBucket(options.messagesPerSecond, options.messageBurst * 2, now);
  }

  /** Charges one message of `type` and `bytes`, or refuses it (charging nothing). */
  check(type: string, bytes: number): RateVerdict {
    const cobrowse = COBROWSE_STREAM_TYPES.has(type);
    const fits =
      this.#messages.waitMs(1) === 0 &&
      this.#bytes.waitMs(bytes) === 0 &&
      (!cobrowse || (this.#cobrowseMessages.waitMs(1) === 0 && this.#cobrowseBytes.waitMs(bytes) === 0));
    if (fits) {
      this.#messages.take(1);
      this.#bytes.take(bytes);
      if (cobrowse) {
        this.#cobrowseMessages.take(1);
        this.#cobrowseBytes.take(bytes);
      }
      return 'ok';
    }
    // A large refused frame costs more strikes: a flood of 1 MiB frames is cut off as soon as one of small ones.
    return this.#strikes.take(Math.min(this.#strikes.burst, Math.max(1, Math.ceil(bytes / STRIKE_BYTES)))) ? 'refuse' : 'disconnect';
  }
}
