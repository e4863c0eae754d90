/**
 * Bytes on the wire. A counting TCP proxy put between the customer's page and its server counts what
 * the customer's browser really writes into its WebSocket connections: frame headers, masks and
 * payloads, compressed when the server negotiated permessage-deflate (Chromium always offers it).
 * `frameBytes` gives the same figure for frames sent uncompressed, from their text.
 */
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface WireCounter {
  /** `http://127.0.0.1:port`: load the customer's page from here (its WebSocket URL follows the page's host). */
  url: string;
  /** `ws://127.0.0.1:port`. */
  wsUrl: string;
  /** Bytes the clients wrote into WebSocket connections so far (upgrade requests included). */
  upstreamBytes(): number;
  close(): Promise<void>;
}

/** A proxy to `target` (host:port) that counts client-to-server bytes of upgraded connections. */
export async function startWireCounter(target: { host: string; port: number }): Promise<WireCounter> {
  let upstream = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const remote = connect(target.port, target.host);
    // As nginx (`tcp_nodelay on`) and browsers do: without it Nagle's algorithm holds a message's
    // last, short segment until the previous one is acknowledged (tens of ms on loopback).
    client.setNoDelay(true);
    remote.setNoDelay(true);
    sockets.add(client).add(remote);
    let websocket: boolean | undefined;
    client.on('data', (data: Buffer) => {
      // The first bytes of a connection say what it is: an HTTP request asking for an upgrade, or not.
      websocket ??= /\r\nupgrade:\s*websocket/i.test(data.subarray(0, 4096).toString('latin1'));
      if (websocket) upstream += data.length;
    });
    client.pipe(remote);
    remote.pipe(client);
    const end = () => {
      client.destroy();
      remote.destroy();
      sockets.delete(client);
      sockets.delete(remote);
    };
    client.on('error', end).on('close', end);
    remote.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    upstreamBytes: () => upstream,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** UTF-8 bytes of a text. */
export function textBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Bytes of one uncompressed client-to-server text frame: header, 4-byte mask, payload. */
export function frameBytes(text: string): number {
  const n = textBytes(text);
  return 2 + (n >= 65_536 ? 8 : n >= 126 ? 2 : 0) + 4 + n;
}
