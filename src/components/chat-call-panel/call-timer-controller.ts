/** Re-renders its host once a second while a call is active, for the call timer. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class CallTimerController implements ReactiveController {
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Runs while `since` is set; formats elapsed time as m:ss (h:mm:ss past an hour). */
  format(since: number | undefined): string {
    if (since === undefined) {
      this.#stop();
      return '';
    }
    this.#timer ??= setInterval(() => this.host.requestUpdate(), 1_000);
    const total = Math.max(0, Math.floor((Date.now() - since) / 1_000));
    const h = Math.floor(total / 3_600);
    const m = Math.floor((total % 3_600) / 60);
    const s = String(total % 60).padStart(2, '0');
    return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
  }

  hostDisconnected(): void {
    this.#stop();
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
