import { expect } from '@open-wc/testing';
import { TypedEmitter } from '../../src/internal/typed-emitter.js';

type Events = { ping: [number, string]; done: [] };
class Emitter extends TypedEmitter<Events> {
  fire<K extends keyof Events>(event: K, ...args: Events[K]) {
    this.emit(event, ...args);
  }
}

describe('TypedEmitter', () => {
  it('passes the listener arguments through and stops calling a removed listener', () => {
    const emitter = new Emitter();
    const seen: Array<[number, string]> = [];
    const off = emitter.on('ping', (n, s) => seen.push([n, s]));
    emitter.fire('ping', 1, 'a');
    off();
    emitter.fire('ping', 2, 'b');
    expect(seen).to.deep.equal([[1, 'a']]);
    expect(emitter.listenerCount('ping')).to.equal(0);
  });

  it('calls a once listener a single time', () => {
    const emitter = new Emitter();
    let calls = 0;
    emitter.once('done', () => calls++);
    emitter.fire('done');
    emitter.fire('done');
    expect(calls).to.equal(1);
  });

  it('keeps calling the other listeners when one throws, and reports the error asynchronously', async () => {
    const emitter = new Emitter();
    const reported = new Promise<unknown>((resolve) => {
      const previous = window.onerror;
      window.onerror = (_message, _source, _line, _column, error) => {
        window.onerror = previous;
        resolve(error);
        return true;
      };
    });
    let reached = false;
    emitter.on('done', () => {
      throw new Error('host bug');
    });
    emitter.on('done', () => {
      reached = true;
    });
    emitter.fire('done');
    expect(reached).to.equal(true);
    expect(((await reported) as Error).message).to.equal('host bug');
  });
});
