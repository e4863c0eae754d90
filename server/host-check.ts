/**
 * The `Host` check of development mode. A development server hands out demo tokens to anyone who
 * asks, and it listens on loopback only; but a web page on any site can still reach it through DNS
 * rebinding (its own name resolving to 127.0.0.1). The browser then sends that site's name as
 * `Host`, so answering only requests addressed to a loopback name closes the hole.
 */

/** Addresses only this machine can reach. */
export function isLoopbackAddress(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const lower = bare.toLowerCase();
  return lower === 'localhost' || lower === '::1' || /^127(\.\d{1,3}){3}$/.test(lower) || lower === '::ffff:127.0.0.1';
}

/** The host name (no port, no brackets) of a `Host` header, lowercased; undefined when malformed. */
export function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end === -1) return undefined;
    const rest = value.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    return value.slice(1, end);
  }
  const match = /^([^:\s]+)(?::\d{1,5})?$/.exec(value);
  return match ? match[1] : undefined;
}

/** Whether a development server answers a request with this `Host` header. */
export function isDevelopmentHost(header: string | undefined): boolean {
  const name = hostName(header);
  if (name === undefined) return false;
  return isLoopbackAddress(name) || name.endsWith('.localhost');
}

export const HOST_REFUSAL = {
  status: 403,
  code: 'host-not-allowed',
  message: 'a development server only answers requests addressed to localhost, 127.0.0.1 or [::1]',
} as const;
