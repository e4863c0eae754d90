/**
 * Fake devices and a fake media session for running engines where there is no WebRTC (Node,
 * jsdom): the devices hand out fake tracks; the sessions "negotiate" by exchanging one media signal
 * (through the engine's port) that names the kinds each side sends, and each side's remote stream
 * then holds fake tracks of them. (The SDK's own `FakeMediaSession` does not fill remote streams.)
 */
import type { MediaKind, MediaPayload, MediaSession, MediaSessionFactory, MediaSessionOptions, MediaSignalingPort } from 'chat-call-kit';
import { TypedEmitter, type MediaConnectionState, type MediaSessionEvents } from 'chat-call-kit';

let nextTrack = 0;

export function fakeTrack(kind: MediaKind): MediaStreamTrack {
  const track = {
    id: `fake-${kind}-${++nextTrack}`,
    kind,
    enabled: true,
    readyState: 'live' as MediaStreamTrackState,
    onended: null,
    getSettings: () => ({ deviceId: `fake-${kind}-device` }),
    stop() {
      track.readyState = 'ended';
    },
  };
  return track as unknown as MediaStreamTrack;
}

/** Devices that always grant: every request returns fresh fake tracks; `live()` lists those not stopped. */
export function fakeDevices() {
  const handedOut: MediaStreamTrack[] = [];
  const devices = {
    async getUserMedia(constraints: MediaStreamConstraints) {
      const tracks = (['audio', 'video'] as const).filter((kind) => constraints[kind]).map(fakeTrack);
      handedOut.push(...tracks);
      return { getTracks: () => tracks } as unknown as MediaStream;
    },
    async enumerateDevices() {
      return [];
    },
    addEventListener() {},
    removeEventListener() {},
  };
  return { mediaDevices: () => devices as unknown as MediaDevices, live: () => handedOut.filter((t) => t.readyState === 'live') };
}

class FakeSession extends TypedEmitter<MediaSessionEvents> implements MediaSession {
  connectionState: MediaConnectionState = 'new';
  readonly remoteStream: MediaStream;
  readonly #kinds = new Set<MediaKind>();
  readonly #polite: boolean;
  readonly #port: MediaSignalingPort;
  #sent = false;

  constructor(options: MediaSessionOptions, createStream: () => MediaStream) {
    super();
    this.#polite = options.role === 'customer';
    this.#port = options.signaling;
    this.remoteStream = createStream();
  }

  prepare(kinds: readonly MediaKind[]): void {
    for (const kind of kinds) this.#kinds.add(kind);
    // The impolite side offers, in a later task (as a peer connection's negotiation would).
    if (!this.#polite) setTimeout(() => this.#offer('offer'));
  }

  async setTrack(kind: MediaKind): Promise<void> {
    this.#kinds.add(kind);
  }

  async handleSignal(payload: MediaPayload): Promise<void> {
    const description = payload.sdp as { type: string; sdp: string } | undefined;
    if (!description) return;
    for (const kind of (description.sdp ?? '').split(',').filter(Boolean) as MediaKind[]) {
      if (this.remoteStream.getTracks().some((t) => t.kind === kind)) continue;
      const track = fakeTrack(kind);
      this.remoteStream.addTrack(track);
      this.emit('remotetrack', track);
    }
    if (description.type === 'offer') this.#offer('answer');
    this.#setState('connected');
  }

  restartIce(): void {}

  async getStats(): Promise<RTCStatsReport> {
    return new Map() as unknown as RTCStatsReport;
  }

  close(): void {
    for (const track of this.remoteStream.getTracks()) track.stop();
    this.#setState('closed');
    this.removeAllListeners();
  }

  #offer(type: 'offer' | 'answer'): void {
    if (this.#sent && type === 'offer') return;
    this.#sent = true;
    this.#setState('connecting');
    this.#port.send({ sdp: { type, sdp: [...this.#kinds].join(',') } });
  }

  #setState(state: MediaConnectionState): void {
    if (this.connectionState === state || this.connectionState === 'closed') return;
    this.connectionState = state;
    this.emit('connectionstatechange', state);
  }
}

/** A media-session factory for fakes; `createStream` makes the remote stream (e.g. the SDK's `createTrackStream`). */
export function fakeSessionFactory(createStream: () => MediaStream): MediaSessionFactory & { sessions: MediaSession[] } {
  const sessions: MediaSession[] = [];
  const factory = (options: MediaSessionOptions) => {
    const session = new FakeSession(options, createStream);
    sessions.push(session);
    return session;
  };
  return Object.assign(factory, { sessions });
}
