// Test harness: a supervisor's page as a host would write it, with the built SDK only: the REST API
// (calls in progress, the monitor token), `WebSocketTransport` as the `supervisor` member and
// `openSupervisorMonitor`. Driven by the Node tests through `window.harness`.
import { WebSocketTransport, openSupervisorMonitor } from '/dist/chat-call-kit.esm.js';
import { recordCapturedTracks, recordPeerConnections } from '../webrtc-recording.js';

const peerConnections = recordPeerConnections();
const captured = recordCapturedTracks();

let monitor;
const log = { states: [], errors: [] };
const api = async (token, method, path) => {
  const response = await fetch(path, { method, headers: { Authorization: `Bearer ${token}`, ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}) }, ...(method === 'POST' ? { body: '{}' } : {}) });
  return { status: response.status, body: await response.json() };
};

window.harness = {
  /** `GET /api/calls` and `POST /api/conversations/:id/monitor` with a token of `role` (a customer's must be refused). */
  async api(role, method, path) {
    const { token } = await (await fetch(`/api/demo-token?role=${role}`)).json();
    return api(token, method, path);
  },
  /** Starts monitoring the conversation's call as a supervisor. */
  async monitor(conversationId) {
    const { token: apiToken } = await (await fetch('/api/demo-token?role=supervisor')).json();
    const { status, body } = await api(apiToken, 'POST', `/api/conversations/${encodeURIComponent(conversationId)}/monitor`);
    if (status !== 200) throw new Error(`monitor refused: ${status} ${JSON.stringify(body)}`);
    const transport = new WebSocketTransport({ url: `ws://${location.host}/signaling`, conversationId, role: 'supervisor', token: body.token });
    monitor = await openSupervisorMonitor({ transport, callId: body.call.callId });
    monitor.on('statechange', (state) => log.states.push(state));
    monitor.on('error', (error) => log.errors.push(error.message));
    monitor.on('streamschange', () => {
      for (const source of ['agent', 'customer']) {
        const video = document.getElementById(source);
        if (video.srcObject !== monitor.streams[source]) video.srcObject = monitor.streams[source];
        void video.play().catch(() => {});
      }
    });
  },
  bargeIn: () => monitor.bargeIn(),
  leave: () => monitor.leave(),
  state: () => monitor.state,
  log: () => structuredClone(log),
  /** Bytes received so far from each member, and bytes sent, from the monitor's statistics. */
  async bytes() {
    const ids = { agent: new Set(monitor.streams.agent.getTracks().map((t) => t.id)), customer: new Set(monitor.streams.customer.getTracks().map((t) => t.id)) };
    const result = { agent: { audio: 0, video: 0 }, customer: { audio: 0, video: 0 }, sent: 0, outboundStreams: 0 };
    (await monitor.getStats()).forEach((report) => {
      if (report.type === 'inbound-rtp') {
        for (const source of ['agent', 'customer']) if (ids[source].has(report.trackIdentifier)) result[source][report.kind] += report.bytesReceived ?? 0;
      }
      if (report.type === 'outbound-rtp') {
        result.outboundStreams += 1;
        result.sent += report.bytesSent ?? 0;
      }
    });
    return result;
  },
  openPeerConnections: () => peerConnections.filter((pc) => pc.connectionState !== 'closed').length,
  capturedTracks: () => captured.map((track) => ({ kind: track.kind, readyState: track.readyState })),
};
window.harnessReady = true;
