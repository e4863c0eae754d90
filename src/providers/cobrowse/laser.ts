/**
 * The laser pointer: a red dot with a fading trail, drawn on a canvas that lets every click through.
 * On the customer's page it lives in `<cck-visual-overlay>`, a fixed full-viewport layer with a
 * closed shadow root that co-browse never records (it is in the privacy block list) and that also
 * draws the "agent is in control" frame. Its host attributes tell tests and hosts what it shows:
 * `data-laser="visible|hidden"`, `data-laser-x` / `data-laser-y` (viewport px) and
 * `data-control="on|off"`.
 */

/** How long a point of the trail stays visible. */
export const TRAIL_MS = 700;

interface TrailPoint {
  x: number;
  y: number;
  at: number;
}

export class LaserTrail {
  readonly canvas: HTMLCanvasElement;
  readonly #points: TrailPoint[] = [];
  #frame: number | undefined;
  #visible = false;

  constructor(doc: Document) {
    this.canvas = doc.createElement('canvas');
    this.canvas.setAttribute('aria-hidden', 'true');
    Object.assign(this.canvas.style, { position: 'absolute', inset: '0', width: '100%', height: '100%', pointerEvents: 'none' });
  }

  get visible(): boolean {
    return this.#visible;
  }

  /** Adds a point (in the canvas's CSS pixels). */
  point(x: number, y: number): void {
    this.#visible = true;
    this.#points.push({ x, y, at: performance.now() });
    this.#schedule();
  }

  /** The pointer left: the trail fades out. */
  hide(): void {
    this.#visible = false;
    this.#schedule();
  }

  dispose(): void {
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
    this.#points.length = 0;
    this.canvas.remove();
  }

  #schedule(): void {
    if (this.#frame === undefined) this.#frame = requestAnimationFrame(() => this.#draw());
  }

  #draw(): void {
    this.#frame = undefined;
    const canvas = this.canvas;
    const ratio = globalThis.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const context = canvas.getContext('2d');
    if (!context) return;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const now = performance.now();
    while (this.#points.length > 0 && now - this.#points[0]!.at > TRAIL_MS) this.#points.shift();
    const points = this.#points;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    for (let i = 1; i < points.length; i += 1) {
      const a = points[i - 1]!;
      const b = points[i]!;
      const life = 1 - (now - b.at) / TRAIL_MS;
      context.strokeStyle = `rgb(239 35 60 / ${(0.75 * life).toFixed(3)})`;
      context.lineWidth = 2 + 4 * life;
      context.beginPath();
      context.moveTo(a.x, a.y);
      context.lineTo(b.x, b.y);
      context.stroke();
    }
    const head = points[points.length - 1];
    if (head && this.#visible) {
      context.fillStyle = 'rgb(239 35 60 / 0.95)';
      context.shadowColor = 'rgb(239 35 60 / 0.8)';
      context.shadowBlur = 12;
      context.beginPath();
      context.arc(head.x, head.y, 7, 0, Math.PI * 2);
      context.fill();
      context.shadowBlur = 0;
    }
    if (points.length > 0) this.#schedule();
  }
}

export const OVERLAY_TAG = 'cck-visual-overlay';

const OVERLAY_STYLES = `
:host { all: initial; }
.frame { position: fixed; inset: 0; pointer-events: none; box-sizing: border-box; border: 4px solid rgb(239 35 60 / 0.85);
  display: none; }
.frame.on { display: block; }
`;

/** The customer page's overlay: the agent's laser pointer and the remote-control frame. */
export class CustomerOverlay {
  readonly host: HTMLElement;
  readonly #trail: LaserTrail;
  readonly #frame: HTMLElement;

  constructor(doc: Document) {
    const host = doc.createElement(OVERLAY_TAG);
    host.setAttribute('aria-hidden', 'true');
    host.setAttribute('data-laser', 'hidden');
    host.setAttribute('data-control', 'off');
    Object.assign(host.style, {
      position: 'fixed',
      inset: '0',
      pointerEvents: 'none',
      zIndex: '2147483647',
      display: 'block',
    });
    const shadow = host.attachShadow({ mode: 'closed' });
    const style = doc.createElement('style');
    style.textContent = OVERLAY_STYLES;
    this.#frame = doc.createElement('div');
    this.#frame.className = 'frame';
    this.#trail = new LaserTrail(doc);
    this.#trail.canvas.style.position = 'fixed';
    shadow.append(style, this.#frame, this.#trail.canvas);
    (doc.body ?? doc.documentElement).append(host);
    this.host = host;
  }

  /** Shows the pointer at viewport coordinates (CSS px). */
  laser(x: number, y: number): void {
    this.#trail.point(x, y);
    this.host.setAttribute('data-laser', 'visible');
    this.host.setAttribute('data-laser-x', String(Math.round(x)));
    this.host.setAttribute('data-laser-y', String(Math.round(y)));
  }

  hideLaser(): void {
    this.#trail.hide();
    this.host.setAttribute('data-laser', 'hidden');
  }

  /** The "agent is in control" frame around the page. */
  setControl(on: boolean): void {
    this.#frame.classList.toggle('on', on);
    this.host.setAttribute('data-control', on ? 'on' : 'off');
  }

  dispose(): void {
    this.#trail.dispose();
    this.host.remove();
  }
}
