/**
 * The permessage-deflate setting the benchmarks give the compressed baseline relay: the same one the
 * reference server negotiates, so both compressed rows pay for the same window and memory.
 */
import type { PerMessageDeflateOptions } from 'ws';

// Until the reference server negotiates compression itself, a lean setting: 2 KiB windows both ways
// (enough to find the previous message's envelope in the next), a small hash table, context kept
// between messages (what makes small repetitive messages cheap).
export const BENCH_DEFLATE: PerMessageDeflateOptions = {
  serverMaxWindowBits: 11,
  clientMaxWindowBits: 11,
  zlibDeflateOptions: { memLevel: 6, level: 6 },
  threshold: 128,
  concurrencyLimit: 10,
};
