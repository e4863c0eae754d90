/**
 * The customer's side of co-browse: records the page with rrweb (a full snapshot, then every DOM
 * mutation, input, scroll and pointer move), applies the privacy rules to every event by node
 * (`sanitizeEvents`) so masked values never leave the browser, and hands the events over in ordered
 * chunks.
 *
 * Throughput: events emitted in the same task form one batch, sent at the next microtask. DOM
 * mutations are never dropped; pointer moves are sampled by rrweb and, within a batch, only the
 * latest pointer position and the latest scroll position of each element are kept.
 *
 * Every snapshot is followed by the page's colour scheme (a custom event, sent again when the
 * customer's preference changes), so the agent's replica can show the page as the customer sees it.
 */
import { EventType, IncrementalSource, type eventWithTime } from '@rrweb/types';
import { rrweb } from './rrweb-runtime.js';
import { randomId } from '../../signaling/protocol.js';
import { ChunkWriter, type Chunk } from '../builtin/chunks.js';
import { COLOR_SCHEME_EVENT, watchColorScheme, type ColorScheme, type ColorSchemePayload } from './color-scheme.js';
import type { PrivacyRules } from './privacy.js';
import { sanitizeEvents } from './sanitize.js';

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
}

/** The rrweb node mirror of the current recording: node <-> id. */
export interface NodeMirror {
  getNode(id: number): Node | null;
  getId(node: Node | undefined | null): number;
}

/** rrweb records one page at a time: starting a recorder stops the one before. */
const current: { recorder: Recorder | undefined } = { recorder: undefined };

export class Recorder {
  readonly #options: RecorderOptions;
  #stop: (() => void) | undefined;
  #writer: ChunkWriter | undefined;
  #pending: eventWithTime[] = [];
  #flushScheduled = false;
  #scheme: ColorScheme = 'light';
  #unwatchScheme: (() => void) | undefined;

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
    const writer = new ChunkWriter(randomId());
    this.#writer = writer;
    this.#pending = [];
    const { privacy } = this.#options;
    // Known before the first snapshot, which carries it; later changes follow as their own event.
    let watching = false;
    this.#unwatchScheme = watchColorScheme(this.#options.document.defaultView, (scheme) => {
      this.#scheme = scheme;
      if (watching) this.#enqueue(writer, this.#schemeEvent());
    });
    watching = true;
    const stop = rrweb().record({
      emit: (event) => this.#enqueue(writer, event),
      // rrweb skips what is removed; everything else is masked by `sanitizeEvents`, before sending.
      blockSelector: privacy.blockSelector,
      slimDOMOptions: { script: true, comment: true, headFavicon: true, headMetaSocial: true, headMetaRobots: true, headMetaVerification: true },
      sampling: {
        mousemove: this.#options.mousemoveMs ?? 50,
        scroll: this.#options.scrollMs ?? 100,
        mouseInteraction: false,
        media: 800,
      },
      recordCanvas: false,
      collectFonts: false,
      inlineImages: false,
      recordCrossOriginIframes: false,
      recordAfter: 'DOMContentLoaded',
      errorHandler: (error) => {
        this.#options.onError?.(error);
        return true;
      },
    });
    this.#stop = stop ?? undefined;
    return writer.epoch;
  }

  stop(): void {
    const stop = this.#stop;
    this.#stop = undefined;
    this.#unwatchScheme?.();
    this.#unwatchScheme = undefined;
    if (this.#writer) this.#flush(this.#writer);
    this.#writer = undefined;
    if (current.recorder === this) current.recorder = undefined;
    stop?.();
  }

  #enqueue(writer: ChunkWriter, event: eventWithTime): void {
    if (writer !== this.#writer) return;
    this.#pending.push(event);
    if (event.type === EventType.FullSnapshot) this.#pending.push(this.#schemeEvent());
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.#flush(writer);
    });
  }

  #schemeEvent(): eventWithTime {
    const payload: ColorSchemePayload = { scheme: this.#scheme };
    return { type: EventType.Custom, data: { tag: COLOR_SCHEME_EVENT, payload }, timestamp: Date.now() } as eventWithTime;
  }

  #flush(writer: ChunkWriter): void {
    if (this.#pending.length === 0 || writer !== this.#writer) return;
    let text: string;
    try {
      const events = sanitizeEvents(coalesce(this.#pending.splice(0)), rrweb().record.mirror, this.#options.privacy, this.#options.document);
      text = JSON.stringify(events);
    } catch (error) {
      this.#options.onError?.(error);
      return;
    }
    for (const chunk of writer.write(text)) this.#options.send(chunk);
  }
}

/**
 * Keeps every event of a batch except superseded pointer and scroll positions: the last pointer
 * move, and the last scroll of each element. Order is preserved.
 */
export function coalesce(events: eventWithTime[]): eventWithTime[] {
  let lastMove = -1;
  const lastScroll = new Map<number, number>();
  events.forEach((event, index) => {
    if (event.type !== EventType.IncrementalSnapshot) return;
    const source = event.data.source;
    if (source === IncrementalSource.MouseMove || source === IncrementalSource.TouchMove) lastMove = index;
    else if (source === IncrementalSource.Scroll) lastScroll.set(event.data.id, index);
  });
  return events.filter((event, index) => {
    if (event.type !== EventType.IncrementalSnapshot) return true;
    const source = event.data.source;
    if (source === IncrementalSource.MouseMove || source === IncrementalSource.TouchMove) return index === lastMove;
    if (source === IncrementalSource.Scroll) return lastScroll.get(event.data.id) === index;
    return true;
  });
}
