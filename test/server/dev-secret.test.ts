/**
 * Development mode keeps its signing secret across restarts (a file under the user's cache
 * directory, mode 0600), so a restarted demo server still admits the open pages; production never
 * reads or writes it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { resolveOptions } from '../../server/config.js';
import { developmentSecret, developmentSecretPath } from '../../server/dev-secret.js';

const made: string[] = [];
function cacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cck-dev-secret-'));
  made.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of made.splice(0)) {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  }
});

const PRODUCTION_SECRET = 'dev-secret-test/Prod-0123456789+abcdefXYZ';

describe('the development signing secret', () => {
  it('is created once under $XDG_CACHE_HOME/chat-call-kit/dev-secret with mode 0600 and read back by every later start', () => {
    const env = { XDG_CACHE_HOME: cacheDir() };
    const path = developmentSecretPath(env);
    assert.equal(path, join(env.XDG_CACHE_HOME, 'chat-call-kit', 'dev-secret'));
    const first = resolveOptions({ mode: 'development' }, env).signingSecret;
    assert.ok(first.length >= 32);
    assert.equal(readFileSync(path, 'utf8').trim(), first);
    assert.equal(statSync(path).mode & 0o777, 0o600, 'readable by the user only');
    assert.equal(resolveOptions({ mode: 'development' }, env).signingSecret, first, 'a restarted server has the same secret');
  });

  it('falls back to ~/.cache without XDG_CACHE_HOME', () => {
    assert.match(developmentSecretPath({}), /[/\\]\.cache[/\\]chat-call-kit[/\\]dev-secret$/);
  });

  it('replaces a file too short to be a secret', () => {
    const env = { XDG_CACHE_HOME: cacheDir() };
    const path = developmentSecretPath(env);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, 'short\n', { mode: 0o644 });
    const { secret, persisted } = developmentSecret(env);
    assert.ok(secret.length >= 32);
    assert.equal(persisted, true);
    assert.equal(readFileSync(path, 'utf8').trim(), secret);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it('still starts, with a per-process secret, when the cache directory cannot be written', () => {
    const dir = cacheDir();
    chmodSync(dir, 0o500);
    const { secret, persisted } = developmentSecret({ XDG_CACHE_HOME: dir });
    assert.ok(secret.length >= 32);
    // Root ignores permissions; then the file is simply written.
    if (process.getuid?.() !== 0) assert.equal(persisted, false);
  });

  it('is never used in production: no file is read or written', () => {
    const env = { XDG_CACHE_HOME: cacheDir(), CCK_MODE: 'production', CCK_SIGNING_SECRET: PRODUCTION_SECRET };
    assert.equal(resolveOptions({}, env).signingSecret, PRODUCTION_SECRET);
    assert.equal(existsSync(developmentSecretPath(env)), false);
    assert.throws(() => resolveOptions({}, { XDG_CACHE_HOME: env.XDG_CACHE_HOME, CCK_MODE: 'production' }), /CCK_SIGNING_SECRET/);
    assert.equal(existsSync(developmentSecretPath(env)), false);
  });
});
