/**
 * Ephemeral TURN credentials, the TURN REST scheme coturn implements with `use-auth-secret`:
 * username `<expiry, unix seconds>:<member>`, password base64(HMAC-SHA1(static-auth-secret, username)).
 * coturn checks the HMAC and refuses the username once its expiry has passed; nothing is stored.
 */
import { createHmac } from 'node:crypto';

export interface TurnCredential {
  username: string;
  credential: string;
  /** Unix seconds. */
  expiresAt: number;
}

/** A credential for `member` (who it is shows in coturn's logs) valid for `ttlS` seconds. */
export function turnCredential(secret: string, member: string, ttlS: number, nowS = Math.floor(Date.now() / 1000)): TurnCredential {
  const expiresAt = nowS + ttlS;
  const username = `${expiresAt}:${member}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64'), expiresAt };
}

const isTurnUrl = (url: string) => /^turns?:/i.test(url);

/**
 * The ICE servers a member is given: STUN as configured; TURN servers with `credential`, or left out
 * when there is none (a browser refuses a TURN server without credentials, and there is nothing
 * else it could use it with).
 */
export function withTurnCredential(servers: readonly RTCIceServer[], credential: TurnCredential | null): RTCIceServer[] {
  const result: RTCIceServer[] = [];
  for (const server of servers) {
    const urls = Array.isArray(server.urls) ? server.urls : [server.urls];
    const turn = urls.filter(isTurnUrl);
    const stun = urls.filter((url) => !isTurnUrl(url));
    if (stun.length > 0) result.push({ urls: stun.length === 1 ? stun[0] : stun });
    if (turn.length > 0 && credential) {
      result.push({ urls: turn.length === 1 ? turn[0] : turn, username: credential.username, credential: credential.credential });
    }
  }
  return result;
}
