// The agent's desk (`/demo/agent.html?agent=<name>`): signs the agent in to the reference server's
// routing (optional `capacity=<units>`), shows its capacity and call state, and lists the
// conversations routed to it as links that open each one in the agent console (QA mode). Polling
// `GET /api/agents/me` every 2 s is also the agent's heartbeat; leaving the page signs it out.
const text = {
  en: {
    title: 'Agent desk',
    signedInAs: (name) => `Signed in as ${name}`,
    signedOut: 'Signed out',
    capacity: (used, capacity, inCall) => `Capacity: ${used} of ${capacity} units in use${inCall ? ' (in a call)' : ''}`,
    conversations: 'Conversations routed to you',
    none: 'No conversations yet. New chat requests are routed here while you have capacity.',
    open: (id) => `Open conversation ${id}`,
    signIn: 'Sign in',
    signOut: 'Sign out',
    failed: 'The server could not be reached.',
  },
  'pt-BR': {
    title: 'Mesa do agente',
    signedInAs: (name) => `Conectado como ${name}`,
    signedOut: 'Desconectado',
    capacity: (used, capacity, inCall) => `Capacidade: ${used} de ${capacity} unidades em uso${inCall ? ' (em chamada)' : ''}`,
    conversations: 'Conversas encaminhadas para você',
    none: 'Nenhuma conversa ainda. Novos pedidos de chat chegam aqui enquanto você tiver capacidade.',
    open: (id) => `Abrir a conversa ${id}`,
    signIn: 'Entrar',
    signOut: 'Sair',
    failed: 'Não foi possível falar com o servidor.',
  },
};

export async function openDesk(agentId, lang) {
  const words = text[lang] ?? text.en;
  document.querySelector('.workspace').hidden = true;
  const desk = document.getElementById('desk');
  desk.hidden = false;
  document.getElementById('desk-title').textContent = words.title;
  document.getElementById('desk-conversations-title').textContent = words.conversations;
  const status = document.getElementById('desk-status');
  const load = document.getElementById('desk-capacity');
  const list = document.getElementById('desk-list');
  const toggle = document.getElementById('desk-toggle');

  const { token } = await (await fetch(`/api/demo-token?role=agent&agent=${encodeURIComponent(agentId)}`)).json();
  const call = (method, path, body) =>
    fetch(path, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      keepalive: method === 'POST',
    });
  const capacity = Number(new URLSearchParams(location.search).get('capacity')) || undefined;
  let signedIn = false;

  const signIn = () => call('POST', '/api/agents/sign-in', { name: agentId, ...(capacity ? { capacity } : {}) });
  const signOut = () => call('POST', '/api/agents/sign-out');

  function render(agent, conversations) {
    signedIn = agent?.signedIn ?? false;
    status.textContent = signedIn ? words.signedInAs(agent.name) : words.signedOut;
    load.textContent = agent ? words.capacity(agent.used, agent.capacity, agent.callState === 'in-call') : '';
    toggle.textContent = signedIn ? words.signOut : words.signIn;
    // The console joins as this agent: a routed conversation admits only the agent it is assigned to.
    const query = new URLSearchParams({ lang, agent: agentId });
    const items = conversations.map((conversation) => {
      const item = document.createElement('li');
      const link = document.createElement('a');
      query.set('conversation', conversation.id);
      link.href = `agent.html?${query}`;
      link.target = '_blank';
      link.textContent = words.open(conversation.id);
      item.append(link);
      if (conversation.call) item.append(' 📞');
      return item;
    });
    if (items.length === 0) {
      const empty = document.createElement('li');
      empty.textContent = words.none;
      items.push(empty);
    }
    list.replaceChildren(...items);
  }

  async function refresh() {
    try {
      const response = await call('GET', '/api/agents/me');
      const { agent, conversations } = await response.json();
      render(agent, conversations);
    } catch {
      status.textContent = words.failed;
    }
  }

  toggle.addEventListener('click', async () => {
    await (signedIn ? signOut() : signIn());
    await refresh();
  });
  // Leaving the desk takes the agent out of routing; its conversations stay with it.
  addEventListener('pagehide', () => void signOut());

  await signIn();
  await refresh();
  setInterval(refresh, 2_000);
}
