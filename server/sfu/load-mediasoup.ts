/**
 * Loads the optional `mediasoup` package only when SFU mode asks for it, so the peer-to-peer server
 * starts where mediasoup cannot be installed (Node 20, or no worker binary). Each way it can be
 * missing gets its own message saying how to fix it.
 */
import { accessSync, constants } from 'node:fs';
import type * as Mediasoup from 'mediasoup';
import { ConfigError } from '../config-error.js';

export type MediasoupModule = typeof Mediasoup;

/** Where the README explains SFU mode, machines without internet access included. */
const HELP = 'see "SFU mode" in the README';

export class SfuUnavailableError extends ConfigError {
  override name = 'SfuUnavailableError';
}

export async function loadMediasoup(): Promise<MediasoupModule> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    throw new SfuUnavailableError(`SFU mode needs Node 22 or newer (mediasoup requires it); this is Node ${process.versions.node} (${HELP})`);
  }
  let mediasoup: MediasoupModule;
  try {
    mediasoup = await import('mediasoup');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new SfuUnavailableError(`SFU mode needs the optional mediasoup package, which is not installed: run npm install with Node 22 (${HELP})`, { cause: error });
    }
    throw error;
  }
  return mediasoup;
}

/** Fails with a clear message when the worker binary mediasoup would spawn is not there. */
export function checkWorkerBinary(path: string): void {
  try {
    accessSync(path, constants.X_OK);
  } catch (error) {
    const from = process.env.MEDIASOUP_WORKER_BIN ? 'MEDIASOUP_WORKER_BIN' : "mediasoup's install";
    throw new SfuUnavailableError(
      `the mediasoup worker binary ${path} (from ${from}) is missing or not executable: with internet access, npm install ` +
        `downloads it; without, build it with build-worker.sh and set MEDIASOUP_WORKER_BIN to its path (${HELP})`,
      { cause: error },
    );
  }
}
