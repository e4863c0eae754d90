/**
 * `/signaling` checks `Origin` (issue #10, row 15): a page of another site cannot open it from a
 * visitor's browser. Same origin by default in production, plus `CCK_ALLOWED_ORIGINS`; development
 * also lets pages on loopback in. Clients that send no `Origin` (servers, Node) still need a token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { ConfigError, resolveOptions } from '../../server/config.js';
import { isOriginAllowed, parseAllowedOrigins } from '../../server/origins.js';
import { startServer, type RunningServer } from '../../server/server.js';

const STRONG = 'origin-Strong-secret/0123456789+abcdefghijKL';

/** Opens /signaling with this Origin: 'open', or the refusal's status and error code. */
function upgrade(server: RunningServer, origin: string | undefined, host?: string): Promise<string> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = host ? { Host: host } : {};
    const socket = new WebSocket(server.signalingUrl, { ...(origin === undefined ? {} : { origin }), headers });
    socket.once('open', () => {
      socket.terminate();
      resolve('open');
    });
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve(`${response.statusCode} ${(JSON.parse(body) as { error: string }).error}`));
    });
    socket.once('error', () => {});
  });
}

describe('the WebSocket Origin allow-list', { timeout: 10_000 }, () => {
  let production: RunningServer;
  let development: RunningServer;

  before(async () => {
    production = await startServer({
      mode: 'production',
      signingSecret: STRONG,
      port: 0,
      host: '127.0.0.1',
      heartbeatIntervalMs: 0,
      allowedOrigins: 'https://portal.example.com, https://desk.example.com:8443',
    });
    development = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0 });
  });
  after(async () => {
    await production.close();
    await development.close();
  });

  it('production refuses pages of other sites with 403 origin-not-allowed', async () => {
    for (const origin of ['https://evil.example', 'http://portal.example.com', 'https://portal.example.com.evil.example', 'null', 'http://localhost:5173', 'file://']) {
      assert.equal(await upgrade(production, origin), '403 origin-not-allowed', origin);
    }
  });

  it('production accepts its own origin, the allow-listed ones and clients without Origin', async () => {
    assert.equal(await upgrade(production, production.url), 'open', 'same origin');
    assert.equal(await upgrade(production, 'https://calls.example.com', 'calls.example.com'), 'open', 'same origin behind a TLS proxy');
    assert.equal(await upgrade(production, 'https://portal.example.com'), 'open');
    assert.equal(await upgrade(production, 'https://desk.example.com:8443'), 'open');
    assert.equal(await upgrade(production, undefined), 'open', 'no Origin: not a browser page');
  });

  it('development also accepts pages on loopback (the demo, a local dev server), no others', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:9999', 'http://[::1]:3000', development.url]) assert.equal(await upgrade(development, origin), 'open', origin);
    assert.equal(await upgrade(development, 'https://evil.example'), '403 origin-not-allowed');
  });

  it('parses CCK_ALLOWED_ORIGINS strictly: origins only, no paths or wildcards (a lone * in development only)', () => {
    assert.deepEqual(parseAllowedOrigins(' https://a.example.com ,https://b.example.com:443,http://c.example.com:8080').list, ['https://a.example.com', 'https://b.example.com', 'http://c.example.com:8080']);
    for (const bad of ['https://*.example.com', 'portal.example.com', 'https://a.example.com/app', 'ftp://a.example.com', 'https://user@a.example.com']) {
      assert.throws(() => parseAllowedOrigins(bad), ConfigError, bad);
    }
    assert.throws(() => resolveOptions({ mode: 'production', signingSecret: STRONG }, { CCK_ALLOWED_ORIGINS: '*' }), ConfigError, '* in production');
    assert.deepEqual(resolveOptions({ mode: 'development' }, { CCK_ALLOWED_ORIGINS: 'https://a.example.com' }).allowedOrigins.list, ['https://a.example.com']);
    assert.equal(isOriginAllowed('https://A.Example.com', undefined, { mode: 'production', allowedOrigins: parseAllowedOrigins('https://a.example.com') }), true, 'origins compare normalized');
  });
});
