/**
 * `CCK_ALLOWED_ORIGINS`: the web origins (other than the server's own) whose pages may use this
 * server, e.g. `https://desk.example.com,https://shop.example.com`. One parser for every check that
 * needs it: CORS on the HTTP API (server/cors.ts) and the WebSocket `Origin` allow-list.
 * `*` allows every origin (development only: any site could then use a visitor's tokens).
 */
import { ConfigError } from './config-error.js';

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
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !bare) {
    throw new ConfigError(`CCK_ALLOWED_ORIGINS: "${item}" is not an origin (http(s), host and port only)`);
  }
  return url.origin;
}
