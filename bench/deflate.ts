/**
 * The permessage-deflate setting the benchmarks give the compressed baseline relay: the same one the
 * reference server negotiates, so both compressed rows pay for the same window and memory.
 */
import type { PerMessageDeflateOptions } from 'ws';

// Until the reference server negotiates compression itself, a lean setting: 8 KiB windows both ways,
// a small hash table, context kept between messages (what makes small repetitive messages cheap).
export const BENCH_DEFLATE: PerMessageDeflateOptions = {
  serverMaxWindowBits: 13,
  clientMaxWindowBits: 13,
  zlibDeflateOptions: { memLevel: 7, level: 6 },
  threshold: 256,
};
