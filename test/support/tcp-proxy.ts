/**
 * A TCP proxy for fault tests: pages or transports connect to it, it connects to the real server.
 * `blackhole()` makes the network silently swallow everything, in both directions, without closing
 * anything: the sockets stay "open" on both ends (a half-open connection, as after a route that
 * died), bytes are discarded, and new connections get no byte through either. `restore()` lets
 * traffic flow again; a connection that lost bytes cannot carry on (TCP would have given up
 * retransmitting long ago, and the stream is no longer whole), so it is reset on both ends then.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

interface Link {
  client: Socket;
  upstream: Socket;
  /** Bytes were discarded on this link: it cannot be continued. */
  lossy: boolean;
}

export class TcpProxy {
  readonly #server: Server;
  readonly #target: { host: string; port: number };
  readonly #links = new Set<Link>();
  #holed = false;
  readonly port: number;

  private constructor(server: Server, target: { host: string; port: number }, port: number) {
    this.#server = server;
    this.#target = target;
    this.port = port;
  }

  /** Listens on 127.0.0.1 (`port` 0: a free port) and forwards to `target`. */
  static async start(target: { host?: string; port: number }, port = 0): Promise<TcpProxy> {
    const resolved = { host: target.host ?? '127.0.0.1', port: target.port };
    const holder: { proxy?: TcpProxy } = {};
    // Half-open allowed: a FIN from one end is passed on (or swallowed), never answered by the proxy itself.
    const server = createServer({ allowHalfOpen: true }, (client) => holder.proxy!.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    holder.proxy = new TcpProxy(server, resolved, (server.address() as { port: number }).port);
    return holder.proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get signalingUrl(): string {
    return `ws://127.0.0.1:${this.port}/signaling`;
  }

  get holed(): boolean {
    return this.#holed;
  }

  /** Open links (client connections with their upstream). */
  get connectionCount(): number {
    return this.#links.size;
  }

  /** From now on nothing gets through, either way, on old or new connections; nothing is closed. */
  blackhole(): void {
    this.#holed = true;
  }

  /** Traffic flows again; links that lost bytes meanwhile are reset on both ends. */
  restore(): void {
    this.#holed = false;
    for (const link of [...this.#links]) if (link.lossy) this.#reset(link);
  }

  /** Resets every link at once (a network failure both ends notice). */
  resetAll(): void {
    for (const link of [...this.#links]) this.#reset(link);
  }

  async close(): Promise<void> {
    this.resetAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    const upstream = connect({ port: this.#target.port, host: this.#target.host, allowHalfOpen: true });
    const link: Link = { client, upstream, lossy: false };
    this.#links.add(link);
    const forward = (to: Socket) => (chunk: Buffer) => {
      if (this.#holed) {
        link.lossy = true;
        return;
      }
      if (!to.destroyed) to.write(chunk);
    };
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    const end = () => {
      if (!this.#links.delete(link)) return;
      client.destroy();
      upstream.destroy();
    };
    // A close is a packet too: swallowed while black-holed (the other end must not learn of it).
    const onEnd = (other: Socket) => () => {
      if (this.#holed) {
        link.lossy = true;
        return;
      }
      other.end();
    };
    client.on('end', onEnd(upstream));
    upstream.on('end', onEnd(client));
    client.on('close', () => (this.#holed ? (link.lossy = true) : end()));
    upstream.on('close', () => (this.#holed ? (link.lossy = true) : end()));
    client.on('error', () => {});
    upstream.on('error', () => {});
  }

  #reset(link: Link): void {
    this.#links.delete(link);
    link.client.resetAndDestroy();
    link.upstream.resetAndDestroy();
  }
}
