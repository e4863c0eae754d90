/**
 * One conversation on the SFU: its router and its members' peers. Every stream a member sends is
 * offered to every other member that receives (so a supervisor who only listens is invisible to the
 * others: it sends nothing they could be offered). Offers are consumers created paused; the member's
 * session resumes each once it holds it, so no early packet is lost.
 */
import type { types } from 'mediasoup';
import type { MediaKind } from '../../src/media/media-session.js';
import type { SfuNotice, SfuSource } from '../../src/media/sfu/sfu-protocol.js';
import type { ServerLog } from '../config.js';
import { SfuError } from './sfu-error.js';
import { SfuPeer } from './sfu-peer.js';

/** Tells one member's session of one call something unasked. */
export type SfuNotify = (peer: Pick<SfuPeer, 'source' | 'callId'>, notice: SfuNotice) => void;

export interface SfuRoomOptions {
  listenInfos: types.TransportListenInfo[];
  notify: SfuNotify;
  log: ServerLog;
  /** The router is gone (its worker died): the room is unusable and its members were told to rebuild. */
  onLost(room: SfuRoom): void;
}

export class SfuRoom {
  readonly conversationId: string;
  readonly router: types.Router;
  readonly #peers = new Map<SfuSource, SfuPeer>();
  readonly #options: SfuRoomOptions;

  constructor(conversationId: string, router: types.Router, options: SfuRoomOptions) {
    this.conversationId = conversationId;
    this.router = router;
    this.#options = options;
    router.on('workerclose', () => {
      for (const peer of this.#peers.values()) options.notify(peer, { event: 'reset' });
      this.close();
      options.onLost(this);
    });
  }

  get peerCount(): number {
    return this.#peers.size;
  }

  /** The member's peer for `callId`. A request for another call first closes the previous call's peer. */
  peer(source: SfuSource, callId: string): SfuPeer {
    const existing = this.#peers.get(source);
    if (existing && existing.callId === callId) return existing;
    existing?.close();
    const peer = new SfuPeer(source, callId);
    this.#peers.set(source, peer);
    return peer;
  }

  async createTransport(peer: SfuPeer, direction: 'send' | 'recv', rtpCapabilities?: types.RtpCapabilities): Promise<types.WebRtcTransport> {
    if (direction === 'recv' && rtpCapabilities && !this.#canDecodeAnything(rtpCapabilities)) {
      throw new SfuError('invalid-message', 'the device can decode none of the router codecs');
    }
    const transport = await this.router.createWebRtcTransport({
      listenInfos: this.#options.listenInfos,
      preferUdp: true,
      // A call's first video key frame goes out at once rather than at mediasoup's cautious 600 kbps start.
      initialAvailableOutgoingBitrate: 1_500_000,
      appData: { direction },
    });
    if (peer.closed) {
      transport.close();
      throw new SfuError('media-not-found', 'the call ended while its transport was being created');
    }
    peer.transports.set(transport.id, transport);
    transport.observer.once('close', () => peer.transports.delete(transport.id));
    if (direction === 'recv' && rtpCapabilities) {
      peer.recv?.transport.close();
      peer.recv = { transport, rtpCapabilities };
      // After the reply (the session needs its transport first): offer what the others already send.
      setImmediate(() => this.#offerAllTo(peer));
    }
    return transport;
  }

  async produce(peer: SfuPeer, transportId: string, kind: MediaKind, rtpParameters: types.RtpParameters): Promise<types.Producer> {
    const transport = peer.transport(transportId);
    if (transport.appData.direction !== 'send') throw new SfuError('invalid-message', `transport ${transportId} receives; produce on the send transport`);
    // One stream per kind: a new one replaces the old (the session re-produces after rebuilding).
    for (const existing of peer.producers.values()) if (existing.kind === kind) existing.close();
    const producer = await transport.produce({ kind, rtpParameters });
    peer.producers.set(producer.id, producer);
    producer.observer.once('close', () => peer.producers.delete(producer.id));
    for (const other of this.#peers.values()) {
      if (other !== peer) void this.#offer(other, producer, peer.source);
    }
    return producer;
  }

  transportPorts(): number[] {
    return [...this.#peers.values()].flatMap((peer) => [...peer.transports.values()].flatMap((transport) => transport.iceCandidates.map((candidate) => candidate.port)));
  }

  /** Asks the sender of `producerId` for a key frame for everyone receiving it (a picture at once after a resume). */
  requestKeyFrames(producerId: string): void {
    for (const peer of this.#peers.values()) {
      for (const consumer of peer.consumers.values()) if (consumer.producerId === producerId && consumer.kind === 'video') consumer.requestKeyFrame().catch(() => {});
    }
  }

  /** The member left the conversation (or its seat expired): its media for any call ends. */
  removePeer(source: SfuSource): void {
    this.#peers.get(source)?.close();
    this.#peers.delete(source);
  }

  /** The peer of `source` only while it is still for `callId`. */
  currentPeer(source: SfuSource, callId: string): SfuPeer | undefined {
    const peer = this.#peers.get(source);
    return peer?.callId === callId ? peer : undefined;
  }

  close(): void {
    for (const peer of this.#peers.values()) peer.close();
    this.#peers.clear();
    this.router.close();
  }

  #offerAllTo(peer: SfuPeer): void {
    for (const other of this.#peers.values()) {
      if (other === peer) continue;
      for (const producer of other.producers.values()) void this.#offer(peer, producer, other.source);
    }
  }

  /** Offers `producer` to `peer` as a paused consumer on its receive transport, if it has one. */
  async #offer(peer: SfuPeer, producer: types.Producer, source: SfuSource): Promise<void> {
    const recv = peer.recv;
    if (!recv || peer.closed || producer.closed) return;
    if (!this.router.canConsume({ producerId: producer.id, rtpCapabilities: recv.rtpCapabilities })) {
      this.#options.log('sfu-cannot-consume', { conversationId: this.conversationId, source: peer.source, kind: producer.kind });
      return;
    }
    let consumer: types.Consumer;
    try {
      consumer = await recv.transport.consume({ producerId: producer.id, rtpCapabilities: recv.rtpCapabilities, paused: true });
    } catch (error) {
      // The producer or the transport closed meanwhile: nothing to offer any more.
      if (producer.closed || recv.transport.closed) return;
      this.#options.log('internal-error', { message: `SFU consume failed: ${String(error)}` });
      return;
    }
    if (peer.closed || recv.transport.closed) {
      consumer.close();
      return;
    }
    peer.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => peer.consumers.delete(consumer.id));
    consumer.once('producerclose', () => {
      if (!peer.closed) this.#options.notify(peer, { event: 'consumer-closed', consumerId: consumer.id });
    });
    this.#options.notify(peer, {
      event: 'consumer-added',
      consumerId: consumer.id,
      producerId: producer.id,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters as unknown as Record<string, unknown>,
      source,
    });
  }

  #canDecodeAnything(rtpCapabilities: types.RtpCapabilities): boolean {
    const wanted = new Set((rtpCapabilities.codecs ?? []).map((codec) => codec.mimeType.toLowerCase()));
    return (this.router.rtpCapabilities.codecs ?? []).some((codec) => wanted.has(codec.mimeType.toLowerCase()));
  }
}
