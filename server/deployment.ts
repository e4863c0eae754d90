/**
 * The deployment's configuration, decided by its admin: which calls are allowed, which
 * visual-engagement provider is configured, which media region relays the calls (with the region
 * map that says which ICE/TURN servers and SFU each region uses) and whether calls are peer-to-peer
 * or carried through the SFU. Served at `GET /api/config` and enforced on the signaling wire
 * (`callRefusal`).
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { CALLING_OPTIONS, type CallingOption } from '../src/engine/calling.js';
import { resolveMediaRegion, type MediaRegion, type MediaRegionMap, type ResolvedMediaRegion } from '../src/media/regions.js';
import type { SignalingMessage } from '../src/signaling/protocol.js';
import { ConfigError } from './config-error.js';
import type { Refusal } from './signaling.js';
import { withTurnCredential, type TurnCredential } from './turn-credentials.js';

export const VISUAL_PROVIDERS = ['cobrowse', 'screen-share'] as const;
export type VisualProvider = (typeof VISUAL_PROVIDERS)[number];

/** `p2p`: browsers send media to each other. `sfu`: through the server's SFU (mediasoup). */
export const MEDIA_MODES = ['p2p', 'sfu'] as const;
export type MediaMode = (typeof MEDIA_MODES)[number];

/**
 * The `sfuUrl` the public configuration gives a region carried by the reference server's own SFU
 * when the region map names none: the session reaches that SFU through the conversation's signaling,
 * so the URL only says that there is one.
 */
export const EMBEDDED_SFU_URL = 'sfu:embedded';

export interface DeploymentConfig {
  /** `video-and-voice`, `voice-only` or `off`. */
  calling: CallingOption;
  /** The configured visual-engagement provider. */
  visualProvider: VisualProvider;
  /** The deployment's region as configured (`na`, `eu`, `apac`, `gcc`, or one of `regions`). */
  region: string;
  /** Regions added to or replacing the SDK's built-in map (`DEFAULT_MEDIA_REGIONS`). */
  regions: MediaRegionMap;
  /** `CCK_MEDIA`; default `sfu` when the media region has an `sfuUrl`, else `p2p`. */
  media: MediaMode;
}

/** What `GET /api/config` answers: enough for a page to configure its engine and elements. */
export interface PublicDeploymentConfig {
  calling: CallingOption;
  visualProvider: VisualProvider;
  /** As configured, e.g. `gcc`. Pass it with `regions` to the engine (`region`, `regions` options). */
  region: string;
  /** The region that relays the media, e.g. `na` for `gcc`. */
  mediaRegion: string;
  /**
   * The region map entries from `region` to `mediaRegion` (aliases, then the servers). In SFU mode
   * the media region has an `sfuUrl` (`EMBEDDED_SFU_URL` for the server's own SFU), which is what
   * makes an engine's default media session an SFU one; in peer-to-peer mode it has none.
   */
  regions: Record<string, MediaRegion | string>;
  /** How calls carry their media. */
  media: MediaMode;
}

const IceServerSchema = v.strictObject({
  urls: v.union([v.pipe(v.string(), v.minLength(1)), v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.minLength(1))]),
  username: v.optional(v.string()),
  credential: v.optional(v.string()),
});
const RegionSchema = v.strictObject({
  label: v.optional(v.string()),
  iceServers: v.array(IceServerSchema),
  sfuUrl: v.optional(v.pipe(v.string(), v.url())),
});

export function resolveDeployment(overrides: Partial<DeploymentConfig> = {}, env: NodeJS.ProcessEnv = process.env): DeploymentConfig {
  const calling = overrides.calling ?? pick(env, 'CCK_CALLING', CALLING_OPTIONS, 'video-and-voice');
  if (!(CALLING_OPTIONS as readonly string[]).includes(calling)) {
    throw new ConfigError(`calling must be one of ${CALLING_OPTIONS.join(', ')}, got ${JSON.stringify(calling)}`);
  }
  const visualProvider = overrides.visualProvider ?? pick(env, 'CCK_VISUAL_PROVIDER', VISUAL_PROVIDERS, 'cobrowse');
  if (!(VISUAL_PROVIDERS as readonly string[]).includes(visualProvider)) {
    throw new ConfigError(`visualProvider must be one of ${VISUAL_PROVIDERS.join(', ')}, got ${JSON.stringify(visualProvider)}`);
  }
  const regions = validateRegions(overrides.regions ?? regionsFromEnv(env.CCK_REGIONS));
  const region = (overrides.region ?? (env.CCK_REGION?.trim() || 'na')).toLowerCase();
  let resolved: ResolvedMediaRegion;
  try {
    resolved = resolveMediaRegion(region, regions);
  } catch (error) {
    throw new ConfigError(`CCK_REGION: ${error instanceof Error ? error.message : String(error)}`);
  }
  const media = overrides.media ?? pick(env, 'CCK_MEDIA', MEDIA_MODES, resolved.sfuUrl === undefined ? 'p2p' : 'sfu');
  if (!(MEDIA_MODES as readonly string[]).includes(media)) {
    throw new ConfigError(`media must be one of ${MEDIA_MODES.join(', ')}, got ${JSON.stringify(media)}`);
  }
  return { calling, visualProvider, region, regions, media };
}

/**
 * What a page is told. TURN servers come with `credential` (ephemeral, for one member) or not at all:
 * static credentials of the region map are served only in development, where production refuses
 * them at start (server/config.ts).
 */
export function publicConfig(deployment: DeploymentConfig, credential: TurnCredential | null = null): PublicDeploymentConfig {
  const resolved = resolveMediaRegion(deployment.region, deployment.regions);
  const sfuUrl = deployment.media === 'sfu' ? (resolved.sfuUrl ?? EMBEDDED_SFU_URL) : undefined;
  const entry: MediaRegion = {
    ...(resolved.label === undefined ? {} : { label: resolved.label }),
    iceServers: credential ? withTurnCredential(resolved.iceServers, credential) : resolved.iceServers.filter((server) => !needsCredential(server)),
    ...(sfuUrl === undefined ? {} : { sfuUrl }),
  };
  const regions: Record<string, MediaRegion | string> = { [resolved.id]: entry };
  if (resolved.requested !== resolved.id) regions[resolved.requested] = resolved.id;
  return {
    calling: deployment.calling,
    visualProvider: deployment.visualProvider,
    region: deployment.region,
    mediaRegion: resolved.id,
    regions,
    media: deployment.media,
  };
}

/**
 * The server's side of "the elements offer only what is allowed": a call the deployment does not
 * allow is refused on the wire, whatever the client offered. Returns null when `message` is fine.
 */
export function callRefusal(calling: CallingOption, message: SignalingMessage): Refusal | null {
  const type = message.type;
  if (type !== 'call-invite' && type !== 'call-accept' && type !== 'call-started') return null;
  if (calling === 'off') {
    return { code: 'calls-disabled', detail: 'calls are turned off in this deployment' };
  }
  if (calling === 'voice-only' && message.payload.video) {
    return { code: 'video-not-allowed', detail: 'this deployment is voice-only: video calls are not allowed' };
  }
  return null;
}

/** A TURN server without credentials of its own: usable only with ephemeral ones. */
function needsCredential(server: RTCIceServer): boolean {
  const urls = Array.isArray(server.urls) ? server.urls : [server.urls];
  return urls.some((url) => /^turns?:/i.test(url)) && (server.username === undefined || server.credential === undefined);
}

function pick<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return raw as T;
}

/** `CCK_REGIONS`: the JSON region map itself, or the path of a JSON file holding it. */
function regionsFromEnv(raw: string | undefined): unknown {
  const value = raw?.trim();
  if (!value) return {};
  let text = value;
  if (!value.startsWith('{')) {
    try {
      text = readFileSync(value, 'utf8');
    } catch (error) {
      throw new ConfigError(`CCK_REGIONS: cannot read ${value}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ConfigError('CCK_REGIONS is not valid JSON');
  }
}

/** A map of region id -> alias (another id) or `{ label?, iceServers, sfuUrl? }`. */
function validateRegions(input: unknown): MediaRegionMap {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ConfigError('region map: must be a JSON object');
  const map: Record<string, MediaRegion | string> = {};
  for (const [id, entry] of Object.entries(input)) {
    if (id.trim() === '' || id.length > 64) throw new ConfigError(`region map: region ids are 1-64 characters, got ${JSON.stringify(id)}`);
    if (typeof entry === 'string' && entry.trim() !== '') {
      map[id.trim().toLowerCase()] = entry.trim().toLowerCase();
      continue;
    }
    const result = v.safeParse(RegionSchema, entry);
    if (!result.success) {
      const issue = result.issues[0];
      const path = v.getDotPath(issue);
      throw new ConfigError(`region map: ${id}${path ? `.${path}` : ''}: ${issue.message} (an alias string or { label?, iceServers, sfuUrl? })`);
    }
    map[id.trim().toLowerCase()] = result.output;
  }
  return map;
}
