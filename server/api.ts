/**
 * The REST API under `/api/`: deployment configuration, agent sign-in and capacity, conversation
 * requests, routing and supervisor assignment, and the supervisor's calls in progress and monitoring. Every endpoint needs `Authorization: Bearer <token>`
 * with a role it allows (see server/auth.ts); every refusal is a JSON error with a stable code.
 * The demo-token endpoint is not here (server/http.ts): it is the one unauthenticated endpoint, and
 * only in development mode.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { DEFAULT_TOKEN_LIFETIMES, issueToken, verifyApiToken, type ApiClaims, type ApiRole, type TokenLifetimes } from './auth.js';
import { MAX_CAPACITY, type TurnOptions } from './config.js';
import { accessRefusal, type AccessRefusal } from './conversation-access.js';
import { publicConfig, type DeploymentConfig } from './deployment.js';
import { HttpError, readJsonBody, sendError, sendJson } from './json.js';
import type { ParticipantRole } from '../src/signaling/protocol.js';
import { offsetPage, pageRequest } from './pagination.js';
import type { ConversationStatus, ConversationView, Router, RoutingErrorCode, RoutingResult } from './routing.js';
import { LocalRateLimitStore, type RateLimit, type RateLimitStore } from './stores/rate-limit-store.js';
import type { RoutingStore } from './stores/routing-store.js';
import type { Supervision } from './supervision.js';
import { turnCredential } from './turn-credentials.js';

export const API_PREFIX = '/api/';
const MAX_BODY_BYTES = 16 * 1024;

export interface ApiOptions {
  /** Agents, conversations and the queue (in this process, or shared by several nodes). */
  routing: RoutingStore;
  /** Calls in progress and supervisors on them. */
  supervision: Supervision;
  deployment: DeploymentConfig;
  signingSecret: string;
  /** Told to agents at sign-in: how often they must show signs of life (`GET /api/agents/me`). */
  agentPresenceTimeoutMs: number;
  tokenLifetimes?: TokenLifetimes;
  /** Lifetime of the conversation tokens the API issues, seconds; default 15 minutes. */
  conversationTokenTtlS?: number;
  /** Ephemeral TURN credentials for `GET /api/config` with a conversation token. */
  turn?: TurnOptions;
  /** Chat requests one customer may make: per minute, and in a burst. */
  conversationRequests?: { perMinute: number; burst: number };
  /** Where the chat-request buckets live (shared by every node with Redis); default in this process. */
  rateLimits?: (name: string, limit: RateLimit) => RateLimitStore;
}

interface Context {
  claims: ApiClaims;
  /** For a conversation token: why its conversation refuses it, if it does (see conversation-access.ts). */
  access: AccessRefusal | null;
  params: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
}

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  roles: readonly ApiRole[];
  /** Conversation tokens are accepted: for any conversation (`any`) or only the one in the path (`own`). */
  conversationTokens?: 'any' | 'own';
  handle(context: Context): Promise<{ status: number; body: unknown }> | { status: number; body: unknown };
}

const ROUTING_STATUS: Record<RoutingErrorCode, number> = {
  'not-found': 404,
  'agent-not-found': 404,
  'agent-not-signed-in': 409,
  'conversation-ended': 409,
  'conversation-in-call': 409,
};

const SignInBody = v.strictObject({
  capacity: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_CAPACITY))),
  name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100))),
});
const AssignBody = v.strictObject({ agentId: v.pipe(v.string(), v.minLength(1), v.maxLength(256)) });
const Empty = v.strictObject({});
const STATUSES: readonly ConversationStatus[] = ['queued', 'assigned', 'ended'];

export type ApiHandler = (request: IncomingMessage, response: ServerResponse, pathname: string, query: URLSearchParams) => Promise<void>;

export function createApiHandler(options: ApiOptions): ApiHandler {
  const { routing } = options;
  const lifetimes = options.tokenLifetimes ?? DEFAULT_TOKEN_LIFETIMES;
  const requests = options.conversationRequests ?? { perMinute: 6, burst: 3 };
  const requestLimit = { ratePerSecond: requests.perMinute / 60, burst: requests.burst };
  const requestLimiter = options.rateLimits?.('conversation-requests', requestLimit) ?? new LocalRateLimitStore(requestLimit);
  const ok = (body: unknown, status = 200) => ({ status, body });
  const conversationFor = async (claims: ApiClaims, id: string): Promise<ConversationView> => {
    const conversation = await routing.read((router) => router.get(id));
    if (!conversation) throw new HttpError(404, 'not-found', `no conversation ${id}`);
    const allowed =
      claims.role === 'supervisor' ||
      claims.conversationId === id ||
      (claims.conversationId === undefined &&
        ((claims.role === 'agent' && conversation.agentId === claims.subject) ||
          (claims.role === 'customer' && conversation.customerId === claims.subject)));
    if (!allowed) throw new HttpError(403, 'forbidden', `this token is not for conversation ${id}`);
    return conversation;
  };
  const conversationToken = async (role: ParticipantRole, conversationId: string, subject: string) => {
    const version = await routing.read((router) => router.tokenVersion(conversationId, role));
    return issueToken(
      { role, conversationId, subject, expiresIn: options.conversationTokenTtlS ?? 15 * 60, ...(version === undefined ? {} : { version }) },
      options.signingSecret,
    );
  };
  /** TURN credentials go only to a member of a live conversation, each its own, for minutes. */
  const deploymentFor = ({ claims, access }: Context) => {
    const turn = options.turn;
    const member = claims.conversationId !== undefined && access === null && turn?.secret ? `${claims.conversationId}:${claims.role}` : undefined;
    return publicConfig(options.deployment, member && turn?.secret ? turnCredential(turn.secret, member, turn.ttlS) : null);
  };

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^config$/,
      roles: ['agent', 'customer', 'supervisor'],
      conversationTokens: 'any',
      handle: (context) => ok(deploymentFor(context)),
    },
    {
      method: 'POST',
      pattern: /^agents\/sign-in$/,
      roles: ['agent'],
      handle: async ({ claims, body }) => {
        const { capacity, name } = parse(SignInBody, body);
        const details = { ...(capacity === undefined ? {} : { capacity }), ...(name === undefined ? {} : { name }) };
        const agent = await routing.change((router) => router.signIn(claims.subject, details));
        return ok({ agent, presenceTimeoutMs: options.agentPresenceTimeoutMs });
      },
    },
    {
      method: 'POST',
      pattern: /^agents\/sign-out$/,
      roles: ['agent'],
      handle: async ({ claims, body }) => {
        parse(Empty, body);
        const agent = await routing.change((router) => router.signOut(claims.subject));
        if (!agent) throw new HttpError(404, 'agent-not-found', 'this agent never signed in');
        return ok({ agent });
      },
    },
    {
      method: 'GET',
      pattern: /^agents\/me$/,
      roles: ['agent'],
      handle: async ({ claims }) => {
        const { agent, assigned } = await routing.change((router) => {
          router.touch(claims.subject);
          return { agent: router.agents.view(claims.subject) ?? null, assigned: router.list({ agentId: claims.subject, status: 'assigned' }) };
        });
        const conversations = await Promise.all(
          assigned.map(async (conversation) => ({
            ...conversation,
            token: await conversationToken('agent', conversation.id, claims.subject),
          })),
        );
        return ok({ agent, conversations });
      },
    },
    {
      method: 'GET',
      pattern: /^agents$/,
      roles: ['supervisor'],
      handle: async ({ query }) => {
        const { items, next } = offsetPage(await routing.change((router) => router.listAgents()), pageRequest(query));
        return ok({ agents: items, next });
      },
    },
    {
      method: 'GET',
      pattern: /^queue$/,
      roles: ['supervisor'],
      handle: async ({ query }) => {
        const { items, next } = offsetPage(await routing.read((router) => router.queue()), pageRequest(query));
        return ok({ queue: items, next });
      },
    },
    {
      method: 'POST',
      pattern: /^conversations$/,
      roles: ['customer'],
      handle: async ({ claims, body }) => {
        parse(Empty, body);
        if (!(await routing.read((router) => router.openConversationOf(claims.subject)))) {
          const decision = await requestLimiter.take(claims.subject);
          if (!decision.ok) {
            const seconds = Math.ceil(decision.retryAfterMs / 1_000);
            throw new HttpError(429, 'rate-limited', `too many chat requests; try again in ${seconds} s`, { 'Retry-After': String(seconds) });
          }
        }
        const { created, conversation } = await routing.change((router) => router.request(claims.subject));
        const token = await conversationToken('customer', conversation.id, claims.subject);
        return ok({ conversation, token }, created ? 201 : 200);
      },
    },
    {
      method: 'GET',
      pattern: /^conversations$/,
      roles: ['supervisor'],
      handle: async ({ query }) => {
        const status = query.get('status');
        if (status !== null && !(STATUSES as readonly string[]).includes(status)) {
          throw new HttpError(400, 'bad-request', `status must be one of ${STATUSES.join(', ')}`);
        }
        const filter = status === null ? {} : { status: status as ConversationStatus };
        const request = pageRequest(query);
        const { items, next } = await routing.read((router) => router.page(filter, request));
        return ok({ conversations: items, next });
      },
    },
    {
      method: 'GET',
      pattern: /^conversations\/([^/]+)$/,
      roles: ['agent', 'customer', 'supervisor'],
      conversationTokens: 'own',
      handle: async ({ claims, params }) => ok({ conversation: await conversationFor(claims, params[0]) }),
    },
    {
      method: 'POST',
      pattern: /^conversations\/([^/]+)\/assign$/,
      roles: ['supervisor'],
      handle: async ({ params, body }) => {
        const { agentId } = parse(AssignBody, body);
        return routingAnswer(await routing.change((router) => router.assign(params[0], agentId)));
      },
    },
    {
      method: 'GET',
      pattern: /^calls$/,
      roles: ['supervisor'],
      // `monitoring`: whether a supervisor can monitor them (only calls through the SFU can be).
      handle: () => ok({ calls: options.supervision.calls(), monitoring: options.deployment.media === 'sfu' }),
    },
    {
      method: 'POST',
      pattern: /^conversations\/([^/]+)\/monitor$/,
      roles: ['supervisor'],
      handle: async ({ claims, params, body }) => {
        parse(Empty, body);
        if (options.deployment.media !== 'sfu') {
          throw new HttpError(409, 'monitoring-unavailable', 'calls are peer-to-peer in this deployment: only calls through the SFU (CCK_MEDIA=sfu) can be monitored');
        }
        const call = options.supervision.callOf(params[0]);
        if (!call) throw new HttpError(404, 'no-call', `conversation ${params[0]} has no call in progress`);
        // The supervisor joins the conversation's signaling with this token, as its `supervisor` member.
        return ok({ call, token: await conversationToken('supervisor', params[0], claims.subject) });
      },
    },
    {
      method: 'POST',
      pattern: /^conversations\/([^/]+)\/end$/,
      roles: ['agent', 'customer', 'supervisor'],
      conversationTokens: 'own',
      handle: async ({ claims, params, body }) => {
        parse(Empty, body);
        await conversationFor(claims, params[0]);
        return routingAnswer(await routing.change((router) => router.end(params[0], `ended-by-${claims.role}`)));
      },
    },
  ];

  return async (request, response, pathname, query) => {
    try {
      const path = pathname.slice(API_PREFIX.length);
      const matching = routes
        .map((route) => ({ route, match: route.pattern.exec(path) }))
        .filter((entry): entry is { route: Route; match: RegExpExecArray } => entry.match !== null);
      if (matching.length === 0) throw new HttpError(404, 'not-found', `no endpoint ${pathname}`);
      const found = matching.find(({ route }) => route.method === request.method);
      if (!found) {
        const allow = matching.map(({ route }) => route.method).join(', ');
        throw new HttpError(405, 'method-not-allowed', `${pathname} answers ${allow}`, { Allow: allow });
      }
      const { route, match } = found;
      const params = match.slice(1).map((segment) => decodeSegment(segment));
      const claims = await authenticate(request, options.signingSecret, lifetimes);
      authorize(route, claims, params);
      const access = await routing.read((router) => conversationAccess(claims, router));
      const body = route.method === 'POST' ? await readJsonBody(request, MAX_BODY_BYTES) : {};
      const result = await route.handle({ claims, access, params, query, body });
      sendJson(response, result.status, result.body);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      sendError(response, error.status, error.code, error.message, error.headers);
    }
  };
}

async function authenticate(request: IncomingMessage, secret: string, lifetimes: TokenLifetimes): Promise<ApiClaims> {
  const challenge = { 'WWW-Authenticate': 'Bearer realm="chat-call-kit"' };
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw new HttpError(401, 'unauthorized', 'send Authorization: Bearer <token>', challenge);
  const verified = await verifyApiToken(match[1], secret, lifetimes);
  if (!verified.ok) throw new HttpError(401, verified.code, verified.detail, challenge);
  return verified.claims;
}

function authorize(route: Route, claims: ApiClaims, params: string[]): void {
  if (!route.roles.includes(claims.role)) {
    throw new HttpError(403, 'forbidden', `this endpoint is for ${route.roles.join(' or ')} tokens, not ${claims.role}`);
  }
  if (claims.conversationId === undefined) return;
  const scope = route.conversationTokens;
  if (scope === 'any' || (scope === 'own' && params[0] === claims.conversationId)) return;
  throw new HttpError(403, 'forbidden', 'a conversation token only opens its own conversation; use an API token');
}

/**
 * A revoked conversation token, or one of an agent the conversation is no longer assigned to, opens
 * nothing. One of an ended conversation still reads it (a customer's page learns that it ended) but
 * gets no TURN credentials.
 */
function conversationAccess(claims: ApiClaims, router: Router): AccessRefusal | null {
  if (claims.conversationId === undefined || claims.role === 'supervisor') return null;
  const refusal = accessRefusal({ role: claims.role, conversationId: claims.conversationId, subject: claims.subject, ...(claims.version === undefined ? {} : { version: claims.version }) }, router);
  if (refusal?.code === 'token-revoked') throw new HttpError(401, refusal.code, refusal.detail, { 'WWW-Authenticate': 'Bearer realm="chat-call-kit"' });
  if (refusal?.code === 'forbidden') throw new HttpError(403, refusal.code, refusal.detail);
  return refusal;
}

function routingAnswer(result: RoutingResult): { status: number; body: unknown } {
  if (!result.ok) throw new HttpError(ROUTING_STATUS[result.code], result.code, result.message);
  return { status: 200, body: { conversation: result.conversation } };
}

function parse<S extends v.GenericSchema>(schema: S, body: Record<string, unknown>): v.InferOutput<S> {
  const result = v.safeParse(schema, body);
  if (result.success) return result.output;
  const issue = result.issues[0];
  throw new HttpError(400, 'bad-request', `${v.getDotPath(issue) ?? '(body)'}: ${issue.message}`);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'bad-request', 'malformed percent-encoding in the path');
  }
}
