/**
 * Benchmark 2: minified and gzipped (zlib level 9) bytes of chat-call-kit's script-tag core and its
 * lazily loaded chunks, next to peers built the same way (esbuild, one minified ES module each).
 */
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { BuiltLibraries } from './libs.js';

const dist = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));

export interface BundleRow {
  name: string;
  kind: 'core' | 'lazy chunk' | 'peer';
  file?: string;
  minBytes?: number;
  gzipBytes?: number;
  note?: string;
}

function measure(path: string): { minBytes: number; gzipBytes: number } {
  const bytes = readFileSync(path);
  return { minBytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}

export const CORE_TARGET_GZIP_BYTES = 35 * 1024;

export function benchBundleSize(libs: BuiltLibraries): { rows: BundleRow[]; coreTargetGzipBytes: number; coreWithinTarget: boolean } {
  const rows: BundleRow[] = [
    { name: 'chat-call-kit core (script tag)', kind: 'core', file: 'dist/chat-call-kit.min.js', ...measure(dist('chat-call-kit.min.js')) },
    { name: 'chat-call-kit providers chunk', kind: 'lazy chunk', file: 'dist/chat-call-kit-providers.js', ...measure(dist('chat-call-kit-providers.js')) },
    { name: 'chat-call-kit co-browse chunk (rrweb)', kind: 'lazy chunk', file: 'dist/chat-call-kit-rrweb.js', ...measure(dist('chat-call-kit-rrweb.js')) },
  ];
  if (existsSync(dist('chat-call-kit-sfu.js'))) {
    rows.push({ name: 'chat-call-kit SFU chunk (mediasoup-client)', kind: 'lazy chunk', file: 'dist/chat-call-kit-sfu.js', ...measure(dist('chat-call-kit-sfu.js')), note: 'fetched on the first call through an SFU' });
  }
  const peers: Array<[string, string]> = [
    ['livekit-client', 'livekit-client'],
    ['peerjs', 'peerjs'],
    ['simple-peer (+ Buffer/process shims)', 'simple-peer'],
    ['rrweb record', 'rrweb-record'],
  ];
  for (const [name, key] of peers) {
    const file = libs.files[key];
    rows.push(file ? { name, kind: 'peer', ...measure(file) } : { name, kind: 'peer', note: 'not built' });
  }
  const core = rows[0]!;
  return { rows, coreTargetGzipBytes: CORE_TARGET_GZIP_BYTES, coreWithinTarget: (core.gzipBytes ?? Infinity) < CORE_TARGET_GZIP_BYTES };
}
