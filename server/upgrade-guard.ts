/**
 * Who may open a `/signaling` WebSocket, decided before the handshake completes: in development only
 * requests addressed to loopback (`Host`), pages of an allowed `Origin`, and no more connections than
 * the caps allow. A refusal is an HTTP answer with a JSON `{ error, message }`, like the REST API's.
 */
import type { IncomingMessage } from 'node:http';
import type { ServerMode } from './config.js';
import { HOST_REFUSAL, isDevelopmentHost } from './host-check.js';
import { clientAddress } from './limits/client-address.js';
import { ConnectionCaps } from './limits/connection-caps.js';
import { ORIGIN_REFUSAL, isOriginAllowed, type AllowedOrigins } from './origins.js';

export type UpgradeDecision = { ok: true; release(): void } | { ok: false; status: number; code: string; message: string };

export interface UpgradeGuardOptions {
  mode: ServerMode;
  allowedOrigins: AllowedOrigins;
  trustedProxies: readonly string[];
  maxConnections: number;
  maxConnectionsPerAddress: number;
}

export interface UpgradeGuard {
  admit(request: IncomingMessage): UpgradeDecision;
  readonly caps: ConnectionCaps;
}

export function createUpgradeGuard(options: UpgradeGuardOptions): UpgradeGuard {
  const caps = new ConnectionCaps({ maxTotal: options.maxConnections, maxPerAddress: options.maxConnectionsPerAddress });
  return {
    caps,
    admit(request) {
      if (options.mode === 'development' && !isDevelopmentHost(request.headers.host)) return { ok: false, ...HOST_REFUSAL };
      if (!isOriginAllowed(request.headers.origin, request.headers.host, options)) return { ok: false, ...ORIGIN_REFUSAL };
      const admission = caps.acquire(clientAddress(request, options.trustedProxies));
      if (!admission.ok) return { ok: false, status: admission.code === 'server-full' ? 503 : 429, code: admission.code, message: admission.message };
      return admission;
    },
  };
}

/** The HTTP answer to a refused upgrade, written on the raw socket. */
export function refusalResponse(status: number, code: string, message: string): string {
  const body = JSON.stringify({ error: code, message });
  const reason = { 403: 'Forbidden', 429: 'Too Many Requests', 503: 'Service Unavailable' }[status] ?? 'Refused';
  return (
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n${status === 429 ? 'Retry-After: 10\r\n' : ''}\r\n${body}`
  );
}
