/**
 * The local side of media: capturing the microphone and camera, falling back to audio when the
 * camera cannot be had, listing and switching devices, and stopping every track it ever started.
 * The engine asks for media only after the user starts or accepts a call.
 */
import { TypedEmitter } from '../internal/typed-emitter.js';
import { createTrackStream } from '../media/track-stream.js';
import { CallError } from './errors.js';

export interface DeviceInfo {
  readonly deviceId: string;
  readonly label: string;
  readonly groupId: string;
}

export interface DeviceList {
  readonly microphones: readonly DeviceInfo[];
  readonly cameras: readonly DeviceInfo[];
  readonly speakers: readonly DeviceInfo[];
}

type WithAudioOutputChooser = MediaDevices & { selectAudioOutput?: () => Promise<MediaDeviceInfo> };

export interface SelectedDevices {
  microphone?: string;
  camera?: string;
  speaker?: string;
}

export type LocalMediaEvents = {
  devicechange: [];
  /** A captured track ended on its own (device unplugged, permission revoked). */
  trackended: [MediaStreamTrack];
};

export interface CallSupportNeeds {
  /** The media session is the peer-to-peer default, which needs `RTCPeerConnection`. Default `true`. */
  peerConnection?: boolean;
  /** Where devices come from. Default: `navigator.mediaDevices`. */
  mediaDevices?: () => MediaDevices | undefined;
}

/**
 * Fails early, with the right code, where calls cannot work at all. Browser APIs are looked up only
 * here, when a call is made, so an engine with a fake media session and fake devices runs in Node.
 */
export function checkCallSupport({ peerConnection = true, mediaDevices }: CallSupportNeeds = {}): void {
  if (typeof globalThis.isSecureContext === 'boolean' && !globalThis.isSecureContext) {
    throw new CallError('insecure-context', 'calls need a secure context (https:// or localhost)');
  }
  const devices = mediaDevices ? mediaDevices() : globalThis.navigator?.mediaDevices;
  if ((peerConnection && typeof globalThis.RTCPeerConnection === 'undefined') || typeof devices?.getUserMedia !== 'function') {
    throw new CallError('unsupported-browser', 'this browser does not support WebRTC calls');
  }
}

export class LocalMedia extends TypedEmitter<LocalMediaEvents> {
  readonly selected: SelectedDevices = {};
  readonly #devices: () => MediaDevices;
  readonly #needsPeerConnection: boolean;
  #stream: MediaStream | undefined;
  /** Every track this object ever captured, so `stopAll` leaves no light on. */
  readonly #captured = new Set<MediaStreamTrack>();
  #watchingDevices = false;
  readonly #onDeviceChange = () => this.emit('devicechange');

  /** `needsPeerConnection`: calls use the peer-to-peer session (checked by `checkSupport`). */
  constructor(mediaDevices?: () => MediaDevices, needsPeerConnection = true) {
    super();
    this.#devices = mediaDevices ?? (() => navigator.mediaDevices);
    this.#needsPeerConnection = needsPeerConnection;
  }

  /** The tracks currently in use: at most one audio and one video track. Made on first use (no media API before). */
  get stream(): MediaStream {
    return (this.#stream ??= createTrackStream());
  }

  /** Whether any track is in use, without making the stream. */
  get hasTracks(): boolean {
    return (this.#stream?.getTracks().length ?? 0) > 0;
  }

  /** Throws the `CallError` that says why calls cannot work here, if they cannot. */
  checkSupport(): void {
    checkCallSupport({ peerConnection: this.#needsPeerConnection, mediaDevices: this.#devices });
  }

  get audioTrack(): MediaStreamTrack | null {
    return this.stream.getAudioTracks()[0] ?? null;
  }

  get videoTrack(): MediaStreamTrack | null {
    return this.stream.getVideoTracks()[0] ?? null;
  }

  /**
   * Captures the microphone, and the camera when `video` is asked. A camera that is denied, missing
   * or busy does not fail the call: the result carries that error as `videoError` and holds audio only.
   */
  async capture(video: boolean): Promise<{ videoError?: CallError }> {
    this.checkSupport();
    this.#watchDevices();
    if (video) {
      try {
        const stream = await this.#devices().getUserMedia({ audio: this.#audioConstraints(), video: this.#videoConstraints() });
        this.#adopt(stream);
        return {};
      } catch (error) {
        // Which device failed is unknown from a combined request: ask for audio alone to find out.
        const videoError = CallError.fromDeviceError(error, 'camera');
        await this.#captureAudio();
        return { videoError };
      }
    }
    await this.#captureAudio();
    return {};
  }

  /** Starts the camera (mid-call). Throws a `CallError` when it cannot. */
  async startVideo(): Promise<MediaStreamTrack> {
    this.checkSupport();
    if (this.videoTrack) return this.videoTrack;
    let stream: MediaStream;
    try {
      stream = await this.#devices().getUserMedia({ video: this.#videoConstraints() });
    } catch (error) {
      throw CallError.fromDeviceError(error, 'camera');
    }
    this.#adopt(stream);
    return this.videoTrack!;
  }

  /** Stops the camera so its light goes off. */
  stopVideo(): void {
    const track = this.videoTrack;
    if (track) this.#release(track);
  }

  /** Captures from another device of the same kind and returns the new track; the old one is stopped. */
  async switchDevice(kind: 'microphone' | 'camera', deviceId: string): Promise<MediaStreamTrack | null> {
    const current = kind === 'microphone' ? this.audioTrack : this.videoTrack;
    if (kind === 'microphone') this.selected.microphone = deviceId;
    else this.selected.camera = deviceId;
    if (!current) return null;
    let stream: MediaStream;
    try {
      stream = await this.#devices().getUserMedia(
        kind === 'microphone' ? { audio: this.#audioConstraints() } : { video: this.#videoConstraints() },
      );
    } catch (error) {
      throw CallError.fromDeviceError(error, kind);
    }
    const track = stream.getTracks()[0]!;
    track.enabled = current.enabled;
    this.#release(current);
    this.#adopt(createTrackStream([track]));
    return track;
  }

  async listDevices(): Promise<DeviceList> {
    const devices = await this.#devices().enumerateDevices();
    const pick = (kind: MediaDeviceKind): DeviceInfo[] =>
      devices
        .filter((d) => d.kind === kind && d.deviceId !== '')
        .map((d) => ({ deviceId: d.deviceId, label: d.label, groupId: d.groupId }));
    return { microphones: pick('audioinput'), cameras: pick('videoinput'), speakers: pick('audiooutput') };
  }

  /**
   * Where `enumerateDevices` lists no speakers until the user picked one in the browser's own chooser
   * (Firefox), `selectAudioOutput` opens that chooser. Chromium lists speakers directly and has none.
   */
  get canSelectAudioOutput(): boolean {
    return typeof (this.#devices() as WithAudioOutputChooser).selectAudioOutput === 'function';
  }

  /**
   * Opens the browser's speaker chooser (needs a click or key press just before). Resolves the chosen
   * speaker, or `null` when the user closed the chooser without picking one.
   */
  async selectAudioOutput(): Promise<DeviceInfo | null> {
    const devices = this.#devices() as WithAudioOutputChooser;
    if (typeof devices.selectAudioOutput !== 'function') {
      throw new CallError('unsupported-browser', 'this browser has no speaker chooser', { device: 'speaker' });
    }
    try {
      const chosen = await devices.selectAudioOutput();
      return { deviceId: chosen.deviceId, label: chosen.label, groupId: chosen.groupId };
    } catch (error) {
      // Dismissing the chooser is a choice, not a failure: the current speaker stays.
      if (error instanceof Error && error.name === 'NotAllowedError') return null;
      throw CallError.fromDeviceError(error, 'speaker');
    }
  }

  /** Stops every track ever captured and stops listening for device changes. */
  stopAll(): void {
    for (const track of this.#captured) {
      track.onended = null;
      track.stop();
    }
    this.#captured.clear();
    for (const track of this.#stream?.getTracks() ?? []) this.#stream!.removeTrack(track);
  }

  dispose(): void {
    this.stopAll();
    if (this.#watchingDevices) {
      this.#devices().removeEventListener('devicechange', this.#onDeviceChange);
      this.#watchingDevices = false;
    }
  }

  async #captureAudio(): Promise<void> {
    try {
      this.#adopt(await this.#devices().getUserMedia({ audio: this.#audioConstraints() }));
    } catch (error) {
      throw CallError.fromDeviceError(error, 'microphone');
    }
  }

  #adopt(stream: MediaStream): void {
    for (const track of stream.getTracks()) {
      const previous = track.kind === 'audio' ? this.audioTrack : this.videoTrack;
      if (previous) this.#release(previous);
      this.#captured.add(track);
      this.stream.addTrack(track);
      track.onended = () => {
        this.stream.removeTrack(track);
        this.emit('trackended', track);
      };
    }
  }

  #release(track: MediaStreamTrack): void {
    track.onended = null;
    track.stop();
    this.#captured.delete(track);
    this.stream.removeTrack(track);
  }

  #audioConstraints(): MediaTrackConstraints | boolean {
    return this.selected.microphone ? { deviceId: { exact: this.selected.microphone } } : true;
  }

  #videoConstraints(): MediaTrackConstraints {
    const base: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 480 } };
    return this.selected.camera ? { ...base, deviceId: { exact: this.selected.camera } } : base;
  }

  #watchDevices(): void {
    if (this.#watchingDevices) return;
    this.#devices().addEventListener('devicechange', this.#onDeviceChange);
    this.#watchingDevices = true;
  }
}
