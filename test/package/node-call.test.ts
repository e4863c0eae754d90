/**
 * The installed package runs in Node, with no browser: imported by its name (through `exports`), two
 * engines over `MemoryHub` with fake devices and a fake media session make, answer and end a call.
 * This is the recipe the README gives integrators for their own unit tests.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallEngine, MemoryHub, createTrackStream, type CallPhase } from 'chat-call-kit';
import { fakeDevices, fakeSessionFactory } from '../support/fake-media.js';

function until(engine: CallEngine, phase: CallPhase): Promise<void> {
  if (engine.state.phase === phase) return Promise.resolve();
  return new Promise((resolve) => {
    const off = engine.on('statechange', (state) => {
      if (state.phase !== phase) return;
      off();
      resolve();
    });
  });
}

describe('chat-call-kit in Node', () => {
  it('has no browser globals to lean on', () => {
    assert.equal(typeof (globalThis as { MediaStream?: unknown }).MediaStream, 'undefined');
    assert.equal(typeof (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection, 'undefined');
  });

  it('runs a video call between two engines over MemoryHub with a fake media session', async () => {
    const hub = new MemoryHub();
    const sessions = fakeSessionFactory(() => createTrackStream());
    const agentDevices = fakeDevices();
    const customerDevices = fakeDevices();
    const agent = new CallEngine({
      transport: hub.createTransport({ conversationId: 'conv-1', role: 'agent' }),
      mediaSessionFactory: sessions,
      mediaDevices: agentDevices.mediaDevices,
      capacityReporter: null,
      displayName: 'Ana',
    });
    const customer = new CallEngine({
      transport: hub.createTransport({ conversationId: 'conv-1', role: 'customer' }),
      mediaSessionFactory: sessions,
      mediaDevices: customerDevices.mediaDevices,
    });
    try {
      await customer.connect();
      const ringing = until(customer, 'incoming');
      await agent.startCall({ video: true });
      await ringing;
      assert.equal(customer.state.callerName, 'Ana');

      await customer.accept({ video: true });
      await Promise.all([until(agent, 'active'), until(customer, 'active')]);
      assert.deepEqual(agent.remoteStream?.getTracks().map((t) => t.kind).sort(), ['audio', 'video']);
      assert.deepEqual(customer.remoteStream?.getTracks().map((t) => t.kind).sort(), ['audio', 'video']);
      assert.equal(agent.localStream?.getVideoTracks().length, 1);

      await agent.setMuted(true);
      await new Promise<void>((resolve) => {
        if (customer.remoteMediaState?.muted) resolve();
        else customer.on('remotemediastate', (state) => state.muted && resolve());
      });

      const customerEnded = until(customer, 'ended');
      agent.end();
      await customerEnded;
      assert.equal(agent.state.phase, 'ended');
      assert.deepEqual(agentDevices.live(), [], 'the agent released its devices');
      assert.deepEqual(customerDevices.live(), [], 'the customer released its devices');
    } finally {
      agent.dispose();
      customer.dispose();
      hub.dispose();
    }
  });
});
