// The demo's glue: reads the query (conversation, lang, video), gets a demo token, configures the
// page's <chat-call-panel> through its attributes, and runs a small two-way text chat over the
// panel's own signaling transport. All call behaviour comes from the elements.
const role = document.body.classList.contains('agent') ? 'agent' : 'customer';
const params = new URLSearchParams(location.search);
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
  },
}[lang];

document.documentElement.lang = lang;
for (const node of document.querySelectorAll('[data-text]')) node.textContent = words[node.dataset.text];
for (const node of document.querySelectorAll('[data-label]')) node.setAttribute('aria-label', words[node.dataset.label]);
const conversationCode = document.getElementById('conversation');
if (conversationCode) conversationCode.textContent = conversation;

const panel = document.querySelector('chat-call-panel');
const messages = document.getElementById('messages');
const form = document.getElementById('chat-form');
const input = document.getElementById('chat-input');
const other = role === 'agent' ? words.customer : words.agent;

function addLine(text, who) {
  const item = document.createElement('li');
  item.className = who ? `line ${who === words.you ? 'mine' : 'theirs'}` : 'line system';
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
  const offPresence = transport.on('presence', ({ role: who, present }) => {
    if (who !== role) addLine(present ? words.joined(other) : words.left(other));
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

document.getElementById('end-chat')?.addEventListener('click', () => {
  panel.remove(); // disposes the panel's engine: any call ends, the conversation is left
  form.querySelectorAll('input, button').forEach((control) => (control.disabled = true));
  addLine(words.ended);
});

const response = await fetch(`/api/demo-token?role=${role}&conversation=${encodeURIComponent(conversation)}`);
const { token } = await response.json();
await customElements.whenDefined('chat-call-panel');
const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
panel.setAttribute('allow-video', String(allowVideo));
panel.setAttribute('conversation', conversation);
panel.setAttribute('signaling-url', `${scheme}://${location.host}/signaling`);
panel.setAttribute('token', token);
await panel.updateComplete;
if (panel.engine) attachChat(panel.engine);
