// The supervisor's calls in progress (SFU deployments): per call, **Monitor** (hear and see both
// sides, sending nothing; the agent sees "A supervisor is listening", the customer is not told),
// **Barge in** (both sides hear the supervisor) and **Leave**. Rows are kept per conversation so a
// refresh never takes the keyboard focus away from a button.
import { WebSocketTransport, openSupervisorMonitor } from '/dist/chat-call-kit.esm.js';

const body = document.getElementById('calls');
const note = document.getElementById('calls-note');
const panel = document.getElementById('monitor');
const status = document.getElementById('monitor-status');
const rows = new Map();
let active; // { conversationId, monitor }

const STATE_TEXT = { monitoring: 'monitoring', 'barged-in': 'barged in' };

/** Renders `GET /api/calls`'s answer. `api` is the page's REST helper (supervisor token). */
export function renderCalls({ calls, monitoring }, api) {
  note.textContent = monitoring ? '' : 'Calls are peer-to-peer in this deployment: start the server with CCK_MEDIA=sfu to monitor them.';
  const seen = new Set();
  for (const call of calls) {
    seen.add(call.conversationId);
    let row = rows.get(call.conversationId);
    if (!row) {
      row = createRow(call.conversationId, api);
      rows.set(call.conversationId, row);
      body.append(row.element);
    }
    row.kind.textContent = call.video ? 'video' : 'voice';
    row.since.textContent = `${Math.round((Date.now() - call.since) / 1000)} s`;
    row.supervisor.textContent = call.supervisor ? STATE_TEXT[call.supervisor] : '—';
    updateButtons(row, call.conversationId, monitoring);
  }
  for (const [id, row] of rows) {
    if (seen.has(id)) continue;
    if (active?.conversationId === id) leave();
    row.element.remove();
    rows.delete(id);
  }
  if (calls.length === 0 && !body.querySelector('.empty')) {
    const empty = document.createElement('tr');
    empty.className = 'empty';
    empty.innerHTML = '<td colspan="5">No call in progress.</td>';
    body.append(empty);
  } else if (calls.length > 0) body.querySelector('.empty')?.remove();
}

function createRow(conversationId, api) {
  const element = document.createElement('tr');
  const name = document.createElement('th');
  name.scope = 'row';
  name.textContent = conversationId;
  const [kind, since, supervisor, actions] = [0, 1, 2, 3].map(() => document.createElement('td'));
  const button = (label, onClick) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.setAttribute('aria-describedby', `call-${CSS.escape(conversationId)}`);
    b.addEventListener('click', () => void onClick().catch((error) => (status.textContent = `${label} failed: ${error.message}`)));
    actions.append(b);
    return b;
  };
  name.id = `call-${CSS.escape(conversationId)}`;
  const monitorButton = button('Monitor', () => monitor(conversationId, api));
  const bargeButton = button('Barge in', bargeIn);
  const leaveButton = button('Leave', async () => leave());
  element.append(name, kind, since, supervisor, actions);
  return { element, kind, since, supervisor, monitorButton, bargeButton, leaveButton };
}

function updateButtons(row, conversationId, monitoring) {
  const mine = active?.conversationId === conversationId;
  row.monitorButton.disabled = !monitoring || active !== undefined;
  row.bargeButton.disabled = !mine || active.monitor.state !== 'monitoring';
  row.leaveButton.disabled = !mine;
}

async function monitor(conversationId, api) {
  if (active) return;
  const { ok, body: answer } = await api('POST', `/api/conversations/${encodeURIComponent(conversationId)}/monitor`, {});
  if (!ok) throw new Error(answer.message);
  const transport = new WebSocketTransport({ url: `ws://${location.host}/signaling`, conversationId, role: 'supervisor', token: answer.token });
  const monitor = await openSupervisorMonitor({ transport, callId: answer.call.callId });
  active = { conversationId, monitor };
  const show = () => {
    for (const source of ['agent', 'customer']) {
      const stream = monitor.streams[source];
      const video = document.getElementById(`monitor-${source}`);
      const audio = document.getElementById(`monitor-${source}-audio`);
      if (video.srcObject !== stream) video.srcObject = stream;
      if (audio.srcObject !== stream) audio.srcObject = stream;
    }
  };
  monitor.on('streamschange', show);
  monitor.on('statechange', (state) => {
    if (state === 'left') {
      active = undefined;
      panel.hidden = true;
    }
    status.textContent = state === 'barged-in' ? `Speaking in ${conversationId}.` : state === 'left' ? `Left ${conversationId}.` : status.textContent;
    refreshButtons();
  });
  show();
  panel.hidden = false;
  status.textContent = `Monitoring ${conversationId}: you hear and see both sides; they do not hear you.`;
  refreshButtons();
}

async function bargeIn() {
  await active?.monitor.bargeIn();
}

function leave() {
  active?.monitor.leave();
}

function refreshButtons() {
  for (const [id, row] of rows) updateButtons(row, id, !note.textContent);
}

window.addEventListener('pagehide', leave);
