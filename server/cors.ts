/**
 * CORS for pages on other origins (an agent desk or a shop that embeds the SDK): the REST API and
 * the demo-token endpoint answer the origins in `CCK_ALLOWED_ORIGINS` (preflight included, with the
 * `Authorization` header the API needs); the SDK files under `/dist/` are public code, like a CDN's,
 * and answer every origin (its lazy chunks are module imports, which browsers fetch in CORS mode).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AllowedOrigins } from './origins.js';

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const ALLOWED_HEADERS = 'Authorization, Content-Type';
/** Browsers cache a preflight this long (seconds). */
const PREFLIGHT_MAX_AGE = '600';

export interface CorsOptions {
  allowedOrigins: AllowedOrigins;
  /** Paths whose files any origin may load. */
  publicPrefixes: readonly string[];
}

/**
 * Adds the CORS headers `request` earns. Returns true when it answered the request itself (a
 * preflight), so the route must not run.
 */
export function applyCors(request: IncomingMessage, response: ServerResponse, pathname: string, options: CorsOptions): boolean {
  const origin = request.headers.origin;
  const isPublic = options.publicPrefixes.some((prefix) => pathname.startsWith(prefix));
  const allowed = origin !== undefined && (isPublic || options.allowedOrigins.allows(origin));
  response.setHeader('Vary', 'Origin');
  if (allowed) response.setHeader('Access-Control-Allow-Origin', isPublic ? '*' : origin);
  const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
  if (!preflight) return false;
  if (!allowed) {
    response.writeHead(403, { 'Content-Length': 0 });
    response.end();
    return true;
  }
  response.writeHead(204, {
    'Access-Control-Allow-Methods': isPublic ? 'GET, HEAD' : ALLOWED_METHODS,
    'Access-Control-Allow-Headers': ALLOWED_HEADERS,
    'Access-Control-Max-Age': PREFLIGHT_MAX_AGE,
    'Content-Length': 0,
  });
  response.end();
  return true;
}
