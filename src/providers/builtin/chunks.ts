/**
 * Ordered, chunked delivery of large text over signaling messages of at most 64 KiB. A batch of
 * co-browse events is one JSON text; it is cut into pieces that each fit a `ve-events` message, sent
 * with consecutive `seq` numbers, the last one flagged `final`. The receiver applies batches strictly
 * in order and notices a missing piece instead of applying a broken batch.
 */
import { utf8Length } from '../../signaling/protocol.js';

/** Room for one piece: the message limit minus the envelope and the other payload fields. */
export const MAX_PIECE_BYTES = 56_000;
/** The most pieces one batch may have; a batch with more is dropped (a 5,000-element page is ~12). */
export const MAX_BATCH_PIECES = 128;
/** The most characters one batch may have (~6 MiB of events, a page of some 40,000 elements). */
export const MAX_BATCH_CHARS = 6 * 1024 * 1024;

export interface ChunkLimits {
  maxPieces: number;
  maxChars: number;
}

export interface Chunk {
  epoch: string;
  seq: number;
  data: string;
  final: boolean;
}

/**
 * Cuts `text` into pieces whose JSON string form (quotes and escapes included) is at most `maxBytes`
 * of UTF-8, and at most `maxChars` characters (the schema's limit). Never splits a surrogate pair.
 */
export function splitForWire(text: string, maxBytes = MAX_PIECE_BYTES, maxChars = 60_000): string[] {
  if (text.length === 0) return [''];
  const pieces: string[] = [];
  let start = 0;
  // Most JSON is ASCII with some escaped quotes; start optimistic and shrink when a piece is too big.
  let guess = Math.min(maxChars, Math.floor(maxBytes * 0.9));
  while (start < text.length) {
    let end = Math.min(text.length, start + guess);
    for (;;) {
      if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
      const size = utf8Length(JSON.stringify(text.slice(start, end)));
      if (size <= maxBytes) break;
      const shrunk = Math.floor((end - start) * (maxBytes / size) * 0.95);
      end = start + Math.max(1, Math.min(end - start - 1, shrunk));
    }
    pieces.push(text.slice(start, end));
    guess = Math.min(maxChars, Math.max(guess, end - start));
    start = end;
  }
  return pieces;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Numbers the pieces of successive batches of one epoch. */
export class ChunkWriter {
  readonly epoch: string;
  #seq = 0;

  constructor(epoch: string) {
    this.epoch = epoch;
  }

  /** The chunks of one batch, in sending order. */
  write(text: string, maxBytes = MAX_PIECE_BYTES): Chunk[] {
    const pieces = splitForWire(text, maxBytes);
    return pieces.map((data, index) => ({ epoch: this.epoch, seq: this.#seq++, data, final: index === pieces.length - 1 }));
  }
}

export type ReadResult =
  /** A whole batch arrived (possibly the first of a new epoch: `fresh`). */
  | { kind: 'batch'; text: string; fresh: boolean }
  /** A piece of a batch; wait for more. */
  | { kind: 'partial' }
  /** Out of order (a piece went missing): nothing of this epoch is applied until a new one starts. */
  | { kind: 'gap' }
  /** The batch went over the limits: dropped, and nothing more of this epoch is kept. */
  | { kind: 'overflow' }
  /** An old or repeated piece, or one of an epoch already given up: ignored. */
  | { kind: 'ignored' };

/**
 * The receiving side: reassembles batches, in order, per epoch. What it holds is bounded by
 * `limits`: one batch in the making, never more than `maxPieces` pieces or `maxChars` characters.
 */
export class ChunkReader {
  readonly #limits: ChunkLimits;
  #epoch: string | undefined;
  #expected = 0;
  #parts: string[] = [];
  #chars = 0;
  #broken = false;
  #freshPending = false;

  constructor(limits: Partial<ChunkLimits> = {}) {
    this.#limits = { maxPieces: MAX_BATCH_PIECES, maxChars: MAX_BATCH_CHARS, ...limits };
  }

  get epoch(): string | undefined {
    return this.#epoch;
  }

  read(chunk: Chunk): ReadResult {
    if (chunk.epoch !== this.#epoch) {
      // A new epoch only starts at its first piece; anything else of it is from the middle of a
      // recording we never saw the start of.
      if (chunk.seq !== 0) return this.#markGap(chunk.epoch);
      this.#epoch = chunk.epoch;
      this.#expected = 0;
      this.#parts = [];
      this.#chars = 0;
      this.#broken = false;
      this.#freshPending = true;
    }
    if (this.#broken) return { kind: 'ignored' };
    if (chunk.seq < this.#expected) return { kind: 'ignored' };
    if (chunk.seq > this.#expected) return this.#markGap(chunk.epoch);
    this.#expected += 1;
    this.#parts.push(chunk.data);
    this.#chars += chunk.data.length;
    if (this.#parts.length > this.#limits.maxPieces || this.#chars > this.#limits.maxChars) {
      this.#markGap(chunk.epoch);
      return { kind: 'overflow' };
    }
    if (!chunk.final) return { kind: 'partial' };
    const text = this.#parts.join('');
    this.#parts = [];
    this.#chars = 0;
    const fresh = this.#freshPending;
    this.#freshPending = false;
    return { kind: 'batch', text, fresh };
  }

  /** Forget everything: the next epoch starts from scratch. */
  reset(): void {
    this.#epoch = undefined;
    this.#expected = 0;
    this.#parts = [];
    this.#chars = 0;
    this.#broken = false;
    this.#freshPending = false;
  }

  #markGap(epoch: string): ReadResult {
    this.#epoch = epoch;
    this.#broken = true;
    this.#parts = [];
    this.#chars = 0;
    return { kind: 'gap' };
  }
}
