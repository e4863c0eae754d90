/**
 * `FakeMediaSession`: a `MediaSession` with no WebRTC at all, for tests of everything around media
 * (as mediasoup-client ships `FakeHandler`). It runs anywhere, Node included, yet really uses the
 * signaling port: two fake sessions of one call "connect" by exchanging `hello` media signals
 * through the engine, the transport and the server, and an ICE restart is a `restart` / `restarted`
 * exchange. Its statistics show bytes (and video frames) flowing while connected and while the other
 * side sends, so monitors built on `getStats()` see something real. Tests steer it with
 * `setConnectionState()`.
 *
 * `createFakeMediaSessions()` gives a factory for `CallEngineOptions.mediaSessionFactory` and the
 * list of sessions it made.
 */
import { TypedEmitter } from '../internal/typed-emitter.js';
import type { Sender } from '../signaling/protocol.js';
import type {
  MediaConnectionState,
  MediaKind,
  MediaPayload,
  MediaSession,
  MediaSessionEvents,
  MediaSessionFactory,
  MediaSessionOptions,
  SignalingRestored,
} from './media-session.js';

/** The fake's own media signals. */
type FakeSignal =
  | { fake: 'hello'; kinds: MediaKind[] }
  | { fake: 'tracks'; audio: boolean; video: boolean }
  | { fake: 'restart' }
  | { fake: 'restarted' };

export interface FakeMediaSessionOptions {
  /** Connect as soon as the other side's `hello` arrives. Default true; false leaves it `connecting` until told. */
  autoConnect?: boolean;
}

export class FakeMediaSession extends TypedEmitter<MediaSessionEvents> implements MediaSession {
  readonly options: MediaSessionOptions;
  readonly remoteStream: MediaStream = createStream();
  /** Every media signal received, in order, with its sender. */
  readonly received: Array<{ payload: MediaPayload; from: Sender }> = [];
  /** What the engine attached per kind (null: nothing sent). */
  readonly tracks: Record<MediaKind, MediaStreamTrack | null> = { audio: null, video: null };
  /** `signalingRestored` calls, in order. */
  readonly restored: SignalingRestored[] = [];
  readonly #autoConnect: boolean;
  #state: MediaConnectionState = 'new';
  #helloSent = false;
  #remoteSends: Record<MediaKind, boolean> = { audio: false, video: false };
  #connectedSince: number | undefined;
  #bytesBefore = 0;
  #framesBefore = 0;

  constructor(options: MediaSessionOptions, fakeOptions: FakeMediaSessionOptions = {}) {
    super();
    this.options = options;
    this.#autoConnect = fakeOptions.autoConnect ?? true;
  }

  get connectionState(): MediaConnectionState {
    return this.#state;
  }

  prepare(kinds: readonly MediaKind[]): void {
    if (this.#state === 'closed') return;
    this.#setState('connecting');
    this.#hello(kinds);
  }

  async setTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    if (this.#state === 'closed') return;
    this.tracks[kind] = track;
    this.#hello([kind]);
    this.options.signaling.send({ fake: 'tracks', audio: this.tracks.audio !== null, video: this.tracks.video !== null });
  }

  async handleSignal(payload: MediaPayload, from: Sender): Promise<void> {
    if (this.#state === 'closed') return;
    this.received.push({ payload, from });
    const signal = payload as Partial<FakeSignal>;
    switch (signal.fake) {
      case 'hello':
        this.#hello([]);
        if (this.#autoConnect) this.setConnectionState('connected');
        return;
      case 'tracks':
        this.#remoteSends = { audio: signal.audio === true, video: signal.video === true };
        return;
      case 'restart':
        this.options.signaling.send({ fake: 'restarted' });
        this.setConnectionState('connected');
        return;
      case 'restarted':
        this.setConnectionState('connected');
        return;
      default:
        this.emit('error', new Error(`FakeMediaSession: unknown media signal ${JSON.stringify(payload).slice(0, 100)}`));
    }
  }

  signalingRestored(info: SignalingRestored): void {
    this.restored.push(info);
  }

  restartIce(): void {
    if (this.#state === 'closed') return;
    this.setConnectionState('reconnecting');
    this.options.signaling.send({ fake: 'restart' });
  }

  /** Test control: what the media path does now (e.g. `reconnecting`, `failed`, `connected`). */
  setConnectionState(state: MediaConnectionState): void {
    if (this.#state === 'closed') return;
    this.#setState(state);
  }

  async getStats(): Promise<RTCStatsReport> {
    const flowing = this.#state === 'connected' && this.#connectedSince !== undefined;
    const seconds = flowing ? (Date.now() - this.#connectedSince!) / 1000 : 0;
    const bytes = this.#bytesBefore + Math.round(seconds * 4_000);
    const frames = this.#framesBefore + Math.floor(seconds * 30);
    const report = new Map<string, Record<string, unknown>>();
    report.set('pair', { id: 'pair', type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.01 });
    if (this.#remoteSends.audio) report.set('in-audio', { id: 'in-audio', type: 'inbound-rtp', kind: 'audio', bytesReceived: bytes, packetsReceived: Math.floor(bytes / 100), packetsLost: 0 });
    if (this.#remoteSends.video) {
      report.set('in-video', { id: 'in-video', type: 'inbound-rtp', kind: 'video', bytesReceived: bytes * 10, packetsReceived: Math.floor(bytes / 10), packetsLost: 0, framesDecoded: frames });
    }
    return report as unknown as RTCStatsReport;
  }

  close(): void {
    if (this.#state === 'closed') return;
    for (const track of this.remoteStream.getTracks()) this.remoteStream.removeTrack(track);
    this.#setState('closed');
  }

  #hello(kinds: readonly MediaKind[]): void {
    if (this.#helloSent) return;
    this.#helloSent = true;
    this.options.signaling.send({ fake: 'hello', kinds: [...kinds] });
  }

  #setState(state: MediaConnectionState): void {
    if (state === this.#state) return;
    if (this.#state === 'connected' && this.#connectedSince !== undefined) {
      // Freeze the counters where they are: nothing flows while not connected.
      const seconds = (Date.now() - this.#connectedSince) / 1000;
      this.#bytesBefore += Math.round(seconds * 4_000);
      this.#framesBefore += Math.floor(seconds * 30);
      this.#connectedSince = undefined;
    }
    if (state === 'connected') this.#connectedSince = Date.now();
    this.#state = state;
    this.emit('connectionstatechange', state);
  }
}

/** A factory for `CallEngineOptions.mediaSessionFactory` and every session it made, newest last. */
export function createFakeMediaSessions(options: FakeMediaSessionOptions = {}): { factory: MediaSessionFactory; sessions: FakeMediaSession[] } {
  const sessions: FakeMediaSession[] = [];
  return {
    sessions,
    factory: (sessionOptions) => {
      const session = new FakeMediaSession(sessionOptions, options);
      sessions.push(session);
      return session;
    },
  };
}

/** The platform's MediaStream where there is one (browsers), else the few methods the engine and tests use. */
function createStream(): MediaStream {
  if (typeof MediaStream === 'function') return new MediaStream();
  const tracks = new Set<MediaStreamTrack>();
  const stream = {
    id: `fake-${Math.random().toString(36).slice(2)}`,
    active: true,
    getTracks: () => [...tracks],
    getAudioTracks: () => [...tracks].filter((t) => t.kind === 'audio'),
    getVideoTracks: () => [...tracks].filter((t) => t.kind === 'video'),
    addTrack: (track: MediaStreamTrack) => void tracks.add(track),
    removeTrack: (track: MediaStreamTrack) => void tracks.delete(track),
  };
  return stream as unknown as MediaStream;
}
