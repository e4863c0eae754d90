/**
 * Judges the media path from the peer connection's statistics: round-trip time and the share of
 * packets lost since the previous sample. `poor` is what a person hears as choppy audio.
 */
export type NetworkQuality = 'good' | 'poor';

/** Thresholds of a call that starts to break up: ~300 ms round trip or 5% loss. */
const POOR_RTT_SECONDS = 0.3;
const POOR_LOSS_RATIO = 0.05;

export class NetworkQualityMonitor {
  #timer: ReturnType<typeof setInterval> | undefined;
  #received = 0;
  #lost = 0;
  #quality: NetworkQuality = 'good';

  constructor(
    private readonly getStats: () => Promise<RTCStatsReport | null>,
    private readonly onChange: (quality: NetworkQuality) => void,
    private readonly intervalMs = 2_000,
  ) {}

  get quality(): NetworkQuality {
    return this.#quality;
  }

  start(): void {
    this.stop();
    this.#timer = setInterval(() => void this.sample(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#received = 0;
    this.#lost = 0;
    this.#quality = 'good';
  }

  /** One measurement; public so tests can drive it without waiting. */
  async sample(): Promise<NetworkQuality> {
    const stats = await this.getStats();
    if (!stats) return this.#quality;
    let rtt: number | undefined;
    let received = 0;
    let lost = 0;
    stats.forEach((report) => {
      if (report.type === 'candidate-pair' && report.nominated && typeof report.currentRoundTripTime === 'number') {
        rtt = report.currentRoundTripTime;
      }
      if (report.type === 'inbound-rtp') {
        received += report.packetsReceived ?? 0;
        lost += Math.max(0, report.packetsLost ?? 0);
      }
    });
    const newReceived = received - this.#received;
    const newLost = lost - this.#lost;
    this.#received = received;
    this.#lost = lost;
    const lossRatio = newReceived + newLost > 0 ? newLost / (newReceived + newLost) : 0;
    const quality: NetworkQuality = (rtt ?? 0) > POOR_RTT_SECONDS || lossRatio > POOR_LOSS_RATIO ? 'poor' : 'good';
    if (quality !== this.#quality) {
      this.#quality = quality;
      this.onChange(quality);
    }
    return quality;
  }
}
