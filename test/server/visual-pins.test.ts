/**
 * The visual-engagement PIN service: unit tests of `PinService` with a controlled clock, then the
 * same rules over real sockets (`ve-pin-create` / `ve-pin-redeem` / `ve-pin-revoke`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer } from '../../server/server.js';
import type { RunningServer } from '../../server/server.js';
import { PinConfigError, PinService, normalizePin, resolvePinOptions } from '../../server/visual-pins.js';
import type { VisualSessionInfo } from '../../server/visual-pins.js';
import { SUITE_TIMEOUT_MS, freshConversation, frame, joinPair, relayed } from './helpers.js';
import type { TestClient } from './helpers.js';

const capabilities = { view: true, laserPointer: true, remoteControl: true, navigation: true };
const session = (sessionId = 've-1'): VisualSessionInfo => ({ sessionId, provider: 'cobrowse', kind: 'cobrowse', capabilities });

function clock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** A PIN that is certainly not `pin` (same length). */
function wrong(pin: string): string {
  return pin.split('').map((digit) => String((Number(digit) + 1) % 10)).join('');
}

describe('PinService', { timeout: SUITE_TIMEOUT_MS }, () => {
  const services: PinService[] = [];
  const service = (options: ConstructorParameters<typeof PinService>[0] = {}) => {
    const created = new PinService(options);
    services.push(created);
    return created;
  };
  after(() => services.forEach((s) => s.dispose()));

  it('issues PINs of at least 6 digits from the random source, expiring after 10 minutes by default', () => {
    const time = clock();
    const pins = service({ now: time.now });
    const created = pins.create('conv', session());
    assert.match(created.pin, /^\d{6}$/, `a 6-digit PIN, got ${created.pin}`);
    assert.equal(created.expiresAt, time.now() + 10 * 60_000, 'expires in 10 minutes');
    assert.equal(created.sessionId, 've-1', 'bound to the session');
    const distinct = new Set(Array.from({ length: 50 }, (_, i) => pins.create(`c-${i}`, session()).pin));
    assert.ok(distinct.size > 40, `PINs vary: ${distinct.size} distinct of 50`);
  });

  it('draws every digit from the injected CSPRNG (crypto.randomInt by default)', () => {
    const draws: number[] = [];
    const pins = service({
      randomInt: (max) => {
        draws.push(max);
        return draws.length % 10;
      },
      length: 8,
    });
    assert.equal(pins.create('conv', session()).pin, '12345678', 'digits come from the random source');
    assert.deepEqual(draws, Array(8).fill(10), 'one draw in [0, 10) per digit');
  });

  it('refuses configurations weaker than the rules', () => {
    assert.throws(() => resolvePinOptions({ length: 5 }, {}), PinConfigError, 'fewer than 6 digits');
    assert.throws(() => resolvePinOptions({ ttlMs: 10 }, {}), PinConfigError, 'a lifetime under a second');
    assert.throws(() => resolvePinOptions({}, { CCK_PIN_TTL_MS: 'soon' }), PinConfigError, 'a non-integer environment value');
    assert.equal(resolvePinOptions({}, { CCK_PIN_TTL_MS: '60000' }).ttlMs, 60_000, 'the lifetime is configurable from the environment');
    assert.equal(resolvePinOptions({}, { CCK_PIN_LENGTH: '8' }).length, 8, 'the length is configurable from the environment');
  });

  it('redeems the right PIN once, in its own conversation only', () => {
    const pins = service();
    const { pin } = pins.create('conv-a', session('ve-a'));
    const other = pins.redeem('conv-b', pin);
    assert.equal(other.ok, false, 'another conversation cannot use the PIN');
    const redeemed = pins.redeem('conv-a', pin);
    assert.deepEqual(redeemed, { ok: true, session: session('ve-a') }, 'the right PIN gives the session');
    const again = pins.redeem('conv-a', pin);
    assert.equal(!again.ok && again.code, 'pin-invalid', 'single use: the second redemption fails');
  });

  it('ignores spaces and dashes the customer typed', () => {
    assert.equal(normalizePin(' 123-456 '), '123456', 'normalized');
    const pins = service();
    const { pin } = pins.create('conv', session());
    assert.equal(pins.redeem('conv', `${pin.slice(0, 3)} ${pin.slice(3)}`).ok, true, 'a spaced PIN works');
  });

  it('expires: the right PIN after its lifetime is pin-expired and does not count as a wrong attempt', () => {
    const time = clock();
    const pins = service({ now: time.now, ttlMs: 60_000 });
    const { pin } = pins.create('conv', session());
    time.advance(60_000);
    const outcome = pins.redeem('conv', pin);
    assert.deepEqual(outcome, { ok: false, code: 'pin-expired' }, 'expired');
    const fresh = pins.create('conv', session('ve-2'));
    assert.equal(pins.redeem('conv', fresh.pin).ok, true, 'a new PIN works');
  });

  it('honours a shorter lifetime asked for by the agent, never a longer one', () => {
    const time = clock();
    const pins = service({ now: time.now, ttlMs: 60_000 });
    assert.equal(pins.create('conv', session(), 5_000).expiresAt, time.now() + 5_000, 'shorter is honoured');
    assert.equal(pins.create('conv', session(), 3_600_000).expiresAt, time.now() + 60_000, 'longer is capped');
  });

  it('locks the pending session on the 5th wrong PIN of a conversation, even for the right PIN afterwards', () => {
    const pins = service();
    const { pin } = pins.create('conv', session('ve-lock'));
    const outcomes = Array.from({ length: 4 }, () => pins.redeem('conv', wrong(pin)));
    assert.deepEqual(
      outcomes.map((o) => (!o.ok && o.code === 'pin-invalid' ? o.attemptsLeft : o)),
      [4, 3, 2, 1],
      'four wrong attempts count down',
    );
    const fifth = pins.redeem('conv', wrong(pin));
    assert.deepEqual(fifth, { ok: false, code: 'pin-locked', lockedSessionId: 've-lock' }, 'the fifth locks');
    assert.deepEqual(pins.redeem('conv', pin), { ok: false, code: 'pin-locked' }, 'the right PIN no longer works');
    const other = pins.create('conv-other', session());
    assert.equal(pins.redeem('conv-other', other.pin).ok, true, 'other conversations are unaffected');
    const renewed = pins.create('conv', session('ve-new'));
    assert.equal(pins.redeem('conv', renewed.pin).ok, true, 'a new session from the agent unlocks');
  });

  it('counts wrong attempts per conversation, across PINs the customer tries', () => {
    const pins = service({ maxAttempts: 2 });
    const { pin } = pins.create('conv', session());
    pins.redeem('conv', wrong(pin));
    const locked = pins.redeem('conv', '000000' === pin ? '111111' : '000000');
    assert.equal(!locked.ok && locked.code, 'pin-locked', 'two wrong attempts with maxAttempts 2 lock');
  });

  it('revokes a pending PIN; revoking another session does nothing', () => {
    const pins = service();
    const { pin } = pins.create('conv', session('ve-r'));
    assert.equal(pins.revoke('conv', 've-other'), false, 'not that session');
    assert.equal(pins.revoke('conv', 've-r'), true, 'revoked');
    const outcome = pins.redeem('conv', pin);
    assert.equal(!outcome.ok && outcome.code, 'pin-invalid', 'the PIN no longer works');
  });

  it('a PIN revoked at its expiry still reads as expired (the agent revokes when its timer fires)', () => {
    const time = clock();
    const pins = service({ now: time.now, ttlMs: 60_000 });
    const { pin } = pins.create('conv', session('ve-t'));
    time.advance(60_000);
    pins.revoke('conv', 've-t');
    assert.deepEqual(pins.redeem('conv', pin), { ok: false, code: 'pin-expired' }, 'expired, not wrong');
  });

  it('compares in constant time: the same work whether or not a PIN is pending or how close the guess is', () => {
    // Not a timing measurement (too noisy for CI): the comparison is over SHA-256 digests with
    // timingSafeEqual, which throws on unequal lengths; any input length must therefore work.
    const pins = service();
    pins.create('conv', session());
    for (const input of ['1', '12345678901234567890', 'abc', '']) {
      const outcome = pins.redeem('conv', input);
      assert.equal(outcome.ok, false, `input ${JSON.stringify(input)} is refused without throwing`);
    }
  });

  it('forgets idle conversations when swept', () => {
    const time = clock();
    const pins = service({ now: time.now, ttlMs: 1_000 });
    pins.create('conv', session());
    time.advance(5_000);
    pins.sweep();
    pins.sweep();
    assert.equal(pins.size, 0, 'nothing kept');
  });
});

describe('PIN service over signaling', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, pins: { ttlMs: 60_000 } });
  });
  after(() => server.close());

  let ids = 1;
  async function createPin(agent: TestClient, _conversationId: string, sessionId = 've-1', ttlMs?: number) {
    const request = frame('ve-pin-create', {
      sessionId,
      provider: 'cobrowse',
      kind: 'cobrowse',
      capabilities,
      ...(ttlMs ? { ttlMs } : {}),
    }, { id: ids++ });
    agent.send(request);
    const reply = await agent.expect('ve-pin');
    assert.equal(reply.replyTo, request.id, 'the reply names the request');
    assert.equal(reply.from, undefined, 'from the server');
    return reply.payload;
  }

  async function redeem(customer: TestClient, _conversationId: string, pin: string) {
    const request = frame('ve-pin-redeem', { pin }, { id: ids++ });
    customer.send(request);
    const reply = await customer.expect('ve-pin-result');
    assert.equal(reply.replyTo, request.id, 'the result names the request');
    return reply.payload;
  }

  it('agent creates, customer redeems with the right PIN, the agent is told; the PIN is single use', async () => {
    const conversationId = freshConversation('pin');
    const { agent, customer } = await joinPair(server, conversationId);
    const created = await createPin(agent, conversationId);
    assert.match(created.pin, /^\d{6,}$/, 'a PIN of 6+ digits');
    assert.ok(created.expiresAt > Date.now() + 50_000, 'expires in about the configured minute');
    const result = await redeem(customer, conversationId, created.pin);
    assert.equal(result.outcome, 'ok', 'redeemed');
    assert.deepEqual(result.session, { sessionId: 've-1', provider: 'cobrowse', kind: 'cobrowse', capabilities }, 'the invitation');
    const status = await agent.expect('ve-pin-status');
    assert.deepEqual(status.payload, { sessionId: 've-1', status: 'redeemed' }, 'the agent learns it was redeemed');
    const again = await redeem(customer, conversationId, created.pin);
    assert.equal(again.outcome, 'pin-invalid', 'single use');
    agent.close();
    customer.close();
  });

  it('a wrong PIN is pin-invalid with the attempts left; the 5th locks and the agent is told', async () => {
    const conversationId = freshConversation('pin-lock');
    const { agent, customer } = await joinPair(server, conversationId);
    const created = await createPin(agent, conversationId, 've-lock');
    for (const left of [4, 3, 2, 1]) {
      const result = await redeem(customer, conversationId, wrong(created.pin));
      assert.deepEqual([result.outcome, result.attemptsLeft], ['pin-invalid', left], `attempts left ${left}`);
    }
    const fifth = await redeem(customer, conversationId, wrong(created.pin));
    assert.equal(fifth.outcome, 'pin-locked', 'locked on the fifth');
    const status = await agent.expect('ve-pin-status');
    assert.deepEqual(status.payload, { sessionId: 've-lock', status: 'locked' }, 'the agent learns it was locked');
    const right = await redeem(customer, conversationId, created.pin);
    assert.equal(right.outcome, 'pin-locked', 'even the right PIN is refused now');
    agent.close();
    customer.close();
  });

  it('an expired PIN is pin-expired (the agent may ask for a short lifetime)', async () => {
    const conversationId = freshConversation('pin-exp');
    const { agent, customer } = await joinPair(server, conversationId);
    const created = await createPin(agent, conversationId, 've-exp', 1_000);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const result = await redeem(customer, conversationId, created.pin);
    assert.equal(result.outcome, 'pin-expired', 'expired');
    agent.close();
    customer.close();
  });

  it('a revoked PIN stops working', async () => {
    const conversationId = freshConversation('pin-revoke');
    const { agent, customer } = await joinPair(server, conversationId);
    const created = await createPin(agent, conversationId, 've-rev');
    agent.send(frame('ve-pin-revoke', { sessionId: 've-rev' }));
    const result = await redeem(customer, conversationId, created.pin);
    assert.equal(result.outcome, 'pin-invalid', 'revoked');
    agent.close();
    customer.close();
  });

  it('only the agent creates and revokes, only the customer redeems; clients cannot forge server replies', async () => {
    const conversationId = freshConversation('pin-roles');
    const { agent, customer } = await joinPair(server, conversationId);
    customer.send(frame('ve-pin-create', { sessionId: 'x', provider: 'cobrowse', kind: 'cobrowse', capabilities }, { id: 1 }));
    await customer.expectError('forbidden', { replyTo: 1 });
    agent.send(frame('ve-pin-redeem', { pin: '123456' }, { id: 2 }));
    await agent.expectError('forbidden', { replyTo: 2 });
    customer.send(frame('ve-pin-revoke', { sessionId: 'x' }, { id: 3 }));
    await customer.expectError('forbidden', { replyTo: 3 });
    agent.send(frame('ve-pin-result', { outcome: 'ok' }, { replyTo: 1, id: 4 }));
    await agent.expectError('forbidden', { replyTo: 4 });
    await customer.expectSilence();
    agent.close();
    customer.close();
  });

  it('relays the visual-engagement session messages to the other member unchanged', async () => {
    const conversationId = freshConversation('ve-relay');
    const { agent, customer } = await joinPair(server, conversationId);
    const accept = relayed('ve-accept', { sessionId: 've-1', laserPointer: true }, 1);
    customer.send(accept);
    assert.deepEqual(await agent.expect('ve-accept'), accept, 'relayed as sent');
    const events = relayed('ve-events', { sessionId: 've-1', epoch: 'e1', seq: 0, data: '[]', final: true }, 2);
    customer.send(events);
    assert.deepEqual(await agent.expect('ve-events'), events, 'events relayed');
    agent.close();
    customer.close();
  });
});
