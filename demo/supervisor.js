// The supervisor's view: agents with their capacity and call state, the queue, and explicit
// assignment (which ignores capacity: an agent in a call can still be given a conversation).
// Everything comes from the reference server's REST API with a supervisor token, polled every second.
// Calls in progress, with Monitor / Barge in / Leave, are in supervisor-calls.js.
import { renderCalls } from './supervisor-calls.js';

const agentsBody = document.getElementById('agents');
const queueList = document.getElementById('queue');
const form = document.getElementById('assign');
const conversationSelect = document.getElementById('assign-conversation');
const agentSelect = document.getElementById('assign-agent');
const result = document.getElementById('assign-result');

const { token } = await (await fetch('/api/demo-token?role=supervisor')).json();
const api = async (method, path, body) => {
  const response = await fetch(path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { ok: response.ok, body: await response.json() };
};

const cell = (text) => {
  const td = document.createElement('td');
  td.textContent = String(text);
  return td;
};

/** Replaces a select's options, keeping the user's choice when it is still there. */
function setOptions(select, options) {
  const chosen = select.value;
  select.replaceChildren(
    ...options.map(({ value, label }) => {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = label;
      return option;
    }),
  );
  if (options.some((option) => option.value === chosen)) select.value = chosen;
}

function render(agents, queue, assigned) {
  agentsBody.replaceChildren(
    ...agents.map((agent) => {
      const row = document.createElement('tr');
      const name = document.createElement('th');
      name.scope = 'row';
      name.textContent = agent.name;
      row.append(
        name,
        cell(agent.signedIn ? 'signed in' : 'signed out'),
        cell(agent.capacity),
        cell(agent.used),
        cell(agent.available),
        cell(agent.callState === 'in-call' ? `in a call (${agent.call.video ? 'video' : 'voice'})` : 'idle'),
        cell(agent.conversations.length),
      );
      return row;
    }),
  );
  queueList.replaceChildren(
    ...queue.map((conversation) => {
      const item = document.createElement('li');
      const waited = Math.round((Date.now() - conversation.createdAt) / 1000);
      item.textContent = `${conversation.id} (waiting ${waited} s)`;
      return item;
    }),
  );
  if (queue.length === 0) {
    const empty = document.createElement('li');
    empty.textContent = 'Nobody is waiting.';
    queueList.replaceChildren(empty);
  }
  setOptions(conversationSelect, [
    ...queue.map((c) => ({ value: c.id, label: `${c.id} (queued #${c.queuePosition})` })),
    ...assigned.map((c) => ({ value: c.id, label: `${c.id} (with ${c.agentId})` })),
  ]);
  setOptions(
    agentSelect,
    agents.filter((a) => a.signedIn).map((a) => ({ value: a.id, label: `${a.name} (${a.used}/${a.capacity}${a.callState === 'in-call' ? ', in a call' : ''})` })),
  );
}

async function refresh() {
  const [agents, queue, assigned, calls] = await Promise.all([
    api('GET', '/api/agents'),
    api('GET', '/api/queue'),
    api('GET', '/api/conversations?status=assigned'),
    api('GET', '/api/calls'),
  ]);
  if (agents.ok && queue.ok && assigned.ok) render(agents.body.agents, queue.body.queue, assigned.body.conversations);
  if (calls.ok) renderCalls(calls.body, api);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const conversationId = conversationSelect.value;
  const agentId = agentSelect.value;
  if (!conversationId || !agentId) return;
  const { ok, body } = await api('POST', `/api/conversations/${encodeURIComponent(conversationId)}/assign`, { agentId });
  result.textContent = ok ? `Assigned ${conversationId} to ${agentId}.` : `Not assigned: ${body.message}`;
  await refresh();
});

await refresh();
setInterval(() => void refresh().catch(() => {}), 1_000);
