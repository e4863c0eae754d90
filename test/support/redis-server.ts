/**
 * A real `redis-server` for a test: a free loopback port, its own temporary directory, append-only
 * file on (fsync on every write, so a restart keeps everything acknowledged). Missing redis-server is
 * a failure, not a skip. `stop()` (also on failure: call it from `after`) ends the process and
 * removes the directory; `restart()` stops and starts it on the same port and directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../e2e/support/server-process.js';
import { childReady } from './child-ready.js';

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The binary's path (also looked for in the sbin directories a non-root PATH may lack); throws when missing. */
export function requireBinary(name: string, hint: string): string {
  const found = spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin:/usr/local/sbin" command -v ${name}`], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error(`${name} is not installed (${hint}); .ci/run installs it`);
  return found.stdout.trim();
}

export class RedisServer {
  readonly port: number;
  readonly dir: string;
  readonly #binary: string;
  #child: ChildProcess | null = null;
  #output = '';

  private constructor(binary: string, port: number, dir: string) {
    this.#binary = binary;
    this.port = port;
    this.dir = dir;
  }

  static async start(): Promise<RedisServer> {
    const binary = requireBinary('redis-server', 'Debian package redis-server');
    const server = new RedisServer(binary, await freePort(), mkdtempSync(join(tmpdir(), 'cck-redis-')));
    await server.#spawn();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get output(): string {
    return this.#output;
  }

  /** SIGTERM (Redis flushes its append-only file), then the same port and directory again. */
  async restart(): Promise<void> {
    await this.#terminate();
    await this.#spawn();
  }

  async stop(): Promise<void> {
    await this.#terminate();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #spawn(timeoutMs = 15_000): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no'];
    const child = spawn(this.#binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    await childReady(child, 'Ready to accept connections', 'redis-server', timeoutMs, (text) => (this.#output += text));
  }

  async #terminate(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }
}
