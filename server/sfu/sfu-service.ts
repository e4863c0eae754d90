/**
 * The reference server's SFU: mediasoup workers (one per core), a router per conversation (created
 * by its first media request, closed when the conversation ends), WebRTC transports on the media
 * region's announced address, and the request/reply exchange of `src/media/sfu/sfu-protocol.ts`.
 * Knows nothing about sockets or seats: requests come in with the member that sent them, notices
 * go out through `notify`, and the conversation layer says when members and conversations end.
 */
import type { types } from 'mediasoup';
import { parseSfuRequest, type SfuNotice, type SfuRequest, type SfuSource } from '../../src/media/sfu/sfu-protocol.js';
import type { ServerLog } from '../config.js';
import { checkWorkerBinary, loadMediasoup, type MediasoupModule } from './load-mediasoup.js';
import { MEDIA_CODECS } from './media-codecs.js';
import { SfuError } from './sfu-error.js';
import type { SfuOptions } from './sfu-options.js';
import type { SfuPeer } from './sfu-peer.js';
import { SfuRoom } from './sfu-room.js';
import { WorkerPool } from './worker-pool.js';

/** Who sent a media request: a conversation's member, in one call. */
export interface SfuMember {
  conversationId: string;
  source: SfuSource;
  callId: string;
}

/** Delivers a notice to one member's session of one call. */
export type SfuNoticeSink = (member: SfuMember, notice: SfuNotice) => void;

export interface SfuServiceOptions extends SfuOptions {
  log: ServerLog;
  /** Where notices go; also settable later (`setNoticeSink`), once signaling exists. */
  notify?: SfuNoticeSink;
}

export class SfuService {
  readonly #pool: WorkerPool;
  readonly #options: SfuServiceOptions;
  readonly #rooms = new Map<string, Promise<SfuRoom>>();
  #notify: SfuNoticeSink;
  #closed = false;

  private constructor(pool: WorkerPool, options: SfuServiceOptions) {
    this.#pool = pool;
    this.#options = options;
    this.#notify = options.notify ?? (() => {});
  }

  /** Where notices to members' sessions go (the signaling server's media port). */
  setNoticeSink(sink: SfuNoticeSink): void {
    this.#notify = sink;
  }

  /** Loads mediasoup and starts the workers; throws `SfuUnavailableError` saying what is missing. */
  static async start(options: SfuServiceOptions, mediasoup?: MediasoupModule): Promise<SfuService> {
    const module = mediasoup ?? (await loadMediasoup());
    checkWorkerBinary(options.workerBin ?? module.workerBin);
    const pool = await WorkerPool.start(module, options, options.log);
    options.log('sfu-started', { workers: options.workers, listenIp: options.listenIp, announcedAddress: options.announcedAddress });
    return new SfuService(pool, options);
  }

  get workerCount(): number {
    return this.#pool.workers.length;
  }

  get conversationCount(): number {
    return this.#rooms.size;
  }

  /** Streams forwarded right now: consumers across every room (for diagnostics and the bench). */
  async forwardedStreams(): Promise<number> {
    let count = 0;
    for (const room of await Promise.all(this.#rooms.values())) count += (await room.router.dump()).mapProducerIdConsumerIds.reduce((sum, entry) => sum + entry.values.length, 0);
    return count;
  }

  /** Ports of every WebRTC transport the SFU has open now (diagnostics: where browsers send media). */
  async transportPorts(): Promise<number[]> {
    const rooms = await Promise.allSettled(this.#rooms.values());
    return rooms.flatMap((room) => (room.status === 'fulfilled' ? room.value.transportPorts() : []));
  }

  /** CPU time the media workers used so far, in milliseconds. */
  cpuTimeMs(): Promise<number> {
    return this.#pool.cpuTimeMs();
  }

  /** Answers one media request, or throws an `SfuError` with the code of the `error` reply. */
  async handle(member: SfuMember, payload: unknown): Promise<Record<string, unknown>> {
    if (this.#closed) throw new SfuError('media-unavailable', 'the SFU is shutting down');
    const parsed = parseSfuRequest(payload);
    if (!parsed.ok) throw new SfuError('invalid-message', `media request: ${parsed.detail}`);
    const request = parsed.value;
    try {
      if (request.op === 'close') {
        const room = await this.#rooms.get(member.conversationId);
        if (room?.currentPeer(member.source, member.callId)) this.#removePeer(room, member.source);
        return {};
      }
      const room = await this.#room(member.conversationId);
      return await this.#dispatch(room, room.peer(member.source, member.callId), member, request);
    } catch (error) {
      if (error instanceof SfuError) throw error;
      // mediasoup rejects bad parameters (TypeError) and requests out of order (e.g. a second connect).
      this.#options.log('sfu-refused', { op: request.op, message: error instanceof Error ? error.message : String(error) });
      throw new SfuError('invalid-message', `${request.op}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  /** The member left the conversation, or its seat expired: its media ends (and the router with the last one). */
  memberLeft(conversationId: string, source: SfuSource): void {
    void this.#rooms.get(conversationId)?.then((room) => this.#removePeer(room, source), () => {});
  }

  /** The conversation is over: its router closes. */
  conversationEnded(conversationId: string): void {
    const room = this.#rooms.get(conversationId);
    this.#rooms.delete(conversationId);
    void room?.then((r) => r.close(), () => {});
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const rooms = await Promise.allSettled(this.#rooms.values());
    for (const room of rooms) if (room.status === 'fulfilled') room.value.close();
    this.#rooms.clear();
    this.#pool.close();
  }

  async #dispatch(room: SfuRoom, peer: SfuPeer, member: SfuMember, request: Exclude<SfuRequest, { op: 'close' }>): Promise<Record<string, unknown>> {
    switch (request.op) {
      case 'capabilities':
        return { rtpCapabilities: room.router.rtpCapabilities };
      case 'create-transport': {
        const capabilities = request.direction === 'recv' ? (request.rtpCapabilities as unknown as types.RtpCapabilities) : undefined;
        const transport = await room.createTransport(peer, request.direction, capabilities);
        return {
          transportId: transport.id,
          iceParameters: transport.iceParameters,
          iceCandidates: transport.iceCandidates,
          dtlsParameters: transport.dtlsParameters,
        };
      }
      case 'connect-transport':
        await peer.transport(request.transportId).connect({ dtlsParameters: request.dtlsParameters as types.DtlsParameters });
        return {};
      case 'restart-ice':
        return { iceParameters: await peer.transport(request.transportId).restartIce() };
      case 'produce': {
        // A supervisor who barges in is heard; it is never seen (contact centres do not show them).
        if (member.source === 'supervisor' && request.kind !== 'audio') throw new SfuError('forbidden', 'a supervisor sends audio only');
        const producer = await room.produce(peer, request.transportId, request.kind, request.rtpParameters as unknown as types.RtpParameters);
        return { producerId: producer.id };
      }
      case 'pause-producer':
        await peer.producer(request.producerId).pause();
        return {};
      case 'resume-producer':
        await peer.producer(request.producerId).resume();
        // Its first frames may have reached the SFU before this: the receivers need a key frame now.
        room.requestKeyFrames(request.producerId);
        return {};
      case 'close-producer':
        peer.producer(request.producerId).close();
        return {};
      case 'pause-consumer':
        await peer.consumer(request.consumerId).pause();
        return {};
      case 'resume-consumer': {
        const consumer = peer.consumer(request.consumerId);
        await consumer.resume();
        // Start the picture at once instead of waiting for the sender's next key frame.
        if (consumer.kind === 'video') await consumer.requestKeyFrame();
        return {};
      }
    }
  }

  /** A router lives while some member of its conversation has media on it. */
  #removePeer(room: SfuRoom, source: SfuSource): void {
    room.removePeer(source);
    if (room.peerCount > 0) return;
    void this.#rooms.get(room.conversationId)?.then((current) => {
      if (current !== room || room.peerCount > 0) return;
      this.#rooms.delete(room.conversationId);
      room.close();
    });
  }

  #room(conversationId: string): Promise<SfuRoom> {
    let room = this.#rooms.get(conversationId);
    if (!room) {
      room = this.#pool.createRouter(MEDIA_CODECS).then(
        (router) =>
          new SfuRoom(conversationId, router, {
            listenInfos: this.#listenInfos(),
            log: this.#options.log,
            notify: (peer, notice) => this.#notify({ conversationId, source: peer.source, callId: peer.callId }, notice),
            onLost: (lost) => {
              void this.#rooms.get(conversationId)?.then((current) => {
                if (current === lost) this.#rooms.delete(conversationId);
              });
            },
          }),
      );
      this.#rooms.set(conversationId, room);
      room.catch(() => this.#rooms.delete(conversationId));
    }
    return room;
  }

  #listenInfos(): types.TransportListenInfo[] {
    const { listenIp, announcedAddress, portRange } = this.#options;
    return (['udp', 'tcp'] as const).map((protocol) => ({
      protocol,
      ip: listenIp,
      ...(announcedAddress ? { announcedAddress } : {}),
      ...(portRange ? { portRange } : {}),
    }));
  }
}
