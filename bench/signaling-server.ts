/**
 * Child process: one relay server for the signaling benchmark, on 127.0.0.1 with a free port.
 * argv[2]: `cck` (the reference server), `ws` (a bare ws relay: the floor), `ws-deflate` / `ws-deflate-lean`
 * (the same with permessage-deflate: ws's defaults / the lean setting of `deflate.ts`) or `socketio` (a socket.io
 * relay with rooms). Tells the parent its port over IPC, samples its own RSS every 200 ms and reports
 * the peak when asked, with the CPU time it spent since the parent's `mark` (the load's start).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { Server as SocketIoServer } from 'socket.io';
import { startServer } from '../server/server.js';
import { BENCH_DEFLATE } from './deflate.js';

const kind = process.argv[2];
let peakRss = process.memoryUsage().rss;
const idleRss = peakRss;
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200).unref();

async function start(): Promise<number> {
  if (kind === 'cck') {
    // The load comes from one address: the per-address connection cap is raised, every other limit is the default.
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      signingSecret: process.env.BENCH_SECRET!,
      heartbeatIntervalMs: 30_000,
      limits: { maxConnectionsPerAddress: 10_000 },
    });
    return server.port;
  }
  const http = createServer();
  if (kind === 'ws' || kind === 'ws-deflate' || kind === 'ws-deflate-lean') {
    // The floor: pair two sockets by conversation, forward every text frame to the other, nothing else.
    // The -deflate variants negotiate permessage-deflate (ws's defaults, or the lean setting) to show what compression costs per socket.
    const perMessageDeflate = kind === 'ws-deflate' ? true : kind === 'ws-deflate-lean' ? BENCH_DEFLATE : false;
    const wss = new WebSocketServer({ server: http, perMessageDeflate });
    const rooms = new Map<string, Set<WebSocket>>();
    wss.on('connection', (socket, request) => {
      const conversation = new URL(request.url ?? '/', 'http://x').searchParams.get('c') ?? '';
      let room = rooms.get(conversation);
      if (!room) rooms.set(conversation, (room = new Set()));
      room.add(socket);
      socket.on('message', (data, isBinary) => {
        for (const other of room!) if (other !== socket && other.readyState === WebSocket.OPEN) other.send(data, { binary: isBinary });
      });
      socket.on('close', () => {
        room!.delete(socket);
        if (room!.size === 0) rooms.delete(conversation);
      });
    });
  } else if (kind === 'socketio') {
    const io = new SocketIoServer(http, { transports: ['websocket'], serveClient: false });
    io.on('connection', (socket) => {
      const conversation = String(socket.handshake.query.c ?? '');
      void socket.join(conversation);
      socket.on('m', (text: string) => socket.to(conversation).emit('m', text));
    });
  } else {
    throw new Error(`unknown relay ${kind}`);
  }
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return (http.address() as AddressInfo).port;
}

const port = await start();
process.send!({ type: 'ready', port });
let cpuMark = process.cpuUsage();
process.on('message', (message: { type: string }) => {
  if (message.type === 'mark') cpuMark = process.cpuUsage();
  if (message.type === 'rss') {
    const cpu = process.cpuUsage(cpuMark);
    process.send!({ type: 'rss', idleRss, peakRss, rss: process.memoryUsage().rss, cpuMicros: cpu.user + cpu.system });
  }
  if (message.type === 'exit') process.exit(0);
});
