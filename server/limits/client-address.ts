/**
 * The address a request comes from, for per-client limits. Behind a proxy every connection comes
 * from the proxy, so `X-Forwarded-For` is read, but only when the direct peer is a proxy listed in
 * `CCK_TRUSTED_PROXIES`: anyone else could write any address there. The client is the right-most
 * address that is not itself a trusted proxy.
 */
import type { IncomingMessage } from 'node:http';

export function clientAddress(request: IncomingMessage, trustedProxies: readonly string[]): string {
  const peer = normalize(request.socket.remoteAddress ?? 'unknown');
  if (trustedProxies.length === 0 || !trustedProxies.includes(peer)) return peer;
  const header = request.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : header ?? '')
    .split(',')
    .map((hop) => normalize(hop.trim()))
    .filter(Boolean);
  for (let index = hops.length - 1; index >= 0; index -= 1) {
    if (!trustedProxies.includes(hops[index])) return hops[index];
  }
  return hops[0] ?? peer;
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client. */
export function normalize(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
