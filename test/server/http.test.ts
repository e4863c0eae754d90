/**
 * HTTP side of the reference server: the development-only demo-token endpoint, static files from
 * demo/ and dist/ (and extra mounts), the `/` redirect, and configuration from the environment.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { verifyToken } from '../../server/auth.js';
import { ConfigError, resolveOptions } from '../../server/config.js';
import { startServer } from '../../server/server.js';
import type { RunningServer } from '../../server/server.js';
import { SUITE_TIMEOUT_MS, freshConversation, httpGet, join } from './helpers.js';

const PRODUCTION_SECRET = 'Prod-secret-0123456789-abcdefghij-KLMNOP';

describe('GET /api/demo-token in development mode', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer({ port: 0, host: '127.0.0.1', mode: 'development', heartbeatIntervalMs: 0 });
  });

  after(() => server.close());

  it('returns {"token"} that joins the requested conversation in the requested role', async () => {
    const conversationId = freshConversation('demo');
    const response = await httpGet(server, `/api/demo-token?role=customer&conversation=${encodeURIComponent(conversationId)}`);
    assert.equal(response.status, 200);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    const { token } = JSON.parse(response.body) as { token: string };
    const verified = await verifyToken(token, server.options.signingSecret);
    assert.ok(verified.ok, 'the demo token verifies with the server secret');
    assert.equal(verified.claims.role, 'customer');
    assert.equal(verified.claims.conversationId, conversationId);

    const { client, joined } = await join(server, conversationId, 'customer', { token });
    assert.equal(joined.payload.role, 'customer');
    client.close();
  });

  it('gives a fixed subject per role, so a reloaded demo page resumes its seat instead of finding it taken', async () => {
    const conversationId = freshConversation('demo-reload');
    const url = `/api/demo-token?role=agent&conversation=${conversationId}`;
    const first = JSON.parse((await httpGet(server, url)).body) as { token: string };
    const second = JSON.parse((await httpGet(server, url)).body) as { token: string };
    const tab = await join(server, conversationId, 'agent', { token: first.token });
    const reloaded = await join(server, conversationId, 'agent', { token: second.token });
    assert.equal(reloaded.joined.payload.resumed, true);
    tab.client.close();
    reloaded.client.close();
  });

  for (const [query, why] of [
    ['role=boss&conversation=c', 'an unknown role'],
    ['role=supervisor&conversation=c', 'a supervisor token for a conversation'],
    ['conversation=c', 'a missing role'],
    ['role=agent', 'a missing conversation (and no agent id)'],
    ['role=agent&agent=', 'an empty agent id'],
    ['role=agent&conversation=', 'an empty conversation'],
    [`role=agent&conversation=${'c'.repeat(129)}`, 'a conversation id over 128 characters'],
  ]) {
    it(`answers ${why} with 400 and a JSON error`, async () => {
      const response = await httpGet(server, `/api/demo-token?${query}`);
      assert.equal(response.status, 400);
      assert.equal((JSON.parse(response.body) as { error: string }).error, 'bad-request');
    });
  }
});

describe('GET /api/demo-token in production mode', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('does not exist (404)', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1', mode: 'production', signingSecret: PRODUCTION_SECRET, heartbeatIntervalMs: 0 });
    try {
      const response = await httpGet(server, '/api/demo-token?role=agent&conversation=c');
      assert.equal(response.status, 404);
      assert.doesNotMatch(response.body, /token"/);
    } finally {
      await server.close();
    }
  });
});

describe('static files', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  let root: string;
  let harness: string;

  before(async () => {
    root = mkdtempSync(joinPath(tmpdir(), 'cck-static-'));
    mkdirSync(joinPath(root, 'demo'));
    mkdirSync(joinPath(root, 'dist'));
    mkdirSync(joinPath(root, 'demo', 'nested'));
    writeFileSync(joinPath(root, 'demo', 'index.html'), '<!doctype html><title>demo index</title>');
    writeFileSync(joinPath(root, 'demo', 'agent.html'), '<!doctype html><title>agent</title>');
    writeFileSync(joinPath(root, 'demo', 'nested', 'index.html'), 'nested index');
    writeFileSync(joinPath(root, 'demo', 'style.css'), 'body{}');
    writeFileSync(joinPath(root, 'demo', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(joinPath(root, 'dist', 'chat-call-kit.esm.js'), 'export {};');
    writeFileSync(joinPath(root, 'dist', 'chat-call-kit.esm.js.map'), '{}');
    writeFileSync(joinPath(root, 'dist', 'module.mjs'), 'export {};');
    writeFileSync(joinPath(root, 'dist', 'data.json'), '{"ok":true}');
    writeFileSync(joinPath(root, 'secret.txt'), 'TOP SECRET');
    harness = mkdtempSync(joinPath(tmpdir(), 'cck-harness-'));
    writeFileSync(joinPath(harness, 'page.html'), 'harness page');
    server = await startServer({
      mode: 'development',
      port: 0,
      host: '127.0.0.1',
      rootDir: root,
      staticMounts: { '/test-harness/': harness },
      heartbeatIntervalMs: 0,
    });
  });

  after(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(harness, { recursive: true, force: true });
  });

  it('redirects / to /demo/ with a 302', async () => {
    const response = await httpGet(server, '/');
    assert.equal(response.status, 302);
    assert.equal(response.headers.location, '/demo/');
  });

  it('serves demo/index.html at /demo/ and redirects /demo to /demo/', async () => {
    const index = await httpGet(server, '/demo/');
    assert.equal(index.status, 200);
    assert.equal(index.body, '<!doctype html><title>demo index</title>');
    assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
    const bare = await httpGet(server, '/demo');
    assert.equal(bare.status, 302);
    assert.equal(bare.headers.location, '/demo/');
    const nested = await httpGet(server, '/demo/nested');
    assert.equal(nested.status, 302);
    assert.equal(nested.headers.location, '/demo/nested/');
    assert.equal((await httpGet(server, '/demo/nested/')).body, 'nested index');
  });

  for (const [path, type] of [
    ['/demo/agent.html', 'text/html; charset=utf-8'],
    ['/demo/style.css', 'text/css; charset=utf-8'],
    ['/demo/logo.svg', 'image/svg+xml'],
    ['/dist/chat-call-kit.esm.js', 'text/javascript; charset=utf-8'],
    ['/dist/module.mjs', 'text/javascript; charset=utf-8'],
    ['/dist/chat-call-kit.esm.js.map', 'application/json; charset=utf-8'],
    ['/dist/data.json', 'application/json; charset=utf-8'],
  ]) {
    it(`serves ${path} as ${type}`, async () => {
      const response = await httpGet(server, `${path}?cache-buster=1`);
      assert.equal(response.status, 200);
      assert.equal(response.headers['content-type'], type);
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
    });
  }

  it('serves extra mounts passed as options', async () => {
    const response = await httpGet(server, '/test-harness/page.html');
    assert.equal(response.status, 200);
    assert.equal(response.body, 'harness page');
  });

  it('answers HEAD with headers and no body', async () => {
    const response = await httpGet(server, '/demo/agent.html', 'HEAD');
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-length'], String('<!doctype html><title>agent</title>'.length));
    assert.equal(response.body, '');
  });

  for (const path of [
    '/demo/../secret.txt',
    '/demo/%2e%2e/secret.txt',
    '/demo/..%2fsecret.txt',
    '/demo/nested/..%2f..%2fsecret.txt',
    '/dist/%2E%2E%2Fsecret.txt',
    '/test-harness/..%2F..%2Fetc%2Fpasswd',
  ]) {
    it(`refuses the path traversal ${path} with 403`, async () => {
      const response = await httpGet(server, path);
      assert.equal(response.status, 403);
      assert.doesNotMatch(response.body, /TOP SECRET|root:/);
    });
  }

  for (const path of ['/demo/missing.html', '/secret.txt', '/nowhere', '/distx/chat-call-kit.esm.js']) {
    it(`answers ${path} with 404`, async () => {
      assert.equal((await httpGet(server, path)).status, 404);
    });
  }

  it('answers a malformed percent-encoding with 400 and a NUL byte with 400', async () => {
    assert.equal((await httpGet(server, '/demo/%E0%A4%A')).status, 400);
    assert.equal((await httpGet(server, '/demo/agent.html%00.css')).status, 400);
  });

  it('answers other methods with 405', async () => {
    assert.equal((await httpGet(server, '/demo/agent.html', 'POST')).status, 405);
  });

  it('accepts WebSocket upgrades on /signaling only', async () => {
    const refused = new WebSocket(`${server.url.replace('http', 'ws')}/demo/`);
    const outcome = await new Promise<string>((resolve) => {
      refused.once('open', () => resolve('open'));
      refused.once('error', () => resolve('error'));
    });
    assert.equal(outcome, 'error');
    const { client } = await join(server, freshConversation('upgrade'), 'agent');
    client.close();
  });
});

describe('configuration from the environment', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('defaults to production on 0.0.0.0:8080 with a 15 s grace period', () => {
    const options = resolveOptions({}, { CCK_SIGNING_SECRET: PRODUCTION_SECRET });
    assert.equal(options.mode, 'production');
    assert.equal(options.port, 8080);
    assert.equal(options.host, '0.0.0.0');
    assert.equal(options.resumeGraceMs, 15_000);
  });

  it('runs development, when asked for, on loopback with the persisted development secret', () => {
    const cache = mkdtempSync(joinPath(tmpdir(), 'cck-cache-'));
    try {
      const options = resolveOptions({}, { CCK_MODE: 'development', XDG_CACHE_HOME: cache });
      assert.equal(options.mode, 'development');
      assert.equal(options.host, '127.0.0.1');
      assert.ok(options.signingSecret.length >= 32, 'a random secret of at least 32 characters');
      assert.equal(resolveOptions({ mode: 'development' }, { XDG_CACHE_HOME: cache }).signingSecret, options.signingSecret, 'the same secret after a restart');
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('reads PORT, HOST, CCK_RESUME_GRACE_MS and the production switches', () => {
    const env = { PORT: '9090', HOST: '127.0.0.1', CCK_RESUME_GRACE_MS: '500', CCK_SIGNING_SECRET: PRODUCTION_SECRET };
    const options = resolveOptions({}, { ...env, NODE_ENV: 'production' });
    assert.deepEqual([options.port, options.host, options.resumeGraceMs, options.mode], [9090, '127.0.0.1', 500, 'production']);
    assert.equal(options.signingSecret, PRODUCTION_SECRET);
    assert.equal(resolveOptions({}, { ...env, CCK_MODE: 'production' }).mode, 'production');
  });

  it('refuses production mode without a signing secret of at least 32 characters', () => {
    assert.throws(() => resolveOptions({}, { NODE_ENV: 'production' }), ConfigError);
    assert.throws(() => resolveOptions({}, { CCK_MODE: 'production', CCK_SIGNING_SECRET: 'short' }), ConfigError);
  });

  it('refuses a PORT that is not an integer in range', () => {
    assert.throws(() => resolveOptions({ mode: 'development' }, { PORT: 'eighty' }), ConfigError);
    assert.throws(() => resolveOptions({ mode: 'development' }, { PORT: '70000' }), ConfigError);
  });

  it('lets explicit options win over the environment', () => {
    const options = resolveOptions({ mode: 'development', port: 0 }, { NODE_ENV: 'production', PORT: '9090' });
    assert.equal(options.mode, 'development');
    assert.equal(options.port, 0);
  });
});
