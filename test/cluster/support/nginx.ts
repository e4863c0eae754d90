/**
 * Debian's nginx in front of the nodes, with `deploy/nginx.conf` copied byte for byte into a
 * temporary prefix; the test only writes the two includes it names (the listen port and the
 * upstream nodes). Missing nginx is a failure, not a skip; `stop()` ends it and removes the prefix.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../e2e/support/server-process.js';
import { requireBinary } from '../../support/redis-server.js';

export const NGINX_CONF = fileURLToPath(new URL('../../../deploy/nginx.conf', import.meta.url));
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class Nginx {
  readonly port: number;
  readonly prefix: string;
  readonly #child: ChildProcess;

  private constructor(port: number, prefix: string, child: ChildProcess) {
    this.port = port;
    this.prefix = prefix;
    this.#child = child;
  }

  static async start(upstreamPorts: readonly number[]): Promise<Nginx> {
    const binary = requireBinary('nginx', 'Debian package nginx');
    const prefix = mkdtempSync(join(tmpdir(), 'cck-nginx-'));
    for (const dir of ['logs', 'tmp']) mkdirSync(join(prefix, dir));
    const port = await freePort();
    copyFileSync(NGINX_CONF, join(prefix, 'nginx.conf'));
    writeFileSync(join(prefix, 'cck-listen.conf'), `listen 127.0.0.1:${port};\n`);
    writeFileSync(join(prefix, 'cck-upstreams.conf'), upstreamPorts.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;\n`).join(''));
    // Running as root, nginx's workers would switch to `nobody`; the test's prefix is private to it.
    const globals = process.getuid?.() === 0 ? ['-g', 'user root;'] : [];
    const child = spawn(binary, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), ...globals], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const nginx = new Nginx(port, prefix, child);
    try {
      await waitForPort(port, child, () => output);
    } catch (error) {
      await nginx.stop();
      throw error;
    }
    return nginx;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get signalingUrl(): string {
    return `ws://127.0.0.1:${this.port}/signaling`;
  }

  errorLog(): string {
    try {
      return readFileSync(join(this.prefix, 'logs', 'error.log'), 'utf8');
    } catch {
      return '';
    }
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // QUIT is nginx's graceful stop; its workers go with it.
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.prefix, { recursive: true, force: true });
  }
}

async function waitForPort(port: number, child: ChildProcess, output: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}):\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not listen on ${port} within ${timeoutMs} ms:\n${output()}`);
}
