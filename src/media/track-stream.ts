/**
 * A stream of tracks that works where `MediaStream` does not exist (Node, jsdom): the browser's
 * `MediaStream` when there is one, else a stand-in with the part of its API the SDK uses. It lets an
 * engine with a fake media session and fake devices run a whole call in a unit test.
 */
export function createTrackStream(tracks: MediaStreamTrack[] = []): MediaStream {
  if (typeof globalThis.MediaStream === 'function') return new MediaStream(tracks);
  return new TrackList(tracks) as unknown as MediaStream;
}

class TrackList {
  readonly id = Math.random().toString(36).slice(2);
  readonly #tracks: MediaStreamTrack[];

  constructor(tracks: MediaStreamTrack[]) {
    this.#tracks = [...tracks];
  }

  get active(): boolean {
    return this.#tracks.some((track) => track.readyState !== 'ended');
  }

  getTracks(): MediaStreamTrack[] {
    return [...this.#tracks];
  }

  getAudioTracks(): MediaStreamTrack[] {
    return this.#tracks.filter((track) => track.kind === 'audio');
  }

  getVideoTracks(): MediaStreamTrack[] {
    return this.#tracks.filter((track) => track.kind === 'video');
  }

  getTrackById(id: string): MediaStreamTrack | null {
    return this.#tracks.find((track) => track.id === id) ?? null;
  }

  addTrack(track: MediaStreamTrack): void {
    if (!this.#tracks.includes(track)) this.#tracks.push(track);
  }

  removeTrack(track: MediaStreamTrack): void {
    const index = this.#tracks.indexOf(track);
    if (index >= 0) this.#tracks.splice(index, 1);
  }
}
