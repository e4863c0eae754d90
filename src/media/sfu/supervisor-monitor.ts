/**
 * A supervisor's side of a call in progress, on the SFU: **monitor** receives the agent's and the
 * customer's streams and sends nothing (the SFU has nothing of the supervisor to offer anyone, so
 * the customer cannot tell), **barge in** sends the supervisor's microphone so both sides hear it,
 * **leave** ends it and releases everything (peer connections, the microphone).
 */
import { TypedEmitter } from '../../internal/typed-emitter.js';
import type { MediaPayload } from '../media-session.js';
import type { SfuSource } from './sfu-protocol.js';
import { SfuSession, type SfuRequestPort } from './sfu-session.js';

export type SupervisorState = 'monitoring' | 'barged-in' | 'left';

export type SupervisorMonitorEvents = {
  statechange: [SupervisorState];
  /** A track of the agent's or the customer's arrived or was withdrawn: re-render `streams`. */
  streamschange: [];
  error: [Error];
};

export interface SupervisorMonitorOptions {
  /** The monitored call's media requests to the SFU (answered by the server). */
  port: SfuRequestPort;
  iceServers?: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Where the microphone comes from. Default: `navigator.mediaDevices`. */
  mediaDevices?: () => MediaDevices;
}

export class SupervisorMonitor extends TypedEmitter<SupervisorMonitorEvents> {
  /** What the supervisor hears and sees, per member. */
  readonly streams: Readonly<Record<Exclude<SfuSource, 'supervisor'>, MediaStream>> = Object.freeze({ agent: new MediaStream(), customer: new MediaStream() });
  readonly #session: SfuSession;
  readonly #mediaDevices: () => MediaDevices;
  #microphone: MediaStreamTrack | undefined;
  #state: SupervisorState = 'monitoring';

  constructor(options: SupervisorMonitorOptions) {
    super();
    this.#mediaDevices = options.mediaDevices ?? (() => navigator.mediaDevices);
    this.#session = new SfuSession({
      port: options.port,
      iceServers: options.iceServers ?? [],
      ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
      receiveOnly: true,
    });
    this.#session.on('remotetrack', (track) => {
      const source = this.#session.sourceOf(track);
      if (source === 'agent' || source === 'customer') this.streams[source].addTrack(track);
      this.emit('streamschange');
    });
    this.#session.on('remotetrackremoved', (track) => {
      for (const stream of Object.values(this.streams)) stream.removeTrack(track);
      this.emit('streamschange');
    });
    this.#session.on('error', (error) => this.emit('error', error));
    this.#session.prepare([]);
  }

  get state(): SupervisorState {
    return this.#state;
  }

  /** The session's connection to the SFU (`connected` once streams can arrive). */
  get connectionState() {
    return this.#session.connectionState;
  }

  /** A media signal of the monitored call from the server (streams offered or withdrawn). */
  handleSignal(payload: MediaPayload): Promise<void> {
    return this.#session.handleNotice(payload);
  }

  /** Signaling came back after the server lost this member's state: the SFU transports are built again. */
  rebuild(): void {
    this.#session.restartIce();
  }

  /** Speaks into the call: the agent and the customer hear the supervisor from now on. */
  async bargeIn(): Promise<void> {
    if (this.#state !== 'monitoring') return;
    const stream = await this.#mediaDevices().getUserMedia({ audio: true });
    const [microphone] = stream.getAudioTracks();
    if (this.#state !== 'monitoring' || !microphone) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    this.#microphone = microphone;
    await this.#session.setTrack('audio', microphone);
    this.#setState('barged-in');
  }

  getStats(): Promise<RTCStatsReport> {
    return this.#session.getStats();
  }

  /** Stops monitoring: the peer connections close and the microphone (if barged in) is released. */
  leave(): void {
    if (this.#state === 'left') return;
    this.#session.close();
    this.#microphone?.stop();
    this.#microphone = undefined;
    for (const stream of Object.values(this.streams)) for (const track of stream.getTracks()) stream.removeTrack(track);
    this.#setState('left');
    this.removeAllListeners();
  }

  #setState(state: SupervisorState): void {
    this.#state = state;
    this.emit('statechange', state);
  }
}
