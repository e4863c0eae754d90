// Shared by the visual-engagement harness pages: records every frame this page sends over any
// WebSocket (installed before the SDK loads), joins the conversation named in the query with a demo
// token, and puts a <cobrowse-launcher> for this page's role into #launcher-slot.
const sentFrames = [];
const NativeSend = WebSocket.prototype.send;
WebSocket.prototype.send = function send(data) {
  sentFrames.push(typeof data === 'string' ? data : '[binary]');
  return NativeSend.call(this, data);
};

// Screen captures the SDK asked for, so a test can stop one "from the browser's own UI".
const captures = [];
if (navigator.mediaDevices?.getDisplayMedia) {
  const getDisplayMedia = navigator.mediaDevices.getDisplayMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getDisplayMedia = async (options) => {
    const stream = await getDisplayMedia(options);
    captures.push(stream);
    return stream;
  };
}

export const now = () => performance.timeOrigin + performance.now();

export async function setUp(role) {
  const params = new URLSearchParams(location.search);
  const conversation = params.get('conversation') ?? sessionStorage.getItem('harness-conversation');
  if (!conversation) throw new Error('no conversation in the query');
  sessionStorage.setItem('harness-conversation', conversation);
  const visual = params.get('visual') ?? 'cobrowse';
  const kit = await import('/dist/chat-call-kit.esm.js');
  const pinTtlMs = Number(params.get('pinTtl') ?? 0);
  // Configured built-ins are loaded on demand, exactly as an integrator would do it.
  const builtins = pinTtlMs || params.get('thisTab') ? await kit.loadBuiltinProviders() : undefined;
  // `caps=remoteControl:false,navigation:false`: this page's own provider policy.
  const caps = Object.fromEntries((params.get('caps') ?? '').split(',').filter(Boolean).map((pair) => [pair.split(':')[0], pair.split(':')[1] === 'true']));
  const cobrowseOptions = { ...(pinTtlMs ? { pinTtlMs } : {}), ...(params.get('caps') ? { capabilities: caps } : {}) };
  if (visual === 'cobrowse' && Object.keys(cobrowseOptions).length) {
    const { CobrowseProvider } = builtins ?? (await kit.loadBuiltinProviders());
    kit.visualProviders.register(new CobrowseProvider(cobrowseOptions), { replace: true });
  }
  if (visual === 'screen-share' && (params.get('thisTab') || pinTtlMs)) {
    kit.visualProviders.register(new builtins.ScreenShareProvider({ thisTabOnly: params.get('thisTab') === '1', ...(pinTtlMs ? { pinTtlMs } : {}) }), {
      replace: true,
    });
  }
  const response = await fetch(`/api/demo-token?role=${role}&conversation=${encodeURIComponent(conversation)}`);
  const { token } = await response.json();
  const transport = new kit.WebSocketTransport({ url: `ws://${location.host}/signaling`, conversationId: conversation, role, token });
  const launcher = document.createElement('cobrowse-launcher');
  launcher.setAttribute('participant', role);
  launcher.setAttribute('provider', visual);
  launcher.transport = transport;
  document.getElementById('launcher-slot').append(launcher);
  await launcher.updateComplete;
  const events = [];
  for (const name of ['visual-state-change', 'visual-error', 'visual-pin-share']) {
    launcher.addEventListener(name, (event) => {
      const detail = event.detail;
      events.push({ name, phase: detail.state?.phase, code: detail.error?.code, text: detail.text, at: now() });
    });
  }
  // Every message this page sends, as the SDK handed it to the transport (for structured checks;
  // `sentFrames` has what went on the wire).
  const sentMessages = [];
  const send = transport.send.bind(transport);
  transport.send = (message) => {
    // A ve-events payload is flat (strings and numbers): a shallow copy is a copy, without
    // re-serializing a snapshot's hundreds of KiB on the page's time (the benchmarks use this page).
    sentMessages.push(message.type === 've-events' ? { ...message, payload: { ...message.payload } } : JSON.parse(JSON.stringify(message)));
    return send(message);
  };
  // Every session message this page receives (what the other side, honest or not, sent).
  const received = [];
  transport.on('message', (message) => {
    if (!message.type.startsWith('ve-')) return;
    // Event chunks are kept without their data: the harness must not be what fills the heap.
    const payload = message.type === 've-events' ? { ...message.payload, data: message.payload.data.length } : message.payload;
    received.push({ type: message.type, payload, at: now() });
  });
  await transport.connect();
  window.harness = {
    received,
    sentMessages,
    kit,
    transport,
    launcher,
    events,
    sentFrames,
    captures,
    now,
    /** What the browser's "Stop sharing" button does: the capture track ends. */
    stopSharingFromBrowser() {
      for (const stream of captures) {
        for (const track of stream.getTracks()) {
          track.stop();
          track.dispatchEvent(new Event('ended'));
        }
      }
    },
    get engagement() {
      return launcher.engagement;
    },
    state: () => JSON.parse(JSON.stringify(launcher.engagement?.state ?? null)),
  };
  window.harnessReady = true;
  return window.harness;
}
