/**
 * (In the lazy SFU chunk; the core's `openSupervisorMonitor` loads it.)
 * A supervisor joins a call in progress: the conversation's signaling as its `supervisor` member
 * (with the token `POST /api/conversations/:id/monitor` gave it), and a `SupervisorMonitor` from the
 * lazy SFU chunk bound to that call. Monitoring starts at once; `bargeIn()` speaks, `leave()` ends
 * it and releases everything (peer connections, microphone, signaling).
 */
import type { SignalingTransport } from '../../signaling/transport.js';
import { SupervisorMonitor, type SupervisorMonitorOptions } from './supervisor-monitor.js';

export interface OpenSupervisorMonitorOptions extends Omit<SupervisorMonitorOptions, 'port'> {
  /** The conversation's signaling, for the `supervisor` role (not connected yet, or connected). */
  transport: SignalingTransport;
  /** The call to monitor (`GET /api/calls`, or the monitor endpoint's answer). */
  callId: string;
}

/** Resolves with the monitor, whose `leave()` also closes the signaling. */
export async function joinAsSupervisor(options: OpenSupervisorMonitorOptions): Promise<SupervisorMonitor> {
  const { transport, callId, ...monitorOptions } = options;
  if (transport.role !== 'supervisor') throw new TypeError(`openSupervisorMonitor needs a supervisor transport, got ${transport.role}`);
  if (transport.state !== 'open') await transport.connect();
  const monitor = new SupervisorMonitor({
    ...monitorOptions,
    port: {
      request: async (payload) => (await transport.request({ type: 'media-request', payload: { callId, payload } })).payload.payload,
    },
  });
  const unsubscribe = [
    transport.on('message', (message) => {
      if (message.type === 'media-signal' && message.from === undefined && message.payload.callId === callId) void monitor.handleSignal(message.payload.payload);
    }),
    // A server that lost the seat (it restarted) lost the SFU transports too.
    transport.on('joined', (info) => {
      if (!info.resumed) monitor.rebuild();
    }),
    transport.on('close', () => monitor.leave()),
  ];
  monitor.once('statechange', function onLeft(state) {
    if (state !== 'left') {
      monitor.once('statechange', onLeft);
      return;
    }
    for (const off of unsubscribe) off();
    transport.close();
  });
  return monitor;
}
