// The demo's glue: reads the query (conversation, lang, video), gets a demo token, configures the
// page's <chat-call-panel> through its attributes (and the deployment's `GET /api/config`), and runs
// a small two-way text chat over the panel's own signaling transport. All call behaviour comes from
// the elements.
//
// Without `conversation`, the customer portal offers "Request a chat": the reference server routes
// the request to an agent (or queues it) and the portal joins the conversation it got. The agent
// console with `agent=<name>` (and no `conversation`) is that agent's desk: see agent-desk.js.
const role = document.body.classList.contains('agent') ? 'agent' : 'customer';
const params = new URLSearchParams(location.search);
const requestMode = role === 'customer' && !params.has('conversation');
const deskAgent = role === 'agent' && !params.has('conversation') ? params.get('agent') : null;
const conversation = params.get('conversation') ?? 'demo';
const lang = params.get('lang') === 'pt-BR' ? 'pt-BR' : 'en';
const allowVideo = params.get('video') !== 'off';

const words = {
  en: {
    agentTitle: 'Agent console',
    portalTitle: 'Contoso customer portal',
    portalIntro: 'Questions about your order? Our team is here to help.',
    conversationLabel: 'Conversation',
    chatWithCustomer: 'Chat with the customer',
    chatWithUs: 'Chat with us',
    communicationPanel: 'Communication panel',
    end: 'End',
    endConversation: 'End conversation',
    message: 'Message',
    send: 'Send',
    you: 'You',
    agent: 'Agent',
    customer: 'Customer',
    joined: (who) => `${who} joined the chat`,
    left: (who) => `${who} left the chat`,
    ended: 'You ended the conversation.',
    requestChat: 'Request a chat',
    requesting: 'Finding an agent…',
    queued: (position) => `All our agents are busy. You are number ${position} in the queue.`,
    assigned: 'An agent is on the way.',
    requestFailed: 'The chat could not be requested. Please try again.',
    agentName: 'Alex (agent)',
    callKind: (kind) => (kind === 'video' ? 'Video call' : 'Voice call'),
    callNotConnected: (kind, reason) =>
      ({ missed: 'Missed', rejected: 'Declined', cancelled: 'Cancelled', failed: 'Failed' })[reason] + ` ${kind === 'video' ? 'video' : 'voice'} call`,
  },
  'pt-BR': {
    agentTitle: 'Console do agente',
    portalTitle: 'Portal do cliente Contoso',
    portalIntro: 'Dúvidas sobre seu pedido? Nossa equipe está aqui para ajudar.',
    conversationLabel: 'Conversa',
    chatWithCustomer: 'Chat com o cliente',
    chatWithUs: 'Fale conosco',
    communicationPanel: 'Painel de comunicação',
    end: 'Encerrar',
    endConversation: 'Encerrar conversa',
    message: 'Mensagem',
    send: 'Enviar',
    you: 'Você',
    agent: 'Agente',
    customer: 'Cliente',
    joined: (who) => `${who} entrou no chat`,
    left: (who) => `${who} saiu do chat`,
    ended: 'Você encerrou a conversa.',
    requestChat: 'Solicitar um chat',
    requesting: 'Procurando um agente…',
    queued: (position) => `Todos os nossos agentes estão ocupados. Você é o número ${position} na fila.`,
    assigned: 'Um agente já vai atender você.',
    requestFailed: 'Não foi possível solicitar o chat. Tente de novo.',
    agentName: 'Alex (agente)',
    callKind: (kind) => (kind === 'video' ? 'Chamada de vídeo' : 'Chamada de voz'),
    callNotConnected: (kind, reason) =>
      `${kind === 'video' ? 'Chamada de vídeo' : 'Chamada de voz'} ${{ missed: 'perdida', rejected: 'recusada', cancelled: 'cancelada', failed: 'com falha' }[reason]}`,
  },
}[lang];

document.documentElement.lang = lang;
for (const node of document.querySelectorAll('[data-text]')) node.textContent = words[node.dataset.text];
for (const node of document.querySelectorAll('[data-label]')) node.setAttribute('aria-label', words[node.dataset.label]);
const conversationCode = document.getElementById('conversation');

const panel = document.querySelector('chat-call-panel');
const messages = document.getElementById('messages');
const form = document.getElementById('chat-form');
const input = document.getElementById('chat-input');
const other = role === 'agent' ? words.customer : words.agent;

function addLine(text, who, extraClass = '') {
  const item = document.createElement('li');
  item.className = `${who ? `line ${who === words.you ? 'mine' : 'theirs'}` : 'line system'} ${extraClass}`.trim();
  if (who) {
    const name = document.createElement('strong');
    name.textContent = `${who}: `;
    item.append(name);
  }
  item.append(text);
  messages.append(item);
  messages.scrollTop = messages.scrollHeight;
}

let detach = () => {};
function attachChat(engine) {
  detach();
  const transport = engine.transport;
  const offMessage = transport.on('message', (message) => {
    if (message.type === 'chat-message' && message.from !== role) addLine(message.payload.text, other);
  });
  // The transport reports the other side's presence after every (re)join; say only what changed.
  let otherPresent = false;
  const offPresence = transport.on('presence', ({ role: who, present }) => {
    if (who === role || present === otherPresent) return;
    otherPresent = present;
    addLine(present ? words.joined(other) : words.left(other));
  });
  detach = () => {
    offMessage();
    offPresence();
  };
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text || !panel.engine) return;
  panel.engine.transport.send({ type: 'chat-message', payload: { text } });
  addLine(text, words.you);
  input.value = '';
});

if (role === 'agent') panel.setAttribute('display-name', words.agentName);

// What a host does with `call-summary`: a line in the conversation, "Video call · 3:12".
panel.addEventListener('call-summary', ({ detail }) => {
  const { kind, durationMs, endReason } = detail;
  const connected = endReason === 'local-ended' || endReason === 'remote-ended' || (endReason === 'failed' && durationMs > 0);
  addLine(connected ? `${words.callKind(kind)} · ${formatDuration(durationMs)}` : words.callNotConnected(kind, endReason), undefined, 'summary');
});

function formatDuration(ms) {
  const total = Math.round(ms / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

document.getElementById('end-chat')?.addEventListener('click', () => {
  panel.remove(); // disposes the panel's engine: any call ends, the conversation is left
  form.querySelectorAll('input, button').forEach((control) => (control.disabled = true));
  addLine(words.ended);
});

/** The deployment's configuration (calling option, region), or null when the server has none. */
async function deploymentConfig(token) {
  const response = await fetch('/api/config', { headers: { Authorization: `Bearer ${token}` } });
  return response.ok ? response.json() : null;
}

/**
 * Fetches a fresh conversation token for this page's side of `id` (as `subject`, when given). The
 * panel calls it before every rejoin: conversation tokens expire sooner than a page stays open.
 */
function freshToken(id, subject) {
  const query = new URLSearchParams({ role, conversation: id, ...(subject ? { subject } : {}) });
  return async () => {
    const response = await fetch(`/api/demo-token?${query}`);
    if (!response.ok) throw new Error(`no fresh token (${response.status})`);
    return (await response.json()).token;
  };
}

/**
 * Configures the panel for `id` with a conversation `token`, and how to get a fresh one later
 * (`refresh`); the panel makes its engine and joins.
 */
async function joinConversation(id, token, refresh) {
  if (conversationCode) conversationCode.textContent = id;
  const config = await deploymentConfig(token);
  await customElements.whenDefined('chat-call-panel');
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  if (config) {
    // The region's ICE/TURN servers for every engine of the page, and what the deployment allows.
    const kit = window.ChatCallKit ?? (await import('/dist/chat-call-kit.esm.js'));
    kit.setMediaRegions?.(config.regions);
    panel.setAttribute('region', config.region);
    panel.setAttribute('calling', config.calling);
  }
  const deploymentAllowsVideo = !config || config.calling === 'video-and-voice';
  panel.setAttribute('allow-video', String(allowVideo && deploymentAllowsVideo));
  panel.setAttribute('conversation', id);
  panel.setAttribute('signaling-url', `${scheme}://${location.host}/signaling`);
  // The first join uses the token in hand; every later one asks for a fresh token.
  let initial = token;
  panel.tokenProvider = () => {
    const first = initial;
    initial = undefined;
    return first ?? refresh();
  };
  panel.setAttribute('token', token);
  await panel.updateComplete;
  if (panel.engine) attachChat(panel.engine);
}

/** The customer asks for a chat; the server routes it to an agent or queues it. */
async function requestChat() {
  const box = document.getElementById('request');
  const button = document.getElementById('request-chat');
  const status = document.getElementById('request-status');
  box.hidden = false;
  const request = async () => {
    button.disabled = true;
    status.textContent = words.requesting;
    try {
      // One customer id per browser tab: a reload finds the conversation it already has.
      const known = sessionStorage.getItem('cck-demo-customer');
      const identity = await (await fetch(`/api/demo-token?role=customer${known ? `&subject=${encodeURIComponent(known)}` : ''}`)).json();
      sessionStorage.setItem('cck-demo-customer', identity.subject);
      const response = await fetch('/api/conversations', { method: 'POST', headers: { Authorization: `Bearer ${identity.token}` } });
      if (!response.ok) throw new Error(`${response.status}`);
      const { conversation: requested, token } = await response.json();
      button.hidden = true;
      showRouting(requested, status);
      void followRouting(requested.id, token, status);
      await joinConversation(requested.id, token, freshToken(requested.id, identity.subject));
    } catch {
      status.textContent = words.requestFailed;
      button.disabled = false;
    }
  };
  button.addEventListener('click', request);
}

function showRouting(routed, status) {
  status.textContent = routed.status === 'queued' ? words.queued(routed.queuePosition) : words.assigned;
}

/** Polls the customer's own conversation until an agent has it, updating the queue position. */
async function followRouting(id, token, status) {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const response = await fetch(`/api/conversations/${encodeURIComponent(id)}`, { headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) return;
    const { conversation: routed } = await response.json();
    showRouting(routed, status);
    if (routed.status !== 'queued') return;
  }
}

if (requestMode) {
  await requestChat();
} else if (deskAgent !== null) {
  const { openDesk } = await import('./agent-desk.js');
  await openDesk(deskAgent, lang);
} else {
  // `agent=` / `customer=` name who joins (a desk's link names its agent): a routed conversation
  // admits only its assigned agent and its customer.
  const refresh = freshToken(conversation, params.get(role));
  await joinConversation(conversation, await refresh(), refresh);
}
