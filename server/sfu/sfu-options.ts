/**
 * Where the SFU listens and what it tells browsers: resolved once at start from the deployment (its
 * media region's `sfuUrl` names the address browsers send media to), the environment and explicit
 * overrides (which win, as everywhere in the server's options).
 */
import { availableParallelism } from 'node:os';
import { isIP } from 'node:net';
import { resolveMediaRegion } from '../../src/media/regions.js';
import { ConfigError } from '../config-error.js';
import { integerFromEnv } from '../env.js';
import { EMBEDDED_SFU_URL, type DeploymentConfig } from '../deployment.js';

export interface SfuOptions {
  /** Media worker processes; default one per core. */
  workers: number;
  /** The address the WebRTC transports listen on. */
  listenIp: string;
  /**
   * The address (IP or host name) put in the transports' ICE candidates: where browsers send media.
   * Default: the host of the media region's `sfuUrl`, else `CCK_SFU_ANNOUNCED_ADDRESS`, else none
   * (the listen address itself).
   */
  announcedAddress: string | undefined;
  /** UDP/TCP ports of the transports; default mediasoup's (10000-59999). */
  portRange: { min: number; max: number } | undefined;
  /** The worker binary; default `MEDIASOUP_WORKER_BIN`, else the one mediasoup's install put in its package. */
  workerBin: string | undefined;
}

export type SfuOverrides = Partial<SfuOptions>;

export function resolveSfuOptions(
  deployment: DeploymentConfig,
  production: boolean,
  overrides: SfuOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
): SfuOptions {
  const workers = overrides.workers ?? integerFromEnv(env, 'CCK_SFU_WORKERS', availableParallelism());
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new ConfigError(`SFU workers must be an integer 1-64, got ${workers}`);
  const regionAddress = sfuHost(resolveMediaRegion(deployment.region, deployment.regions).sfuUrl);
  const announcedAddress = overrides.announcedAddress ?? (regionAddress || env.CCK_SFU_ANNOUNCED_ADDRESS?.trim() || undefined);
  const listenIp = overrides.listenIp ?? (env.CCK_SFU_LISTEN_IP?.trim() || (announcedAddress ? '0.0.0.0' : '127.0.0.1'));
  if (isIP(listenIp) === 0) throw new ConfigError(`CCK_SFU_LISTEN_IP must be an IP address, got ${JSON.stringify(listenIp)}`);
  if (production && !announcedAddress && isLoopback(listenIp)) {
    // Loopback candidates reach nobody but this machine: a production SFU must say where it is.
    throw new ConfigError('SFU mode in production needs the address browsers send media to: an sfuUrl in the media region, CCK_SFU_ANNOUNCED_ADDRESS or CCK_SFU_LISTEN_IP');
  }
  if (announcedAddress === undefined && (listenIp === '0.0.0.0' || listenIp === '::')) {
    throw new ConfigError(`the SFU listens on ${listenIp}: set CCK_SFU_ANNOUNCED_ADDRESS to the address browsers send media to`);
  }
  return {
    workers,
    listenIp,
    announcedAddress,
    portRange: overrides.portRange ?? portRange(env),
    workerBin: overrides.workerBin ?? (env.MEDIASOUP_WORKER_BIN?.trim() || undefined),
  };
}

/** The host of a region's `sfuUrl` (brackets of an IPv6 literal removed); none for the embedded marker. */
function sfuHost(sfuUrl: string | undefined): string {
  if (!sfuUrl || sfuUrl === EMBEDDED_SFU_URL) return '';
  return new URL(sfuUrl).hostname.replace(/^\[(.*)\]$/, '$1');
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}

function portRange(env: NodeJS.ProcessEnv): SfuOptions['portRange'] {
  const raw = env.CCK_SFU_PORTS?.trim();
  if (!raw) return undefined;
  const match = /^(\d+)-(\d+)$/.exec(raw);
  const min = Number(match?.[1]);
  const max = Number(match?.[2]);
  if (!match || min < 1024 || max > 65_535 || min > max) throw new ConfigError(`CCK_SFU_PORTS must look like 40000-49999 (1024-65535), got ${JSON.stringify(raw)}`);
  return { min, max };
}
