/**
 * The Redis document store against a real redis-server (append-only, its own port and directory):
 * changes from several clients (as from several nodes) never lose an update, documents expire and
 * are deleted, and everything survives a Redis restart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { RedisDocumentStore } from '../../server/stores/redis-document-store.js';
import { RedisServer } from '../support/redis-server.js';

describe('RedisDocumentStore', { timeout: 60_000 }, () => {
  let redis: RedisServer;
  const clients: Redis[] = [];
  const store = () => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    clients.push(client);
    return new RedisDocumentStore(client, { prefix: 'test:' });
  };

  before(async () => {
    redis = await RedisServer.start();
  });
  after(async () => {
    for (const client of clients) client.disconnect();
    await redis?.stop();
  });

  it('applies 300 concurrent increments from three clients exactly once each', async () => {
    const nodes = [store(), store(), store()];
    const increments = Array.from({ length: 300 }, (_, i) =>
      nodes[i % 3].update<{ n: number; by: number[] }, number>('counter', (current) => {
        const next = { n: (current?.n ?? 0) + 1, by: [...(current?.by ?? []), i] };
        return { next, result: next.n };
      }),
    );
    const results = await Promise.all(increments);
    assert.deepEqual([...results].sort((a, b) => a - b), Array.from({ length: 300 }, (_, i) => i + 1), 'each change saw its own value');
    const final = await nodes[1].read<{ n: number; by: number[] }>('counter');
    assert.equal(final!.n, 300);
    assert.equal(new Set(final!.by).size, 300);
  });

  it('expires a document after its time to live', async () => {
    const documents = store();
    await documents.update('short', () => ({ next: { v: 1 }, result: undefined, ttlMs: 200 }));
    assert.deepEqual(await documents.read('short'), { v: 1 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(await documents.read('short'), undefined);
  });

  it('deletes a document when a change returns no next value', async () => {
    const documents = store();
    await documents.update('gone', () => ({ next: { v: 1 }, result: undefined }));
    await documents.update('gone', () => ({ next: undefined, result: undefined }));
    assert.equal(await documents.read('gone'), undefined);
  });

  it('keeps every document across a Redis restart (append-only file)', async () => {
    const documents = store();
    await documents.update('durable', () => ({ next: { kept: true }, result: undefined }));
    await redis.restart();
    assert.deepEqual(await documents.read('durable'), { kept: true });
    assert.equal((await documents.read<{ n: number }>('counter'))!.n, 300);
  });
});
