/**
 * The core's stand-in for an `SfuSession`, whose code (mediasoup-client) is a lazy chunk. The engine
 * creates media sessions synchronously, so this one exists at once, hands out its remote stream
 * (the real session fills it), and forwards every call, in order, once the chunk has loaded.
 * `createSfuSession` is the `MediaSessionFactory` for calls through an SFU.
 */
import { TypedEmitter } from '../../internal/typed-emitter.js';
import type { Sender } from '../../signaling/protocol.js';
import type { MediaConnectionState, MediaKind, MediaPayload, MediaSession, MediaSessionEvents, MediaSessionOptions, SignalingRestored } from '../media-session.js';
import { importSfuSession } from './sfu-loader.js';
import type { SfuSession, SfuSessionOptions } from './sfu-session.js';

type SfuModule = { SfuSession: new (options: SfuSessionOptions) => SfuSession };

export class LazySfuSession extends TypedEmitter<MediaSessionEvents> implements MediaSession {
  readonly remoteStream = new MediaStream();
  readonly #ready: Promise<SfuSession | undefined>;
  #session: SfuSession | undefined;
  #state: MediaConnectionState = 'new';

  constructor(options: SfuSessionOptions, load: () => Promise<SfuModule> = importSfuSession) {
    super();
    this.#ready = load().then(
      ({ SfuSession: Session }) => {
        if (this.#state === 'closed') return undefined;
        const session = new Session({ ...options, remoteStream: this.remoteStream });
        session.on('remotetrack', (track) => this.emit('remotetrack', track));
        session.on('connectionstatechange', (state) => this.#setState(state));
        session.on('error', (error) => this.emit('error', error));
        this.#session = session;
        return session;
      },
      (error: unknown) => {
        if (this.#state === 'closed') return undefined;
        this.emit('error', new Error('the SFU session could not be loaded', { cause: error }));
        this.#setState('failed');
        return undefined;
      },
    );
  }

  get connectionState(): MediaConnectionState {
    return this.#state;
  }

  prepare(kinds: readonly MediaKind[]): void {
    void this.#ready.then((session) => session?.prepare(kinds));
  }

  async setTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    await (await this.#ready)?.setTrack(kind, track);
  }

  async handleSignal(payload: MediaPayload, from: Sender): Promise<void> {
    await (await this.#ready)?.handleSignal(payload, from);
  }

  signalingRestored(info: SignalingRestored): void {
    void this.#ready.then((session) => session?.signalingRestored(info));
  }

  restartIce(): void {
    void this.#ready.then((session) => session?.restartIce());
  }

  async getStats(): Promise<RTCStatsReport> {
    return this.#session ? this.#session.getStats() : (new Map() as unknown as RTCStatsReport);
  }

  close(): void {
    if (this.#state === 'closed') return;
    this.#setState('closed');
    this.#session?.close();
    void this.#ready.then((session) => session?.close());
    for (const track of this.remoteStream.getTracks()) this.remoteStream.removeTrack(track);
  }

  #setState(state: MediaConnectionState): void {
    if (state === this.#state || this.#state === 'closed') return;
    this.#state = state;
    this.emit('connectionstatechange', state);
  }
}

/** The media session of a call carried through an SFU: the engine's default when the region has one. */
export function createSfuSession(options: MediaSessionOptions): MediaSession {
  return new LazySfuSession({
    port: options.signaling,
    iceServers: options.iceServers,
    ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
  });
}
