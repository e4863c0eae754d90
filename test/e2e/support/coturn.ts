/**
 * A real TURN server for the tests: Debian's coturn (`apt-get install coturn`) started on loopback
 * with a random port, a throw-away database and either a fixed long-term user or, with `authSecret`,
 * the TURN REST scheme (`use-auth-secret`: ephemeral credentials signed with the shared secret),
 * ready once it answers a STUN Binding request. `.ci/run` installs coturn; on a developer machine without it the TURN tests skip
 * with a message saying how to get it (and fail instead when CI or CCK_REQUIRE_TURN is set).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface CoturnOptions {
  /** coturn's `static-auth-secret`: credentials are the server's ephemeral ones, no fixed user. */
  authSecret?: string;
  /** `denied-peer-ip` ranges (`from-to`), as production should configure for private networks. */
  deniedPeerIps?: string[];
}

export interface Coturn {
  port: number;
  /** `turn:127.0.0.1:PORT?transport=udp` */
  url: string;
  username: string;
  credential: string;
  realm: string;
  /** Everything coturn printed so far (verbose: allocations, permissions, per-session usage). */
  output(): string;
  stop(): Promise<void>;
}

/** The `turnserver` binary on PATH (or Debian's location), if installed. */
export function turnserverPath(): string | undefined {
  const candidates = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'turnserver')), '/usr/bin/turnserver'];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Why the TURN tests cannot run here, or undefined when they can. Throws when they must run (CI). */
export function turnUnavailableReason(): string | undefined {
  if (turnserverPath()) return undefined;
  const reason = 'coturn is not installed: `apt-get install -y coturn` (Debian/Ubuntu) to run the TURN relay tests';
  if (process.env.CI || process.env.CCK_REQUIRE_TURN) throw new Error(`${reason}; CI requires them (.ci/run installs it)`);
  return reason;
}

export async function startCoturn(options: CoturnOptions = {}): Promise<Coturn> {
  const binary = turnserverPath();
  if (!binary) throw new Error('turnserver not found');
  const port = await freeUdpPort();
  const dir = mkdtempSync(join(tmpdir(), 'cck-coturn-'));
  const username = 'test';
  const credential = randomBytes(8).toString('hex');
  const realm = 'chat-call-kit.test';
  const args = [
    '-n', // no configuration file: only these flags
    '--no-cli',
    '--no-tls',
    '--no-dtls',
    `--listening-ip=127.0.0.1`,
    `--relay-ip=127.0.0.1`,
    `--listening-port=${port}`,
    ...(options.authSecret ? ['--use-auth-secret', `--static-auth-secret=${options.authSecret}`] : ['--lt-cred-mech', `--user=${username}:${credential}`]),
    `--realm=${realm}`,
    ...(options.deniedPeerIps ?? []).map((range) => `--denied-peer-ip=${range}`),
    // Both browsers' relayed addresses are on loopback; coturn refuses loopback peers by default.
    '--allow-loopback-peers',
    `--userdb=${join(dir, 'turndb')}`,
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    '--log-file=stdout',
    '--simple-log',
    '--verbose',
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => (running = false));

  const stop = async () => {
    if (running) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitForStun(port, () => running, 10_000);
  } catch (error) {
    await stop();
    throw new Error(`coturn did not start on 127.0.0.1:${port}: ${error instanceof Error ? error.message : String(error)}\n${output.slice(-3_000)}`, {
      cause: error,
    });
  }
  return { port, url: `turn:127.0.0.1:${port}?transport=udp`, username, credential, realm, output: () => output, stop };
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Sends STUN Binding requests until one is answered: the server is up and serving. */
async function waitForStun(port: number, alive: () => boolean, timeoutMs: number): Promise<void> {
  const socket = createSocket('udp4');
  const transaction = randomBytes(12);
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0); // Binding request
  request.writeUInt16BE(0, 2); // no attributes
  request.writeUInt32BE(0x2112a442, 4); // magic cookie
  transaction.copy(request, 8);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      socket.on('message', (message) => {
        if (message.length >= 20 && message.readUInt16BE(0) === 0x0101 && message.subarray(8, 20).equals(transaction)) resolve();
      });
      socket.on('error', () => {
        // ICMP port unreachable while coturn starts: keep trying.
      });
      const tick = () => {
        if (!alive()) return reject(new Error('turnserver exited'));
        if (Date.now() > deadline) return reject(new Error(`no STUN answer within ${timeoutMs} ms`));
        socket.send(request, port, '127.0.0.1');
        timer = setTimeout(tick, 100);
      };
      tick();
    });
  } finally {
    clearTimeout(timer);
    socket.close();
  }
}
