/**
 * Media regions: which ICE/TURN servers (and, later, which SFU) a deployment's calls use. A region
 * map names regions (`na`, `eu`, `apac`, ...) and aliases (`gcc` -> `na`: a US government cloud
 * deployment relays its media through North America). The engine resolves its `region` option here
 * unless the host gave `iceServers` itself.
 *
 * The SDK cannot know a deployment's TURN servers, so the built-in regions start with no servers
 * (host candidates only, as without a region). Fill them in once per page with `setMediaRegions`,
 * per engine with the `regions` option, or from the reference server's `GET /api/config`.
 */

/** One region's media servers. */
export interface MediaRegion {
  /** Human-readable name, for logs and admin screens. */
  readonly label?: string;
  /** STUN/TURN servers the peer connections of this region use. */
  readonly iceServers: readonly RTCIceServer[];
  /** The region's SFU, for an SFU media session (not used by peer-to-peer calls). */
  readonly sfuUrl?: string;
}

/**
 * Region id -> its servers, or -> another region id (an alias such as `gcc: 'na'`). Ids are
 * case-insensitive. In `setMediaRegions` and the engine's `regions` option, a region given as an
 * object is merged over the entry it replaces (so `{ na: { iceServers } }` keeps the built-in label).
 */
export type MediaRegionMap = Readonly<Record<string, MediaRegion | string>>;

/** A region after aliases were followed. */
export interface ResolvedMediaRegion extends MediaRegion {
  /** The region actually used (`na` for `gcc`). */
  readonly id: string;
  /** The region that was asked for. */
  readonly requested: string;
}

/** The built-in map. `gcc` (US government community cloud) is served by North America. */
export const DEFAULT_MEDIA_REGIONS: MediaRegionMap = Object.freeze({
  na: Object.freeze({ label: 'North America', iceServers: Object.freeze([]) }),
  eu: Object.freeze({ label: 'Europe', iceServers: Object.freeze([]) }),
  apac: Object.freeze({ label: 'Asia Pacific', iceServers: Object.freeze([]) }),
  gcc: 'na',
});

let pageRegions: MediaRegionMap = DEFAULT_MEDIA_REGIONS;

/**
 * Adds or replaces regions for every engine created afterwards in this page (merged over the
 * built-in map, entry by entry). Pass `null` to go back to the built-in map.
 */
export function setMediaRegions(regions: MediaRegionMap | null): void {
  pageRegions = regions ? Object.freeze(merge(DEFAULT_MEDIA_REGIONS, regions)) : DEFAULT_MEDIA_REGIONS;
}

/** The page's current map: the built-in regions plus what `setMediaRegions` added. */
export function mediaRegions(): MediaRegionMap {
  return pageRegions;
}

export class UnknownRegionError extends Error {
  override name = 'UnknownRegionError';
}

/**
 * Follows aliases from `region` to a region with servers. `overrides` (e.g. the engine's `regions`
 * option) win over the page's map entry by entry. Throws `UnknownRegionError` for a region (or an
 * alias target) that is not in the map, and for alias cycles: a misspelled region must not silently
 * fall back to no relay at all.
 */
export function resolveMediaRegion(region: string, overrides: MediaRegionMap = {}): ResolvedMediaRegion {
  const map = merge(pageRegions, overrides);
  const requested = region.trim().toLowerCase();
  const seen: string[] = [];
  let id = requested;
  for (;;) {
    if (seen.includes(id)) throw new UnknownRegionError(`media region alias cycle: ${[...seen, id].join(' -> ')}`);
    seen.push(id);
    const entry = Object.hasOwn(map, id) ? map[id] : undefined;
    if (entry === undefined) {
      const via = seen.length > 1 ? ` (via ${seen.slice(0, -1).join(' -> ')})` : '';
      throw new UnknownRegionError(`unknown media region "${id}"${via}; known: ${Object.keys(map).join(', ')}`);
    }
    if (typeof entry === 'string') {
      id = entry.trim().toLowerCase();
      continue;
    }
    return Object.freeze({
      ...entry,
      id,
      requested,
      iceServers: entry.iceServers.map((server) => ({ ...server })),
    });
  }
}

/**
 * `extra` over `base`, entry by entry. A region given as an object keeps what it does not say from
 * the entry it replaces (e.g. the built-in label); an alias replaces the entry.
 */
function merge(base: MediaRegionMap, extra: MediaRegionMap): Record<string, MediaRegion | string> {
  const merged: Record<string, MediaRegion | string> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const id = key.trim().toLowerCase();
    const previous = Object.hasOwn(merged, id) ? merged[id] : undefined;
    merged[id] = typeof value === 'object' && typeof previous === 'object' ? { ...previous, ...value } : value;
  }
  return merged;
}
