/**
 * The building blocks of co-browse: chunking under the 64 KiB message limit with in-order
 * reassembly, and the privacy rules applied in the customer's browser.
 */
import { expect } from '@open-wc/testing';
import { ChunkReader, ChunkWriter, MAX_PIECE_BYTES, splitForWire } from '../../src/providers/builtin/chunks.js';
import { MASKED_VALUE, PrivacyRules, redactStrings } from '../../src/providers/cobrowse/privacy.js';
import { coalesce } from '../../src/providers/cobrowse/record.js';
import { MAX_MESSAGE_BYTES, createMessage, parseMessage, utf8Length } from '../../src/signaling/protocol.js';

describe('chunking', () => {
  it('cuts a large batch into ve-events messages that each fit the 64 KiB limit, whatever the text', () => {
    const nasty = JSON.stringify(Array.from({ length: 4_000 }, (_, i) => ({ text: `"quoted" \\ é 😀 ${i}\n`, id: i })));
    expect(utf8Length(nasty)).to.be.greaterThan(MAX_MESSAGE_BYTES * 3);
    const chunks = new ChunkWriter('epoch-1').write(nasty);
    expect(chunks.length).to.be.greaterThan(3);
    for (const chunk of chunks) {
      // As delivered to the agent: the largest envelope the message ever travels in.
      const message = createMessage('ve-events', { sessionId: crypto.randomUUID(), ...chunk }, { from: 'customer', seq: Number.MAX_SAFE_INTEGER, ack: Number.MAX_SAFE_INTEGER });
      const text = JSON.stringify(message);
      expect(utf8Length(text)).to.be.at.most(MAX_MESSAGE_BYTES);
      expect(parseMessage(text).ok).to.equal(true);
    }
    expect(chunks.map((c) => c.seq)).to.deep.equal(chunks.map((_, i) => i));
    expect(chunks.map((c) => c.final)).to.deep.equal(chunks.map((_, i) => i === chunks.length - 1));
    expect(chunks.map((c) => c.data).join('')).to.equal(nasty);
  });

  it('never splits a surrogate pair', () => {
    const pieces = splitForWire('😀'.repeat(40_000), 10_000);
    for (const piece of pieces) expect(/^[\uDC00-\uDFFF]/.test(piece)).to.equal(false);
    expect(pieces.join('')).to.equal('😀'.repeat(40_000));
    expect(Math.max(...pieces.map((p) => utf8Length(JSON.stringify(p))))).to.be.at.most(10_000);
    expect(MAX_PIECE_BYTES).to.be.lessThan(MAX_MESSAGE_BYTES);
  });

  it('reassembles in order, ignores repeats, reports a gap and waits for a new epoch', () => {
    const writer = new ChunkWriter('e1');
    const first = writer.write('a'.repeat(120_000));
    const second = writer.write('[2]');
    const reader = new ChunkReader();
    const results = [...first, first[0]!, ...second].map((chunk) => reader.read(chunk).kind);
    expect(results.slice(0, first.length)).to.deep.equal([...Array(first.length - 1).fill('partial'), 'batch']);
    expect(results[first.length]).to.equal('ignored', 'a repeated chunk is ignored');
    expect(results[first.length + 1]).to.equal('batch');

    const lossy = new ChunkWriter('e2');
    const [a, , c] = lossy.write('x'.repeat(150_000));
    expect(reader.read(a!)).to.deep.include({ kind: 'partial' });
    expect(reader.read(c!).kind).to.equal('gap', 'a missing chunk is noticed');
    expect(reader.read(lossy.write('[]')[0]!).kind).to.equal('ignored', 'nothing of a broken epoch is applied');
    const fresh = reader.read(new ChunkWriter('e3').write('[3]')[0]!);
    expect(fresh).to.deep.equal({ kind: 'batch', text: '[3]', fresh: true });
  });

  it('coalesces pointer moves and scrolls within a batch, never mutations', () => {
    const move = (x: number) => ({ type: 3, data: { source: 1, positions: [{ x, y: 0, id: 1, timeOffset: 0 }] }, timestamp: x });
    const scroll = (id: number, y: number) => ({ type: 3, data: { source: 3, id, x: 0, y }, timestamp: y });
    const mutation = (n: number) => ({ type: 3, data: { source: 0, texts: [], attributes: [], removes: [], adds: [], n }, timestamp: n });
    const events = [move(1), mutation(1), scroll(7, 10), move(2), scroll(7, 20), scroll(8, 5), mutation(2), move(3)] as never[];
    const kept = coalesce(events) as unknown as Array<{ timestamp: number; data: { source: number } }>;
    expect(kept.map((e) => `${e.data.source}:${e.timestamp}`)).to.deep.equal(['0:1', '3:20', '3:5', '0:2', '1:3']);
  });
});

describe('privacy rules', () => {
  const rules = new PrivacyRules({ maskSelector: '.secret', blockSelector: '.hidden-widget' });
  const make = (html: string) => {
    const host = document.createElement('div');
    host.innerHTML = html;
    return host.firstElementChild!;
  };

  it('masks passwords, payment-card fields, data-cck-mask and configured selectors', () => {
    expect(rules.isSensitiveField(make('<input type="password">'))).to.equal(true);
    expect(rules.isSensitiveField(make('<input autocomplete="cc-number">'))).to.equal(true);
    expect(rules.isSensitiveField(make('<input autocomplete="section-pay billing cc-csc">'))).to.equal(true);
    expect(rules.isSensitiveField(make('<input autocomplete="new-password">'))).to.equal(true);
    const masked = make('<div data-cck-mask><input id="in"></div>');
    expect(rules.isSensitiveField(masked.querySelector('input')!)).to.equal(true);
    const custom = make('<div class="secret"><input></div>');
    expect(rules.isSensitiveField(custom.querySelector('input')!)).to.equal(true);
    expect(rules.isSensitiveField(make('<input autocomplete="name">'))).to.equal(false);
    expect(rules.maskInputFn('hunter2', make('<input type="password">') as HTMLElement)).to.equal(MASKED_VALUE);
    expect(rules.maskInputFn('Ada', make('<input>') as HTMLElement)).to.equal('Ada');
  });

  it('removes data-cck-block, configured selectors, the SDK elements and sensitive selects; none can be acted on', () => {
    for (const html of [
      '<div data-cck-block></div>',
      '<div class="hidden-widget"></div>',
      '<cobrowse-launcher></cobrowse-launcher>',
      '<chat-call-panel></chat-call-panel>',
      '<select autocomplete="cc-exp-month"></select>',
      '<select data-cck-mask></select>',
    ]) {
      const element = make(html);
      expect(element.matches(rules.blockSelector), html).to.equal(true);
      expect(rules.isProtected(element), html).to.equal(true);
    }
    expect(rules.isProtected(make('<button>Buy</button>'))).to.equal(false);
  });

  it('redacts any string carrying a sensitive value (last line of defence before sending)', () => {
    const events = [{ data: { node: { attributes: { value: 'my-secret-1' }, text: 'x my-secret-1 y' } } }];
    const redacted = redactStrings(events, ['my-secret-1']);
    expect(JSON.stringify(redacted)).not.to.contain('my-secret-1');
    expect(redacted[0]!.data.node.text).to.equal(`x ${MASKED_VALUE} y`);
  });
});
