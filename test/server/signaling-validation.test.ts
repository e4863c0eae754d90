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
import { SUITE_TIMEOUT_MS, TestClient, freshConversation, invite, join, joinPair, message, token } from './helpers.js';
import type { TestClient as Client } from './helpers.js';

let server: RunningServer;

before(async () => {
  server = await startServer({ port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0 });
});

after(() => server.close());

/** The agent's connection still relays, and the customer got nothing before this invite. */
async function assertStillWorksAndNothingLeaked(agent: Client, customer: Client, conversationId: string) {
  const sentinel = invite(conversationId, 'agent', 'sentinel');
  agent.send(sentinel);
  const received = await customer.next();
  assert.equal(received.id, sentinel.id, `the customer received something else first: ${JSON.stringify(received)}`);
}

describe('signaling: malformed frames get an error and the connection stays open', { timeout: SUITE_TIMEOUT_MS }, () => {
  const cases: Array<{ name: string; code: string; frame: (conversationId: string) => { data: unknown; binary?: boolean; id?: string } }> = [
    { name: 'text that is not JSON', code: 'invalid-json', frame: () => ({ data: '{"v":1,"type":' }) },
    { name: 'JSON that is not an object', code: 'invalid-message', frame: () => ({ data: '[1,2,3]' }) },
    {
      name: 'an unknown message type',
      code: 'unknown-type',
      frame: (cid) => ({ data: { v: 1, type: 'call-transfer', conversationId: cid, from: 'agent', id: 'm-unknown', payload: {} }, id: 'm-unknown' }),
    },
    {
      name: 'a payload that does not match its schema',
      code: 'invalid-message',
      frame: (cid) => ({
        data: { v: 1, type: 'call-invite', conversationId: cid, from: 'agent', id: 'm-bad-payload', payload: { callId: 'c', video: 'yes' } },
        id: 'm-bad-payload',
      }),
    },
    {
      name: 'a payload with an extra property',
      code: 'invalid-message',
      frame: (cid) => ({
        data: { v: 1, type: 'call-end', conversationId: cid, from: 'agent', id: 'm-extra', payload: { callId: 'c', reason: 'x' } },
        id: 'm-extra',
      }),
    },
    {
      name: 'an unsupported protocol version',
      code: 'unsupported-version',
      frame: (cid) => ({ data: { ...invite(cid), v: 2, id: 'm-v2' }, id: 'm-v2' }),
    },
    {
      name: `a message larger than ${MAX_MESSAGE_BYTES} bytes`,
      code: 'message-too-large',
      frame: (cid) => ({
        data: { ...invite(cid), id: 'm-huge', payload: { callId: 'c', video: true, callerName: 'x'.repeat(MAX_MESSAGE_BYTES) } },
        id: 'm-huge',
      }),
    },
    { name: 'a binary frame', code: 'invalid-message', frame: (cid) => ({ data: Buffer.from(JSON.stringify(invite(cid))), binary: true }) },
    {
      name: 'a text frame that is not valid UTF-8',
      code: 'invalid-message',
      frame: () => ({ data: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), binary: false }),
    },
    {
      name: 'a message claiming to come from the other role',
      code: 'forbidden',
      frame: (cid) => ({ data: { ...invite(cid, 'customer'), id: 'm-spoof' }, id: 'm-spoof' }),
    },
    {
      name: 'a message claiming to come from the server',
      code: 'forbidden',
      frame: (cid) => ({ data: { ...invite(cid), from: 'server', id: 'm-server' }, id: 'm-server' }),
    },
    {
      name: 'a message for a conversation the sender is not in',
      code: 'not-in-conversation',
      frame: () => ({ data: { ...invite('someone-elses-conversation'), id: 'm-other-conv' }, id: 'm-other-conv' }),
    },
    {
      name: 'a presence message (server-only type)',
      code: 'forbidden',
      frame: (cid) => ({ data: { ...message('presence', cid, 'agent', { role: 'agent', present: false }), id: 'm-presence' }, id: 'm-presence' }),
    },
    {
      name: 'a joined message (server-only type)',
      code: 'forbidden',
      frame: (cid) => ({
        data: { ...message('joined', cid, 'agent', { role: 'agent', present: ['agent'], resumed: false }), id: 'm-joined' },
        id: 'm-joined',
      }),
    },
    {
      name: 'an error message (server-only type)',
      code: 'forbidden',
      frame: (cid) => ({ data: { ...message('error', cid, 'agent', { code: 'internal', message: 'fake' }), id: 'm-error' }, id: 'm-error' }),
    },
    {
      name: 'a second join on an already joined connection',
      code: 'forbidden',
      frame: (cid) => ({ data: { ...message('join', cid, 'agent', { token: 'whatever' }), id: 'm-rejoin' }, id: 'm-rejoin' }),
    },
  ];

  for (const testCase of cases) {
    it(`answers ${testCase.name} with ${testCase.code}`, async () => {
      const conversationId = freshConversation('bad');
      const { agent, customer } = await joinPair(server, conversationId);
      const { data, binary, id } = testCase.frame(conversationId);
      agent.send(data, binary === undefined ? {} : { binary });
      const error = await agent.expectError(testCase.code);
      assert.equal(error.payload.replyTo, id, 'replyTo names the refused message when its id is known');
      await assertStillWorksAndNothingLeaked(agent, customer, conversationId);
      agent.close();
      customer.close();
    });
  }

  it('answers a burst of garbage frame by frame, in order, without dropping the connection', async () => {
    const conversationId = freshConversation('burst');
    const { agent, customer } = await joinPair(server, conversationId);
    const garbage = ['', 'null', '42', '"str"', '{}', '{"v":1}', '{"v":1,"type":"sdp"}', '\u0000', '{"__proto__":{"x":1}}', 'x'.repeat(1000)];
    for (const frame of garbage) agent.send(frame);
    for (let i = 0; i < garbage.length; i += 1) {
      const error = await agent.expect('error');
      assert.ok(
        ['invalid-json', 'invalid-message', 'unsupported-version', 'unknown-type'].includes(error.payload.code),
        `unexpected code ${error.payload.code}`,
      );
    }
    await assertStillWorksAndNothingLeaked(agent, customer, conversationId);
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
    const early = invite(conversationId);
    client.send(early);
    await client.expectError('not-joined', early.id);
    client.send(message('leave', conversationId, 'agent', {}));
    await client.expectError('not-joined');

    client.send(message('join', conversationId, 'agent', { token: await token(server, { role: 'agent', conversationId }) }));
    const joined = await client.expect('joined');
    assert.deepEqual(joined.payload, { role: 'agent', present: ['agent'], resumed: false });
    client.close();
  });

  it('refuses a server-only type before join with forbidden, since no state makes it acceptable', async () => {
    const client = await TestClient.open(server.signalingUrl);
    const presence = message('presence', freshConversation('prejoin'), 'agent', { role: 'agent', present: true });
    client.send(presence);
    await client.expectError('forbidden', presence.id);
    client.close();
  });

  it('refuses a join that claims to come from the server', async () => {
    const conversationId = freshConversation('server-join');
    const client = await TestClient.open(server.signalingUrl);
    const jwt = await token(server, { role: 'agent', conversationId });
    const joinMessage = { ...message('join', conversationId, 'agent', { token: jwt }), from: 'server' };
    client.send(joinMessage);
    await client.expectError('forbidden', joinMessage.id);
    client.close();
  });
});

describe('signaling: relaying needs a recipient', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('answers a message sent while alone in the conversation with peer-not-present', async () => {
    const conversationId = freshConversation('alone');
    const { client } = await join(server, conversationId, 'agent');
    const lonely = invite(conversationId);
    client.send(lonely);
    await client.expectError('peer-not-present', lonely.id);
    client.close();
  });

  it('drops a best-effort ve-offer without an error while alone, and relays it once the customer is there', async () => {
    const conversationId = freshConversation('offer');
    const { client: agent } = await join(server, conversationId, 'agent');
    agent.send(message('ve-offer', conversationId, 'agent', { sessionId: 's-1', kind: 'cobrowse' }));
    await agent.expectSilence(150);
    const { client: customer } = await join(server, conversationId, 'customer');
    await agent.expect('presence');
    agent.send(message('ve-offer', conversationId, 'agent', { sessionId: 's-1', kind: 'cobrowse' }));
    const offer = await customer.expect('ve-offer');
    assert.deepEqual(offer.payload, { sessionId: 's-1', kind: 'cobrowse' });
    agent.close();
    customer.close();
  });

  it('does not echo a relayed message back to its sender', async () => {
    const conversationId = freshConversation('echo');
    const { agent, customer } = await joinPair(server, conversationId);
    agent.send(invite(conversationId));
    await customer.expect('call-invite');
    await agent.expectSilence(100);
    agent.close();
    customer.close();
  });

  for (const role of ['agent', 'customer'] as ParticipantRole[]) {
    it(`relays from the ${role} to the other member with the envelope unchanged`, async () => {
      const conversationId = freshConversation('relay');
      const { agent, customer } = await joinPair(server, conversationId);
      const [sender, receiver] = role === 'agent' ? [agent, customer] : [customer, agent];
      const sent = message('media-state', conversationId, role, { callId: 'c1', muted: true, videoEnabled: false });
      sender.send(sent);
      assert.deepEqual(await receiver.next(), sent);
      agent.close();
      customer.close();
    });
  }
});
