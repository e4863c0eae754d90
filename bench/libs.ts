/**
 * Browser builds of the peers, made at bench time with esbuild into a temp dir: each is one minified
 * ES module (the same way for every library, so bundle sizes compare), served at /bench-lib/ to the
 * bench pages. Node-isms some of them need (Buffer, process, global) are shimmed by `node-shims.js`.
 */
import { build } from 'esbuild';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** name -> ES module source of the entry (resolved from the project's node_modules). */
export const LIBRARIES: Record<string, string> = {
  'simple-peer': `export { default } from 'simple-peer';`,
  peerjs: `export { Peer } from 'peerjs';`,
  'livekit-client': `export * from 'livekit-client';`,
  'rrweb-record': `export { record } from 'rrweb';`,
  rrweb: `export { record, Replayer } from 'rrweb';`,
};

const SHIMS = `
import { Buffer } from 'buffer';
export const process = globalThis.process ?? { env: {}, browser: true, version: '', versions: {}, nextTick: (fn, ...args) => queueMicrotask(() => fn(...args)) };
export { Buffer };
export const global = globalThis;
`;

export interface BuiltLibraries {
  dir: string;
  files: Record<string, string>;
}

export async function buildLibraries(names = Object.keys(LIBRARIES)): Promise<BuiltLibraries> {
  const dir = mkdtempSync(join(tmpdir(), 'cck-bench-lib-'));
  const shims = join(dir, 'node-shims.js');
  writeFileSync(shims, SHIMS);
  const files: Record<string, string> = {};
  for (const name of names) {
    const outfile = join(dir, `${name}.js`);
    await build({
      stdin: { contents: LIBRARIES[name]!, resolveDir: root, loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      minify: true,
      legalComments: 'none',
      define: { 'process.env.NODE_ENV': '"production"' },
      inject: name === 'simple-peer' ? [shims] : [],
      outfile,
      nodePaths: [join(root, 'node_modules')],
      logLevel: 'error',
    });
    files[name] = outfile;
  }
  return { dir, files };
}
