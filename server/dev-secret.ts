/**
 * Development mode's signing secret, kept across restarts in a file under the user's cache
 * directory (`$XDG_CACHE_HOME/chat-call-kit/dev-secret`, else `~/.cache/chat-call-kit/dev-secret`,
 * mode 0600), so restarting `npm start` does not invalidate the token of every open demo page.
 * Production never uses it: there `CCK_SIGNING_SECRET` is required (server/config.ts).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Shorter file contents are not taken as a secret (a truncated or hand-edited file): a new one is made. */
const MIN_LENGTH = 32;

export function developmentSecretPath(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME?.trim() || join(homedir(), '.cache');
  return join(cache, 'chat-call-kit', 'dev-secret');
}

/**
 * The persisted development secret, created on first use. When the file cannot be read or written
 * (a read-only home, say) the secret lives as long as the process, as it did before, and
 * `persisted` says so.
 */
export function developmentSecret(env: NodeJS.ProcessEnv = process.env): { secret: string; persisted: boolean; path: string } {
  const path = developmentSecretPath(env);
  const existing = read(path);
  if (existing) return { secret: existing, persisted: true, path };
  const secret = randomBytes(32).toString('base64url');
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // `wx`: if another process created it meanwhile, theirs wins and is read back.
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return { secret, persisted: true, path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return { secret, persisted: false, path };
    const raced = read(path);
    if (raced) return { secret: raced, persisted: true, path };
    // A file that is no secret (truncated, hand-edited): replaced, still readable by the user only.
    try {
      writeFileSync(path, `${secret}\n`, { mode: 0o600 });
      chmodSync(path, 0o600);
      return { secret, persisted: true, path };
    } catch {
      return { secret, persisted: false, path };
    }
  }
}

function read(path: string): string | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return text.length >= MIN_LENGTH ? text : undefined;
  } catch {
    return undefined;
  }
}
