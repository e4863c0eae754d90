/**
 * SFU media on mediasoup-client: this member's tracks go up one send transport to the server's SFU,
 * the others' come down one receive transport. Behind the same `MediaSession` shape as peer-to-peer,
 * so the engine drives it the same way: `prepare` sets the transports up while it rings, `setTrack`
 * produces, replaces, pauses (mute, camera off) and resumes, `restartIce` restores a broken path,
 * and a server that lost the call's transports (restart, worker crash) gets them built again.
 *
 * This module is the lazy SFU chunk (mediasoup-client is ~40 KB): only `LazySfuSession` in the core
 * knows where it comes from.
 */
import type { Device, types } from 'mediasoup-client';
import { TypedEmitter } from '../../internal/typed-emitter.js';
import type { MediaConnectionState, MediaKind, MediaPayload, MediaSession, MediaSessionEvents, MediaSessionOptions, SignalingRestored } from '../media-session.js';
import type { Sender } from '../../signaling/protocol.js';
import { parseSfuNotice, parseSfuReply, type SfuNotice, type SfuOp, type SfuReplyOf, type SfuRequest, type SfuSource } from './sfu-protocol.js';
import { deviceFor } from './device-cache.js';
import { mergeStats } from './merge-stats.js';
import { PlaceholderTracks } from './placeholder-tracks.js';

/** How the session reaches the SFU: the call's media port (`request` rejects with the server's `code`). */
export interface SfuRequestPort {
  request(payload: MediaPayload): Promise<MediaPayload>;
}

export interface SfuSessionOptions extends Pick<MediaSessionOptions, 'iceServers' | 'iceTransportPolicy'> {
  port: SfuRequestPort;
  /** The stream the engine already handed out (the lazy wrapper's); remote tracks are added to it. */
  remoteStream?: MediaStream;
  /**
   * Prepare the receiving side only: a listener (a monitoring supervisor) sends nothing until it
   * gives a track, when its send transport is set up.
   */
  receiveOnly?: boolean;
}

/** A session's events, and one more: a remote track that ended because its stream was withdrawn. */
export type SfuSessionEvents = MediaSessionEvents & { remotetrackremoved: [MediaStreamTrack] };

/** Same as peer-to-peer: a `disconnected` path may recover by itself before we restart ICE. */
const DISCONNECTED_RESTART_MS = 2_000;


export class SfuSession extends TypedEmitter<SfuSessionEvents> implements MediaSession {
  readonly remoteStream: MediaStream;
  readonly #options: SfuSessionOptions;
  /** The device for the router's capabilities, asked for once per session (both transports wait for it). */
  #device: Promise<Device> | undefined;
  /** What the engine wants sent, per kind (null: nothing, e.g. muted). */
  readonly #wanted = new Map<MediaKind, MediaStreamTrack | null>();
  readonly #producers = new Map<MediaKind, types.Producer>();
  readonly #consumers = new Map<string, types.Consumer>();
  readonly #placeholders = new PlaceholderTracks();
  #recv: types.Transport | undefined;
  #send: types.Transport | undefined;
  #state: MediaConnectionState = 'new';
  #wasConnected = false;
  /** Every change of transports, producers and consumers runs in order, one at a time. */
  #queue: Promise<void> = Promise.resolve();
  #disconnectedTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: SfuSessionOptions) {
    super();
    this.#options = options;
    this.remoteStream = options.remoteStream ?? new MediaStream();
  }

  get connectionState(): MediaConnectionState {
    return this.#state;
  }

  /**
   * While it rings: both transports, and producers of placeholder tracks (audio, and the kinds
   * given) that send nothing, so ICE and DTLS are up both ways at the accept, which then only swaps
   * in the real tracks (as the peer-to-peer session's `replaceTrack`). A listener (`receiveOnly`) prepares its receiving side only.
   */
  prepare(kinds: readonly MediaKind[]): void {
    void this.#run(async () => {
      if (this.#options.receiveOnly) return void (await this.#ensureRecv());
      const [, send] = await Promise.all([this.#ensureRecv(), this.#ensureSend()]);
      const placeholders = [...new Set<MediaKind>(['audio', ...kinds])].filter((kind) => !this.#producers.has(kind) && !this.#wanted.get(kind));
      await Promise.all(
        placeholders.map(async (kind) => {
          // Produced, then emptied: no RTP flows until the accept swaps the real track in, and the SFU
          // forwards that at once (nothing to resume there, no key frame lost to a resume in flight).
          const producer = await this.#produce(send, kind, this.#placeholders.create(kind));
          await producer.replaceTrack({ track: null });
          this.#producers.set(kind, producer);
        }),
      );
    });
  }

  setTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    if (this.#state === 'closed') return Promise.resolve();
    this.#wanted.set(kind, track);
    return this.#run(() => this.#applyTrack(kind));
  }

  /**
   * A media signal of the call. Only the server's count (the SFU's notices); the other member's
   * session never talks to this one directly, so anything else is ignored.
   */
  handleSignal(payload: MediaPayload, from: Sender): Promise<void> {
    return from === 'server' ? this.handleNotice(payload) : Promise.resolve();
  }

  /** A server that lost this member's seat (restarted) lost the SFU transports too: build them again. */
  signalingRestored(info: SignalingRestored): void {
    if (info.seatLost && this.#recv) void this.#run(() => this.#rebuild());
  }

  /** Something the SFU told this session unasked (streams offered or withdrawn, a reset). */
  handleNotice(input: unknown): Promise<void> {
    const parsed = parseSfuNotice(input);
    if (!parsed.ok) {
      this.#report(new Error(`SFU notice refused: ${parsed.detail}`));
      return Promise.resolve();
    }
    return this.#run(() => this.#apply(parsed.value));
  }

  restartIce(): void {
    void this.#run(() => this.#restartIce());
  }

  /** Which member a remote track comes from (a supervisor's page shows the agent and the customer apart). */
  sourceOf(track: MediaStreamTrack): SfuSource | undefined {
    for (const consumer of this.#consumers.values()) if (consumer.track === track) return consumer.appData.source as SfuSource;
    return undefined;
  }

  async getStats(): Promise<RTCStatsReport> {
    const reports: Array<[string, RTCStatsReport]> = [];
    for (const [prefix, transport] of [['send:', this.#send], ['recv:', this.#recv]] as const) {
      if (transport && !transport.closed) reports.push([prefix, await transport.getStats()]);
    }
    return mergeStats(reports);
  }

  close(): void {
    if (this.#state === 'closed') return;
    clearTimeout(this.#disconnectedTimer);
    this.#setState('closed');
    this.#teardown();
    this.#placeholders.release();
    // Best effort: the server also ends this member's media when it leaves or starts another call.
    this.#options.port.request({ op: 'close' }).catch(() => {});
  }

  // --- setup ---------------------------------------------------------------------------------

  /** The device, loaded with the router's capabilities once per session. */
  #ensureDevice(): Promise<Device> {
    this.#device ??= this.#request('capabilities', { op: 'capabilities' }).then(({ rtpCapabilities }) => deviceFor(rtpCapabilities as unknown as types.RtpCapabilities));
    this.#device.catch(() => (this.#device = undefined));
    return this.#device;
  }

  async #ensureRecv(): Promise<types.Transport> {
    if (this.#recv) return this.#recv;
    const device = await this.#ensureDevice();
    const rtpCapabilities = device.rtpCapabilities as unknown as Record<string, unknown>;
    const reply = await this.#request('create-transport', { op: 'create-transport', direction: 'recv', rtpCapabilities });
    this.#throwIfClosed();
    this.#recv = this.#wire(device.createRecvTransport(this.#transportOptions(reply)));
    return this.#recv;
  }

  async #ensureSend(): Promise<types.Transport> {
    if (this.#send) return this.#send;
    const device = await this.#ensureDevice();
    const reply = await this.#request('create-transport', { op: 'create-transport', direction: 'send' });
    this.#throwIfClosed();
    const send = this.#wire(device.createSendTransport(this.#transportOptions(reply)));
    send.on('produce', ({ kind, rtpParameters }, callback, errback) => {
      this.#request('produce', { op: 'produce', transportId: send.id, kind, rtpParameters: rtpParameters as unknown as Record<string, unknown> }).then(
        ({ producerId }) => callback({ id: producerId }),
        errback,
      );
    });
    this.#send = send;
    return send;
  }

  /** DTLS parameters go to the SFU when the transport first connects; its state is the session's. */
  #wire(transport: types.Transport): types.Transport {
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#request('connect-transport', { op: 'connect-transport', transportId: transport.id, dtlsParameters: dtlsParameters as unknown as SfuDtls }).then(callback, errback);
    });
    transport.on('connectionstatechange', () => this.#onTransportState());
    if (this.#state === 'new') this.#setState('connecting');
    return transport;
  }

  #transportOptions(reply: SfuReplyOf<'create-transport'>): types.TransportOptions {
    return {
      id: reply.transportId,
      iceParameters: reply.iceParameters as unknown as types.IceParameters,
      iceCandidates: reply.iceCandidates as unknown as types.IceCandidate[],
      dtlsParameters: reply.dtlsParameters as unknown as types.DtlsParameters,
      iceServers: this.#options.iceServers,
      ...(this.#options.iceTransportPolicy ? { iceTransportPolicy: this.#options.iceTransportPolicy } : {}),
    };
  }

  // --- sending -------------------------------------------------------------------------------

  async #applyTrack(kind: MediaKind): Promise<void> {
    const track = this.#wanted.get(kind) ?? null;
    const producer = this.#producers.get(kind);
    if (!producer) {
      if (!track || track.readyState === 'ended') return;
      this.#producers.set(kind, await this.#produce(await this.#ensureSend(), kind, track));
      return;
    }
    if (track) {
      // A paused (or prepared) producer holds no track: putting one back is what starts sending.
      if (producer.track !== track) await producer.replaceTrack({ track });
      if (producer.paused) {
        // The SFU's side follows without holding up the next step (the accept attaches audio, then
        // video): requests go out in order, and a refusal is reported as the session's error.
        this.#tell({ op: 'resume-producer', producerId: producer.id });
        producer.resume();
      }
    } else if (!producer.paused) {
      await this.#holdBack(producer);
      this.#tell({ op: 'pause-producer', producerId: producer.id });
    }
  }

  /** A request whose reply nothing waits for. */
  #tell(payload: SfuRequest & { op: 'pause-producer' | 'resume-producer' }): void {
    this.#request(payload.op, payload).catch((error: unknown) => this.#report(error));
  }

  async #produce(send: types.Transport, kind: MediaKind, track: MediaStreamTrack): Promise<types.Producer> {
    const producer = await send.produce({
      track,
      // The engine owns its tracks: it stops and mutes them, the session only sends them.
      stopTracks: false,
      disableTrackOnPause: false,
      // Pausing here is a track swap (`#holdBack`), not mediasoup-client's renegotiation: resuming
      // at the accept must cost no SDP round on either side.
      zeroRtpOnPause: false,
      ...(kind === 'audio' ? { codecOptions: { opusFec: true, opusDtx: true } } : {}),
    });
    return producer;
  }

  /** Stops sending on `producer` (no RTP at all) and marks it paused; the SFU is told by the caller. */
  async #holdBack(producer: types.Producer): Promise<void> {
    producer.pause();
    await producer.replaceTrack({ track: null });
  }

  // --- receiving -----------------------------------------------------------------------------

  async #apply(notice: SfuNotice): Promise<void> {
    if (this.#state === 'closed') return;
    switch (notice.event) {
      case 'consumer-added': {
        const recv = await this.#ensureRecv();
        const consumer = await recv.consume({
          id: notice.consumerId,
          producerId: notice.producerId,
          kind: notice.kind,
          rtpParameters: notice.rtpParameters as unknown as types.RtpParameters,
          appData: { source: notice.source },
        });
        this.#consumers.set(consumer.id, consumer);
        this.remoteStream.addTrack(consumer.track);
        this.emit('remotetrack', consumer.track);
        await this.#request('resume-consumer', { op: 'resume-consumer', consumerId: consumer.id });
        return;
      }
      case 'consumer-closed':
        this.#dropConsumer(notice.consumerId);
        return;
      case 'reset':
        await this.#rebuild();
        return;
    }
  }

  #dropConsumer(id: string): void {
    const consumer = this.#consumers.get(id);
    if (!consumer) return;
    this.#consumers.delete(id);
    this.remoteStream.removeTrack(consumer.track);
    consumer.close();
    this.emit('remotetrackremoved', consumer.track);
  }

  // --- recovery ------------------------------------------------------------------------------

  async #restartIce(): Promise<void> {
    try {
      for (const transport of [this.#send, this.#recv]) {
        if (!transport || transport.closed) continue;
        const { iceParameters } = await this.#request('restart-ice', { op: 'restart-ice', transportId: transport.id });
        await transport.restartIce({ iceParameters: iceParameters as unknown as types.IceParameters });
      }
    } catch (error) {
      // A server that restarted (or lost its worker) no longer knows the transports: build new ones.
      if ((error as { code?: unknown }).code === 'media-not-found') await this.#rebuild();
      else throw error;
    }
  }

  /**
   * New transports, the wanted tracks produced again; the others' streams are offered again. While
   * the server is unreachable this is retried; the engine's connect timeout bounds how long.
   */
  async #rebuild(): Promise<void> {
    this.#teardown();
    this.#setState(this.#wasConnected ? 'reconnecting' : 'connecting');
    try {
      await this.#ensureRecv();
      if (!this.#options.receiveOnly) await this.#ensureSend();
      for (const kind of this.#wanted.keys()) await this.#applyTrack(kind);
    } catch (error) {
      if (this.#state === 'closed') return;
      this.#teardown();
      clearTimeout(this.#disconnectedTimer);
      this.#disconnectedTimer = setTimeout(() => void this.#run(() => this.#rebuild()), DISCONNECTED_RESTART_MS);
      throw error;
    }
  }

  #teardown(): void {
    for (const id of [...this.#consumers.keys()]) this.#dropConsumer(id);
    for (const producer of this.#producers.values()) producer.close();
    this.#producers.clear();
    this.#send?.close();
    this.#recv?.close();
    this.#send = undefined;
    this.#recv = undefined;
  }

  /**
   * The session's state from its transports'. A transport that connects for the first time (the
   * receive side when the first stream is offered) does not make a connected session reconnect.
   */
  #onTransportState(): void {
    if (this.#state === 'closed') return;
    clearTimeout(this.#disconnectedTimer);
    const states = [this.#send, this.#recv].flatMap((t) => (t && !t.closed ? [t.connectionState] : []));
    if (states.includes('failed')) {
      this.#setState('reconnecting');
      this.restartIce();
    } else if (states.includes('disconnected')) {
      this.#setState('reconnecting');
      this.#disconnectedTimer = setTimeout(() => this.restartIce(), DISCONNECTED_RESTART_MS);
    } else if (states.includes('connected')) {
      this.#wasConnected = true;
      this.#setState('connected');
    } else if (states.includes('connecting')) {
      this.#setState(this.#wasConnected ? 'reconnecting' : 'connecting');
    }
  }

  // --- plumbing ------------------------------------------------------------------------------

  async #request<Op extends SfuOp>(op: Op, payload: SfuRequest & { op: Op }): Promise<SfuReplyOf<Op>> {
    const reply = await this.#options.port.request(payload as MediaPayload);
    const parsed = parseSfuReply(op, reply);
    if (!parsed.ok) throw new Error(`SFU reply to ${op} refused: ${parsed.detail}`);
    return parsed.value;
  }

  /** Runs `step` after every earlier one; a failure is reported as the session's `error`, never thrown at the engine. */
  #run(step: () => Promise<unknown>): Promise<void> {
    const next = this.#queue.then(async () => {
      if (this.#state === 'closed') return;
      await step();
    });
    this.#queue = next.catch((error: unknown) => this.#report(error));
    return this.#queue;
  }

  #throwIfClosed(): void {
    if (this.#state === 'closed') throw new ClosedError();
  }

  #report(error: unknown): void {
    if (this.#state === 'closed' || error instanceof ClosedError) return;
    this.emit('error', error instanceof Error ? error : new Error(String(error)));
  }

  #setState(state: MediaConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.emit('connectionstatechange', state);
  }
}

type SfuDtls = Extract<SfuRequest, { op: 'connect-transport' }>['dtlsParameters'];

/** The session closed while a step was under way: nothing to report. */
class ClosedError extends Error {}
