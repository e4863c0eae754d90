/**
 * The agent's side of co-browse: a live replica of the customer's page, rebuilt by rrweb's
 * `Replayer` in live mode inside a strictly sandboxed iframe (`sandbox="allow-same-origin"`, no
 * `allow-scripts`): nothing the customer's page contains can run in the agent's page, while the
 * agent's page can still read the replica's layout (to know what the agent points at).
 *
 * The replica document gets a Content-Security-Policy before anything of the customer's page is
 * built in it (`REPLICA_CSP`): the agent's browser fetches nothing the customer's page names
 * (images, stylesheets, fonts, frames, objects, media), so a page cannot beacon the agent's address;
 * what the replica shows comes only through the session (inlined styles, `data:` images).
 *
 * Batches are applied strictly in order (`ChunkReader`); a missing chunk, or a batch over the
 * limits, stops the replica until a fresh snapshot arrives (`onResync`). Events are applied as they
 * arrive (no replay clock): the replayer's baseline is set far in the future, so every event is
 * applied at once.
 *
 * The replica fits its container (`contain`), or fills its width and grows in height when the
 * container has `data-cck-fit="width"`. It shows the customer's colour scheme, not the agent's
 * (`color-scheme.ts`): the recorder reports it with every snapshot and whenever it changes.
 */
import { EventType, IncrementalSource, MouseInteractions, type eventWithTime } from '@rrweb/types';
import type { Replayer } from 'rrweb';
import { rrweb } from './rrweb-runtime.js';
import { ChunkReader, type Chunk } from '../builtin/chunks.js';
import { COLOR_SCHEME_EVENT, ReplicaColorScheme, type ColorSchemePayload } from './color-scheme.js';
import { CanvasImages } from './canvas-replay.js';
import { addFonts, FONTS_EVENT } from './fonts.js';
import { PseudoStates } from './pseudo-states.js';
import { deepElementFromPoint, frameOffset } from './hit-test.js';
import { isRemovedBox, REMOVED_BOX_EVENT } from './removed-boxes.js';
import { useLeanStyles } from './replay-css.js';

export interface MirrorOptions {
  /** A full snapshot is on screen (after the first one of a page, too). */
  onActive(): void;
  /** The replica cannot go on without a fresh snapshot. */
  onResync(): void;
  onError?(error: unknown): void;
}

/** A point on the replica, in the terms the customer's side understands. */
export interface MirrorPoint {
  epoch: string;
  /** Fractions of the customer's viewport. */
  x: number;
  y: number;
  /** The replica's element under the point, its node id, and the point as fractions of its box. */
  element?: Element;
  nodeId?: number;
  ex?: number;
  ey?: number;
}

/** The exact sandbox of the replica: same-origin for reading its layout, and nothing else. */
export const MIRROR_SANDBOX = 'allow-same-origin';

/**
 * The replica's policy: inline styles (rrweb inlines the page's stylesheets) and `data:`/`blob:`
 * images and fonts; no fetch of any URL, no frames, no objects, no `<base>`, no form target.
 */
export const REPLICA_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data: blob:',
  'font-src data:',
  "media-src 'none'",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const STYLES = `
.cck-mirror { position: relative; width: 100%; height: 100%; overflow: hidden; background: #fff; }
.cck-mirror-stage { position: absolute; left: 0; top: 0; transform-origin: 0 0; }
.cck-mirror .replayer-wrapper { position: relative; }
.cck-mirror .replayer-wrapper > iframe { border: 0; display: block; background: #fff; }
.cck-mirror .replayer-mouse { display: none; }
.cck-mirror-cursor { position: absolute; width: 12px; height: 12px; margin: -6px 0 0 -6px; border-radius: 50%;
  background: rgb(73 80 246 / 0.55); border: 2px solid #fff; box-shadow: 0 0 0 1px rgb(0 0 0 / 0.3);
  pointer-events: none; display: none; z-index: 2; }
`;

export class CobrowseMirror {
  readonly #options: MirrorOptions;
  readonly #reader = new ChunkReader();
  /** Events of the current page waiting for a replayer (before the view is attached). */
  #backlog: eventWithTime[] = [];
  #replayer: Replayer | undefined;
  #container: HTMLElement | undefined;
  #root: HTMLElement | undefined;
  #stage: HTMLElement | undefined;
  #cursor: HTMLElement | undefined;
  #resizeObserver: ResizeObserver | undefined;
  #fitObserver: MutationObserver | undefined;
  readonly #scheme = new ReplicaColorScheme();
  #viewport = { width: 0, height: 0 };
  #scale = 1;
  #hasSnapshot = false;
  #needsResync = false;
  /** The replayer has been given no event yet (made ahead of the first snapshot). */
  #replayerUnused = false;
  readonly #canvas = new CanvasImages();
  readonly #pseudo = new PseudoStates();

  constructor(options: MirrorOptions) {
    this.#options = options;
  }

  /** The recording the replica shows. */
  get epoch(): string | undefined {
    return this.#hasSnapshot ? this.#reader.epoch : undefined;
  }

  /** The customer's viewport size, in CSS pixels. */
  get viewport(): { width: number; height: number } {
    return { ...this.#viewport };
  }

  get scale(): number {
    return this.#scale;
  }

  /** The replica's iframe, while attached. */
  get frame(): HTMLIFrameElement | undefined {
    return this.#replayer?.iframe;
  }

  /** The element the view lives in (`attach`'s container), and the box layer tools are drawn in. */
  get root(): HTMLElement | undefined {
    return this.#root;
  }

  /** Applies one chunk of events. */
  push(chunk: Chunk): void {
    const result = this.#reader.read(chunk);
    if (result.kind === 'gap') {
      this.#requestResync();
      return;
    }
    if (result.kind === 'overflow') {
      this.#options.onError?.(new Error('a co-browse batch went over the size limit and was dropped'));
      this.#requestResync();
      return;
    }
    if (result.kind !== 'batch') return;
    let events: eventWithTime[];
    try {
      events = JSON.parse(result.text) as eventWithTime[];
    } catch (error) {
      this.#options.onError?.(error);
      this.#reader.reset();
      this.#requestResync();
      return;
    }
    if (result.fresh) this.#newPage();
    // Incremental events come without their time (see record.ts): rrweb's replayer wants one.
    const arrived = Date.now();
    for (const event of events) {
      event.timestamp ??= arrived;
      this.#apply(event);
    }
    this.#showCanvases();
    // Rebuilt or added styles come with the original media queries: adapt them to the customer's scheme.
    this.#scheme.schedule(this.#replayer?.iframe);
  }

  /** Shows the replica in `container` (which should have a size). */
  attach(container: HTMLElement): void {
    if (this.#container === container) return;
    this.detach();
    this.#container = container;
    const doc = container.ownerDocument;
    const root = doc.createElement('div');
    root.className = 'cck-mirror';
    const style = doc.createElement('style');
    style.textContent = STYLES;
    const stage = doc.createElement('div');
    stage.className = 'cck-mirror-stage';
    const cursor = doc.createElement('div');
    cursor.className = 'cck-mirror-cursor';
    cursor.setAttribute('aria-hidden', 'true');
    root.append(style, stage, cursor);
    container.append(root);
    this.#root = root;
    this.#stage = stage;
    this.#cursor = cursor;
    this.#resizeObserver = new ResizeObserver(() => this.#layout());
    this.#resizeObserver.observe(root);
    this.#fitObserver = new MutationObserver(() => this.#layout());
    this.#fitObserver.observe(container, { attributes: true, attributeFilter: ['data-cck-fit'] });
    if (this.#hasSnapshot && this.#backlog.length === 0) {
      // The page was shown before (in a view since detached): its events are gone, ask again.
      this.#requestResync();
    } else {
      // With nothing to show yet, the replayer is made now (hidden until the first snapshot), so
      // the first snapshot does not wait for it.
      this.#startReplayer();
    }
  }

  detach(): void {
    this.#destroyReplayer();
    this.#resizeObserver?.disconnect();
    this.#resizeObserver = undefined;
    this.#fitObserver?.disconnect();
    this.#fitObserver = undefined;
    this.#root?.remove();
    this.#root = this.#stage = this.#cursor = this.#container = undefined;
  }

  /** Forgets the current page: the next epoch starts the replica over. */
  reset(): void {
    this.#reader.reset();
    this.#backlog = [];
    this.#hasSnapshot = false;
    this.#destroyReplayer();
  }

  /**
   * What is under a point of the agent's screen (`clientX`/`clientY` in the agent's page), or
   * undefined outside the replica.
   */
  pointAt(clientX: number, clientY: number): MirrorPoint | undefined {
    const stage = this.#stage;
    const epoch = this.epoch;
    const { width, height } = this.#viewport;
    if (!stage || !epoch || width === 0 || height === 0) return undefined;
    const box = stage.getBoundingClientRect();
    const vx = (clientX - box.left) / this.#scale;
    const vy = (clientY - box.top) / this.#scale;
    if (vx < 0 || vy < 0 || vx > width || vy > height) return undefined;
    const point: MirrorPoint = { epoch, x: clamp(vx / width), y: clamp(vy / height) };
    const doc = this.#replayer?.iframe.contentDocument;
    // Through shadow roots and same-origin frames: the field inside <sl-input>, the button in an iframe.
    const hit = doc ? deepElementFromPoint(doc, vx, vy) : undefined;
    const element = hit?.element;
    const nodeId = element ? this.#replayer?.getMirror().getId(element) : undefined;
    if (hit && element && nodeId !== undefined && nodeId > 0) {
      const rect = element.getBoundingClientRect();
      point.element = element;
      point.nodeId = nodeId;
      point.ex = rect.width > 0 ? clamp((vx - hit.offsetX - rect.left) / rect.width) : 0.5;
      point.ey = rect.height > 0 ? clamp((vy - hit.offsetY - rect.top) / rect.height) : 0.5;
    }
    return point;
  }

  /** An element of the replica's box in the coordinates of `root` (for tools drawn over the view). */
  boxOf(element: Element): { left: number; top: number; width: number; height: number } | undefined {
    const stage = this.#stage;
    const root = this.#root;
    if (!stage || !root) return undefined;
    const rect = element.getBoundingClientRect();
    const doc = this.#replayer?.iframe.contentDocument;
    const offset = doc ? frameOffset(element, doc) : { x: 0, y: 0 };
    const stageBox = stage.getBoundingClientRect();
    const rootBox = root.getBoundingClientRect();
    return {
      left: stageBox.left - rootBox.left + (offset.x + rect.left) * this.#scale,
      top: stageBox.top - rootBox.top + (offset.y + rect.top) * this.#scale,
      width: rect.width * this.#scale,
      height: rect.height * this.#scale,
    };
  }

  /** The replica's node with this id. */
  nodeById(id: number): Node | null {
    return this.#replayer?.getMirror().getNode(id) ?? null;
  }

  /** The id of a replica node in the recording, if it has one. */
  nodeIdOf(node: Node): number | undefined {
    const id = this.#replayer?.getMirror().getId(node);
    return id !== undefined && id > 0 ? id : undefined;
  }

  /** Shows the replica's hover styles for `element` (the agent's pointer is over it), or none. */
  hover(element: Element | null | undefined): void {
    this.#pseudo.set('hover', element ?? null);
  }

  dispose(): void {
    this.detach();
    this.reset();
    this.#scheme.dispose();
    this.#canvas.dispose();
  }

  #newPage(): void {
    this.#backlog = [];
    this.#hasSnapshot = false;
    this.#needsResync = false;
    // A replayer that has shown nothing yet serves the new page as it is.
    if (this.#replayer && this.#replayerUnused) return;
    this.#destroyReplayer();
    if (this.#stage) this.#startReplayer();
  }

  #apply(event: eventWithTime): void {
    if (event.type === EventType.Custom && event.data.tag === COLOR_SCHEME_EVENT) {
      this.#scheme.customer = (event.data.payload as ColorSchemePayload).scheme;
    }
    if (this.#replayer && this.#applyHere(event)) return;
    if (event.type === EventType.FullSnapshot) this.#canvas.snapshot(event.data.node);
    if (event.type === EventType.Meta) this.#setViewport(event.data.width, event.data.height);
    if (event.type === EventType.IncrementalSnapshot && event.data.source === IncrementalSource.ViewportResize) {
      this.#setViewport(event.data.width, event.data.height);
    }
    if (this.#replayer) {
      this.#replayerUnused = false;
      this.#replayer.addEvent(event);
    } else this.#backlog.push(event);
    if (event.type === EventType.FullSnapshot) {
      this.#hasSnapshot = true;
      if (this.#replayer) queueMicrotask(() => this.#options.onActive());
    }
  }

  /**
   * What the replica shows without rrweb's replayer: pointer (and hover), focus, sampled canvas
   * frames, removed elements' sizes, inlined fonts. True when the event was handled.
   */
  #applyHere(event: eventWithTime): boolean {
    const node = (id: number) => this.#replayer?.getMirror().getNode(id) ?? null;
    if (event.type === EventType.Custom) {
      const { tag, payload } = event.data as { tag: string; payload: unknown };
      if (tag === REMOVED_BOX_EVENT && isRemovedBox(payload)) {
        const box = node(payload.id) as HTMLElement | null;
        box?.style?.setProperty('width', `${payload.width}px`);
        box?.style?.setProperty('height', `${payload.height}px`);
        // Keywords only (`inline-block`, `block flow`): nothing else of the customer's page gets into a style here.
        if (payload.display && /^[a-z-]+( [a-z-]+)*$/.test(payload.display)) box?.style?.setProperty('display', payload.display);
        return true;
      }
      if (tag === FONTS_EVENT) {
        const doc = this.#replayer?.iframe.contentDocument;
        if (doc) addFonts(doc, (payload as { fonts?: unknown } | null)?.fonts, this.#options.onError);
        return true;
      }
      return false;
    }
    if (event.type !== EventType.IncrementalSnapshot) return false;
    const data = event.data;
    switch (data.source) {
      case IncrementalSource.MouseMove:
      case IncrementalSource.TouchMove: {
        const last = data.positions[data.positions.length - 1];
        if (last) {
          this.#moveCursor(last.x, last.y);
          const target = node(last.id);
          this.#pseudo.set('hover', isElement(target) ? target : (target?.parentElement ?? null));
        }
        return true;
      }
      case IncrementalSource.MouseInteraction: {
        if (data.type !== MouseInteractions.Focus && data.type !== MouseInteractions.Blur) return false;
        const target = node(data.id);
        this.#pseudo.set('focus', data.type === MouseInteractions.Focus && isElement(target) ? target : null);
        return true;
      }
      case IncrementalSource.CanvasMutation:
        this.#canvas.frame(data.id, data);
        return true;
      default:
        return false;
    }
  }

  #showCanvases(): void {
    const replayer = this.#replayer;
    if (replayer) this.#canvas.show((id) => replayer.getMirror().getNode(id), replayer.iframe.contentDocument ?? undefined);
  }

  #startReplayer(): void {
    const stage = this.#stage;
    if (!stage || this.#replayer) return;
    let replayer: Replayer;
    try {
      replayer = new (rrweb().Replayer)([], {
        root: stage,
        liveMode: true,
        useVirtualDom: false,
        UNSAFE_replayCanvas: false,
        mouseTail: false,
        showWarning: false,
        showDebug: false,
        triggerFocus: false,
        pauseAnimation: false,
      });
    } catch (error) {
      this.#options.onError?.(error);
      return;
    }
    useLeanStyles(replayer);
    const iframe = replayer.iframe;
    if (iframe.getAttribute('sandbox') !== MIRROR_SANDBOX) {
      // Never show the customer's page in a frame that could run its scripts.
      replayer.destroy();
      this.#options.onError?.(new Error(`the replica's iframe must be sandboxed as "${MIRROR_SANDBOX}"`));
      return;
    }
    if (!applyReplicaPolicy(iframe)) {
      replayer.destroy();
      this.#options.onError?.(new Error("the replica's content security policy could not be applied"));
      return;
    }
    iframe.title = this.#container?.getAttribute('aria-label') ?? 'Customer screen';
    iframe.tabIndex = -1;
    replayer.on('resize', (dimension) => {
      const { width, height } = dimension as { width: number; height: number };
      this.#setViewport(width, height);
    });
    // Far-future baseline: every event counts as "in the past" and is applied at once, in order.
    replayer.startLive(Number.MAX_SAFE_INTEGER);
    this.#replayer = replayer;
    const backlog = this.#backlog.splice(0);
    this.#replayerUnused = backlog.length === 0;
    for (const event of backlog) {
      if (event.type === EventType.FullSnapshot) this.#canvas.snapshot(event.data.node);
      if (!this.#applyHere(event)) replayer.addEvent(event);
    }
    this.#showCanvases();
    if (backlog.some((event) => event.type === EventType.FullSnapshot)) queueMicrotask(() => this.#options.onActive());
  }

  #destroyReplayer(): void {
    const replayer = this.#replayer;
    this.#replayer = undefined;
    this.#pseudo.clear();
    if (!replayer) return;
    try {
      replayer.destroy();
    } catch {
      // Already detached from the document.
    }
  }

  #requestResync(): void {
    if (this.#needsResync) return;
    this.#needsResync = true;
    this.#backlog = [];
    this.#hasSnapshot = false;
    this.#destroyReplayer();
    this.#options.onResync();
  }

  #setViewport(width: number, height: number): void {
    if (!(width > 0 && height > 0)) return;
    this.#viewport = { width, height };
    this.#layout();
  }

  #layout(): void {
    const root = this.#root;
    const stage = this.#stage;
    const { width, height } = this.#viewport;
    if (!root || !stage || width === 0 || height === 0) return;
    if (this.#container?.dataset.cckFit === 'width') {
      // Fill the width; the container grows to the page's height at that scale and the agent scrolls.
      const scale = root.clientWidth > 0 ? root.clientWidth / width : 1;
      this.#scale = scale;
      root.style.height = `${Math.round(height * scale)}px`;
      stage.style.width = `${width}px`;
      stage.style.height = `${height}px`;
      stage.style.transform = `scale(${scale})`;
      return;
    }
    root.style.height = '';
    const available = { width: root.clientWidth, height: root.clientHeight };
    const scale = available.width > 0 && available.height > 0 ? Math.min(1, available.width / width, available.height / height) : 1;
    this.#scale = scale;
    const left = Math.max(0, (available.width - width * scale) / 2);
    const top = Math.max(0, (available.height - height * scale) / 2);
    stage.style.width = `${width}px`;
    stage.style.height = `${height}px`;
    stage.style.transform = `translate(${left}px, ${top}px) scale(${scale})`;
  }

  #moveCursor(x: number, y: number): void {
    const cursor = this.#cursor;
    const stage = this.#stage;
    const root = this.#root;
    if (!cursor || !stage || !root) return;
    const stageBox = stage.getBoundingClientRect();
    const rootBox = root.getBoundingClientRect();
    cursor.style.display = 'block';
    cursor.style.left = `${stageBox.left - rootBox.left + x * this.#scale}px`;
    cursor.style.top = `${stageBox.top - rootBox.top + y * this.#scale}px`;
  }
}

/**
 * Puts `REPLICA_CSP` in the replica's (still empty) document. The policy stays with the document
 * when rrweb rewrites it for each snapshot (`document.open()` keeps a document's policies), and
 * frames rrweb builds inside it inherit it.
 */
function applyReplicaPolicy(iframe: HTMLIFrameElement): boolean {
  const doc = iframe.contentDocument;
  if (!doc) return false;
  const meta = doc.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = REPLICA_CSP;
  (doc.head ?? doc.documentElement ?? doc).prepend(meta);
  return true;
}

/** Not `instanceof Element`: the replica's nodes belong to the replica's realm. */
function isElement(node: Node | null): node is Element {
  return node?.nodeType === 1;
}

function clamp(value: number): number {
  return Math.min(1, Math.max(0, value));
}
