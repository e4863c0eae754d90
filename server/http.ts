/**
 * Plain HTTP routes: the REST API (server/api.ts), the development-only demo-token endpoint, the `/`
 * redirect and static files.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { API_PREFIX, type ApiHandler } from './api.js';
import { DEFAULT_TOKEN_LIFETIMES, issueApiToken, issueToken, type TokenLifetimes } from './auth.js';
import type { ServerLog, ServerMode } from './config.js';
import { applyCors } from './cors.js';
import { HOST_REFUSAL, isDevelopmentHost } from './host-check.js';
import type { AllowedOrigins } from './origins.js';
import { sendError, sendJson } from './json.js';
import { createStaticHandler, redirect, sendText } from './static.js';

export const DEMO_TOKEN_PATH = '/api/demo-token';

/**
 * Demo tokens live as long as the server accepts (a QA session rejoins with the same token after a
 * network drop): conversation tokens the longest conversation token lifetime, API tokens 12 hours
 * at most.
 */
const DEMO_API_TOKEN_LIFETIME_S = 12 * 3_600;

export interface HttpOptions {
  mode: ServerMode;
  signingSecret: string;
  rootDir: string;
  staticMounts: Record<string, string>;
  log: ServerLog;
  /** Handles every `/api/` path except the demo-token endpoint. */
  api?: ApiHandler;
  /** Other origins whose pages may call the API (`CCK_ALLOWED_ORIGINS`). */
  allowedOrigins: AllowedOrigins;
  tokenLifetimes?: TokenLifetimes;
  /** The token version a demo token of a routed conversation must carry to join it. */
  tokenVersion?(conversationId: string, role: 'agent' | 'customer'): Promise<number | undefined>;
}

export function createRequestListener(options: HttpOptions): RequestListener {
  const serveStatic = createStaticHandler({
    '/demo/': join(options.rootDir, 'demo'),
    '/dist/': join(options.rootDir, 'dist'),
    ...options.staticMounts,
  });

  const route = async (request: IncomingMessage, response: ServerResponse) => {
    if (options.mode === 'development' && !isDevelopmentHost(request.headers.host)) {
      sendError(response, HOST_REFUSAL.status, HOST_REFUSAL.code, HOST_REFUSAL.message);
      return;
    }
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const pathname = queryStart === -1 ? url : url.slice(0, queryStart);
    const query = queryStart === -1 ? '' : url.slice(queryStart + 1);
    if (!pathname.startsWith('/')) {
      sendText(response, 400, 'Bad Request');
      return;
    }
    if (applyCors(request, response, pathname, { allowedOrigins: options.allowedOrigins, publicPrefixes: ['/dist/'] })) return;
    if (pathname.startsWith(API_PREFIX) && pathname !== DEMO_TOKEN_PATH && options.api) {
      await options.api(request, response, pathname, new URLSearchParams(query));
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      sendText(response, 405, 'Method Not Allowed');
      return;
    }
    if (pathname === DEMO_TOKEN_PATH) {
      await demoToken(new URLSearchParams(query), options, response);
      return;
    }
    if (pathname === '/') {
      redirect(response, '/demo/');
      return;
    }
    if (!(await serveStatic(request, response, pathname))) sendText(response, 404, 'Not Found');
  };

  return (request, response) => {
    route(request, response).catch((error: unknown) => {
      options.log('internal-error', { message: error instanceof Error ? error.message : String(error) });
      if (!response.headersSent) sendText(response, 500, 'Internal Server Error');
      else response.destroy();
    });
  };
}

/**
 * `GET /api/demo-token`, development mode only:
 * - `role=agent|customer&conversation=<id>[&subject=<id>]`: a conversation token (to join signaling).
 *   The default subject is fixed per role so that reloading a demo page resumes its seat.
 * - `role=agent&agent=<id>`: the agent's API token (sign in, see its routed conversations).
 * - `role=customer` without a conversation: a customer's API token (request a chat); `subject` is the
 *   customer id, random by default.
 * - `role=supervisor[&subject=<id>]`: a supervisor's API token.
 */
async function demoToken(params: URLSearchParams, options: HttpOptions, response: ServerResponse): Promise<void> {
  if (options.mode === 'production') {
    sendJson(response, 404, { error: 'not-found', message: 'demo tokens are not issued in production mode' });
    return;
  }
  const role = params.get('role');
  const conversationId = params.get('conversation');
  const agent = params.get('agent');
  const badRequest = (message: string) => sendJson(response, 400, { error: 'bad-request', message });
  if (role !== 'agent' && role !== 'customer' && role !== 'supervisor') {
    badRequest('role must be agent, customer or supervisor');
    return;
  }
  if (conversationId === null || role === 'supervisor') {
    if (conversationId !== null) {
      badRequest('supervisor tokens are not for a conversation');
      return;
    }
    if (role === 'agent' && agent === null) {
      badRequest('give conversation (a conversation token) or agent (an agent API token)');
      return;
    }
    const subject = role === 'agent' ? agent! : params.get('subject') ?? (role === 'supervisor' ? 'demo-supervisor' : `customer-${globalThis.crypto.randomUUID()}`);
    if (subject.length < 1 || subject.length > 256) {
      badRequest(`${role === 'agent' ? 'agent' : 'subject'} must be 1-256 characters`);
      return;
    }
    const lifetimes = options.tokenLifetimes ?? DEFAULT_TOKEN_LIFETIMES;
    const expiresIn = Math.min(DEMO_API_TOKEN_LIFETIME_S, lifetimes.maxApiTokenS);
    const token = await issueApiToken({ role, subject, expiresIn }, options.signingSecret);
    sendJson(response, 200, { token, subject });
    return;
  }
  const subject = params.get('subject') ?? `demo-${role}`;
  if (!conversationId || conversationId.length > 128) {
    badRequest('conversation must be 1-128 characters');
    return;
  }
  if (subject.length < 1 || subject.length > 256) {
    badRequest('subject must be 1-256 characters');
    return;
  }
  const version = await options.tokenVersion?.(conversationId, role);
  const expiresIn = (options.tokenLifetimes ?? DEFAULT_TOKEN_LIFETIMES).maxConversationTokenS;
  const token = await issueToken({ role, conversationId, subject, expiresIn, ...(version === undefined ? {} : { version }) }, options.signingSecret);
  sendJson(response, 200, { token });
}
