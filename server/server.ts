/**
 * Wires the pieces into one HTTP server: routes and the REST API, the `/signaling` WebSocket endpoint,
 * the conversation registry, and agent capacity and routing. `startServer` is what `server/main.ts`,
 * the tests and the e2e suite use.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiHandler } from './api.js';
import { createCallHooks } from './calls.js';
import { accessRefusal } from './conversation-access.js';
import { resolveOptions } from './config.js';
import type { ServerOptions, ServerOverrides } from './config.js';
import { peerToPeerMedia, type MediaHandlerFactory } from './media-hooks.js';
import { createRequestListener } from './http.js';
import { createMessage } from '../src/signaling/protocol.js';
import { SIGNALING_PATH, attachSignaling } from './signaling.js';
import { resolveSfuOptions, type SfuOverrides } from './sfu/sfu-options.js';
import { SfuService } from './sfu/sfu-service.js';
import { sfuMedia } from './sfu/sfu-media.js';
import { Supervision, withSupervision } from './supervision.js';
import type { PinServiceOptions } from './visual-pins.js';
import { createStores, type RedisStoreOptions } from './stores/stores.js';
import { LiveRoutingStore, type RoutingStore } from './stores/routing-store.js';
import type { Router } from './routing.js';
import type { ConnectionFilter } from './signaling.js';
import { createUpgradeGuard } from './upgrade-guard.js';

export type { ServerMode, ServerOptions, ServerOverrides, ServerLog } from './config.js';
export type { ConnectionFilter } from './signaling.js';
export type { MediaHandlerFactory, MediaRequestHandler, MediaReply, ServerMediaPort } from './media-hooks.js';

/** Visual engagement: the PIN service's options (also read from `CCK_PIN_TTL_MS`, `CCK_PIN_LENGTH`). */
export interface VisualServerOverrides {
  pins?: Partial<PinServiceOptions>;
}

/** Scale-out: keep the state in Redis (default from `CCK_REDIS_URL`; `null` keeps it in memory whatever the environment says). */
export interface ClusterServerOverrides {
  redis?: RedisStoreOptions | null;
}

/** Media: the server-side media session (an SFU) that answers `media-request`s. Default: peer-to-peer. */
export interface MediaServerOverrides {
  media?: MediaHandlerFactory;
  /** SFU mode (`CCK_MEDIA=sfu`): the SFU's options (also read from `CCK_SFU_*`, see server/sfu/sfu-options.ts). */
  sfu?: SfuOverrides;
}

export interface RunningServer {
  /** `http://127.0.0.1:PORT` (or the configured host when it is a specific address). */
  url: string;
  port: number;
  /** `ws://.../signaling` */
  signalingUrl: string;
  /** The resolved options, including the signing secret (tests issue tokens with it). */
  options: ServerOptions;
  /** Agents, conversations and the queue (what the REST API reads and changes), in memory or in Redis. */
  routing: RoutingStore;
  /**
   * The live router when the state is in this process (tests read it synchronously). With Redis
   * there is no live router: reading this throws; use `routing`.
   */
  readonly router: Router;
  /** `memory`, or `redis` when the state is shared with other nodes. */
  readonly stores: 'memory' | 'redis';
  /** The SFU carrying the calls' media in SFU mode; undefined in peer-to-peer mode. */
  sfu: SfuService | undefined;
  /** Terminates matching signaling connections abruptly, like a network failure. Returns how many. */
  dropConnections(filter?: ConnectionFilter): number;
  /** Signaling WebSocket connections accepted since start (tests count a page's sockets with it). */
  readonly acceptedConnections: number;
  /** Open signaling connections, joined or not. */
  readonly connectionCount: number;
  /** Closes every socket and timer; resolves when the port is free. Safe to call twice. */
  close(): Promise<void>;
}

export async function startServer(
  overrides: ServerOverrides & VisualServerOverrides & MediaServerOverrides & ClusterServerOverrides = {},
): Promise<RunningServer> {
  const options = resolveOptions(overrides);
  const sfuOptions = options.deployment.media === 'sfu' ? resolveSfuOptions(options.deployment, options.mode === 'production', overrides.sfu) : undefined;
  // Before listening: a server that cannot carry its calls (mediasoup or its worker missing) does not start.
  const sfu = sfuOptions ? await SfuService.start({ ...sfuOptions, log: options.log, notify: () => {} }) : undefined;
  const { limits } = options;
  const stores = await createStores(options, {
    ...(overrides.redis === undefined ? {} : { redis: overrides.redis }),
    ...(overrides.pins ? { pins: overrides.pins } : {}),
    routing: {
      retentionMs: limits.conversationRetentionMs,
      tokenLifetimeMs: options.tokenLifetimes.maxConversationTokenS * 1_000,
      // Revoked access closes the seats at once, it does not wait for the tokens to expire. (The
      // registry is made below; the router only calls this once requests arrive.)
      onAccessRevoked: (conversationId, roles, reason) =>
        registry.revoke(
          conversationId,
          roles,
          reason === 'ended' ? 'conversation-ended' : 'token-revoked',
          reason === 'ended' ? 'the conversation has ended' : 'the conversation was assigned to another agent',
        ),
    },
  }).catch(async (error: unknown) => {
    await sfu?.close();
    throw error;
  });
  const { routing, pins } = stores;
  // Supervision reaches members through the registry, which exists by the time anything is told.
  const supervision = new Supervision({ registry: { sendTo: (...target) => registry.sendTo(...target) }, log: options.log });
  const hooks = withSupervision(createCallHooks(routing, options.deployment, options.log), supervision);
  // The media handler is made once the registry exists: it reaches members through it.
  const handlerRef: { current?: ReturnType<MediaHandlerFactory> } = {};
  const registry = stores.seats({
    resumeGraceMs: options.resumeGraceMs,
    log: options.log,
    onJoined: hooks.registry.onJoined,
    onRemoved: (member, reason, conversationEmpty) => {
      hooks.registry.onRemoved(member, reason, conversationEmpty);
      handlerRef.current?.memberRemoved?.(member);
    },
  });
  const media = (overrides.media ?? (sfu ? sfuMedia(sfu, { onBargeIn: (conversationId) => supervision.bargedIn(conversationId) }) : peerToPeerMedia))({
    signal: (target, callId, payload) =>
      registry.sendTo(target.conversationId, target.role, JSON.stringify(createMessage('media-signal', { callId, payload }))),
  });
  handlerRef.current = media;
  const api = createApiHandler({
    routing,
    supervision,
    deployment: options.deployment,
    signingSecret: options.signingSecret,
    agentPresenceTimeoutMs: options.agentPresenceTimeoutMs,
    tokenLifetimes: options.tokenLifetimes,
    conversationTokenTtlS: options.conversationTokenTtlS,
    turn: options.turn,
    conversationRequests: { perMinute: limits.conversationRequestsPerMinute, burst: limits.conversationRequestBurst },
    rateLimits: stores.rateLimits,
  });
  const httpServer = createServer(
    createRequestListener({ ...options, api, tokenVersion: (conversationId, role) => routing.read((router) => router.tokenVersion(conversationId, role)) }),
  );
  const signaling = attachSignaling(httpServer, {
    registry,
    signingSecret: options.signingSecret,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    wsCompression: options.wsCompression,
    log: options.log,
    hooks: { ...hooks.signaling, checkJoin: (claims) => routing.read((router) => accessRefusal(claims, router)) },
    pins,
    media,
    limits,
    tokenLifetimes: options.tokenLifetimes,
    upgradeGuard: createUpgradeGuard({
      mode: options.mode,
      allowedOrigins: options.allowedOrigins,
      trustedProxies: limits.trustedProxies,
      maxConnections: limits.maxConnections,
      maxConnectionsPerAddress: limits.maxConnectionsPerAddress,
    }),
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
    await media.close?.();
    await sfu?.close();
    await stores.close();
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
    routing,
    get router(): Router {
      if (routing instanceof LiveRoutingStore) return routing.router;
      throw new Error('the routing state is shared in Redis: read it through `routing`');
    },
    stores: stores.kind,
    sfu,
    dropConnections: (filter) => signaling.dropConnections(filter),
    get acceptedConnections() {
      return signaling.acceptedConnections;
    },
    get connectionCount() {
      return signaling.connectionCount;
    },
    close() {
      closing ??= (async () => {
        await signaling.close();
        registry.dispose();
        await media.close?.();
        await sfu?.close();
        await new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          // Keep-alive HTTP connections would otherwise hold close() open.
          httpServer.closeAllConnections();
        });
        await stores.close();
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
