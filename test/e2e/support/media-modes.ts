/**
 * The media modes the call suites run in: `p2p` (browsers send media to each other) and `sfu` (the
 * reference server in SFU mode with the real mediasoup worker; pages configured from
 * `GET /api/config`, so their engines pick the SFU session themselves). `CCK_E2E_MEDIA=p2p,sfu`
 * (the default) picks them; the SFU mode skips with the reason where mediasoup cannot run, and fails
 * instead in CI (see test/support/sfu.ts).
 */
import type { ServerOverrides } from '../../../server/config.js';
import type { MediaServerOverrides } from '../../../server/server.js';
import { sfuUnavailableReason } from '../../support/sfu.js';

export type MediaMode = 'p2p' | 'sfu';
const KNOWN: readonly MediaMode[] = ['p2p', 'sfu'];

export const MEDIA_MODES: readonly MediaMode[] = (process.env.CCK_E2E_MEDIA ?? 'p2p,sfu').split(',').map((entry) => {
  const mode = entry.trim() as MediaMode;
  if (!KNOWN.includes(mode)) throw new Error(`CCK_E2E_MEDIA: "${entry}" is not one of ${KNOWN.join(', ')}`);
  return mode;
});

/** Why `mode` cannot run here (undefined when it can). */
export async function mediaModeUnavailable(mode: MediaMode): Promise<string | undefined> {
  return mode === 'sfu' ? sfuUnavailableReason() : undefined;
}

/** The server options of a mode (one SFU worker is plenty for two pages). */
export function serverOptionsFor(mode: MediaMode): Pick<ServerOverrides, 'deployment'> & MediaServerOverrides {
  return mode === 'sfu' ? { deployment: { media: 'sfu' }, sfu: { workers: 1 } } : {};
}

/** What the pages' engines are configured with: in SFU mode as a host would, from `GET /api/config`. */
export function joinOptionsFor(mode: MediaMode): Record<string, unknown> {
  return mode === 'sfu' ? { fromServerConfig: true } : {};
}
