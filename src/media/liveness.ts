/**
 * "Connected but nothing arrives" watchdog. ICE can report `connected` while one side has moved to a
 * new ICE session the other never took up (seen after a restart between Chromium and Firefox), and
 * RTP counters cannot tell that apart from a muted, camera-off peer who legitimately sends nothing.
 * So both sides keep a tiny heartbeat on a pre-negotiated data channel (same bundled transport as the
 * media) and call `onStall` when the other side's heartbeats stop while the path claims to be up.
 */

/** How often each side says "still here" on the channel. */
export const HEARTBEAT_MS = 1_000;
/** Silence on an open channel this long means packets stopped arriving. Generous: timers throttle. */
export const STALL_MS = 5_000;

export class LivenessWatchdog {
  readonly #channel: RTCDataChannel;
  readonly #isConnected: () => boolean;
  readonly #onStall: () => void;
  readonly #onResume: () => void;
  readonly #onHeartbeat: () => void;
  #lastArrival = 0;
  #stalled = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    pc: RTCPeerConnection,
    hooks: { isConnected: () => boolean; onStall: () => void; onResume: () => void; onHeartbeat: () => void },
  ) {
    // Negotiated with a fixed id on both sides: no in-band open handshake, same channel either way.
    this.#channel = pc.createDataChannel('cck-liveness', { negotiated: true, id: 0, ordered: false, maxRetransmits: 0 });
    this.#isConnected = hooks.isConnected;
    this.#onStall = hooks.onStall;
    this.#onResume = hooks.onResume;
    this.#onHeartbeat = hooks.onHeartbeat;
    this.#channel.onopen = () => {
      this.#lastArrival = Date.now();
      this.#timer ??= setInterval(() => this.#tick(), HEARTBEAT_MS);
    };
    this.#channel.onmessage = () => {
      this.#lastArrival = Date.now();
      this.#onHeartbeat();
      if (this.#stalled) {
        this.#stalled = false;
        this.#onResume();
      }
    };
  }

  /** True while the other side's heartbeats have stopped arriving. */
  get stalled(): boolean {
    return this.#stalled;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#channel.onopen = null;
    this.#channel.onmessage = null;
    this.#channel.close();
  }

  #tick(): void {
    if (this.#channel.readyState !== 'open') return;
    try {
      this.#channel.send('.');
    } catch {
      // A full or closing channel: the next tick tries again, the watchdog below still judges.
    }
    if (!this.#isConnected()) {
      // ICE itself reports the trouble; give the path a fresh window once it is back.
      this.#lastArrival = Date.now();
      return;
    }
    if (Date.now() - this.#lastArrival < STALL_MS) return;
    // Re-arm: recovery gets a full window before it is judged again.
    this.#lastArrival = Date.now();
    this.#stalled = true;
    this.#onStall();
  }
}
