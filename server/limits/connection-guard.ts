/**
 * What one signaling connection may cost the server, enforced in one place so the endpoint only
 * calls it at a few points:
 * - a socket that has not joined within `joinTimeoutMs`, or failed `maxFailedJoins` joins, is closed;
 * - inbound frames wait in a bounded queue: past `maxPendingFrames` / `maxPendingBytes` the socket
 *   stops being read (TCP pushes back on the client) until the queue drains;
 * - messages over the rate limits are refused, and a client that ignores the refusals is dropped;
 * - a peer that does not read what it is sent is dropped once `maxBufferedBytes` wait for it.
 */
import { CLOSE_CODES } from '../../src/signaling/protocol.js';
import { ConnectionRateLimits, type RateLimitOptions, type RateVerdict } from './rate-limits.js';

export interface ConnectionLimitOptions extends RateLimitOptions {
  joinTimeoutMs: number;
  maxFailedJoins: number;
  maxPendingFrames: number;
  maxPendingBytes: number;
  maxBufferedBytes: number;
}

/** The parts of a `ws` WebSocket the guard drives. */
export interface GuardedSocket {
  readonly bufferedAmount: number;
  pause(): void;
  resume(): void;
  close(code: number, reason: string): void;
  terminate(): void;
}

export interface GuardEvents {
  /** Tell the client why it is about to be closed (an `error` message), before the close. */
  refuse(code: 'join-timeout' | 'too-many-failed-joins' | 'rate-limited', detail: string): void;
  log(event: string, fields: Record<string, unknown>): void;
}

export class ConnectionGuard {
  readonly #socket: GuardedSocket;
  readonly #options: ConnectionLimitOptions;
  readonly #events: GuardEvents;
  readonly #rates: ConnectionRateLimits;
  #joinTimer: ReturnType<typeof setTimeout> | undefined;
  #failedJoins = 0;
  #pendingFrames = 0;
  #pendingBytes = 0;
  #paused = false;
  #closed = false;

  constructor(socket: GuardedSocket, options: ConnectionLimitOptions, events: GuardEvents) {
    this.#socket = socket;
    this.#options = options;
    this.#events = events;
    this.#rates = new ConnectionRateLimits(options);
    this.#armJoinDeadline();
  }

  /** A frame arrived and waits for its turn. */
  frameQueued(bytes: number): void {
    this.#pendingFrames += 1;
    this.#pendingBytes += bytes;
    if (!this.#paused && !this.#closed && (this.#pendingFrames >= this.#options.maxPendingFrames || this.#pendingBytes >= this.#options.maxPendingBytes)) {
      this.#paused = true;
      this.#socket.pause();
    }
  }

  /** A queued frame has been handled. */
  frameDone(bytes: number): void {
    this.#pendingFrames -= 1;
    this.#pendingBytes -= bytes;
    if (this.#paused && this.#pendingFrames <= this.#options.maxPendingFrames / 2 && this.#pendingBytes <= this.#options.maxPendingBytes / 2) {
      this.#paused = false;
      this.#socket.resume();
    }
  }

  /** Rate limits for one valid message: `refuse` it with `rate-limited`, or the connection is being closed. */
  admit(type: string, bytes: number): RateVerdict {
    const verdict = this.#rates.check(type, bytes);
    if (verdict === 'disconnect') {
      this.#events.refuse('rate-limited', 'too many messages over the rate limit: disconnected');
      this.#close(CLOSE_CODES.rateLimited, 'rate limit', 'rate-limited');
    }
    return verdict;
  }

  joined(): void {
    clearTimeout(this.#joinTimer);
    this.#joinTimer = undefined;
    this.#failedJoins = 0;
  }

  /** The member left but kept the socket: it must join again in time, like a new one. */
  left(): void {
    if (!this.#closed) this.#armJoinDeadline();
  }

  /** A join was refused. Returns true when that was one too many and the connection is closing. */
  joinFailed(): boolean {
    this.#failedJoins += 1;
    if (this.#failedJoins < this.#options.maxFailedJoins) return false;
    this.#events.refuse('too-many-failed-joins', `${this.#failedJoins} failed joins on one connection`);
    this.#close(CLOSE_CODES.tooManyFailedJoins, 'too many failed joins', 'too-many-failed-joins');
    return true;
  }

  /**
   * Checked before each send: false when the peer has stopped reading (its backlog is over the cap),
   * and the connection is then terminated, its seat kept for the grace period like any dropped one.
   */
  canSend(): boolean {
    if (this.#closed) return false;
    if (this.#socket.bufferedAmount <= this.#options.maxBufferedBytes) return true;
    this.#events.log('slow-consumer', { bufferedAmount: this.#socket.bufferedAmount });
    this.#closed = true;
    this.dispose();
    // Not a close frame: it would queue behind the backlog the peer does not read.
    this.#socket.terminate();
    return false;
  }

  /** The guard is closing the connection: what is still queued needs no handling. */
  get closing(): boolean {
    return this.#closed;
  }

  dispose(): void {
    clearTimeout(this.#joinTimer);
    this.#joinTimer = undefined;
  }

  #armJoinDeadline(): void {
    const { joinTimeoutMs } = this.#options;
    if (joinTimeoutMs <= 0) return;
    clearTimeout(this.#joinTimer);
    this.#joinTimer = setTimeout(() => {
      this.#events.refuse('join-timeout', `no successful join within ${joinTimeoutMs} ms`);
      this.#close(CLOSE_CODES.joinTimeout, 'join timeout', 'join-timeout');
    }, joinTimeoutMs);
    this.#joinTimer.unref?.();
  }

  #close(code: number, reason: string, event: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.dispose();
    this.#events.log(event, {});
    this.#socket.close(code, reason);
    // Reading must go on for the peer's closing handshake to arrive; queued frames are skipped.
    if (this.#paused) {
      this.#paused = false;
      this.#socket.resume();
    }
  }
}
