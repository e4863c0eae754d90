/**
 * Server options: defaults, environment variables and explicit overrides, resolved once at start.
 * Explicit overrides win over the environment so tests are not at the mercy of the shell they run in.
 */
import { fileURLToPath } from 'node:url';
import { ConfigError } from './config-error.js';
import { resolveDeployment, type DeploymentConfig } from './deployment.js';
import { developmentSecret } from './dev-secret.js';
import { parseAllowedOrigins, type AllowedOrigins } from './origins.js';

export type ServerMode = 'development' | 'production';

/** Structured, opt-in logging. The server logs nothing per message unless a `log` is given. */
export type ServerLog = (event: string, fields?: Record<string, unknown>) => void;

export interface ServerOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** Production disables the demo-token endpoint and requires a configured signing secret. */
  mode: ServerMode;
  /** HS256 key for join tokens. */
  signingSecret: string;
  /** How long a dropped member keeps its seat before it is removed (and the others are told). */
  resumeGraceMs: number;
  /** Interval of the WebSocket ping that detects dead connections; 0 disables it. */
  heartbeatIntervalMs: number;
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
  /** Other origins whose pages may use this server (`CCK_ALLOWED_ORIGINS`, see server/origins.ts). */
  allowedOrigins: AllowedOrigins;
}

/** What `startServer` / `resolveOptions` accept: any option, and any part of the deployment. */
export type ServerOverrides = Partial<Omit<ServerOptions, 'deployment' | 'allowedOrigins'>> & {
  deployment?: Partial<DeploymentConfig>;
  /** Origins, as a list or in `CCK_ALLOWED_ORIGINS`'s comma-separated form. */
  allowedOrigins?: string | readonly string[];
};

export { ConfigError };

/** The largest capacity an agent may have, in units. */
export const MAX_CAPACITY = 100;

/** The smallest production secret accepted: 32 bytes is the HS256 key size. */
export const MIN_PRODUCTION_SECRET_LENGTH = 32;

const DEFAULT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export function resolveOptions(overrides: ServerOverrides = {}, env: NodeJS.ProcessEnv = process.env): ServerOptions {
  const mode: ServerMode =
    overrides.mode ?? (env.NODE_ENV === 'production' || env.CCK_MODE === 'production' ? 'production' : 'development');
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
  return {
    port,
    host: overrides.host ?? env.HOST ?? '0.0.0.0',
    mode,
    signingSecret: overrides.signingSecret ?? signingSecretFor(mode, env),
    resumeGraceMs,
    heartbeatIntervalMs: overrides.heartbeatIntervalMs ?? 30_000,
    rootDir: overrides.rootDir ?? DEFAULT_ROOT,
    staticMounts: overrides.staticMounts ?? {},
    log: overrides.log ?? (() => {}),
    deployment: resolveDeployment(overrides.deployment, env),
    agentCapacity,
    conversationUnits,
    agentPresenceTimeoutMs,
    allowedOrigins: parseAllowedOrigins(overrides.allowedOrigins ?? env.CCK_ALLOWED_ORIGINS),
  };
}

function signingSecretFor(mode: ServerMode, env: NodeJS.ProcessEnv): string {
  const configured = env.CCK_SIGNING_SECRET;
  if (mode === 'production') {
    if (!configured || configured.length < MIN_PRODUCTION_SECRET_LENGTH) {
      throw new ConfigError(
        `production mode needs CCK_SIGNING_SECRET of at least ${MIN_PRODUCTION_SECRET_LENGTH} characters`,
      );
    }
    return configured;
  }
  // Kept in the user's cache directory: a restarted demo server still accepts the open pages' tokens.
  return configured || developmentSecret(env).secret;
}

export function integerFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new ConfigError(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return value;
}
