/**
 * The server fails closed (issue #10, rows 4 and 18): production unless development is asked for by
 * name, unknown modes refused, no production without a strong secret, demo tokens never signed with
 * a configured secret (so a development instance cannot mint tokens production accepts), development
 * only on loopback and only for requests addressed to a loopback name (DNS rebinding).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, describe, it } from 'node:test';
import { verifyApiToken } from '../../server/auth.js';
import { ConfigError, resolveOptions } from '../../server/config.js';
import { isDevelopmentHost } from '../../server/host-check.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { api } from './api-helpers.js';
import { spawnServer, type ServerProcess } from './server-process.js';

const STRONG = 'cfg-Strong-secret/0123456789+abcdefghijKLMN';
const PROCESS_TIMEOUT_MS = 30_000;

const refusal = (pattern: RegExp) => (error: unknown) => error instanceof ConfigError && pattern.test(error.message);

describe('mode and secret from the environment', { timeout: 10_000 }, () => {
  it('is production with no settings at all, and then refuses to start without a secret', () => {
    assert.throws(() => resolveOptions({}, {}), refusal(/production mode needs CCK_SIGNING_SECRET/));
    assert.equal(resolveOptions({}, { CCK_SIGNING_SECRET: STRONG }).mode, 'production');
  });

  it('refuses unknown mode values instead of guessing', () => {
    for (const typo of ['prod', 'Production', 'dev', 'development ', 'test']) {
      const expected = typo.trim() === 'development' ? 'development' : null;
      if (expected) assert.equal(resolveOptions({}, { CCK_MODE: typo }).mode, 'development');
      else assert.throws(() => resolveOptions({}, { CCK_MODE: typo, CCK_SIGNING_SECRET: STRONG }), refusal(/CCK_MODE must be development or production/), typo);
    }
    assert.throws(() => resolveOptions({ mode: 'prod' as never }, {}), refusal(/mode must be development or production/));
  });

  it('does not let CCK_MODE=development override NODE_ENV=production', () => {
    assert.throws(() => resolveOptions({}, { CCK_MODE: 'development', NODE_ENV: 'production' }), refusal(/contradicts NODE_ENV=production/));
    assert.equal(resolveOptions({}, { NODE_ENV: 'development', CCK_SIGNING_SECRET: STRONG }).mode, 'production', 'NODE_ENV never selects development');
  });

  it('refuses weak production secrets: short, repetitive or patterned', () => {
    for (const weak of ['short', 'a'.repeat(32), 'a'.repeat(64), 'abcd'.repeat(8), '0123'.repeat(8)]) {
      assert.throws(() => resolveOptions({}, { CCK_SIGNING_SECRET: weak }), refusal(/too weak|shorter than/), weak);
      assert.throws(() => resolveOptions({ mode: 'production', signingSecret: weak }, {}), refusal(/too weak|shorter than/), weak);
    }
    const hex = 'a3f09c2be7d14586b0c9e2f7a1d4c6b8';
    assert.equal(resolveOptions({}, { CCK_SIGNING_SECRET: hex }).signingSecret, hex, '32 random hex characters are accepted');
  });

  it('never signs development tokens with a configured secret', () => {
    assert.throws(() => resolveOptions({}, { CCK_MODE: 'development', CCK_SIGNING_SECRET: STRONG }), refusal(/never with a configured one/));
    assert.throws(() => resolveOptions({ mode: 'development', signingSecret: STRONG }, {}), refusal(/never with a configured one/));
  });

  it('refuses static TURN credentials and a weak TURN secret in production', () => {
    const regions = JSON.stringify({ na: { iceServers: [{ urls: 'turn:turn.example.com:3478', username: 'agent', credential: 'change-me' }] } });
    assert.throws(() => resolveOptions({}, { CCK_SIGNING_SECRET: STRONG, CCK_REGIONS: regions }), refusal(/static TURN credentials \(na\)/));
    assert.throws(() => resolveOptions({}, { CCK_SIGNING_SECRET: STRONG, CCK_TURN_SECRET: 'x'.repeat(40) }), refusal(/CCK_TURN_SECRET is too weak/));
    const ephemeral = JSON.stringify({ na: { iceServers: [{ urls: 'turn:turn.example.com:3478' }] } });
    const options = resolveOptions({}, { CCK_SIGNING_SECRET: STRONG, CCK_REGIONS: ephemeral, CCK_TURN_SECRET: STRONG, CCK_TURN_TTL_S: '300' });
    assert.deepEqual(options.turn, { secret: STRONG, ttlS: 300 });
  });

  it('keeps development on loopback', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost', '[::1]']) assert.equal(resolveOptions({ mode: 'development', host }, {}).host, host);
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'example.com']) {
      assert.throws(() => resolveOptions({ mode: 'development', host }, {}), refusal(/listens on loopback only/), host);
      assert.throws(() => resolveOptions({}, { CCK_MODE: 'development', HOST: host }), refusal(/listens on loopback only/), host);
    }
  });
});

describe('the server process: npm run serve, tsx server/main.ts, npm start', { timeout: 4 * PROCESS_TIMEOUT_MS }, () => {
  const running: ServerProcess[] = [];
  after(async () => {
    await Promise.all(running.map((server) => server.stop()));
  });
  const spawnTracked = (env: Record<string, string>, args: string[] = []) => {
    const server = spawnServer(env, args);
    running.push(server);
    return server;
  };

  it('started with no settings, a typo or a weak secret, refuses to start with a clear error', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{}, /production mode needs CCK_SIGNING_SECRET/],
      [{ CCK_MODE: 'prod', CCK_SIGNING_SECRET: STRONG }, /CCK_MODE must be development or production, got "prod"/],
      [{ CCK_SIGNING_SECRET: 'a'.repeat(32) }, /CCK_SIGNING_SECRET is too weak/],
      [{ CCK_MODE: 'development', CCK_SIGNING_SECRET: STRONG }, /never with a configured one/],
    ];
    await Promise.all(
      cases.map(async ([env, message]) => {
        const server = spawnTracked(env);
        assert.equal(await server.exited, 1, `exit code 1 for ${JSON.stringify(env)}`);
        assert.match(server.output(), /failed to start/);
        assert.match(server.output(), message);
      }),
    );
  });

  it('npm start (--development) runs the demo on loopback; it refuses an environment that says production', async () => {
    const demo = spawnTracked({}, ['--development']);
    const port = await demo.listening;
    assert.match(demo.output(), /\(development mode\)/);
    const token = await getJson(port, '/api/demo-token?role=supervisor', 'localhost');
    assert.equal(token.status, 200);
    const contradicted = spawnTracked({ CCK_MODE: 'production', CCK_SIGNING_SECRET: STRONG }, ['--development']);
    assert.equal(await contradicted.exited, 1);
    assert.match(contradicted.output(), /contradicts CCK_MODE\/NODE_ENV=production/);
  });

  it('a development instance cannot mint a supervisor token that production accepts', async () => {
    const production = spawnTracked({ CCK_SIGNING_SECRET: STRONG });
    const demo = spawnTracked({}, ['--development']);
    const [productionPort, demoPort] = await Promise.all([production.listening, demo.listening]);
    assert.match(production.output(), /\(production mode\)/);
    assert.equal((await getJson(productionPort, '/api/demo-token?role=supervisor')).status, 404, 'no demo tokens in production');
    const minted = (await getJson(demoPort, '/api/demo-token?role=supervisor', '127.0.0.1')).body as { token: string };
    assert.equal((await verifyApiToken(minted.token, STRONG)).ok, false, 'the demo token is not signed with the configured secret');
    const answer = await getJson(productionPort, '/api/agents', undefined, minted.token);
    assert.equal(answer.status, 401, `production refuses the demo token: ${JSON.stringify(answer.body)}`);
  });
});

describe('development answers only requests addressed to loopback (Host check)', { timeout: 10_000 }, () => {
  let server: RunningServer;
  after(() => server?.close());

  it('refuses a rebinding page (Host: attacker.example) on HTTP and WebSocket, serves localhost', async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0 });
    for (const host of ['attacker.example', 'attacker.example:8080', '10.0.0.5', 'localhost.attacker.example']) {
      const answer = await getJson(server.port, '/api/demo-token?role=supervisor', host);
      assert.equal(answer.status, 403, `Host ${JSON.stringify(host)}`);
      assert.equal((answer.body as { error: string }).error, 'host-not-allowed');
    }
    assert.equal((await getJson(server.port, '/api/demo-token?role=supervisor', '')).status, 400, 'no Host at all: Node refuses the request');
    for (const host of ['localhost', `localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`, 'app.localhost']) {
      assert.equal((await getJson(server.port, '/api/demo-token?role=supervisor', host)).status, 200, `Host ${host}`);
    }
    assert.equal(await upgradeStatus(server.port, 'attacker.example'), 403, 'no signaling for a rebinding page either');
    assert.equal(await upgradeStatus(server.port, `127.0.0.1:${server.port}`), 101);
  });

  it('parses Host headers strictly', () => {
    for (const good of ['localhost', 'LOCALHOST:80', '127.0.0.1:1', '127.1.2.3', '[::1]', '[::1]:9', 'a.localhost']) assert.ok(isDevelopmentHost(good), good);
    for (const bad of [undefined, '', 'localhost.evil.com', '127.0.0.1.evil.com', '[::1', '[::1]x', 'localhost:80:80', 'local host']) assert.ok(!isDevelopmentHost(bad), String(bad));
  });

  it('production does not check Host (it sits behind the operator\'s own names and proxies)', async () => {
    const production = await startServer({ mode: 'production', signingSecret: STRONG, port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0 });
    try {
      const answer = await api(production, 'GET', '/api/config', { headers: { Host: 'calls.example.com' } });
      assert.equal(answer.status, 401, 'answered (and asked for a token) whatever the Host');
    } finally {
      await production.close();
    }
  });
});

/** A GET with an exact Host header (none at all when `host` is empty). */
function getJson(port: number, path: string, host?: string, bearer?: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false, setHost: host === undefined }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // static files and plain-text errors
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    if (host) req.setHeader('Host', host);
    req.on('error', reject);
    req.end();
  });
}

/** The status of a WebSocket upgrade request to /signaling with this Host (101 = accepted). */
function upgradeStatus(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/signaling',
      agent: false,
      setHost: false,
      headers: { Host: host, Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
