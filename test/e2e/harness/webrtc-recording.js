// Shared by the harness pages: what the SDK does with WebRTC, observed from outside (every peer
// connection it makes, every track it captures) and read back from the browser's own statistics.

/** Records every RTCPeerConnection made from now on in the returned array (load this before the SDK). */
export function recordPeerConnections() {
  const peerConnections = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(configuration) {
      super(configuration);
      peerConnections.push(this);
    }
  };
  return peerConnections;
}

/** Records every track getUserMedia hands out from now on in the returned array. */
export function recordCapturedTracks() {
  const captured = [];
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    captured.push(...stream.getTracks());
    return stream;
  };
  return captured;
}

/** Every open peer connection's selected candidate pair: both ends' address and port. */
export async function selectedPairs(peerConnections) {
  const pairs = [];
  for (const pc of peerConnections) {
    if (pc.connectionState === 'closed') continue;
    const stats = await pc.getStats();
    stats.forEach((report) => {
      if (report.type !== 'transport' || !report.selectedCandidatePairId) return;
      const pair = stats.get(report.selectedCandidatePairId);
      const local = pair && stats.get(pair.localCandidateId);
      const remote = pair && stats.get(pair.remoteCandidateId);
      if (local && remote) pairs.push({ local: { address: local.address, port: local.port }, remote: { address: remote.address, port: remote.port, protocol: remote.protocol } });
    });
  }
  return pairs;
}
