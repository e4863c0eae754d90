/**
 * Re-renders its host once a second while a render shows a clock: the call timer (time since the
 * call became active) or the ring countdown (time left before an unanswered call is missed).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class CallTimerController implements ReactiveController {
  #timer: ReturnType<typeof setInterval> | undefined;
  /** A clock was shown by the current render. */
  #shown = false;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Time since `since`, as m:ss (h:mm:ss past an hour); empty without `since`. */
  elapsed(since: number | undefined): string {
    if (since === undefined) return '';
    this.#shown = true;
    return formatDuration(Date.now() - since);
  }

  /** Time left until `until`, as m:ss (never below 0:00); empty without `until`. */
  remaining(until: number | undefined): string {
    if (until === undefined) return '';
    this.#shown = true;
    // Rounded up: the last second reads 0:01, not 0:00.
    return formatDuration(Math.ceil(Math.max(0, until - Date.now()) / 1_000) * 1_000);
  }

  hostUpdated(): void {
    if (this.#shown) this.#timer ??= setInterval(() => this.host.requestUpdate(), 1_000);
    else this.#stop();
    this.#shown = false;
  }

  hostDisconnected(): void {
    this.#stop();
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** `ms` as m:ss, or h:mm:ss past an hour. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1_000));
  const h = Math.floor(total / 3_600);
  const m = Math.floor((total % 3_600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
