/**
 * Server options: defaults, environment variables and explicit overrides, resolved once at start.
 * Explicit overrides win over the environment so tests are not at the mercy of the shell they run in.
 */
import { fileURLToPath } from 'node:url';
import { ConfigError } from './config-error.js';
import { resolveDeployment, type DeploymentConfig } from './deployment.js';
import { CONVERSATION_TOKEN_TTL_S, DEFAULT_TOKEN_LIFETIMES, type TokenLifetimes } from './auth.js';
import { developmentSecret } from './dev-secret.js';
import { integerFromEnv } from './env.js';
import { isLoopbackAddress } from './host-check.js';
import { resolveLimits, type LimitOptions } from './limits/options.js';
import { parseAllowedOrigins, type AllowedOrigins } from './origins.js';
import { SECRET_ADVICE, secretWeakness } from './secrets.js';

export const SERVER_MODES = ['development', 'production'] as const;
export type ServerMode = (typeof SERVER_MODES)[number];

/** Structured, opt-in logging. The server logs nothing per message unless a `log` is given. */
export type ServerLog = (event: string, fields?: Record<string, unknown>) => void;

export interface ServerOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  /**
   * Production (the default) disables the demo-token endpoint and requires a strong configured
   * signing secret. Development (`npm start`) listens on loopback only, checks `Host`, and signs
   * with its own secret, never a configured one.
   */
  mode: ServerMode;
  /** HS256 key of the tokens. */
  signingSecret: string;
  /** How long a dropped member keeps its seat before it is removed (and the others are told). */
  resumeGraceMs: number;
  /** Interval of the WebSocket ping that detects dead connections; 0 disables it. */
  heartbeatIntervalMs: number;
  /**
   * Negotiate permessage-deflate on the signaling socket (`server/ws-compression.ts`). Off by default:
   * it saves co-browse bytes but costs memory per socket (`npm run bench`, signaling). Env `CCK_WS_COMPRESSION=1`.
   */
  wsCompression: boolean;
  /** Project root: `demo/` and `dist/` are served from here. */
  rootDir: string;
  /** Extra static mounts, URL prefix (e.g. `/test-harness/`) to absolute directory. */
  staticMounts: Record<string, string>;
  log: ServerLog;
  /** Calling option, visual-engagement provider and media region (see server/deployment.ts). */
  deployment: DeploymentConfig;
  /** Capacity units of an agent that signs in without saying its own. */
  agentCapacity: number;
  /** Units one ongoing conversation takes from its agent (an active call takes all of them). */
  conversationUnits: number;
  /** An agent not heard from (sign-in, `GET /api/agents/me`) for this long is signed out; 0 never. */
  agentPresenceTimeoutMs: number;
  /** The longest token lifetimes (`exp - iat`) accepted. */
  tokenLifetimes: TokenLifetimes;
  /** Lifetime of the conversation tokens the API issues, in seconds (at most `tokenLifetimes.maxConversationTokenS`). */
  conversationTokenTtlS: number;
  /** Other origins whose pages may use this server (`CCK_ALLOWED_ORIGINS`, see server/origins.ts). */
  allowedOrigins: AllowedOrigins;
  /** Ephemeral TURN credentials (coturn `use-auth-secret`); no secret, no TURN credentials at all. */
  turn: TurnOptions;
  /** Connection caps, rate limits, memory bounds, retention (see server/limits/options.ts). */
  limits: LimitOptions;
}

export interface TurnOptions {
  /** coturn's `static-auth-secret` (`CCK_TURN_SECRET`). */
  secret: string | undefined;
  /** How long issued credentials are valid, in seconds (`CCK_TURN_TTL_S`). */
  ttlS: number;
}

/** What `startServer` / `resolveOptions` accept: any option, and any part of the deployment, the limits and TURN. */
export type ServerOverrides = Partial<Omit<ServerOptions, 'deployment' | 'allowedOrigins' | 'limits' | 'turn' | 'tokenLifetimes'>> & {
  deployment?: Partial<DeploymentConfig>;
  /** Origins, as a list or in `CCK_ALLOWED_ORIGINS`'s comma-separated form. */
  allowedOrigins?: string | readonly string[];
  limits?: Partial<LimitOptions>;
  turn?: Partial<TurnOptions>;
  tokenLifetimes?: Partial<TokenLifetimes>;
};

export { ConfigError };

/** The largest capacity an agent may have, in units. */
export const MAX_CAPACITY = 100;

const DEFAULT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export function resolveOptions(overrides: ServerOverrides = {}, env: NodeJS.ProcessEnv = process.env): ServerOptions {
  const mode = resolveMode(overrides.mode, env);
  const port = overrides.port ?? integerFromEnv(env, 'PORT', 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError(`port must be 0-65535, got ${port}`);
  const resumeGraceMs = overrides.resumeGraceMs ?? integerFromEnv(env, 'CCK_RESUME_GRACE_MS', 15_000);
  if (!Number.isInteger(resumeGraceMs) || resumeGraceMs < 0) {
    throw new ConfigError(`resumeGraceMs must be a non-negative integer, got ${resumeGraceMs}`);
  }
  const agentCapacity = overrides.agentCapacity ?? integerFromEnv(env, 'CCK_AGENT_CAPACITY', 3);
  if (!Number.isInteger(agentCapacity) || agentCapacity < 1 || agentCapacity > MAX_CAPACITY) {
    throw new ConfigError(`agentCapacity must be an integer 1-${MAX_CAPACITY}, got ${agentCapacity}`);
  }
  const conversationUnits = overrides.conversationUnits ?? integerFromEnv(env, 'CCK_CONVERSATION_UNITS', 1);
  if (!Number.isInteger(conversationUnits) || conversationUnits < 1 || conversationUnits > MAX_CAPACITY) {
    throw new ConfigError(`conversationUnits must be an integer 1-${MAX_CAPACITY}, got ${conversationUnits}`);
  }
  const agentPresenceTimeoutMs = overrides.agentPresenceTimeoutMs ?? integerFromEnv(env, 'CCK_AGENT_PRESENCE_TIMEOUT_MS', 60_000);
  if (!Number.isInteger(agentPresenceTimeoutMs) || agentPresenceTimeoutMs < 0) {
    throw new ConfigError(`agentPresenceTimeoutMs must be a non-negative integer, got ${agentPresenceTimeoutMs}`);
  }
  const host = overrides.host ?? (env.HOST?.trim() || (mode === 'development' ? '127.0.0.1' : '0.0.0.0'));
  if (mode === 'development' && !isLoopbackAddress(host)) {
    throw new ConfigError(
      `development mode hands demo tokens (supervisor ones too) to anyone who asks, so it listens on loopback only; HOST=${host} is not loopback (use 127.0.0.1, ::1 or localhost, or run production mode)`,
    );
  }
  const configuredSecret = overrides.signingSecret ?? (env.CCK_SIGNING_SECRET || undefined);
  const tokenLifetimes = resolveTokenLifetimes(overrides.tokenLifetimes, env);
  const conversationTokenTtlS = overrides.conversationTokenTtlS ?? integerFromEnv(env, 'CCK_CONVERSATION_TOKEN_TTL_S', CONVERSATION_TOKEN_TTL_S);
  if (!Number.isInteger(conversationTokenTtlS) || conversationTokenTtlS < 10 || conversationTokenTtlS > tokenLifetimes.maxConversationTokenS) {
    throw new ConfigError(`CCK_CONVERSATION_TOKEN_TTL_S must be 10-${tokenLifetimes.maxConversationTokenS} seconds, got ${conversationTokenTtlS}`);
  }
  const deployment = resolveDeployment(overrides.deployment, env);
  const allowedOrigins = parseAllowedOrigins(overrides.allowedOrigins ?? env.CCK_ALLOWED_ORIGINS);
  if (mode === 'production' && allowedOrigins.list.includes('*')) {
    throw new ConfigError('CCK_ALLOWED_ORIGINS=* lets any site use a visitor\'s tokens; production needs the origins listed');
  }
  const turn = resolveTurn(mode, deployment, overrides.turn, env);
  return {
    port,
    host,
    mode,
    signingSecret: signingSecretFor(mode, configuredSecret, env),
    resumeGraceMs,
    heartbeatIntervalMs: overrides.heartbeatIntervalMs ?? 30_000,
    wsCompression: overrides.wsCompression ?? env.CCK_WS_COMPRESSION === '1',
    rootDir: overrides.rootDir ?? DEFAULT_ROOT,
    staticMounts: overrides.staticMounts ?? {},
    log: overrides.log ?? (() => {}),
    deployment,
    agentCapacity,
    conversationUnits,
    agentPresenceTimeoutMs,
    tokenLifetimes,
    conversationTokenTtlS,
    allowedOrigins,
    turn,
    limits: resolveLimits(overrides.limits, env),
  };
}

function resolveTokenLifetimes(overrides: Partial<TokenLifetimes> = {}, env: NodeJS.ProcessEnv): TokenLifetimes {
  const lifetimes = {
    maxConversationTokenS: overrides.maxConversationTokenS ?? integerFromEnv(env, 'CCK_MAX_CONVERSATION_TOKEN_LIFETIME_S', DEFAULT_TOKEN_LIFETIMES.maxConversationTokenS),
    maxApiTokenS: overrides.maxApiTokenS ?? integerFromEnv(env, 'CCK_MAX_API_TOKEN_LIFETIME_S', DEFAULT_TOKEN_LIFETIMES.maxApiTokenS),
  };
  for (const [name, value] of [
    ['CCK_MAX_CONVERSATION_TOKEN_LIFETIME_S', lifetimes.maxConversationTokenS],
    ['CCK_MAX_API_TOKEN_LIFETIME_S', lifetimes.maxApiTokenS],
  ] as const) {
    if (!Number.isInteger(value) || value < 60 || value > 7 * 24 * 3_600) throw new ConfigError(`${name} must be 60-604800 seconds, got ${value}`);
  }
  return lifetimes;
}

/**
 * TURN: with `CCK_TURN_SECRET`, the region map's TURN servers get per-member credentials that
 * expire. Static credentials in the region map would go to every member for ever, which
 * production refuses.
 */
function resolveTurn(mode: ServerMode, deployment: DeploymentConfig, overrides: Partial<TurnOptions> = {}, env: NodeJS.ProcessEnv): TurnOptions {
  const secret = overrides.secret ?? (env.CCK_TURN_SECRET || undefined);
  const ttlS = overrides.ttlS ?? integerFromEnv(env, 'CCK_TURN_TTL_S', 15 * 60);
  if (!Number.isInteger(ttlS) || ttlS < 60 || ttlS > 24 * 3_600) throw new ConfigError(`CCK_TURN_TTL_S must be 60-86400 seconds, got ${ttlS}`);
  if (secret !== undefined && mode === 'production') {
    const weakness = secretWeakness(secret);
    if (weakness) throw new ConfigError(`CCK_TURN_SECRET is too weak for production: ${weakness}; ${SECRET_ADVICE}`);
  }
  if (mode === 'production') {
    const withStatic = staticTurnRegions(deployment);
    if (withStatic.length > 0) {
      throw new ConfigError(
        `the region map gives static TURN credentials (${withStatic.join(', ')}); production hands out only ephemeral ones: drop username/credential and set CCK_TURN_SECRET to coturn's static-auth-secret`,
      );
    }
  }
  return { secret, ttlS };
}

function staticTurnRegions(deployment: DeploymentConfig): string[] {
  return Object.entries(deployment.regions)
    .filter(([, entry]) => typeof entry !== 'string' && entry.iceServers.some((server) => server.username !== undefined || server.credential !== undefined))
    .map(([id]) => id);
}

/**
 * Fails closed: production unless development is asked for by its exact name. A typo (`prod`,
 * `Production`) is refused rather than guessed, and `NODE_ENV=production` cannot be overridden
 * into development by `CCK_MODE`.
 */
function resolveMode(explicit: ServerMode | undefined, env: NodeJS.ProcessEnv): ServerMode {
  const requested = explicit ?? (env.CCK_MODE?.trim() || undefined);
  if (requested === undefined) return 'production';
  if (!(SERVER_MODES as readonly string[]).includes(requested)) {
    throw new ConfigError(`${explicit === undefined ? 'CCK_MODE' : 'mode'} must be development or production, got ${JSON.stringify(requested)}`);
  }
  if (explicit === undefined && requested === 'development' && env.NODE_ENV === 'production') {
    throw new ConfigError('CCK_MODE=development contradicts NODE_ENV=production; unset one of them');
  }
  return requested as ServerMode;
}

function signingSecretFor(mode: ServerMode, configured: string | undefined, env: NodeJS.ProcessEnv): string {
  if (mode === 'production') {
    if (!configured) throw new ConfigError(`production mode needs CCK_SIGNING_SECRET (${SECRET_ADVICE})`);
    const weakness = secretWeakness(configured);
    if (weakness) throw new ConfigError(`CCK_SIGNING_SECRET is too weak for production: ${weakness}; ${SECRET_ADVICE}`);
    return configured;
  }
  // Demo tokens must never be valid anywhere else: a development server that signed them with the
  // real secret would mint supervisor tokens the production servers accept.
  if (configured) {
    throw new ConfigError(
      'development mode signs demo tokens with its own secret and never with a configured one: unset CCK_SIGNING_SECRET, or run production mode',
    );
  }
  // Kept in the user's cache directory: a restarted demo server still accepts the open pages' tokens.
  return developmentSecret(env).secret;
}
