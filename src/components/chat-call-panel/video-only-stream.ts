/**
 * A stream holding only the video tracks of another stream, for a `<video>` element. Sound plays
 * through one `<audio>` element instead, and Chromium renders a `<video>` unreliably when its
 * stream started empty and gained tracks later. The same stream object is returned while the set
 * of video tracks is unchanged, so re-rendering does not reload the element.
 */
export class VideoOnlyStream {
  #key = '';
  #stream: MediaStream | null = null;

  of(source: MediaStream | null): MediaStream | null {
    const tracks = source?.getVideoTracks().filter((track) => track.readyState === 'live') ?? [];
    const key = tracks.map((track) => track.id).join(',');
    if (key !== this.#key) {
      this.#key = key;
      this.#stream = tracks.length > 0 ? new MediaStream(tracks) : null;
    }
    return this.#stream;
  }
}
