/**
 * Tokens: HS256 JWTs signed with the server's secret. Two kinds, told apart by the `cid` claim:
 * - conversation tokens (`role` agent | customer | supervisor, `cid`, `sub`, `exp`) say who may join
 *   which conversation in which role; `sub` is the member identity, the key for resuming a dropped
 *   connection. Supervisor ones come only from `POST /api/conversations/:id/monitor` (a supervisor's
 *   API token); nothing else issues them;
 * - API tokens (`role` agent | customer | supervisor, `sub`, `exp`, no `cid`) authenticate the REST
 *   API (`Authorization: Bearer`): an agent's `sub` is its agent id, a customer's its customer id.
 * The host's backend issues them; the demo endpoint is only a development convenience.
 */
import { SignJWT, errors, jwtVerify } from 'jose';
import * as v from 'valibot';
import { PARTICIPANT_ROLES, type ParticipantRole } from '../src/signaling/protocol.js';

export interface TokenRequest {
  role: ParticipantRole;
  conversationId: string;
  /** Member identity; defaults to a random id, so only holders of this very token can resume. */
  subject?: string;
  /** Seconds from now (may be negative, for tests) or a jose time span such as `'2h'`. Default one hour. */
  expiresIn?: number | string;
}

export interface TokenClaims {
  role: ParticipantRole;
  conversationId: string;
  subject: string;
  /** Expiry, seconds since the epoch. */
  expiresAt: number;
}

export type VerifyResult =
  | { ok: true; claims: TokenClaims }
  | { ok: false; code: 'token-invalid' | 'token-expired'; detail: string };

const ALGORITHM = 'HS256';
const MAX_TOKEN_LENGTH = 4_096;

const Claims = v.object({
  role: v.picklist(PARTICIPANT_ROLES),
  cid: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  sub: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  exp: v.number(),
});

const key = (secret: string) => new TextEncoder().encode(secret);

export async function issueToken(request: TokenRequest, secret: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = request.expiresIn ?? 3_600;
  return new SignJWT({ role: request.role, cid: request.conversationId })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(request.subject ?? globalThis.crypto.randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(typeof expiresIn === 'number' ? now + expiresIn : expiresIn)
    .sign(key(secret));
}

/** Never throws: every failure is reported as `token-expired` or `token-invalid`. */
export async function verifyToken(token: string, secret: string): Promise<VerifyResult> {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, code: 'token-invalid', detail: 'the token is too long' };
  try {
    const { payload } = await jwtVerify(token, key(secret), { algorithms: [ALGORITHM], requiredClaims: ['exp', 'sub'] });
    const claims = v.safeParse(Claims, payload);
    if (!claims.success) return { ok: false, code: 'token-invalid', detail: 'the token lacks the role/cid/sub/exp claims' };
    const { role, cid, sub, exp } = claims.output;
    return { ok: true, claims: { role, conversationId: cid, subject: sub, expiresAt: exp } };
  } catch (error) {
    // jose checks the signature before the claims, so a forged token that is also expired is `token-invalid`.
    if (error instanceof errors.JWTExpired) return { ok: false, code: 'token-expired', detail: 'the token has expired' };
    return { ok: false, code: 'token-invalid', detail: 'the token is malformed or its signature does not verify' };
  }
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
  expiresAt: number;
}

export type ApiVerifyResult =
  | { ok: true; claims: ApiClaims }
  | { ok: false; code: 'token-invalid' | 'token-expired'; detail: string };

const ApiClaimsSchema = v.object({
  role: v.picklist(API_ROLES),
  cid: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(128))),
  sub: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  exp: v.number(),
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
export async function verifyApiToken(token: string, secret: string): Promise<ApiVerifyResult> {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, code: 'token-invalid', detail: 'the token is too long' };
  try {
    const { payload } = await jwtVerify(token, key(secret), { algorithms: [ALGORITHM], requiredClaims: ['exp', 'sub'] });
    const claims = v.safeParse(ApiClaimsSchema, payload);
    if (!claims.success) return { ok: false, code: 'token-invalid', detail: 'the token lacks the role/sub/exp claims' };
    const { role, cid, sub, exp } = claims.output;
    if (role === 'supervisor' && cid !== undefined) {
      return { ok: false, code: 'token-invalid', detail: 'supervisor tokens are not for a conversation' };
    }
    return { ok: true, claims: { role, subject: sub, expiresAt: exp, ...(cid === undefined ? {} : { conversationId: cid }) } };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, code: 'token-expired', detail: 'the token has expired' };
    return { ok: false, code: 'token-invalid', detail: 'the token is malformed or its signature does not verify' };
  }
}
