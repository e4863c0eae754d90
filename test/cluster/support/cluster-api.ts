/** REST and signaling helpers aimed at one node (or nginx) of a cluster by URL. */
import assert from 'node:assert/strict';
import { issueApiToken, issueToken, type ApiRole } from '../../../server/auth.js';
import type { ParticipantRole } from '../../../src/signaling/protocol.js';
import { TestClient, joinFrame } from '../../server/helpers.js';

export async function apiCall<T = Record<string, unknown>>(base: string, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export function apiTokenFor(secret: string, role: ApiRole, subject: string): Promise<string> {
  return issueApiToken({ role, subject }, secret);
}

/** Opens a socket to `signalingUrl` and joins with `token` (one the API handed out); resolves with the joined client. */
export async function joinAtWithToken(signalingUrl: string, conversationId: string, role: ParticipantRole, token: string): Promise<TestClient> {
  const client = await TestClient.open(signalingUrl);
  const sent = joinFrame(conversationId, role, token);
  client.send(sent);
  const joined = await client.expect('joined');
  assert.equal(joined.replyTo, sent.id);
  return client;
}

/** Opens a socket to `signalingUrl` and joins; resolves with the client and its `joined` reply. */
export async function joinAt(
  signalingUrl: string,
  secret: string,
  conversationId: string,
  role: ParticipantRole,
  options: { subject?: string; instance?: string } = {},
) {
  const client = await TestClient.open(signalingUrl);
  const jwt = await issueToken({ role, conversationId, subject: options.subject ?? `${role}-subject` }, secret);
  const sent = joinFrame(conversationId, role, jwt, options.instance ? { instance: options.instance } : {});
  client.send(sent);
  const joined = await client.expect('joined');
  assert.equal(joined.replyTo, sent.id);
  return { client, joined };
}

/** Polls `read` until `accept` holds (generous timeout; no timed assertions). */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last: ${JSON.stringify(last).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  return last;
}
