/**
 * The signaling endpoint answers every bad frame with an `error` carrying a stable code, keeps the
 * connection usable, and never lets anything bogus reach the other member.
 *
 * Pattern: the agent sends something bad, gets the error, then sends a valid call-invite. The
 * server handles one connection's frames in order, so if the bad frame had been relayed the
 * customer would see it before the invite: the customer's next message must be that invite.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer } from '../../server/server.js';
import type { RunningServer } from '../../server/server.js';
import { MAX_MESSAGE_BYTES } from '../../src/signaling/protocol.js';
import type { ParticipantRole } from '../../src/signaling/protocol.js';
import { SUITE_TIMEOUT_MS, TestClient, freshConversation, frame, invite, join, joinFrame, joinPair, relayed, token } from './helpers.js';
import type { TestClient as Client } from './helpers.js';

let server: RunningServer;

before(async () => {
  server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0 });
});

after(() => server.close());

/** The agent's connection still relays, and the customer got nothing before this invite. */
async function assertStillWorksAndNothingLeaked(agent: Client, customer: Client) {
  const sentinel = relayed('call-invite', { callId: 'sentinel', video: false }, 1);
  agent.send(sentinel);
  const received = await customer.next();
  assert.deepEqual(received, sentinel, `the customer received something else first: ${JSON.stringify(received)}`);
}

type Refs = { id?: number; seq?: number };

describe('signaling: malformed frames get an error and the connection stays open', { timeout: SUITE_TIMEOUT_MS }, () => {
  const cases: Array<{ name: string; code: string; frame: () => { data: unknown; binary?: boolean; refs?: Refs } }> = [
    { name: 'text that is not JSON', code: 'invalid-json', frame: () => ({ data: '{"v":2,"type":' }) },
    { name: 'JSON that is not an object', code: 'invalid-message', frame: () => ({ data: '[1,2,3]' }) },
    {
      name: 'an unknown message type',
      code: 'unknown-type',
      frame: () => ({ data: { v: 2, type: 'call-transfer', seq: 7, payload: {} }, refs: { seq: 7 } }),
    },
    {
      name: 'a payload that does not match its schema',
      code: 'invalid-message',
      frame: () => ({ data: { v: 2, type: 'call-invite', seq: 8, payload: { callId: 'c', video: 'yes' } }, refs: { seq: 8 } }),
    },
    {
      name: 'a payload with an extra property',
      code: 'invalid-message',
      frame: () => ({ data: { v: 2, type: 'call-end', seq: 9, payload: { callId: 'c', reason: 'hangup', extra: 1 } }, refs: { seq: 9 } }),
    },
    {
      name: 'an envelope with an unknown field (v1 conversationId)',
      code: 'invalid-message',
      frame: () => ({ data: { ...relayed('call-end', { callId: 'c', reason: 'hangup' }, 10), conversationId: 'x' }, refs: { seq: 10 } }),
    },
    {
      name: 'a relayed type without its seq',
      code: 'invalid-message',
      frame: () => ({ data: frame('call-end', { callId: 'c', reason: 'hangup' }, { id: 11 }), refs: { id: 11 } }),
    },
    {
      name: 'protocol version 1',
      code: 'unsupported-version',
      frame: () => ({
        data: { v: 1, type: 'call-invite', conversationId: 'c', from: 'agent', id: 'uuid-1', payload: { callId: 'c', video: true } },
      }),
    },
    {
      name: `a message larger than ${MAX_MESSAGE_BYTES} bytes`,
      code: 'message-too-large',
      frame: () => ({ data: relayed('call-invite', { callId: 'c', video: true, callerName: 'x'.repeat(MAX_MESSAGE_BYTES) }, 12), refs: { seq: 12 } }),
    },
    { name: 'a binary frame', code: 'invalid-message', frame: () => ({ data: Buffer.from(JSON.stringify(invite(13))), binary: true }) },
    {
      name: 'a text frame that is not valid UTF-8',
      code: 'invalid-message',
      frame: () => ({ data: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), binary: false }),
    },
    {
      name: 'a message naming its sender (only the server sets from)',
      code: 'forbidden',
      frame: () => ({ data: { ...invite(14), from: 'customer' }, refs: { seq: 14 } }),
    },
    {
      name: 'a presence message (server-only type)',
      code: 'forbidden',
      frame: () => ({ data: frame('presence', { role: 'agent', present: false }, { id: 15 }), refs: { id: 15 } }),
    },
    {
      name: 'a joined message (server-only type)',
      code: 'forbidden',
      frame: () => ({ data: frame('joined', { conversationId: 'c', role: 'agent', members: [], resumed: false }, { id: 16 }), refs: { id: 16 } }),
    },
    {
      name: 'an error message (server-only type)',
      code: 'forbidden',
      frame: () => ({ data: frame('error', { code: 'internal', message: 'fake' }, { id: 17 }), refs: { id: 17 } }),
    },
    {
      name: 'a second join on an already joined connection',
      code: 'forbidden',
      frame: () => ({ data: joinFrame('c', 'agent', 'whatever', { id: 18 }), refs: { id: 18 } }),
    },
  ];

  for (const testCase of cases) {
    it(`answers ${testCase.name} with ${testCase.code}`, async () => {
      const conversationId = freshConversation('bad');
      const { agent, customer } = await joinPair(server, conversationId);
      const { data, binary, refs = {} } = testCase.frame();
      agent.send(data, binary === undefined ? {} : { binary });
      const error = await agent.expectError(testCase.code);
      assert.equal(error.replyTo, refs.id, 'replyTo names the refused request when its id is known');
      assert.equal(error.payload.seq, refs.seq, 'seq names the refused relayed message when known');
      await assertStillWorksAndNothingLeaked(agent, customer);
      agent.close();
      customer.close();
    });
  }

  it('answers a burst of garbage frame by frame, in order, without dropping the connection', async () => {
    const conversationId = freshConversation('burst');
    const { agent, customer } = await joinPair(server, conversationId);
    const garbage = ['', 'null', '42', '"str"', '{}', '{"v":2}', '{"v":2,"type":"sdp"}', '\u0000', '{"__proto__":{"x":1}}', 'x'.repeat(1000)];
    for (const text of garbage) agent.send(text);
    for (let i = 0; i < garbage.length; i += 1) {
      const error = await agent.expect('error');
      assert.ok(
        ['invalid-json', 'invalid-message', 'unsupported-version', 'unknown-type'].includes(error.payload.code),
        `unexpected code ${error.payload.code}`,
      );
    }
    await assertStillWorksAndNothingLeaked(agent, customer);
    agent.close();
    customer.close();
  });

  it('closes the connection only for frames beyond the 1 MiB transport limit (ws close code 1009)', async () => {
    const client = await TestClient.open(server.signalingUrl);
    client.send('x'.repeat(1024 * 1024 + 1));
    const { code } = await client.closed;
    assert.equal(code, 1009);
    // The server itself is unaffected.
    const { client: fresh } = await join(server, freshConversation('after-1009'), 'agent');
    fresh.close();
  });
});

describe('signaling: the first message must be join', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('refuses a relayed message before join with not-joined, then lets the same connection join', async () => {
    const conversationId = freshConversation('prejoin');
    const client = await TestClient.open(server.signalingUrl);
    client.send(invite(1));
    await client.expectError('not-joined', { seq: 1 });
    client.send(frame('leave', {}));
    await client.expectError('not-joined');

    const join = joinFrame(conversationId, 'agent', await token(server, { role: 'agent', conversationId }), { id: 1 });
    client.send(join);
    const joined = await client.expect('joined');
    assert.equal(joined.replyTo, 1);
    assert.deepEqual(joined.payload, { conversationId, role: 'agent', members: [{ role: 'agent', instance: 'agent-instance' }], resumed: false });
    client.close();
  });

  it('refuses a server-only type before join with forbidden, since no state makes it acceptable', async () => {
    const client = await TestClient.open(server.signalingUrl);
    client.send(frame('presence', { role: 'agent', present: true }, { id: 5 }));
    await client.expectError('forbidden', { replyTo: 5 });
    client.close();
  });

  it('refuses a join whose token is for another conversation or role', async () => {
    const conversationId = freshConversation('mismatch');
    const client = await TestClient.open(server.signalingUrl);
    const jwt = await token(server, { role: 'agent', conversationId });
    client.send(joinFrame('another-conversation', 'agent', jwt, { id: 1 }));
    await client.expectError('forbidden', { replyTo: 1 });
    client.send(joinFrame(conversationId, 'customer', jwt, { id: 2 }));
    await client.expectError('forbidden', { replyTo: 2 });
    client.close();
  });
});

describe('signaling: liveness, requests and relaying', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('answers a ping with a pong, joined or not', async () => {
    const client = await TestClient.open(server.signalingUrl);
    client.send(frame('ping', {}));
    await client.expect('pong');
    client.close();
  });

  it('answers a media request with media-unavailable on a peer-to-peer server (replyTo the request)', async () => {
    const { client } = await join(server, freshConversation('media'), 'agent');
    client.send(frame('media-request', { callId: 'c1', payload: { want: 'rtpCapabilities' } }, { id: 42 }));
    await client.expectError('media-unavailable', { replyTo: 42 });
    client.close();
  });

  it('drops, without an error, a message sent while alone in the conversation (its sender re-sends when the other member comes)', async () => {
    const conversationId = freshConversation('alone');
    const { client } = await join(server, conversationId, 'agent');
    client.send(invite(1));
    await client.expectSilence(100);
    client.close();
  });

  it('drops a ve-offer without an error while alone, and relays it (sent again) once the customer is there', async () => {
    const conversationId = freshConversation('offer');
    const { client: agent } = await join(server, conversationId, 'agent');
    agent.send(relayed('ve-offer', { sessionId: 's-1', kind: 'cobrowse' }, 1));
    await agent.expectSilence(150);
    const { client: customer } = await join(server, conversationId, 'customer');
    await agent.expect('presence');
    agent.send(relayed('ve-offer', { sessionId: 's-1', kind: 'cobrowse' }, 1));
    const offer = await customer.expect('ve-offer');
    assert.deepEqual(offer.payload, { sessionId: 's-1', kind: 'cobrowse' });
    agent.close();
    customer.close();
  });

  it('does not echo a relayed message back to its sender', async () => {
    const conversationId = freshConversation('echo');
    const { agent, customer } = await joinPair(server, conversationId);
    agent.send(invite(1));
    await customer.expect('call-invite');
    await agent.expectSilence(100);
    agent.close();
    customer.close();
  });

  for (const role of ['agent', 'customer'] as ParticipantRole[]) {
    it(`relays from the ${role} to the other member byte for byte (seq and ack kept)`, async () => {
      const conversationId = freshConversation('relay');
      const { agent, customer } = await joinPair(server, conversationId);
      const [sender, receiver] = role === 'agent' ? [agent, customer] : [customer, agent];
      const sent = relayed('media-state', { callId: 'c1', muted: true, videoEnabled: false }, 3, 5);
      sender.send(sent);
      assert.deepEqual(await receiver.next(), sent);
      const ack = frame('ack', {}, { ack: 9 });
      sender.send(ack);
      assert.deepEqual(await receiver.next(), ack);
      agent.close();
      customer.close();
    });
  }
});
