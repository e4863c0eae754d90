/**
 * One member's media in one call on the SFU: its transports and what it sends (producers) and
 * receives (consumers). Closing it closes them all; the other members' consumers of its producers
 * close with them, which their rooms report as `consumer-closed`.
 */
import type { types } from 'mediasoup';
import type { SfuSource } from '../../src/media/sfu/sfu-protocol.js';
import { SfuError } from './sfu-error.js';

export class SfuPeer {
  readonly source: SfuSource;
  readonly callId: string;
  readonly transports = new Map<string, types.WebRtcTransport>();
  readonly producers = new Map<string, types.Producer>();
  readonly consumers = new Map<string, types.Consumer>();
  /** The transport the others' streams are offered on, and what the member's device can decode. */
  recv: { transport: types.WebRtcTransport; rtpCapabilities: types.RtpCapabilities } | undefined;
  #closed = false;

  constructor(source: SfuSource, callId: string) {
    this.source = source;
    this.callId = callId;
  }

  get closed(): boolean {
    return this.#closed;
  }

  transport(id: string): types.WebRtcTransport {
    return found(this.transports.get(id), 'transport', id);
  }

  producer(id: string): types.Producer {
    return found(this.producers.get(id), 'producer', id);
  }

  consumer(id: string): types.Consumer {
    return found(this.consumers.get(id), 'consumer', id);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Closing a transport closes its producers and consumers.
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
    this.recv = undefined;
  }
}

function found<T>(value: T | undefined, what: string, id: string): T {
  if (value === undefined) throw new SfuError('media-not-found', `no ${what} ${id} for this member's call (the server may have restarted)`);
  return value;
}
