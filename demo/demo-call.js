// The demo's glue: one CallEngine for this page's role, plain buttons that call it, and a view
// that renders only what the engine reports. The custom elements replace these buttons later.
import { CallEngine, WebSocketTransport } from '/dist/chat-call-kit.esm.js';

const role = location.pathname.endsWith('customer.html') ? 'customer' : 'agent';
const params = new URLSearchParams(location.search);
const conversation = params.get('conversation') ?? 'demo';
const allowVideo = params.get('video') !== 'off';
const $ = (id) => document.getElementById(id);

$('conversation').textContent = conversation;
const log = (line) => {
  $('log').textContent = `${new Date().toLocaleTimeString()} ${line}\n${$('log').textContent}`;
};
const showError = (error) => {
  $('error').textContent = error ? `${error.message} (${error.code})` : '';
};

async function token() {
  const response = await fetch(`/api/demo-token?role=${role}&conversation=${encodeURIComponent(conversation)}`);
  if (!response.ok) throw new Error(`demo token refused: ${response.status}`);
  return (await response.json()).token;
}

const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
const transport = new WebSocketTransport({ url: `${scheme}://${location.host}/signaling`, conversationId: conversation, role, token });
const engine = new CallEngine({ transport, allowVideo, displayName: role === 'agent' ? 'Demo agent' : undefined });

const statusText = {
  idle: role === 'agent' ? 'Ready' : 'Waiting for the agent',
  outgoing: 'Ringing the customer…',
  incoming: 'Incoming call',
  connecting: 'Connecting…',
  active: 'In a call',
  ended: 'Call ended',
};

function render() {
  const { phase, video, callerName, endReason } = engine.state;
  const inCall = phase === 'outgoing' || phase === 'connecting' || phase === 'active';
  $('status').textContent =
    phase === 'incoming'
      ? `Incoming ${video ? 'video' : 'voice'} call${callerName ? ` from ${callerName}` : ''}`
      : phase === 'ended'
        ? `${statusText.ended} (${endReason})`
        : statusText[phase];
  if ($('start-controls')) {
    $('start-controls').hidden = inCall;
    $('video-call').hidden = !allowVideo;
  }
  if ($('ring-controls')) {
    $('ring-controls').hidden = phase !== 'incoming';
    $('accept-video').hidden = !allowVideo;
  }
  $('call-controls').hidden = !inCall;
  const { muted, videoEnabled } = engine.localMediaState;
  $('mute').textContent = muted ? 'Unmute' : 'Mute';
  $('mute').setAttribute('aria-pressed', String(muted));
  $('video').textContent = videoEnabled ? 'Turn off video' : 'Turn on video';
  $('video').setAttribute('aria-pressed', String(videoEnabled));
  $('video').hidden = !allowVideo;
  const remote = engine.remoteMediaState;
  $('remote-state').textContent = remote
    ? `${role === 'agent' ? 'Customer' : 'Agent'}: ${remote.muted ? 'muted' : 'unmuted'}, camera ${remote.videoEnabled ? 'on' : 'off'}`
    : '';
}

engine.on('statechange', (state) => {
  log(`state ${state.phase}${state.endReason ? ` (${state.endReason})` : ''}`);
  if (state.phase === 'outgoing' || state.phase === 'incoming') showError(null);
  render();
});
engine.on('localstream', (stream) => ($('local').srcObject = stream));
engine.on('remotestream', (stream) => {
  if ($('remote').srcObject !== stream) $('remote').srcObject = stream;
});
engine.on('localmediastate', render);
engine.on('remotemediastate', render);
engine.on('videofallback', (error) => log(`camera unavailable, continuing with audio: ${error.code}`));
engine.on('error', (error) => {
  log(`error ${error.code}: ${error.message}`);
  showError(error);
});
engine.on('connectionstate', (state) => log(`media ${state}`));
engine.on('presence', ({ role: other, present }) => log(`${other} ${present ? 'joined' : 'left'}`));
engine.on('audiooutputchange', (deviceId) => void $('remote').setSinkId?.(deviceId));

const act = (fn) => () => fn().catch?.((error) => showError(error));
$('voice-call')?.addEventListener('click', act(() => engine.startCall({ video: false })));
$('video-call')?.addEventListener('click', act(() => engine.startCall({ video: true })));
$('accept-audio')?.addEventListener('click', act(() => engine.accept({ video: false })));
$('accept-video')?.addEventListener('click', act(() => engine.accept({ video: true })));
$('reject')?.addEventListener('click', () => engine.reject());
$('end').addEventListener('click', () => engine.end());
$('mute').addEventListener('click', act(() => engine.setMuted(!engine.localMediaState.muted)));
$('video').addEventListener('click', act(() => engine.setVideoEnabled(!engine.localMediaState.videoEnabled)));
addEventListener('pagehide', () => engine.dispose());

render();
engine.connect().then(
  () => {
    log('joined the conversation');
    render();
  },
  (error) => showError(error),
);
