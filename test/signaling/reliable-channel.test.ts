/**
 * ReliableChannel: the bookkeeping of the end-to-end stream between two members, on its own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMessage } from '../../src/signaling/protocol.js';
import { ReliableChannel } from '../../src/signaling/reliable-channel.js';

const chat = (channel: ReliableChannel, text: string) => channel.enqueue('chat-message', JSON.stringify({ text })).entry;

describe('ReliableChannel: sending', () => {
  it('numbers messages from 1 and keeps them until acknowledged, cumulatively', () => {
    const channel = new ReliableChannel();
    channel.setPeer('peer-1');
    const seqs = ['a', 'b', 'c', 'd'].map((text) => chat(channel, text).seq);
    assert.deepEqual(seqs, [1, 2, 3, 4]);
    channel.acknowledge(2);
    assert.deepEqual(channel.pending.map((e) => e.seq), [3, 4]);
    channel.acknowledge(1);
    assert.deepEqual(channel.pending.map((e) => e.seq), [3, 4], 'an old acknowledgement changes nothing');
    channel.acknowledge(4);
    assert.equal(channel.pending.length, 0);
  });

  it('builds valid v2 frames, carrying an acknowledgement only when there is something new to acknowledge', () => {
    const channel = new ReliableChannel();
    channel.setPeer('peer-1');
    const first = chat(channel, 'hello');
    assert.equal(channel.frame(first), '{"v":2,"type":"chat-message","seq":1,"payload":{"text":"hello"}}');
    assert.equal(channel.arrive(1), 'deliver');
    assert.equal(channel.ackDue, true);
    const withAck = channel.frame(first);
    assert.equal(withAck, '{"v":2,"type":"chat-message","seq":1,"ack":1,"payload":{"text":"hello"}}');
    assert.ok(parseMessage(withAck).ok);
    assert.equal(channel.ackDue, false, 'the piggy-backed ack counts as sent');
    assert.equal(channel.frame(first).includes('"ack"'), false, 'not repeated');
  });

  it('drops the oldest entries beyond its limit and says how many', () => {
    const channel = new ReliableChannel(3);
    for (const text of ['a', 'b', 'c']) chat(channel, text);
    const { dropped } = channel.enqueue('chat-message', '{"text":"d"}');
    assert.equal(dropped, 1);
    assert.deepEqual(channel.pending.map((e) => e.seq), [2, 3, 4]);
  });

  it('re-sends a skip, not the message, for a sequence number the server refused', () => {
    const channel = new ReliableChannel();
    channel.setPeer('peer-1');
    chat(channel, 'a');
    const refused = chat(channel, 'b');
    channel.skip(refused.seq);
    assert.equal(channel.frame(channel.pending[1]), '{"v":2,"type":"skip","seq":2,"payload":{}}');
  });
});

describe('ReliableChannel: receiving', () => {
  it('delivers the next number only: duplicates and gaps are dropped, and an acknowledgement is owed either way', () => {
    const channel = new ReliableChannel();
    channel.setPeer('peer-1');
    assert.deepEqual([1, 2, 2, 1, 4, 3, 4].map((seq) => channel.arrive(seq)), ['deliver', 'deliver', 'duplicate', 'duplicate', 'gap', 'deliver', 'deliver']);
    assert.equal(channel.received, 4);
    assert.equal(channel.takeAck(), 4);
    assert.equal(channel.ackDue, false);
    channel.arrive(2);
    assert.equal(channel.ackDue, true, 'a duplicate means the sender missed our ack: tell it again');
    assert.equal(channel.takeAck(), 4);
  });
});

describe('ReliableChannel: page instances', () => {
  it('keeps its numbering when the same instance comes back (a resume, a restarted server)', () => {
    const channel = new ReliableChannel();
    channel.setPeer('peer-1');
    chat(channel, 'a');
    chat(channel, 'b');
    channel.arrive(1);
    channel.setPeer('peer-1');
    assert.deepEqual(channel.pending.map((e) => e.seq), [1, 2]);
    assert.equal(channel.received, 1);
  });

  it('renumbers what is unacknowledged from 1 for a new instance, and expects its messages from 1', () => {
    const channel = new ReliableChannel();
    channel.setPeer('peer-1');
    for (const text of ['a', 'b', 'c', 'd']) chat(channel, text);
    channel.acknowledge(2);
    channel.arrive(1);
    channel.arrive(2);
    channel.setPeer('peer-2');
    assert.deepEqual(channel.pending.map((e) => [e.seq, JSON.parse(e.payloadJson).text]), [[1, 'c'], [2, 'd']]);
    assert.equal(chat(channel, 'e').seq, 3);
    assert.equal(channel.received, 0);
    assert.equal(channel.arrive(1), 'deliver', 'the new instance counts from 1');
  });

  it('numbers messages kept before any instance was known from 1 for the first one', () => {
    const channel = new ReliableChannel();
    chat(channel, 'early');
    channel.setPeer('peer-1');
    assert.deepEqual(channel.pending.map((e) => e.seq), [1]);
  });

  it('forgets what was meant for an instance that left on purpose', () => {
    const channel = new ReliableChannel();
    channel.setPeer('peer-1');
    chat(channel, 'a');
    channel.peerLeft();
    assert.equal(channel.pending.length, 0);
    assert.equal(channel.peerInstance, null);
    const next = chat(channel, 'for whoever comes next');
    channel.setPeer('peer-2');
    assert.deepEqual(channel.pending.map((e) => e.seq), [1]);
    assert.equal(next.seq, 1);
  });
});
