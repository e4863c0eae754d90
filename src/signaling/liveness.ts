/**
 * Client-side dead-connection detection. A socket can stay "open" while nothing gets through (a
 * half-open TCP connection after a network change or a black-holed route), and the browser never
 * says so. So: when nothing has arrived for `intervalMs`, send a `ping`; when still nothing has
 * arrived `timeoutMs` later, the connection is dead. Any frame counts as a sign of life.
 */

export interface LivenessOptions {
  /** Quiet time before a ping. Default 4000 ms. */
  intervalMs: number;
  /** Time a ping has to be answered (by anything). Default 4000 ms: a dead socket is found within ~8 s. */
  timeoutMs: number;
}

export const DEFAULT_LIVENESS: LivenessOptions = { intervalMs: 4_000, timeoutMs: 4_000 };

export class Liveness {
  readonly #options: LivenessOptions;
  readonly #ping: () => void;
  readonly #dead: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastHeard = 0;
  #pingedAt: number | undefined;

  constructor(options: LivenessOptions, ping: () => void, dead: () => void) {
    this.#options = options;
    this.#ping = ping;
    this.#dead = dead;
  }

  start(): void {
    this.#lastHeard = Date.now();
    this.#pingedAt = undefined;
    this.#schedule(this.#options.intervalMs);
  }

  /** A frame arrived. Cheap: called for every frame, it only records the time. */
  heard(): void {
    this.#lastHeard = Date.now();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#check(), Math.max(0, delayMs));
  }

  #check(): void {
    const now = Date.now();
    const { intervalMs, timeoutMs } = this.#options;
    if (this.#pingedAt !== undefined) {
      if (this.#lastHeard >= this.#pingedAt) {
        this.#pingedAt = undefined;
      } else if (now - this.#pingedAt >= timeoutMs) {
        this.stop();
        this.#dead();
        return;
      } else {
        this.#schedule(this.#pingedAt + timeoutMs - now);
        return;
      }
    }
    const quiet = now - this.#lastHeard;
    if (quiet < intervalMs) {
      this.#schedule(intervalMs - quiet);
      return;
    }
    this.#pingedAt = now;
    this.#ping();
    this.#schedule(timeoutMs);
  }
}
