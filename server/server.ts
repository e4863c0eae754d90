/**
 * Wires the pieces into one HTTP server: routes, the `/signaling` WebSocket endpoint and the
 * conversation registry. `startServer` is what `server/main.ts`, the tests and the e2e suite use.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveOptions } from './config.js';
import type { ServerOptions } from './config.js';
import { ConversationRegistry } from './conversations.js';
import { createRequestListener } from './http.js';
import { SIGNALING_PATH, attachSignaling } from './signaling.js';
import type { ConnectionFilter } from './signaling.js';

export type { ServerMode, ServerOptions, ServerLog } from './config.js';
export type { ConnectionFilter } from './signaling.js';

export interface RunningServer {
  /** `http://127.0.0.1:PORT` (or the configured host when it is a specific address). */
  url: string;
  port: number;
  /** `ws://.../signaling` */
  signalingUrl: string;
  /** The resolved options, including the signing secret (tests issue tokens with it). */
  options: ServerOptions;
  /** Terminates matching signaling connections abruptly, like a network failure. Returns how many. */
  dropConnections(filter?: ConnectionFilter): number;
  /** Closes every socket and timer; resolves when the port is free. Safe to call twice. */
  close(): Promise<void>;
}

export async function startServer(overrides: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const options = resolveOptions(overrides);
  const registry = new ConversationRegistry(options);
  const httpServer = createServer(createRequestListener(options));
  const signaling = attachSignaling(httpServer, {
    registry,
    signingSecret: options.signingSecret,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    log: options.log,
  });

  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(options.port, options.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await signaling.close();
    registry.dispose();
    throw error;
  }
  httpServer.on('error', (error) => options.log('http-error', { message: error.message }));

  const port = (httpServer.address() as AddressInfo).port;
  const host = urlHost(options.host);
  options.log('listening', { host: options.host, port, mode: options.mode });

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    signalingUrl: `ws://${host}:${port}${SIGNALING_PATH}`,
    options: { ...options, port },
    dropConnections: (filter) => signaling.dropConnections(filter),
    close() {
      closing ??= (async () => {
        await signaling.close();
        registry.dispose();
        await new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          // Keep-alive HTTP connections would otherwise hold close() open.
          httpServer.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

/** A wildcard listen address is reachable on loopback; a specific one is used as given. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '' || host === 'localhost') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
