/**
 * rrweb, loaded on demand. Co-browse sessions call `loadRrweb()` while they are being created or
 * joined (already asynchronous steps); recorder and mirror then use `rrweb()` synchronously.
 */
import type * as Rrweb from 'rrweb';
import { importRrweb } from './rrweb-import.js';

export type RrwebModule = typeof Rrweb;

let loaded: RrwebModule | undefined;
let loading: Promise<RrwebModule> | undefined;

export function loadRrweb(): Promise<RrwebModule> {
  loading ??= importRrweb().then(
    (module) => (loaded = module),
    (error: unknown) => {
      loading = undefined; // a failed fetch may succeed on the next session
      throw error;
    },
  );
  return loading;
}

export function rrweb(): RrwebModule {
  if (!loaded) throw new Error('rrweb is not loaded: await loadRrweb() first');
  return loaded;
}
