/**
 * `notifyServer`: what a client tells the server itself (`call-started`, `call-ended`). Checked like
 * `send` before anything goes out, queued while disconnected, consumed by the server (or the memory
 * hub's `onNotice`) and never relayed to the other member.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { issueToken } from '../../server/auth.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { MemoryHub } from '../../src/signaling/memory-transport.js';
import { SERVER_BOUND_TYPES, type SignalingMessage } from '../../src/signaling/protocol.js';
import { TransportError, WebSocketTransport } from '../../src/signaling/websocket-transport.js';
import { agent, apiToken, eventually, requestChat, signIn } from '../server/api-helpers.js';
import { SUITE_TIMEOUT_MS } from '../server/helpers.js';

describe('notifyServer over WebSocketTransport', { timeout: SUITE_TIMEOUT_MS }, () => {
  let server: RunningServer;
  const open: WebSocketTransport[] = [];

  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', heartbeatIntervalMs: 0 });
  });
  after(async () => {
    for (const transport of open) transport.close();
    await server.close();
  });

  /** `subject`: the routed conversation's assigned agent or its customer (nobody else's token joins it). */
  const transport = async (role: 'agent' | 'customer', conversationId: string, subject = `${role}-s`) => {
    const created = new WebSocketTransport({
      url: server.signalingUrl,
      conversationId,
      role,
      WebSocket,
      token: await issueToken({ role, conversationId, subject, version: server.router.tokenVersion(conversationId, role) }, server.options.signingSecret),
    });
    open.push(created);
    return created;
  };

  it('reaches the server (capacity changes), not the other member; a notice queued before joining goes out after', async () => {
    await signIn(server, 'ana');
    const supervisor = await apiToken(server, 'supervisor', 'sup');
    const { conversation } = await requestChat(server, 'customer-n');
    const customer = await transport('customer', conversation.id, 'customer-n');
    const received: SignalingMessage[] = [];
    customer.on('message', (message) => received.push(message));
    await customer.connect();
    const agentSide = await transport('agent', conversation.id, 'ana');
    agentSide.notifyServer({ type: 'call-started', payload: { callId: 'n-1', video: false } });
    const errors: unknown[] = [];
    agentSide.on('error', (error) => errors.push(error));
    await agentSide.connect();
    await eventually(() => agent(server, supervisor, 'ana'), (a) => a.callState === 'in-call', 'the queued call-started arrived');
    agentSide.notifyServer({ type: 'call-ended', payload: { callId: 'n-1' } });
    await eventually(() => agent(server, supervisor, 'ana'), (a) => a.callState === 'idle', 'call-ended arrived');
    agentSide.send({ type: 'chat-message', payload: { text: 'marker' } });
    await eventually(async () => received.length, (n) => n > 0, 'the marker arrived');
    assert.deepEqual(received.map((m) => m.type), ['chat-message'], 'no notice was relayed');
    assert.deepEqual(errors, []);
  });

  it('refuses relayed types, invalid payloads and a closed transport before sending', async () => {
    const client = await transport('agent', 'notice-checks');
    const attempt = (notice: unknown) => {
      try {
        client.notifyServer(notice as never);
        return 'sent';
      } catch (error) {
        return error instanceof TransportError ? error.code : String(error);
      }
    };
    assert.equal(attempt({ type: 'chat-message', payload: { text: 'x' } }), 'forbidden');
    assert.equal(attempt({ type: 'call-started', payload: { callId: '', video: true } }), 'invalid-message');
    assert.equal(attempt({ type: 've-pin-create', payload: {} }), 'forbidden', 'requests go through request()');
    client.close();
    assert.equal(attempt({ type: 'call-ended', payload: { callId: 'x' } }), 'invalid-state');
    assert.ok(SERVER_BOUND_TYPES.has('call-started') && SERVER_BOUND_TYPES.has('call-ended'), 'call reports are server-bound');
  });
});

describe('notifyServer over the memory hub', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('hands notices to onNotice and relays none of them', async () => {
    const notices: Array<[string, string, string]> = [];
    const hub = new MemoryHub({ onNotice: (message, member) => notices.push([message.type, member.role, member.conversationId]) });
    const agentSide = hub.createTransport({ conversationId: 'm', role: 'agent' });
    const customer = hub.createTransport({ conversationId: 'm', role: 'customer' });
    const received: SignalingMessage[] = [];
    customer.on('message', (message) => received.push(message));
    await Promise.all([agentSide.connect(), customer.connect()]);
    agentSide.notifyServer({ type: 'call-started', payload: { callId: 'c', video: true } });
    agentSide.send({ type: 'chat-message', payload: { text: 'after' } });
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(notices, [['call-started', 'agent', 'm']]);
    assert.deepEqual(received.map((m) => m.type), ['chat-message']);
    hub.dispose();
  });
});
