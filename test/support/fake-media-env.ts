/**
 * Just enough of a browser's media APIs for `CallEngine` to run in Node with `FakeMediaSession`:
 * `MediaStream`, tracks that stop, `navigator.mediaDevices` handing them out, and the existence of
 * `RTCPeerConnection` (the engine checks for WebRTC support before a call; the fake session never
 * builds one). Installed once, on import; the browser's own APIs are left alone where they exist.
 */

class FakeTrack extends EventTarget {
  readonly id = Math.random().toString(36).slice(2);
  readonly kind: 'audio' | 'video';
  readonly label: string;
  enabled = true;
  readyState: 'live' | 'ended' = 'live';
  onended: ((event: Event) => void) | null = null;

  constructor(kind: 'audio' | 'video') {
    super();
    this.kind = kind;
    this.label = `fake ${kind}`;
  }

  stop(): void {
    this.readyState = 'ended';
  }

  getSettings(): Record<string, unknown> {
    return { deviceId: `fake-${this.kind}` };
  }
}

class FakeStream {
  readonly id = Math.random().toString(36).slice(2);
  readonly #tracks = new Set<FakeTrack>();

  constructor(tracks: FakeTrack[] = []) {
    for (const track of tracks) this.#tracks.add(track);
  }

  get active(): boolean {
    return [...this.#tracks].some((t) => t.readyState === 'live');
  }

  getTracks(): FakeTrack[] {
    return [...this.#tracks];
  }

  getAudioTracks(): FakeTrack[] {
    return this.getTracks().filter((t) => t.kind === 'audio');
  }

  getVideoTracks(): FakeTrack[] {
    return this.getTracks().filter((t) => t.kind === 'video');
  }

  addTrack(track: FakeTrack): void {
    this.#tracks.add(track);
  }

  removeTrack(track: FakeTrack): void {
    this.#tracks.delete(track);
  }
}

/** Every track the fake devices handed out, so tests can check that nothing is left live. */
export const capturedTracks: FakeTrack[] = [];

export const fakeMediaDevices = {
  async getUserMedia(constraints: { audio?: unknown; video?: unknown }): Promise<FakeStream> {
    const tracks: FakeTrack[] = [];
    if (constraints.audio) tracks.push(new FakeTrack('audio'));
    if (constraints.video) tracks.push(new FakeTrack('video'));
    capturedTracks.push(...tracks);
    return new FakeStream(tracks);
  },
  async enumerateDevices() {
    return [
      { kind: 'audioinput', deviceId: 'fake-mic', label: 'Fake microphone', groupId: 'g' },
      { kind: 'videoinput', deviceId: 'fake-camera', label: 'Fake camera', groupId: 'g' },
    ];
  },
  addEventListener() {},
  removeEventListener() {},
} as unknown as MediaDevices;

const scope = globalThis as Record<string, unknown>;
if (typeof scope.MediaStream !== 'function') scope.MediaStream = FakeStream;
if (typeof scope.RTCPeerConnection !== 'function') scope.RTCPeerConnection = class {};
const nav = (scope.navigator ?? {}) as Record<string, unknown>;
if (!nav.mediaDevices) {
  try {
    Object.defineProperty(nav, 'mediaDevices', { value: fakeMediaDevices, configurable: true });
  } catch {
    // A navigator that cannot take it: the engine gets the fake through its `mediaDevices` option anyway.
  }
}
if (!scope.navigator) Object.defineProperty(globalThis, 'navigator', { value: nav, configurable: true });

/** Tracks the fake devices handed out that are still live (a camera light left on). */
export function liveTracks(): FakeTrack[] {
  return capturedTracks.filter((t) => t.readyState === 'live');
}
