/**
 * The customer's side of co-browse: records the page with rrweb (a full snapshot, then every DOM
 * mutation, input, scroll and pointer move), applies the privacy rules to every event by node
 * (`sanitizeEvents`) so masked values never leave the browser, and hands the events over in ordered
 * chunks.
 *
 * Throughput: DOM changes (and snapshots) go at the next microtask, together with whatever is
 * waiting. High-frequency sources (input, scroll, pointer, viewport, canvas frames) wait for a short
 * window (`batchWindowMs`), so a burst of keystrokes or wheel steps is one message, and within a batch
 * only the latest value of each is kept: the last pointer position, the last scroll of each element,
 * the last value of each field. DOM mutations are never dropped.
 *
 * Every snapshot is followed by the page's colour scheme (a custom event, sent again when the
 * customer's preference changes), so the agent's replica can show the page as the customer sees it.
 */
import { EventType, IncrementalSource, NodeType, type eventWithTime, type serializedNodeWithId } from '@rrweb/types';
import { rrweb } from './rrweb-runtime.js';
import { randomId } from '../../signaling/protocol.js';
import { ChunkWriter, type Chunk } from '../builtin/chunks.js';
import { COLOR_SCHEME_EVENT, watchColorScheme, type ColorScheme, type ColorSchemePayload } from './color-scheme.js';
import type { PrivacyRules } from './privacy.js';
import { sanitizeEvents } from './sanitize.js';
import { collectFonts, FONTS_EVENT } from './fonts.js';
import { repairRules, RuleRepair } from './css-repair.js';
import { REMOVED_BOX_EVENT, watchRemovedBoxes } from './removed-boxes.js';
import { canvasesOf, withoutCanvasPixels } from './canvas-snapshot.js';

export interface RecorderOptions {
  /** The page recorded (rrweb records the document of the window it runs in). */
  document: Document;
  privacy: PrivacyRules;
  /** Called with each chunk, in order. */
  send(chunk: Chunk): void;
  onError?(error: unknown): void;
  /** rrweb sampling of pointer moves (ms). Default 50. */
  mousemoveMs?: number;
  /** rrweb sampling of scrolls (ms). Default 100. */
  scrollMs?: number;
  /** Canvas frames per second (rrweb's sampled canvas recording); 0 records no canvas. Default 2. */
  canvasFps?: number;
  /** How long high-frequency events wait for company before they are sent (ms). Default 400. */
  batchWindowMs?: number;
}

/** Sources whose events may wait for the batch window (everything else is sent at once). */
const HELD_SOURCES: ReadonlySet<IncrementalSource> = new Set([
  IncrementalSource.MouseMove,
  IncrementalSource.TouchMove,
  IncrementalSource.Drag,
  IncrementalSource.Scroll,
  IncrementalSource.Input,
  IncrementalSource.ViewportResize,
  IncrementalSource.CanvasMutation,
  IncrementalSource.MediaInteraction,
]);

/** How long after a snapshot the page's fonts are sent. */
const FONTS_DELAY_MS = 500;

function isHeld(event: eventWithTime): boolean {
  return event.type === EventType.IncrementalSnapshot && HELD_SOURCES.has(event.data.source);
}

/** The rrweb node mirror of the current recording: node <-> id. */
export interface NodeMirror {
  getNode(id: number): Node | null;
  getId(node: Node | undefined | null): number;
}

/** rrweb records one page at a time: starting a recorder stops the one before. */
const current: { recorder: Recorder | undefined } = { recorder: undefined };

/** Whether a recorder of this page is recording (rrweb's recording is one per page). */
export function recorderRunning(): boolean {
  return current.recorder?.recording === true;
}

export class Recorder {
  readonly #options: RecorderOptions;
  #stop: (() => void) | undefined;
  #writer: ChunkWriter | undefined;
  #pending: eventWithTime[] = [];
  #flushScheduled = false;
  #scheme: ColorScheme = 'light';
  #unwatchScheme: (() => void) | undefined;
  #windowTimer: ReturnType<typeof setTimeout> | undefined;
  #unwatchBoxes: (() => void) | undefined;
  #rules: RuleRepair | undefined;
  #fontsTimer: ReturnType<typeof setTimeout> | undefined;
  #hasCanvas = false;
  /** Recording without canvas frames, until a canvas is added (see `start`). */
  #watchingForCanvas = false;
  #canvasSeen = false;
  /** Just after a snapshot: DOM changes wait for `#settleTimer` (see `#settle`). */
  #settling = false;
  #settleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: RecorderOptions) {
    this.#options = options;
  }

  /** The current recording's id (changes on every start), or undefined when stopped. */
  get epoch(): string | undefined {
    return this.#writer?.epoch;
  }

  get recording(): boolean {
    return this.#stop !== undefined;
  }

  /** Node ids of the current recording (rrweb's record mirror). */
  get mirror(): NodeMirror {
    return rrweb().record.mirror;
  }

  /** Starts a new recording: a fresh full snapshot under a new epoch. rrweb records one page at a time. */
  start(): string {
    this.stop();
    if (current.recorder && current.recorder !== this) current.recorder.stop();
    current.recorder = this;
    // An epoch only has to differ from the session's previous ones: 12 hex digits, not a whole UUID, on every batch.
    const writer = new ChunkWriter(randomId().replace(/-/g, '').slice(0, 12));
    this.#writer = writer;
    this.#pending = [];
    this.#rules = new RuleRepair(this.#options.document);
    const { privacy } = this.#options;
    // Known before the first snapshot, which carries it; later changes follow as their own event.
    let watching = false;
    this.#unwatchScheme = watchColorScheme(this.#options.document.defaultView, (scheme) => {
      this.#scheme = scheme;
      if (watching) this.#enqueue(writer, this.#schemeEvent());
    });
    watching = true;
    const canvasFps = this.#options.canvasFps ?? 2;
    const canvases = canvasFps > 0 ? canvasesOf(this.#options.document) : [];
    // Once one appeared (also one a selector cannot find: in a same-origin frame), always with canvases.
    this.#hasCanvas = canvases.length > 0 || this.#canvasSeen;
    // rrweb's sampled canvas recording starts a Worker with every recording (5 ms before the
    // snapshot can go): a page with no canvas yet is recorded without it, and starts over with it
    // (a fresh snapshot) when a canvas appears.
    this.#watchingForCanvas = canvasFps > 0 && !this.#hasCanvas;
    const module = rrweb();
    const stop = withoutCanvasPixels(canvases, () =>
      module.record({
        ...recordOptions(this.#options, this.#watchingForCanvas ? 0 : canvasFps),
        emit: (event) => this.#enqueue(writer, event),
        // rrweb skips what is removed; everything else is masked by `sanitizeEvents`, before sending.
        blockSelector: privacy.blockSelector,
      }),
    );
    // The snapshot goes at the next microtask; what rrweb adds to it in tasks of its own waits for them all.
    this.#settle(writer);
    const doc = this.#options.document;
    this.#unwatchBoxes = watchRemovedBoxes(doc, privacy.blockSelector, (node) => module.record.mirror.getId(node), (box) => {
      if (writer === this.#writer) module.record.addCustomEvent(REMOVED_BOX_EVENT, box);
    });
    // Fonts follow the page, not with it: the replica shows the snapshot first (in fallback fonts)
    // and re-lays out when they arrive, instead of the snapshot waiting behind them on both ends.
    this.#fontsTimer = setTimeout(() => {
      void collectFonts(doc).then((fonts) => {
        if (fonts.length > 0 && writer === this.#writer) module.record.addCustomEvent(FONTS_EVENT, { fonts });
      });
    }, FONTS_DELAY_MS);
    this.#stop = stop ?? undefined;
    return writer.epoch;
  }

  stop(): void {
    const stop = this.#stop;
    this.#stop = undefined;
    this.#unwatchScheme?.();
    this.#unwatchScheme = undefined;
    this.#unwatchBoxes?.();
    this.#unwatchBoxes = undefined;
    clearTimeout(this.#fontsTimer);
    clearTimeout(this.#settleTimer);
    this.#settling = false;
    if (this.#writer) this.#flush(this.#writer);
    this.#writer = undefined;
    if (current.recorder === this) current.recorder = undefined;
    stop?.();
  }

  /** Sends what is waiting now, without waiting for the batch window. */
  flush(): void {
    if (this.#writer) this.#flush(this.#writer);
  }

  #enqueue(writer: ChunkWriter, event: eventWithTime): void {
    if (writer !== this.#writer) return;
    if (this.#watchingForCanvas && addsCanvas(event)) {
      this.#watchingForCanvas = false;
      this.#canvasSeen = true;
      setTimeout(() => {
        if (writer === this.#writer) this.start();
      }, 0);
    }
    this.#pending.push(event);
    if (event.type === EventType.FullSnapshot) this.#pending.push(this.#schemeEvent());
    if (isHeld(event)) {
      this.#windowTimer ??= setTimeout(() => {
        this.#windowTimer = undefined;
        this.#flush(writer);
      }, this.#options.batchWindowMs ?? 400);
      return;
    }
    if (this.#settling) return;
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.#flush(writer);
    });
  }

  /**
   * rrweb adds each shadow root's adopted stylesheets in a task of its own after the snapshot (a
   * Shoelace page: some 35), queued while it took the snapshot. The snapshot goes at once; DOM
   * changes that follow it wait for a task queued after those, and go as one batch, instead of one
   * message per shadow root for the agent's page to handle before it can show the replica.
   */
  #settle(writer: ChunkWriter): void {
    this.#settling = true;
    clearTimeout(this.#settleTimer);
    this.#settleTimer = setTimeout(() => {
      this.#settling = false;
      this.#flush(writer);
    }, 0);
  }

  #schemeEvent(): eventWithTime {
    const payload: ColorSchemePayload = { scheme: this.#scheme };
    return { type: EventType.Custom, data: { tag: COLOR_SCHEME_EVENT, payload }, timestamp: Date.now() } as eventWithTime;
  }

  #flush(writer: ChunkWriter): void {
    clearTimeout(this.#windowTimer);
    this.#windowTimer = undefined;
    if (this.#pending.length === 0 || writer !== this.#writer) return;
    let text: string;
    try {
      const events = sanitizeEvents(coalesce(this.#pending.splice(0)), rrweb().record.mirror, this.#options.privacy, this.#options.document);
      if (this.#hasCanvas) for (const event of events) if (event.type === EventType.FullSnapshot) dropCanvasImages(event.data.node);
      if (this.#rules) {
        repairRules(events, this.#rules, { incremental: EventType.IncrementalSnapshot, adopted: IncrementalSource.AdoptedStyleSheet, sheetRule: IncrementalSource.StyleSheetRule });
      }
      // The replica applies events as they arrive, not by their time: incremental events travel without it
      // (25 characters each), except media ones, whose time rrweb uses to keep a video's position.
      for (const event of events) {
        if (event.type === EventType.IncrementalSnapshot && event.data.source !== IncrementalSource.MediaInteraction) delete (event as { timestamp?: number }).timestamp;
      }
      text = JSON.stringify(events);
    } catch (error) {
      this.#options.onError?.(error);
      return;
    }
    for (const chunk of writer.write(text)) this.#options.send(chunk);
  }
}

type RrwebRecordOptions = NonNullable<Parameters<ReturnType<typeof rrweb>['record']>[0]>;

/** How the recorder runs rrweb (and the warm-up, so that it runs the same code): all but `emit` and `blockSelector`. */
export function recordOptions(options: Pick<RecorderOptions, 'mousemoveMs' | 'scrollMs' | 'onError'>, canvasFps: number): RrwebRecordOptions {
  return {
    slimDOMOptions: { script: true, comment: true, headFavicon: true, headMetaSocial: true, headMetaRobots: true, headMetaVerification: true },
    sampling: {
      mousemove: options.mousemoveMs ?? 50,
      scroll: options.scrollMs ?? 100,
      // Focus and blur only: the replica shows focus styles; clicks and the like are not replayed.
      mouseInteraction: { Focus: true, Blur: true, Click: false, ContextMenu: false, DblClick: false, MouseDown: false, MouseUp: false, TouchStart: false, TouchEnd: false, TouchCancel: false },
      media: 800,
      ...(canvasFps > 0 ? { canvas: canvasFps } : {}),
    },
    // Sampled: a few encoded frames a second of the canvases that changed (masked ones are removed by blockSelector).
    recordCanvas: canvasFps > 0,
    dataURLOptions: { type: 'image/webp', quality: 0.8 },
    collectFonts: false,
    inlineImages: false,
    recordCrossOriginIframes: false,
    recordAfter: 'DOMContentLoaded',
    errorHandler: (error) => {
      options.onError?.(error);
      return true;
    },
  };
}

/** Whether a DOM change adds a `<canvas>` (in the page, a shadow root or a same-origin frame). */
function addsCanvas(event: eventWithTime): boolean {
  if (event.type !== EventType.IncrementalSnapshot || event.data.source !== IncrementalSource.Mutation) return false;
  const hasCanvas = (node: serializedNodeWithId): boolean =>
    (node.type === NodeType.Element && (node.tagName === 'canvas' || node.childNodes.some(hasCanvas))) ||
    (node.type === NodeType.Document && node.childNodes.some(hasCanvas));
  return event.data.adds.some((add) => hasCanvas(add.node));
}

/**
 * What rrweb still inlined of canvases' images (those of same-origin frames, snapshotted later) is
 * left out as well: see canvas-snapshot.ts.
 */
function dropCanvasImages(node: serializedNodeWithId): void {
  if (node.type === NodeType.Element) {
    if (node.tagName === 'canvas') delete node.attributes.rr_dataURL;
    for (const child of node.childNodes) dropCanvasImages(child);
  } else if (node.type === NodeType.Document) {
    for (const child of node.childNodes) dropCanvasImages(child);
  }
}

/**
 * Keeps every event of a batch except superseded values: the last pointer move, the last scroll of
 * each element, the last input of each field (unless a DOM change came between, which may depend on
 * it: then both stay). Order is preserved.
 */
export function coalesce(events: eventWithTime[]): eventWithTime[] {
  const last = new Map<string, number>();
  let generation = 0;
  const keyOf = (event: eventWithTime): string | undefined => {
    if (event.type !== EventType.IncrementalSnapshot) return undefined;
    const data = event.data;
    switch (data.source) {
      case IncrementalSource.MouseMove:
      case IncrementalSource.TouchMove:
        return 'pointer';
      case IncrementalSource.Scroll:
        return `scroll:${data.id}`;
      case IncrementalSource.Input:
        return `input:${data.id}:${generation}`;
      case IncrementalSource.ViewportResize:
        return 'viewport';
      default:
        return undefined;
    }
  };
  const keys = events.map((event) => {
    if (event.type === EventType.IncrementalSnapshot && event.data.source === IncrementalSource.Mutation) generation += 1;
    return keyOf(event);
  });
  keys.forEach((key, index) => key !== undefined && last.set(key, index));
  return events.filter((_, index) => {
    const key = keys[index];
    return key === undefined || last.get(key) === index;
  });
}
