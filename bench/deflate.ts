/**
 * The permessage-deflate setting the benchmarks give the compressed baseline relay and the lean ws
 * row of the signaling benchmark: the reference server's own, so every compressed row pays for the
 * same windows and memory.
 */
export { SIGNALING_DEFLATE as BENCH_DEFLATE } from '../server/ws-compression.js';
