/**
 * The reference server as a real process (`server/main.ts`, what `npm start` / `npm run serve` run),
 * for fault tests that kill it with SIGKILL and start it again on the same port. Every process
 * started here is killed by `stop()`, and on exit of the test process as a last resort.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { childReady } from '../../support/child-ready.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A port that was free a moment ago (the server must keep it across restarts, so it cannot be 0). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export class ServerProcess {
  readonly port: number;
  readonly env: Record<string, string>;
  #child: ChildProcess | null = null;
  #output = '';

  constructor(port: number, env: Record<string, string>) {
    this.port = port;
    this.env = env;
  }

  /** Starts `server/main.ts` on `port` (127.0.0.1, development mode unless `env` says otherwise). */
  static async start(env: Record<string, string> = {}, port?: number): Promise<ServerProcess> {
    const server = new ServerProcess(port ?? (await freePort()), env);
    await server.start();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get signalingUrl(): string {
    return `ws://127.0.0.1:${this.port}/signaling`;
  }

  get alive(): boolean {
    return this.#child !== null && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** What the process printed (stdout and stderr), for failure messages. */
  get output(): string {
    return this.#output;
  }

  async start(timeoutMs = 20_000): Promise<void> {
    if (this.alive) throw new Error('the server process is already running');
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, CCK_MODE: 'development', ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    await childReady(child, `reference server on http://localhost:${this.port}/`, 'the server', timeoutMs, (text) => (this.#output += text));
  }

  /** SIGKILL: no shutdown, no goodbye to any socket, all memory gone. Resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
  }
}
