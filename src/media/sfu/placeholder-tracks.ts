/**
 * Silent, blank tracks that stand in for the microphone and camera while a call rings, so an SFU
 * session can produce (paused) and have its transports' ICE and DTLS up before the user answers —
 * the SFU counterpart of the peer-to-peer session's offer while ringing. They capture nothing (no
 * device, no camera light); accepting replaces them with the real tracks.
 */
import type { MediaKind } from '../media-session.js';

export class PlaceholderTracks {
  #audioContext: AudioContext | undefined;
  readonly #tracks = new Set<MediaStreamTrack>();

  create(kind: MediaKind): MediaStreamTrack {
    let track: MediaStreamTrack | undefined;
    if (kind === 'audio') {
      this.#audioContext ??= new AudioContext();
      track = this.#audioContext.createMediaStreamDestination().stream.getAudioTracks()[0];
    } else {
      const canvas = document.createElement('canvas');
      canvas.width = 16;
      canvas.height = 12;
      canvas.getContext('2d')?.fillRect(0, 0, 16, 12);
      track = canvas.captureStream(1).getVideoTracks()[0];
    }
    if (!track) throw new Error(`this browser cannot make a placeholder ${kind} track`);
    this.#tracks.add(track);
    return track;
  }

  has(track: MediaStreamTrack | null): boolean {
    return track !== null && this.#tracks.has(track);
  }

  /** Stops every placeholder and the audio context behind them. */
  release(): void {
    for (const track of this.#tracks) track.stop();
    this.#tracks.clear();
    void this.#audioContext?.close().catch(() => {});
    this.#audioContext = undefined;
  }
}
