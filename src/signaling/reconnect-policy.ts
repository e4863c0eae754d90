/**
 * When a dropped signaling connection tries again. The default follows LiveKit's client: the first
 * retries come fast (most drops are blips), then a steady pace with random spread so that thousands
 * of clients of a restarted server do not all come back in the same instant.
 */

export interface ReconnectContext {
  /** Failed attempts since the last successful join (0 for the first retry). */
  readonly retryCount: number;
  /** Milliseconds since the connection was lost. */
  readonly elapsedMs: number;
}

export interface ReconnectPolicy {
  /** Delay before the next attempt, or `null` to give up (the transport closes with `connection-failed`). */
  nextRetryDelayMs(context: ReconnectContext): number | null;
}

export interface DefaultReconnectOptions {
  /** Delays of the first retries. Default 0, 300, 1200, 2700, 4800 ms (LiveKit's). */
  delaysMs: readonly number[];
  /** Delay of every retry after those. Default 7000 ms. */
  steadyDelayMs: number;
  /** Up to this much is added at random to every retry but the first two. Default 1000 ms. */
  jitterMs: number;
  /** Give up after this many failed retries. Default: never (a call must outlive a long outage). */
  maxRetries: number;
  /** Give up once the connection has been lost this long. Default: never. */
  maxElapsedMs: number;
}

const DEFAULTS: DefaultReconnectOptions = {
  delaysMs: [0, 300, 1_200, 2_700, 4_800],
  steadyDelayMs: 7_000,
  jitterMs: 1_000,
  maxRetries: Number.POSITIVE_INFINITY,
  maxElapsedMs: Number.POSITIVE_INFINITY,
};

export class DefaultReconnectPolicy implements ReconnectPolicy {
  readonly options: Readonly<DefaultReconnectOptions>;
  readonly #random: () => number;

  constructor(options: Partial<DefaultReconnectOptions> = {}, random: () => number = Math.random) {
    this.options = Object.freeze({ ...DEFAULTS, ...options });
    this.#random = random;
  }

  nextRetryDelayMs({ retryCount, elapsedMs }: ReconnectContext): number | null {
    const { delaysMs, steadyDelayMs, jitterMs, maxRetries, maxElapsedMs } = this.options;
    if (retryCount >= maxRetries || elapsedMs >= maxElapsedMs) return null;
    const base = delaysMs[retryCount] ?? steadyDelayMs;
    // The first two retries stay exact: a blip should heal at once, and only a storm needs spreading.
    return retryCount < 2 ? base : base + this.#random() * jitterMs;
  }
}
