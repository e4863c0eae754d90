/**
 * A minimal TURN client (RFC 5766 / 8656 over UDP) for asking coturn directly what it accepts:
 * Allocate with long-term credentials (the 401 challenge, then the authenticated request) and
 * CreatePermission towards a peer. Enough to prove which credentials coturn refuses and which peers
 * `denied-peer-ip` keeps out, without a browser.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

const MAGIC = 0x2112a442;
const METHOD = { allocate: 0x0003, createPermission: 0x0008 } as const;
const ATTR = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  xorPeerAddress: 0x0012,
  realm: 0x0014,
  nonce: 0x0015,
  requestedTransport: 0x0019,
} as const;

export interface TurnAnswer {
  /** `success`, or the error class/number (e.g. 401, 403, 438). */
  status: 'success' | number;
  reason?: string;
}

interface Parsed {
  type: number;
  attributes: Map<number, Buffer>;
}

export class TurnClient {
  readonly #socket: Socket;
  readonly #port: number;
  #realm = '';
  #nonce = '';
  #key: Buffer | undefined;
  #username = '';

  private constructor(socket: Socket, port: number) {
    this.#socket = socket;
    this.#port = port;
  }

  static async open(port: number): Promise<TurnClient> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new TurnClient(socket, port);
  }

  /** Allocate a UDP relay with these long-term credentials (answering the 401 challenge once). */
  async allocate(username: string, password: string): Promise<TurnAnswer> {
    const transport = Buffer.from([17, 0, 0, 0]);
    const challenge = await this.#request(METHOD.allocate, [[ATTR.requestedTransport, transport]]);
    if (challenge.type !== errorType(METHOD.allocate) || errorOf(challenge).status !== 401) return answerOf(challenge, METHOD.allocate);
    this.#realm = challenge.attributes.get(ATTR.realm)?.toString() ?? '';
    this.#nonce = challenge.attributes.get(ATTR.nonce)?.toString() ?? '';
    this.#username = username;
    this.#key = createHash('md5').update(`${username}:${this.#realm}:${password}`).digest();
    const answer = await this.#request(METHOD.allocate, [[ATTR.requestedTransport, transport], ...this.#auth()], true);
    return answerOf(answer, METHOD.allocate);
  }

  /** After a successful allocate: permission to exchange data with `peerIp` (IPv4). */
  async createPermission(peerIp: string): Promise<TurnAnswer> {
    const answer = await this.#request(METHOD.createPermission, [[ATTR.xorPeerAddress, xorAddress(peerIp, 9)], ...this.#auth()], true);
    return answerOf(answer, METHOD.createPermission);
  }

  close(): void {
    this.#socket.close();
  }

  #auth(): Array<[number, Buffer]> {
    return [
      [ATTR.username, Buffer.from(this.#username)],
      [ATTR.realm, Buffer.from(this.#realm)],
      [ATTR.nonce, Buffer.from(this.#nonce)],
    ];
  }

  #request(method: number, attributes: Array<[number, Buffer]>, integrity = false): Promise<Parsed> {
    const transaction = randomBytes(12);
    let message = encode(method, transaction, attributes);
    if (integrity && this.#key) {
      // The length covers the MESSAGE-INTEGRITY attribute (4 + 20 bytes) that follows what is signed.
      message.writeUInt16BE(message.length - 20 + 24, 2);
      const mac = createHmac('sha1', this.#key).update(message).digest();
      message = Buffer.concat([message, attribute(ATTR.messageIntegrity, mac)]);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#socket.off('message', onMessage);
        reject(new Error('no TURN answer within 3 s'));
      }, 3_000);
      const onMessage = (data: Buffer) => {
        if (data.length < 20 || !data.subarray(8, 20).equals(transaction)) return;
        clearTimeout(timer);
        this.#socket.off('message', onMessage);
        resolve(decode(data));
      };
      this.#socket.on('message', onMessage);
      this.#socket.send(message, this.#port, '127.0.0.1');
    });
  }
}

const errorType = (method: number) => method | 0x0110;
const successType = (method: number) => method | 0x0100;

function answerOf(parsed: Parsed, method: number): TurnAnswer {
  if (parsed.type === successType(method)) return { status: 'success' };
  return errorOf(parsed);
}

function errorOf(parsed: Parsed): TurnAnswer {
  const value = parsed.attributes.get(ATTR.errorCode);
  if (!value) return { status: 0, reason: 'no ERROR-CODE' };
  return { status: (value[2] & 0x07) * 100 + value[3], reason: value.subarray(4).toString() };
}

function attribute(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(value.length, 2);
  const padding = Buffer.alloc((4 - (value.length % 4)) % 4);
  return Buffer.concat([header, value, padding]);
}

function encode(type: number, transaction: Buffer, attributes: Array<[number, Buffer]>): Buffer {
  const body = Buffer.concat(attributes.map(([kind, value]) => attribute(kind, value)));
  const header = Buffer.alloc(20);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(body.length, 2);
  header.writeUInt32BE(MAGIC, 4);
  transaction.copy(header, 8);
  return Buffer.concat([header, body]);
}

function decode(data: Buffer): Parsed {
  const attributes = new Map<number, Buffer>();
  let offset = 20;
  const end = 20 + data.readUInt16BE(2);
  while (offset + 4 <= end) {
    const kind = data.readUInt16BE(offset);
    const length = data.readUInt16BE(offset + 2);
    attributes.set(kind, data.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length + ((4 - (length % 4)) % 4);
  }
  return { type: data.readUInt16BE(0), attributes };
}

function xorAddress(ip: string, port: number): Buffer {
  const value = Buffer.alloc(8);
  value.writeUInt8(0x01, 1);
  value.writeUInt16BE(port ^ (MAGIC >>> 16), 2);
  const address = ip.split('.').reduce((sum, part) => (sum << 8) + Number(part), 0) >>> 0;
  value.writeUInt32BE((address ^ MAGIC) >>> 0, 4);
  return value;
}
