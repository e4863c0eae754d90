/**
 * Plain HTTP routes: the development-only demo-token endpoint, the `/` redirect and static files.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { issueToken } from './auth.js';
import type { ServerLog, ServerMode } from './config.js';
import { createStaticHandler, redirect, sendText } from './static.js';

export const DEMO_TOKEN_PATH = '/api/demo-token';

/** Long enough for a QA session: the SDK rejoins with the same token after a network drop. */
const DEMO_TOKEN_LIFETIME = '12h';

export interface HttpOptions {
  mode: ServerMode;
  signingSecret: string;
  rootDir: string;
  staticMounts: Record<string, string>;
  log: ServerLog;
}

export function createRequestListener(options: HttpOptions): RequestListener {
  const serveStatic = createStaticHandler({
    '/demo/': join(options.rootDir, 'demo'),
    '/dist/': join(options.rootDir, 'dist'),
    ...options.staticMounts,
  });

  const route = async (request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const pathname = queryStart === -1 ? url : url.slice(0, queryStart);
    const query = queryStart === -1 ? '' : url.slice(queryStart + 1);
    if (!pathname.startsWith('/')) {
      sendText(response, 400, 'Bad Request');
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
 * `GET /api/demo-token?role=agent|customer&conversation=<id>[&subject=<id>]`. The default subject is
 * fixed per role so that reloading a demo page resumes its seat instead of finding it taken.
 */
async function demoToken(params: URLSearchParams, options: HttpOptions, response: ServerResponse): Promise<void> {
  if (options.mode === 'production') {
    sendJson(response, 404, { error: 'not-found', message: 'demo tokens are not issued in production mode' });
    return;
  }
  const role = params.get('role');
  const conversationId = params.get('conversation');
  const subject = params.get('subject') ?? `demo-${role}`;
  if (role !== 'agent' && role !== 'customer') {
    sendJson(response, 400, { error: 'bad-request', message: 'role must be agent or customer' });
    return;
  }
  if (!conversationId || conversationId.length > 128) {
    sendJson(response, 400, { error: 'bad-request', message: 'conversation must be 1-128 characters' });
    return;
  }
  if (subject.length < 1 || subject.length > 256) {
    sendJson(response, 400, { error: 'bad-request', message: 'subject must be 1-256 characters' });
    return;
  }
  const token = await issueToken({ role, conversationId, subject, expiresIn: DEMO_TOKEN_LIFETIME }, options.signingSecret);
  sendJson(response, 200, { token });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  response.end(text);
}
