/**
 * `CCK_ALLOWED_ORIGINS`: the web origins (other than the server's own) whose pages may use this
 * server, e.g. `https://desk.example.com,https://shop.example.com`. One parser for every check that
 * needs it: CORS on the HTTP API (server/cors.ts) and the WebSocket `Origin` allow-list of
 * `/signaling` (`isOriginAllowed`, used by server/upgrade-guard.ts).
 * `*` allows every origin (development only: any site could then use a visitor's tokens, so
 * production refuses it, see server/config.ts).
 *
 * Browsers always send `Origin` on WebSocket handshakes, so a page of another site that opens
 * `/signaling` is recognisable; clients that send none (servers, the Node SDK) are not a page
 * riding a user's browser, and they still need a token.
 */
import { ConfigError } from './config-error.js';
import { hostName, isLoopbackAddress } from './host-check.js';
import type { ServerMode } from './config.js';

export interface AllowedOrigins {
  /** The configured origins, normalised (`scheme://host[:port]`, default ports dropped); `['*']` for any. */
  readonly list: readonly string[];
  /** Whether a request's `Origin` header is allowed. No header (not a cross-origin browser request) is not. */
  allows(origin: string | undefined): boolean;
}

/** Parses a comma- or space-separated list of origins. Throws `ConfigError` for anything that is not an origin. */
export function parseAllowedOrigins(value: string | readonly string[] | undefined): AllowedOrigins {
  const items = (typeof value === 'string' ? value.split(/[\s,]+/) : [...(value ?? [])]).map((item) => item.trim()).filter(Boolean);
  if (items.includes('*')) return { list: ['*'], allows: (origin) => origin !== undefined };
  const list = [...new Set(items.map(normaliseOrigin))];
  const allowed = new Set(list);
  return { list, allows: (origin) => origin !== undefined && allowed.has(origin) };
}

function normaliseOrigin(item: string): string {
  let url: URL;
  try {
    url = new URL(item);
  } catch {
    throw new ConfigError(`CCK_ALLOWED_ORIGINS: "${item}" is not an origin (like https://app.example.com)`);
  }
  // `https://*.example.com` parses as a host name; a wildcard other than a lone `*` is refused, not matched literally.
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password && !url.hostname.includes('*');
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !bare) {
    throw new ConfigError(`CCK_ALLOWED_ORIGINS: "${item}" is not an origin (http(s), host and port only)`);
  }
  return url.origin;
}

export interface OriginPolicy {
  mode: ServerMode;
  /** Parsed `CCK_ALLOWED_ORIGINS`. */
  allowedOrigins: AllowedOrigins;
}

/**
 * Whether a browser page of `origin` may use this server, reached as `host` (the request's `Host`):
 * the server's own origin, an allow-listed one, or in development any page on loopback.
 */
export function isOriginAllowed(origin: string | undefined, host: string | undefined, policy: OriginPolicy): boolean {
  if (origin === undefined) return true;
  const normalized = normalizeOrigin(origin);
  if (!normalized) return false;
  if (policy.allowedOrigins.allows(normalized)) return true;
  const url = new URL(normalized);
  if (host !== undefined && url.host === host.trim().toLowerCase()) return true;
  if (policy.mode === 'development') {
    const name = hostName(url.host);
    return name !== undefined && (isLoopbackAddress(name) || name.endsWith('.localhost'));
  }
  return false;
}

export const ORIGIN_REFUSAL = {
  status: 403,
  code: 'origin-not-allowed',
  message: 'pages of this origin may not use this server: add it to CCK_ALLOWED_ORIGINS',
} as const;

/** The normalised origin (`scheme://host[:port]`, default ports dropped) of an http(s) URL, else undefined. */
function normalizeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}
