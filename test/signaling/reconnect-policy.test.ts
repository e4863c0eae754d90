/**
 * DefaultReconnectPolicy: LiveKit's schedule (fast first retries, then steady), spread at random so
 * the clients of a restarted server do not come back in the same instant, and never giving up by
 * default (a call must outlive a long outage).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DefaultReconnectPolicy } from '../../src/signaling/reconnect-policy.js';

const delays = (policy: DefaultReconnectPolicy, count: number) =>
  Array.from({ length: count }, (_, retryCount) => policy.nextRetryDelayMs({ retryCount, elapsedMs: retryCount * 1_000 }));

describe('DefaultReconnectPolicy', () => {
  it('retries after 0, 300, 1200, 2700 and 4800 ms, then every 7 s, for ever', () => {
    assert.deepEqual(delays(new DefaultReconnectPolicy({}, () => 0), 9), [0, 300, 1_200, 2_700, 4_800, 7_000, 7_000, 7_000, 7_000]);
    assert.equal(new DefaultReconnectPolicy().nextRetryDelayMs({ retryCount: 10_000, elapsedMs: 86_400_000 }) !== null, true);
  });

  it('adds up to 1 s of random spread from the third retry on, never to the first two', () => {
    const spread = delays(new DefaultReconnectPolicy({}, () => 0.999), 7);
    assert.deepEqual(spread.slice(0, 2), [0, 300]);
    for (const [i, base] of [1_200, 2_700, 4_800, 7_000, 7_000].entries()) {
      assert.ok(spread[i + 2]! >= base && spread[i + 2]! < base + 1_000, `retry ${i + 2}: ${spread[i + 2]}`);
    }
  });

  it('gives up (null) after maxRetries or maxElapsedMs when told to', () => {
    const limited = new DefaultReconnectPolicy({ maxRetries: 2 }, () => 0);
    assert.deepEqual(delays(limited, 3), [0, 300, null]);
    const timed = new DefaultReconnectPolicy({ maxElapsedMs: 30_000 });
    assert.equal(timed.nextRetryDelayMs({ retryCount: 3, elapsedMs: 30_000 }), null);
  });
});
