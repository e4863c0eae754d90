/**
 * CORS: pages on the origins in CCK_ALLOWED_ORIGINS may call the REST API and the demo-token
 * endpoint (preflight included); other origins get no CORS headers; the SDK files under /dist/ may be
 * loaded from any origin (their lazy chunks are module imports, fetched in CORS mode).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, resolveOptions } from '../../server/config.js';
import { parseAllowedOrigins } from '../../server/origins.js';
import { startServer, type RunningServer } from '../../server/server.js';

const APP = 'http://app.example.test:5173';

describe('CCK_ALLOWED_ORIGINS', () => {
  it('is a comma- or space-separated list of origins, normalised', () => {
    const origins = resolveOptions({ mode: 'development' }, { CCK_ALLOWED_ORIGINS: 'https://Desk.Example.com:443, http://shop.example.test:8080/  https://desk.example.com' }).allowedOrigins;
    assert.deepEqual(origins.list, ['https://desk.example.com', 'http://shop.example.test:8080']);
    assert.equal(origins.allows('https://desk.example.com'), true);
    assert.equal(origins.allows('https://evil.example.com'), false);
    assert.equal(origins.allows(undefined), false);
  });

  it('is empty by default: no other origin is allowed', () => {
    assert.deepEqual(resolveOptions({ mode: 'development' }, {}).allowedOrigins.list, []);
  });

  it('allows any origin with *, in development only', () => {
    assert.equal(parseAllowedOrigins('*').allows('https://anything.example'), true);
    assert.throws(
      () => resolveOptions({ mode: 'production' }, { CCK_ALLOWED_ORIGINS: '*', CCK_SIGNING_SECRET: 'cors-test/Production-0123456789+abcdefXYZ' }),
      ConfigError,
    );
  });

  for (const bad of ['desk.example.com', 'https://desk.example.com/app', 'ftp://files.example.com', 'https://desk.example.com?x=1']) {
    it(`refuses "${bad}" at start-up with a ConfigError`, () => {
      assert.throws(() => resolveOptions({}, { CCK_ALLOWED_ORIGINS: bad }), ConfigError);
    });
  }
});

describe('CORS on the reference server', () => {
  let server: RunningServer;
  let root: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'cck-cors-'));
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', 'chat-call-kit-providers.js'), 'export const x = 1;\n');
    server = await startServer({ port: 0, host: '127.0.0.1', mode: 'development', rootDir: root, allowedOrigins: [APP] });
  });

  after(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const preflight = (path: string, origin: string, method = 'GET') =>
    fetch(`${server.url}${path}`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'authorization, content-type' },
    });

  it('answers an allowed origin\'s preflight for the API with the methods and the Authorization header', async () => {
    const response = await preflight('/api/agents/me', APP, 'POST');
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), APP);
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /\bPOST\b/);
    assert.match(response.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    assert.match(response.headers.get('vary') ?? '', /Origin/);
  });

  it('lets an allowed origin read a demo token', async () => {
    const response = await fetch(`${server.url}/api/demo-token?role=customer&conversation=cors-1`, { headers: { Origin: APP } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), APP);
    assert.ok(((await response.json()) as { token: string }).token);
  });

  it('gives any other origin no CORS headers, and refuses its preflight', async () => {
    const read = await fetch(`${server.url}/api/demo-token?role=customer&conversation=cors-2`, { headers: { Origin: 'https://evil.example' } });
    assert.equal(read.headers.get('access-control-allow-origin'), null);
    await read.arrayBuffer();
    const response = await preflight('/api/agents/me', 'https://evil.example', 'POST');
    assert.equal(response.status, 403);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });

  it('serves the SDK files under /dist/ to every origin', async () => {
    const response = await fetch(`${server.url}/dist/chat-call-kit-providers.js`, { headers: { Origin: 'https://any-shop.example' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.equal((await preflight('/dist/chat-call-kit-providers.js', 'https://any-shop.example')).status, 204);
  });

  it('still answers a plain OPTIONS (not a preflight) with 405', async () => {
    const response = await fetch(`${server.url}/dist/chat-call-kit-providers.js`, { method: 'OPTIONS' });
    assert.equal(response.status, 405);
  });
});
