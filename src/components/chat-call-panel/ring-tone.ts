/**
 * The customer's ring: a soft two-tone pattern made with Web Audio, so no audio file ships. It only
 * sounds after the page has had a user gesture; before that browsers block it anyway, and trying
 * would only log autoplay warnings.
 */
export class RingTone {
  #context: AudioContext | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  get playing(): boolean {
    return this.#timer !== undefined;
  }

  start(): void {
    if (this.playing || !navigator.userActivation?.hasBeenActive || typeof AudioContext === 'undefined') return;
    this.#context = new AudioContext();
    const ring = () => this.#burst();
    ring();
    this.#timer = setInterval(ring, 3_000);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    void this.#context?.close();
    this.#context = undefined;
  }

  #burst(): void {
    const context = this.#context;
    if (!context) return;
    const gain = context.createGain();
    gain.gain.value = 0.08;
    gain.connect(context.destination);
    for (const [frequency, offset] of [[440, 0], [480, 0], [440, 0.5], [480, 0.5]] as const) {
      const oscillator = context.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(gain);
      oscillator.start(context.currentTime + offset);
      oscillator.stop(context.currentTime + offset + 0.4);
    }
  }
}
