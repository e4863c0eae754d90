/**
 * The server's limits, their defaults and their environment variables (docs/security.md lists them).
 * Defaults are generous for real use (a contact centre behind one NAT address, a co-browse snapshot
 * of a large page) and still bound what one client can make the server hold or do.
 */
import { MAX_MESSAGE_BYTES } from '../../src/signaling/protocol.js';
import { ConfigError } from '../config-error.js';
import { integerFromEnv, listFromEnv } from '../env.js';
import { normalize } from './client-address.js';
import type { ConnectionLimitOptions } from './connection-guard.js';

export interface LimitOptions extends ConnectionLimitOptions {
  /** WebSocket connections the server holds at once. */
  maxConnections: number;
  /** WebSocket connections from one client address at once. */
  maxConnectionsPerAddress: number;
  /** Proxies whose `X-Forwarded-For` names the client (`CCK_TRUSTED_PROXIES`). */
  trustedProxies: string[];
  /** Chat requests (`POST /api/conversations`) one customer may make per minute, and in a burst. */
  conversationRequestsPerMinute: number;
  conversationRequestBurst: number;
  /** How long an ended conversation stays readable over the API before it is forgotten. */
  conversationRetentionMs: number;
}

const KIB = 1024;
const MIB = 1024 * KIB;

export const DEFAULT_LIMITS: Readonly<LimitOptions> = Object.freeze({
  maxConnections: 20_000,
  maxConnectionsPerAddress: 500,
  trustedProxies: [],
  joinTimeoutMs: 10_000,
  maxFailedJoins: 5,
  messagesPerSecond: 200,
  messageBurst: 400,
  bytesPerSecond: 2 * MIB,
  byteBurst: 8 * MIB,
  cobrowseMessagesPerSecond: 120,
  cobrowseMessageBurst: 240,
  cobrowseBytesPerSecond: 1 * MIB,
  cobrowseByteBurst: 8 * MIB,
  maxPendingFrames: 64,
  maxPendingBytes: 2 * MIB,
  maxBufferedBytes: 4 * MIB,
  conversationRequestsPerMinute: 6,
  conversationRequestBurst: 3,
  conversationRetentionMs: 60 * 60_000,
});

/** Environment variable of each limit that has one (the others are options only). */
const ENV: Partial<Record<keyof LimitOptions, string>> = {
  maxConnections: 'CCK_MAX_CONNECTIONS',
  maxConnectionsPerAddress: 'CCK_MAX_CONNECTIONS_PER_IP',
  joinTimeoutMs: 'CCK_JOIN_TIMEOUT_MS',
  maxFailedJoins: 'CCK_MAX_FAILED_JOINS',
  messagesPerSecond: 'CCK_RATE_MESSAGES_PER_S',
  messageBurst: 'CCK_RATE_MESSAGE_BURST',
  bytesPerSecond: 'CCK_RATE_BYTES_PER_S',
  byteBurst: 'CCK_RATE_BYTE_BURST',
  cobrowseMessagesPerSecond: 'CCK_RATE_COBROWSE_MESSAGES_PER_S',
  cobrowseMessageBurst: 'CCK_RATE_COBROWSE_MESSAGE_BURST',
  cobrowseBytesPerSecond: 'CCK_RATE_COBROWSE_BYTES_PER_S',
  cobrowseByteBurst: 'CCK_RATE_COBROWSE_BYTE_BURST',
  maxBufferedBytes: 'CCK_MAX_BUFFERED_BYTES',
  conversationRequestsPerMinute: 'CCK_CONVERSATION_REQUESTS_PER_MIN',
  conversationRequestBurst: 'CCK_CONVERSATION_REQUEST_BURST',
  conversationRetentionMs: 'CCK_CONVERSATION_RETENTION_MS',
};

type NumericLimit = Exclude<keyof LimitOptions, 'trustedProxies'>;

export function resolveLimits(overrides: Partial<LimitOptions> = {}, env: NodeJS.ProcessEnv = process.env): LimitOptions {
  const limits = { ...DEFAULT_LIMITS, trustedProxies: [...DEFAULT_LIMITS.trustedProxies] } as LimitOptions;
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof LimitOptions>) {
    if (key === 'trustedProxies') continue;
    const name = ENV[key];
    const value = overrides[key] ?? (name ? integerFromEnv(env, name, DEFAULT_LIMITS[key]) : DEFAULT_LIMITS[key]);
    // 0 turns the join timeout off; every other limit must allow something.
    const least = key === 'joinTimeoutMs' ? 0 : 1;
    if (!Number.isInteger(value) || value < least) throw new ConfigError(`${name ?? key} must be an integer of at least ${least}, got ${value}`);
    limits[key as NumericLimit] = value;
  }
  limits.trustedProxies = (overrides.trustedProxies ?? listFromEnv(env, 'CCK_TRUSTED_PROXIES')).map(normalize);
  for (const [burst, name] of [
    [limits.byteBurst, ENV.byteBurst],
    [limits.cobrowseByteBurst, ENV.cobrowseByteBurst],
    [limits.maxPendingBytes, 'maxPendingBytes'],
  ] as const) {
    if (burst < MAX_MESSAGE_BYTES) throw new ConfigError(`${name} must be at least one message (${MAX_MESSAGE_BYTES} bytes), got ${burst}`);
  }
  return limits;
}
