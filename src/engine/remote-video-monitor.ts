/**
 * Whether the other side's video frames are arriving, from the media session's statistics (decoded
 * frames growing). Renderers hide the remote tile while they are not, so a stopped camera whose
 * "camera off" message is late (or lost in an outage) never leaves a frozen picture on screen.
 */

/** How often decoded frames are counted. Two quiet samples in a row mean stalled. */
const SAMPLE_MS = 500;

export class RemoteVideoMonitor {
  readonly #getStats: () => Promise<RTCStatsReport | null>;
  readonly #onChange: (flowing: boolean) => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  #frames = -1;
  #quiet = 0;
  #flowing = false;
  #generation = 0;

  constructor(getStats: () => Promise<RTCStatsReport | null>, onChange: (flowing: boolean) => void) {
    this.#getStats = getStats;
    this.#onChange = onChange;
  }

  get flowing(): boolean {
    return this.#flowing;
  }

  start(): void {
    this.stop();
    const generation = this.#generation;
    this.#timer = setInterval(() => void this.#sample(generation), SAMPLE_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#generation += 1;
    this.#frames = -1;
    this.#quiet = 0;
    this.#set(false);
  }

  async #sample(generation: number): Promise<void> {
    const stats = await this.#getStats().catch(() => null);
    if (generation !== this.#generation || !stats) return;
    let frames = 0;
    stats.forEach((report) => {
      if (report.type === 'inbound-rtp' && report.kind === 'video') frames += report.framesDecoded ?? 0;
    });
    const grew = this.#frames >= 0 && frames > this.#frames;
    this.#frames = frames;
    if (grew) {
      this.#quiet = 0;
      this.#set(true);
    } else if (++this.#quiet >= 2) {
      this.#set(false);
    }
  }

  #set(flowing: boolean): void {
    if (flowing === this.#flowing) return;
    this.#flowing = flowing;
    this.#onChange(flowing);
  }
}
