/**
 * permessage-deflate for the signaling WebSocket. Co-browse sends many small, repetitive messages
 * (the same envelope around a few events), which deflate with a kept context shrinks several times.
 * ws's defaults cost about 270 KiB per socket (a 32 KiB window and a 128 KiB hash table for each
 * direction's zlib stream); this setting keeps small windows both ways: `npm run bench` (signaling)
 * measures what it costs per socket, co-browse measures what it saves on the wire.
 */
import type { PerMessageDeflateOptions } from 'ws';

export const SIGNALING_DEFLATE: PerMessageDeflateOptions = {
  // 2 KiB windows: enough to find the previous message's envelope in the next one.
  serverMaxWindowBits: 11,
  clientMaxWindowBits: 11,
  zlibDeflateOptions: { memLevel: 6, level: 6 },
  // Below this a message goes uncompressed (server to client; browsers compress what they send).
  threshold: 128,
  concurrencyLimit: 10,
};
