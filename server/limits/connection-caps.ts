/**
 * How many WebSocket connections the server holds: at most `maxTotal`, and at most `maxPerAddress`
 * from one client address. A connection takes a slot when its upgrade is accepted and gives it back
 * when it closes, whatever the reason.
 */
export interface ConnectionCapsOptions {
  maxTotal: number;
  maxPerAddress: number;
}

export type Admission =
  | { ok: true; release(): void }
  | { ok: false; code: 'server-full' | 'too-many-connections'; message: string };

export class ConnectionCaps {
  readonly #options: ConnectionCapsOptions;
  readonly #perAddress = new Map<string, number>();
  #total = 0;

  constructor(options: ConnectionCapsOptions) {
    this.#options = options;
  }

  acquire(address: string): Admission {
    if (this.#total >= this.#options.maxTotal) {
      return { ok: false, code: 'server-full', message: `the server holds its maximum of ${this.#options.maxTotal} connections` };
    }
    const held = this.#perAddress.get(address) ?? 0;
    if (held >= this.#options.maxPerAddress) {
      return { ok: false, code: 'too-many-connections', message: `at most ${this.#options.maxPerAddress} connections per client address` };
    }
    this.#total += 1;
    this.#perAddress.set(address, held + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.#total -= 1;
        const left = (this.#perAddress.get(address) ?? 1) - 1;
        if (left === 0) this.#perAddress.delete(address);
        else this.#perAddress.set(address, left);
      },
    };
  }

  get total(): number {
    return this.#total;
  }

  heldBy(address: string): number {
    return this.#perAddress.get(address) ?? 0;
  }
}
