// The demo's visual engagement: a <cobrowse-launcher> next to the agent's End button and in the
// customer's chat widget, on the conversation of the page's <chat-call-panel>. The query's
// `visual=cobrowse|screen-share` picks the configured provider (default cobrowse). "Send PIN to chat"
// posts the PIN into the demo chat. All session behaviour comes from the element.
const kit = window.ChatCallKit ?? (await import('/dist/chat-call-kit.esm.js'));
const role = document.body.classList.contains('agent') ? 'agent' : 'customer';
const params = new URLSearchParams(location.search);
const visual = params.get('visual') === 'screen-share' ? 'screen-share' : 'cobrowse';

const style = document.createElement('style');
style.textContent = `
  /* Agent: the computer-icon button sits just before End; the session panel takes a full row below. */
  .chat-header { flex-wrap: wrap; }
  .chat-header h2 { margin-inline-end: auto; }
  .chat-header cobrowse-launcher, .chat-header cobrowse-launcher::part(base) { display: contents; }
  .chat-header cobrowse-launcher::part(panel) {
    flex-basis: 100%; order: 10; padding: 0.75rem; border: 1px solid #8884; border-radius: 0.5rem;
  }
  .chat-widget cobrowse-launcher { margin: 0.25rem 0; }
`;
document.head.append(style);

await customElements.whenDefined('chat-call-panel');
const panel = document.querySelector('chat-call-panel');
// demo-chat.js configures the panel once it has a demo token; the panel then makes its engine and says so.
while (!panel.engine) await new Promise((resolve) => panel.addEventListener('engine-change', resolve, { once: true }));
await panel.updateComplete;

const launcher = document.createElement('cobrowse-launcher');
launcher.setAttribute('participant', role);
launcher.setAttribute('provider', visual);
launcher.engine = panel.engine;

if (role === 'agent') {
  const end = document.getElementById('end-chat');
  end.before(launcher);
  // Ending the conversation ends the visual session first (the panel's transport closes right after).
  end.addEventListener('click', () => launcher.remove(), { capture: true });
  launcher.addEventListener('visual-pin-share', (event) => {
    const { text } = event.detail;
    panel.engine?.transport.send({ type: 'chat-message', payload: { text } });
    showOwnLine(text);
  });
} else {
  panel.after(launcher);
}

/** The agent's own chat line, styled like demo-chat.js's. */
function showOwnLine(text) {
  const messages = document.getElementById('messages');
  const item = document.createElement('li');
  item.className = 'line mine';
  const name = document.createElement('strong');
  name.textContent = `${document.documentElement.lang === 'pt-BR' ? 'Você' : 'You'}: `;
  item.append(name, text);
  messages.append(item);
  messages.scrollTop = messages.scrollHeight;
}

// The panel makes a new engine when it is configured again (e.g. a routed conversation): follow it.
panel.addEventListener('engine-change', (event) => {
  if (event.detail.engine) launcher.engine = event.detail.engine;
});

window.demoVisual = { launcher, provider: visual, kit };
