/** Helpers for the REST API tests: real HTTP requests with Bearer tokens, JSON in and out. */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { issueApiToken, type ApiRole } from '../../server/auth.js';
import type { AgentView } from '../../server/capacity.js';
import type { ConversationView } from '../../server/routing.js';
import { startServer, type RunningServer, type ServerOverrides } from '../../server/server.js';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface ApiCall {
  token?: string;
  body?: unknown;
  /** Sent as given instead of `body`. */
  raw?: string;
  headers?: Record<string, string>;
}

/** One HTTP request to the API; the answer's body is parsed as JSON (every API answer is JSON). */
export function api<T = Record<string, unknown>>(server: RunningServer, method: string, path: string, call: ApiCall = {}): Promise<ApiResponse<T>> {
  const payload = call.raw ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
  const headers: Record<string, string> = { ...call.headers };
  if (call.token) headers.Authorization = `Bearer ${call.token}`;
  if (payload !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let body: T;
        try {
          body = JSON.parse(text) as T;
        } catch {
          reject(new Error(`${method} ${path} answered ${res.statusCode} with non-JSON: ${text.slice(0, 200)}`));
          return;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export function apiToken(server: RunningServer, role: ApiRole, subject: string, expiresIn?: number): Promise<string> {
  return issueApiToken({ role, subject, ...(expiresIn === undefined ? {} : { expiresIn }) }, server.options.signingSecret);
}

/** Asserts the status (with the body in the message when it differs) and returns the body. */
export function expectStatus<T>(response: ApiResponse<T>, status: number, label = 'response'): T {
  assert.equal(response.status, status, `${label}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function signIn(server: RunningServer, agentId: string, body: { capacity?: number; name?: string } = {}): Promise<string> {
  const token = await apiToken(server, 'agent', agentId);
  expectStatus(await api(server, 'POST', '/api/agents/sign-in', { token, body }), 200, `sign in ${agentId}`);
  return token;
}

export async function requestChat(server: RunningServer, customerId: string): Promise<{ conversation: ConversationView; token: string }> {
  const token = await apiToken(server, 'customer', customerId);
  return expectStatus(await api<{ conversation: ConversationView; token: string }>(server, 'POST', '/api/conversations', { token }), 201, `chat request of ${customerId}`);
}

export async function agents(server: RunningServer, supervisorToken: string): Promise<Map<string, AgentView>> {
  const body = expectStatus(await api<{ agents: AgentView[] }>(server, 'GET', '/api/agents?limit=500', { token: supervisorToken }), 200, 'GET /api/agents');
  return new Map(body.agents.map((agent) => [agent.id, agent]));
}

export async function agent(server: RunningServer, supervisorToken: string, id: string): Promise<AgentView> {
  const found = (await agents(server, supervisorToken)).get(id);
  assert.ok(found, `agent ${id} is listed`);
  return found;
}

export async function queue(server: RunningServer, supervisorToken: string): Promise<ConversationView[]> {
  return expectStatus(await api<{ queue: ConversationView[] }>(server, 'GET', '/api/queue?limit=500', { token: supervisorToken }), 200, 'GET /api/queue').queue;
}

export async function conversation(server: RunningServer, supervisorToken: string, id: string): Promise<ConversationView> {
  return expectStatus(await api<{ conversation: ConversationView }>(server, 'GET', `/api/conversations/${id}`, { token: supervisorToken }), 200, `GET conversation ${id}`).conversation;
}

/** Polls `check` until it holds (or fails with the last value in the message). */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, label: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) assert.fail(`${label}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  return value;
}

/** A development server on a free loopback port, and a supervisor's API token for it. */
export async function startWithSupervisor(overrides: ServerOverrides = {}): Promise<{ server: RunningServer; supervisor: string }> {
  const server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0, ...overrides });
  return { server, supervisor: await apiToken(server, 'supervisor', 'sup') };
}
