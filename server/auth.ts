/**
 * Tokens: HS256 JWTs signed with the server's secret. Two kinds, told apart by the `cid` claim:
 * - conversation tokens (`role` agent | customer | supervisor, `cid`, `sub`, `iat`, `exp`, optional
 *   `ver`) say who may join which conversation in which role; `sub` is the member identity, the key
 *   for resuming a dropped connection; `ver` is the conversation's token version when it was issued
 *   (routed conversations: reassigning or ending one bumps it, which revokes every older token).
 *   Supervisor ones come only from `POST /api/conversations/:id/monitor` (a supervisor's API token);
 *   nothing else issues them;
 * - API tokens (`role` agent | customer | supervisor, `sub`, `iat`, `exp`, no `cid`) authenticate the
 *   REST API (`Authorization: Bearer`): an agent's `sub` is its agent id, a customer's its customer id.
 * Every token needs `iat`, and no token lives longer than the policy's maximum (`exp - iat`), so a
 * token "valid until the year 33658" is refused. The host's backend issues them; the demo endpoint
 * is only a development convenience.
 */
import { SignJWT, errors, jwtVerify } from 'jose';
import * as v from 'valibot';
import { PARTICIPANT_ROLES, type ParticipantRole } from '../src/signaling/protocol.js';

export interface TokenRequest {
  role: ParticipantRole;
  conversationId: string;
  /** Member identity; defaults to a random id, so only holders of this very token can resume. */
  subject?: string;
  /** Seconds from now (may be negative, for tests) or a jose time span such as `'2h'`. Default 15 minutes. */
  expiresIn?: number | string;
  /** The conversation's token version (see `TokenVersions`); omitted for conversations the server does not route. */
  version?: number;
}

export interface TokenClaims {
  role: ParticipantRole;
  conversationId: string;
  subject: string;
  /** Issued at, seconds since the epoch. */
  issuedAt: number;
  /** Expiry, seconds since the epoch. */
  expiresAt: number;
  /** The conversation's token version it was issued under, if any. */
  version?: number;
}

export type VerifyResult =
  | { ok: true; claims: TokenClaims }
  | { ok: false; code: 'token-invalid' | 'token-expired'; detail: string };

/** How long tokens may live (`exp - iat`), in seconds. */
export interface TokenLifetimes {
  /** Conversation tokens: short, they are re-issued for every join by the host or the API. */
  maxConversationTokenS: number;
  /** API tokens: an agent's or supervisor's working session. */
  maxApiTokenS: number;
}

export const DEFAULT_TOKEN_LIFETIMES: Readonly<TokenLifetimes> = Object.freeze({ maxConversationTokenS: 3_600, maxApiTokenS: 12 * 3_600 });

/** What the server's own API and demo endpoint give conversation tokens: 15 minutes. */
export const CONVERSATION_TOKEN_TTL_S = 15 * 60;

const ALGORITHM = 'HS256';
const MAX_TOKEN_LENGTH = 4_096;
/** Clocks of the issuing backend and this server may disagree by this much about `iat`. */
const CLOCK_TOLERANCE_S = 60;

const TimeClaims = {
  iat: v.pipe(v.number(), v.integer()),
  exp: v.pipe(v.number(), v.integer()),
};

const Claims = v.object({
  role: v.picklist(PARTICIPANT_ROLES),
  cid: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  sub: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  ver: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  ...TimeClaims,
});

const key = (secret: string) => new TextEncoder().encode(secret);

export async function issueToken(request: TokenRequest, secret: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = request.expiresIn ?? CONVERSATION_TOKEN_TTL_S;
  return new SignJWT({ role: request.role, cid: request.conversationId, ...(request.version === undefined ? {} : { ver: request.version }) })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(request.subject ?? globalThis.crypto.randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(typeof expiresIn === 'number' ? now + expiresIn : expiresIn)
    .sign(key(secret));
}

/** Never throws: every failure is reported as `token-expired` or `token-invalid`. */
export async function verifyToken(token: string, secret: string, lifetimes: TokenLifetimes = DEFAULT_TOKEN_LIFETIMES): Promise<VerifyResult> {
  const verified = await verifyJwt(token, secret);
  if (!verified.ok) return verified;
  const claims = v.safeParse(Claims, verified.payload);
  if (!claims.success) return { ok: false, code: 'token-invalid', detail: 'the token lacks the role/cid/sub/iat/exp claims' };
  const { role, cid, sub, iat, exp, ver } = claims.output;
  const lifetime = lifetimeRefusal(iat, exp, lifetimes.maxConversationTokenS);
  if (lifetime) return lifetime;
  return { ok: true, claims: { role, conversationId: cid, subject: sub, issuedAt: iat, expiresAt: exp, ...(ver === undefined ? {} : { version: ver }) } };
}

/** Signature, algorithm and expiry; the claims are the caller's to check. */
async function verifyJwt(token: string, secret: string): Promise<{ ok: true; payload: unknown } | { ok: false; code: 'token-invalid' | 'token-expired'; detail: string }> {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, code: 'token-invalid', detail: 'the token is too long' };
  try {
    const { payload } = await jwtVerify(token, key(secret), { algorithms: [ALGORITHM], requiredClaims: ['exp', 'iat', 'sub'] });
    return { ok: true, payload };
  } catch (error) {
    // jose checks the signature before the claims, so a forged token that is also expired is `token-invalid`.
    if (error instanceof errors.JWTExpired) return { ok: false, code: 'token-expired', detail: 'the token has expired' };
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'iat') {
      return { ok: false, code: 'token-invalid', detail: 'the token lacks iat or was issued in the future' };
    }
    return { ok: false, code: 'token-invalid', detail: 'the token is malformed or its signature does not verify' };
  }
}

/** Refuses tokens issued in the future or meant to live longer than `maxS`. */
function lifetimeRefusal(iat: number, exp: number, maxS: number): { ok: false; code: 'token-invalid'; detail: string } | null {
  const now = Math.floor(Date.now() / 1000);
  if (iat > now + CLOCK_TOLERANCE_S) return { ok: false, code: 'token-invalid', detail: 'the token was issued in the future' };
  if (exp - iat > maxS) return { ok: false, code: 'token-invalid', detail: `the token lives longer than the ${maxS} s this server accepts` };
  return null;
}

/** Who may call the REST API. */
export type ApiRole = 'agent' | 'customer' | 'supervisor';
export const API_ROLES: readonly ApiRole[] = ['agent', 'customer', 'supervisor'];

export interface ApiTokenRequest {
  role: ApiRole;
  /** The agent id, customer id or supervisor id. */
  subject: string;
  expiresIn?: number | string;
}

export interface ApiClaims {
  role: ApiRole;
  subject: string;
  /** Set for a conversation token: it may only act on that conversation. */
  conversationId?: string;
  /** A conversation token's version (see `TokenClaims.version`). */
  version?: number;
  expiresAt: number;
}

export type ApiVerifyResult =
  | { ok: true; claims: ApiClaims }
  | { ok: false; code: 'token-invalid' | 'token-expired'; detail: string };

const ApiClaimsSchema = v.object({
  role: v.picklist(API_ROLES),
  cid: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(128))),
  sub: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  ver: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  ...TimeClaims,
});

export async function issueApiToken(request: ApiTokenRequest, secret: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = request.expiresIn ?? 3_600;
  return new SignJWT({ role: request.role })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(request.subject)
    .setIssuedAt(now)
    .setExpirationTime(typeof expiresIn === 'number' ? now + expiresIn : expiresIn)
    .sign(key(secret));
}

/**
 * Verifies a token presented to the REST API: an API token, or a conversation token (which then
 * carries `conversationId` and only opens that conversation's endpoints). Never throws.
 */
export async function verifyApiToken(token: string, secret: string, lifetimes: TokenLifetimes = DEFAULT_TOKEN_LIFETIMES): Promise<ApiVerifyResult> {
  const verified = await verifyJwt(token, secret);
  if (!verified.ok) return verified;
  const claims = v.safeParse(ApiClaimsSchema, verified.payload);
  if (!claims.success) return { ok: false, code: 'token-invalid', detail: 'the token lacks the role/sub/iat/exp claims' };
  const { role, cid, sub, iat, exp, ver } = claims.output;
  if (role === 'supervisor' && cid !== undefined) {
    return { ok: false, code: 'token-invalid', detail: 'supervisor tokens are not for a conversation' };
  }
  const lifetime = lifetimeRefusal(iat, exp, cid === undefined ? lifetimes.maxApiTokenS : lifetimes.maxConversationTokenS);
  if (lifetime) return lifetime;
  return {
    ok: true,
    claims: { role, subject: sub, expiresAt: exp, ...(cid === undefined ? {} : { conversationId: cid }), ...(ver === undefined ? {} : { version: ver }) },
  };
}
