/**
 * Join tokens: what verifies, what does not, and how the signaling endpoint answers a join with a
 * bad token (an error reply; the connection stays open and can still join with a good token).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import { issueApiToken, issueToken, verifyApiToken, verifyToken } from '../../server/auth.js';
import { startServer } from '../../server/server.js';
import type { RunningServer } from '../../server/server.js';
import { SUITE_TIMEOUT_MS, TestClient, freshConversation, joinFrame, relayed } from './helpers.js';

const SECRET = 'test-secret-that-is-long-enough-for-hs256!!';

describe('issueToken / verifyToken', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('round-trips role, conversation, subject and expiry', async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await issueToken({ role: 'agent', conversationId: 'c-1', subject: 'alice', expiresIn: 60 }, SECRET);
    const result = await verifyToken(token, SECRET);
    assert.ok(result.ok, 'the token verifies');
    assert.deepEqual({ ...result.claims, expiresAt: undefined, issuedAt: undefined }, { role: 'agent', conversationId: 'c-1', subject: 'alice', expiresAt: undefined, issuedAt: undefined });
    assert.ok(result.claims.issuedAt >= before && result.claims.issuedAt <= before + 1, 'iat is now');
    assert.ok(result.claims.expiresAt >= before + 60 && result.claims.expiresAt <= before + 61, 'exp is 60 s from now');
  });

  it('gives each token a random subject unless one is given', async () => {
    const a = await verifyToken(await issueToken({ role: 'customer', conversationId: 'c' }, SECRET), SECRET);
    const b = await verifyToken(await issueToken({ role: 'customer', conversationId: 'c' }, SECRET), SECRET);
    assert.ok(a.ok && b.ok, 'both tokens verify');
    assert.notEqual(a.claims.subject, b.claims.subject);
  });

  it('reports an expired token as token-expired', async () => {
    const token = await issueToken({ role: 'agent', conversationId: 'c', expiresIn: -60 }, SECRET);
    assert.deepEqual(await verifyToken(token, SECRET).then((r) => !r.ok && r.code), 'token-expired');
  });

  it('reports a token signed with another secret as token-invalid, even when it is also expired', async () => {
    const forged = await issueToken({ role: 'agent', conversationId: 'c' }, 'some-other-secret-of-sufficient-length');
    const forgedExpired = await issueToken({ role: 'agent', conversationId: 'c', expiresIn: -60 }, 'another-secret-entirely-0123456789');
    for (const token of [forged, forgedExpired]) {
      const result = await verifyToken(token, SECRET);
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.code, 'token-invalid');
    }
  });

  it('reports garbage, unsigned (alg none) and claim-less tokens as token-invalid', async () => {
    const unsigned = new UnsecuredJWT({ role: 'agent', cid: 'c' }).setSubject('x').setExpirationTime('1h').encode();
    const noRole = await new SignJWT({ cid: 'c' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    const noExpiry = await new SignJWT({ role: 'agent', cid: 'c' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .sign(new TextEncoder().encode(SECRET));
    for (const token of ['garbage', '', 'a.b.c', unsigned, noRole, noExpiry, 'x'.repeat(10_000)]) {
      const result = await verifyToken(token, SECRET);
      assert.equal(!result.ok && result.code, 'token-invalid', `expected token-invalid for ${token.slice(0, 40)}`);
    }
  });
});

const nowS = () => Math.floor(Date.now() / 1000);
/** A token with exactly these claims, signed with the server's secret. */
const signed = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));

describe('token lifetimes (iat required, a maximum lifetime)', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('accepts conversation tokens up to an hour and API tokens up to 12 hours, by default', async () => {
    assert.ok((await verifyToken(await issueToken({ role: 'agent', conversationId: 'c', expiresIn: 3_600 }, SECRET), SECRET)).ok);
    const tooLong = await verifyToken(await issueToken({ role: 'agent', conversationId: 'c', expiresIn: 3_601 }, SECRET), SECRET);
    assert.deepEqual([tooLong.ok, !tooLong.ok && tooLong.code], [false, 'token-invalid']);
    assert.match(!tooLong.ok ? tooLong.detail : '', /lives longer than the 3600 s/);
    assert.ok((await verifyApiToken(await issueApiToken({ role: 'supervisor', subject: 's', expiresIn: 12 * 3_600 }, SECRET), SECRET)).ok);
    assert.equal((await verifyApiToken(await issueApiToken({ role: 'supervisor', subject: 's', expiresIn: 12 * 3_600 + 1 }, SECRET), SECRET)).ok, false);
    const conversationAsApi = await issueToken({ role: 'agent', conversationId: 'c', expiresIn: 2 * 3_600 }, SECRET);
    assert.equal((await verifyApiToken(conversationAsApi, SECRET)).ok, false, 'a conversation token gets the conversation maximum on the API too');
  });

  it('takes the maximum from the policy', async () => {
    const day = await issueApiToken({ role: 'agent', subject: 'a', expiresIn: 24 * 3_600 }, SECRET);
    assert.ok((await verifyApiToken(day, SECRET, { maxConversationTokenS: 60, maxApiTokenS: 24 * 3_600 })).ok);
    const minute = await issueToken({ role: 'agent', conversationId: 'c', expiresIn: 120 }, SECRET);
    assert.equal((await verifyToken(minute, SECRET, { maxConversationTokenS: 60, maxApiTokenS: 60 })).ok, false);
  });

  it('refuses tokens without iat, or issued in the future, on both kinds', async () => {
    for (const claims of [
      { role: 'supervisor', sub: 's', exp: nowS() + 60 },
      { role: 'supervisor', sub: 's', iat: nowS() + 600, exp: nowS() + 700 },
    ]) {
      assert.equal((await verifyApiToken(await signed(claims), SECRET)).ok, false, JSON.stringify(claims));
    }
  });
});

describe('join: token checks on the signaling endpoint', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer({ port: 0, host: '127.0.0.1', signingSecret: SECRET, heartbeatIntervalMs: 0 });
  });

  after(() => server.close());

  const refusals: Array<{ name: string; code: string; token: (conversationId: string) => Promise<string> }> = [
    {
      name: 'a token for another conversation',
      code: 'forbidden',
      token: () => issueToken({ role: 'agent', conversationId: 'another-conversation' }, SECRET),
    },
    {
      name: 'a token for the other role',
      code: 'forbidden',
      token: (conversationId) => issueToken({ role: 'customer', conversationId }, SECRET),
    },
    {
      name: 'an expired token',
      code: 'token-expired',
      token: (conversationId) => issueToken({ role: 'agent', conversationId, expiresIn: -5 }, SECRET),
    },
    {
      name: 'a token with a forged signature',
      code: 'token-invalid',
      token: (conversationId) => issueToken({ role: 'agent', conversationId }, 'not-the-server-secret-not-the-server-secret'),
    },
    { name: 'a garbage token', code: 'token-invalid', token: async () => 'not.a.jwt' },
    // issue #10, row 18: a year-33658 expiry, no iat, an iat in the future.
    {
      name: 'a token that expires in the year 33658',
      code: 'token-invalid',
      token: (conversationId) => issueToken({ role: 'agent', conversationId, expiresIn: 1_000_000_000_000 - Math.floor(Date.now() / 1000) }, SECRET),
    },
    { name: 'a token without iat', code: 'token-invalid', token: (conversationId) => signed({ role: 'agent', cid: conversationId, sub: 'x', exp: nowS() + 60 }) },
    {
      name: 'a token issued in the future',
      code: 'token-invalid',
      token: (conversationId) => signed({ role: 'agent', cid: conversationId, sub: 'x', iat: nowS() + 3_600, exp: nowS() + 3_700 }),
    },
  ];

  for (const refusal of refusals) {
    it(`refuses a join as agent with ${refusal.name} (${refusal.code}) and keeps the connection joinable`, async () => {
      const conversationId = freshConversation('auth');
      const client = await TestClient.open(server.signalingUrl);
      const bad = joinFrame(conversationId, 'agent', await refusal.token(conversationId));
      client.send(bad);
      await client.expectError(refusal.code, { replyTo: bad.id! });

      // Not joined: relaying is still refused...
      client.send(relayed('call-end', { callId: 'c', reason: 'hangup' }, 1));
      await client.expectError('not-joined', { seq: 1 });
      // ...and a good token still works on the same connection.
      client.send(joinFrame(conversationId, 'agent', await issueToken({ role: 'agent', conversationId }, SECRET)));
      assert.equal((await client.expect('joined')).payload.resumed, false);
      client.close();
    });
  }
});
