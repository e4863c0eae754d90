/**
 * The limit mechanisms on their own, with a clock the test drives: token buckets, per-key limits,
 * connection caps, the client address behind proxies, token versions, the limits' configuration.
 * (The attacks against a real server are in connection-limits, memory-bounds, conversation-limits
 * and stale-access.)
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { ConfigError } from '../../server/config.js';
import { clientAddress } from '../../server/limits/client-address.js';
import { ConnectionCaps } from '../../server/limits/connection-caps.js';
import { KeyedRateLimiter } from '../../server/limits/keyed-rate-limiter.js';
import { DEFAULT_LIMITS, resolveLimits } from '../../server/limits/options.js';
import { ConnectionRateLimits } from '../../server/limits/rate-limits.js';
import { TokenBucket } from '../../server/limits/token-bucket.js';
import { MemoryTokenVersions, versionOf } from '../../server/token-versions.js';

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TokenBucket', () => {
  it('gives a burst, then refills at its rate, never above the burst', () => {
    const time = clock();
    const bucket = new TokenBucket(10, 5, time.now);
    assert.deepEqual(Array.from({ length: 6 }, () => bucket.take()), [true, true, true, true, true, false]);
    assert.equal(bucket.waitMs(1), 100);
    time.advance(100);
    assert.equal(bucket.take(), true);
    assert.equal(bucket.take(), false);
    time.advance(60_000);
    assert.equal(bucket.full, true);
    assert.equal(bucket.take(5), true);
    assert.equal(bucket.take(1), false);
  });

  it('refuses an amount it could never hold, and takes nothing when it refuses', () => {
    const bucket = new TokenBucket(1, 3, clock().now);
    assert.equal(bucket.waitMs(4), Infinity);
    assert.equal(bucket.take(4), false);
    assert.equal(bucket.take(3), true, 'the refusal took nothing');
  });
});

describe('ConnectionRateLimits', () => {
  const options = { ...DEFAULT_LIMITS, messagesPerSecond: 10, messageBurst: 4, cobrowseMessagesPerSecond: 1, cobrowseMessageBurst: 2 };

  it('limits the co-browse stream apart, and disconnects a sender that keeps going into refusals', () => {
    const time = clock();
    const limits = new ConnectionRateLimits(options, time.now);
    assert.deepEqual(['ve-laser', 've-laser', 've-laser'].map((type) => limits.check(type, 10)), ['ok', 'ok', 'refuse']);
    assert.equal(limits.check('chat-message', 10), 'ok', 'chat has room left');
    assert.equal(limits.check('chat-message', 10), 'ok');
    const verdicts = Array.from({ length: 10 }, () => limits.check('chat-message', 10));
    assert.equal(verdicts.filter((v) => v === 'refuse').length, 7, 'two bursts of strikes (8), one used on the laser');
    assert.equal(verdicts.at(-1), 'disconnect');
  });

  it('charges bytes: one big frame can use up the byte burst', () => {
    const limits = new ConnectionRateLimits({ ...options, byteBurst: 100_000, bytesPerSecond: 1 }, clock().now);
    assert.equal(limits.check('chat-message', 90_000), 'ok');
    assert.equal(limits.check('chat-message', 20_000), 'refuse');
  });
});

describe('KeyedRateLimiter', () => {
  it('keeps one bucket per key and answers when to retry', () => {
    const time = clock();
    const limiter = new KeyedRateLimiter({ ratePerSecond: 0.1, burst: 2, now: time.now });
    assert.equal(limiter.take('a').ok, true);
    assert.equal(limiter.take('a').ok, true);
    const refused = limiter.take('a');
    assert.ok(!refused.ok && refused.retryAfterMs === 10_000);
    assert.equal(limiter.take('b').ok, true, 'another key is not held back');
  });

  it('forgets refilled buckets, and refuses new keys past maxKeys rather than growing', () => {
    const time = clock();
    const limiter = new KeyedRateLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 3, now: time.now });
    for (const key of ['a', 'b', 'c']) assert.equal(limiter.take(key).ok, true);
    assert.equal(limiter.take('d').ok, false, 'full of active keys');
    time.advance(1_000);
    assert.equal(limiter.take('d').ok, true, 'the refilled ones were swept');
    assert.equal(limiter.size, 1);
  });
});

describe('ConnectionCaps', () => {
  it('caps per address and in total; a release gives the slot back once', () => {
    const caps = new ConnectionCaps({ maxTotal: 3, maxPerAddress: 2 });
    const a1 = caps.acquire('a');
    const a2 = caps.acquire('a');
    const a3 = caps.acquire('a');
    assert.deepEqual([a1.ok, a2.ok, a3.ok && false, !a3.ok && a3.code], [true, true, false, 'too-many-connections']);
    assert.equal(caps.acquire('b').ok, true);
    const c = caps.acquire('c');
    assert.equal(!c.ok && c.code, 'server-full');
    if (a1.ok) {
      a1.release();
      a1.release();
    }
    assert.deepEqual([caps.total, caps.heldBy('a')], [2, 1]);
  });
});

describe('clientAddress', () => {
  const request = (remoteAddress: string, forwarded?: string) =>
    ({ socket: { remoteAddress }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as IncomingMessage;

  it('is the peer, unless the peer is a trusted proxy: then the right-most untrusted hop', () => {
    assert.equal(clientAddress(request('::ffff:203.0.113.5', '198.51.100.1'), []), '203.0.113.5', 'X-Forwarded-For ignored without trusted proxies');
    assert.equal(clientAddress(request('203.0.113.5', '198.51.100.1'), ['10.0.0.2']), '203.0.113.5', 'ignored from anyone else');
    assert.equal(clientAddress(request('10.0.0.2', '6.6.6.6, 198.51.100.1'), ['10.0.0.2']), '198.51.100.1', 'a forged left-most hop does not count');
    assert.equal(clientAddress(request('10.0.0.2', '198.51.100.1, 10.0.0.3'), ['10.0.0.2', '10.0.0.3']), '198.51.100.1');
    assert.equal(clientAddress(request('10.0.0.2'), ['10.0.0.2']), '10.0.0.2', 'no header: the proxy itself');
  });
});

describe('MemoryTokenVersions', () => {
  it('versions each role apart; closing outlives the tokens, then forgets', () => {
    const time = clock(1_000);
    const versions = new MemoryTokenVersions(time.now);
    assert.equal(versions.get('c'), undefined, 'not routed');
    versions.open('c');
    versions.bump('c', 'agent');
    const entry = versions.get('c')!;
    assert.deepEqual([versionOf(entry, 'agent'), versionOf(entry, 'customer'), entry.closed], [2, 1, false]);
    versions.close('c', time.now() + 3_600_000);
    time.advance(3_599_999);
    assert.equal(versions.get('c')?.closed, true);
    time.advance(1);
    assert.equal(versions.get('c'), undefined);
    assert.equal(versions.size, 0);
  });
});

describe('resolveLimits', () => {
  it('reads the variables and refuses nonsense', () => {
    const limits = resolveLimits({}, { CCK_MAX_CONNECTIONS_PER_IP: '50', CCK_TRUSTED_PROXIES: '10.0.0.2, ::ffff:10.0.0.3', CCK_JOIN_TIMEOUT_MS: '0' });
    assert.deepEqual([limits.maxConnectionsPerAddress, limits.joinTimeoutMs, limits.trustedProxies], [50, 0, ['10.0.0.2', '10.0.0.3']]);
    assert.equal(resolveLimits({ maxConnections: 7 }, { CCK_MAX_CONNECTIONS: '9' }).maxConnections, 7, 'options win');
    for (const env of [{ CCK_MAX_CONNECTIONS: '0' }, { CCK_RATE_MESSAGES_PER_S: 'many' }, { CCK_RATE_BYTE_BURST: '1000' }]) {
      assert.throws(() => resolveLimits({}, env), ConfigError, JSON.stringify(env));
    }
  });
});
