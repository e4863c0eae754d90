// Shared by every call-setup contender page. Loaded before any library so that every
// RTCPeerConnection the library makes is recorded, and every getUserMedia track too. The metrics are
// measured here, identically for all contenders: the library only decides when things happen.
export const now = () => performance.timeOrigin + performance.now();

export const peerConnections = [];
const NativePeerConnection = window.RTCPeerConnection;
class RecordedPeerConnection extends NativePeerConnection {
  constructor(configuration) {
    super(configuration);
    peerConnections.push(this);
  }
}
window.RTCPeerConnection = RecordedPeerConnection;
window.webkitRTCPeerConnection = RecordedPeerConnection;

export const capturedTracks = [];
const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints) => {
  const stream = await getUserMedia(constraints);
  capturedTracks.push(...stream.getTracks());
  return stream;
};
export const capture = () => navigator.mediaDevices.getUserMedia({ audio: true, video: true });

const video = document.getElementById('remote');
/** Contenders hand the other side's stream here. */
export function showRemote(stream) {
  if (video.srcObject === stream) return;
  video.srcObject = stream;
  if (stream) void video.play().catch(() => {});
}

/** Timestamps of one call on this page (ms since the epoch, sub-ms precision). */
export const marks = {};
export function mark(name) {
  marks[name] ??= now();
}

let watching = 0;
/**
 * Starts watching for the first remote video frame presented (requestVideoFrameCallback on the
 * <video> showing the other side) and the first received audio packet (inbound-rtp audio
 * packetsReceived > 0 on any open peer connection, polled every 5 ms).
 */
export function watch() {
  const generation = ++watching;
  delete marks.frameAt;
  delete marks.audioAt;
  const startedAt = now();
  const waitForVideo = () => {
    if (generation !== watching) return;
    if (video.srcObject && video.srcObject.getVideoTracks().length > 0) video.requestVideoFrameCallback(() => generation === watching && mark('frameAt'));
    else setTimeout(waitForVideo, 5);
  };
  waitForVideo();
  const open = new Set(peerConnections.filter((pc) => pc.signalingState !== 'closed'));
  const baseline = new Map();
  const pollAudio = async () => {
    if (generation !== watching || marks.audioAt) return;
    for (const pc of peerConnections) {
      if (pc.signalingState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((report) => {
        if (report.type !== 'inbound-rtp' || report.kind !== 'audio') return;
        const key = `${peerConnections.indexOf(pc)}:${report.id}`;
        // A connection that was open before the watch started only counts packets beyond its count then.
        if (open.has(pc) && !baseline.has(key)) baseline.set(key, report.packetsReceived ?? 0);
        if ((report.packetsReceived ?? 0) > (baseline.get(key) ?? 0) && generation === watching) mark('audioAt');
      });
    }
    setTimeout(pollAudio, 5);
  };
  void pollAudio();
  return startedAt;
}

export function stopWatching() {
  watching += 1;
}

export function resources() {
  return {
    liveTracks: capturedTracks.filter((t) => t.readyState === 'live').length,
    openPeerConnections: peerConnections.filter((pc) => pc.connectionState !== 'closed' && pc.signalingState !== 'closed').length,
    peerConnections: peerConnections.length,
    heap: performance.memory?.usedJSHeapSize ?? null,
  };
}

export const params = new URLSearchParams(location.search);
export async function demoToken(role, conversation) {
  const response = await fetch(`/api/demo-token?role=${role}&conversation=${encodeURIComponent(conversation)}`);
  return (await response.json()).token;
}
export function stopTracks(stream) {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
