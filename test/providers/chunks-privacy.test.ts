/**
 * The building blocks of co-browse: chunking under the 64 KiB message limit with in-order, bounded
 * reassembly, and the privacy rules applied in the customer's browser.
 */
import { expect } from '@open-wc/testing';
import { ChunkReader, ChunkWriter, MAX_BATCH_PIECES, MAX_PIECE_BYTES, splitForWire } from '../../src/providers/builtin/chunks.js';
import { MASKED_VALUE, PrivacyRules } from '../../src/providers/cobrowse/privacy.js';
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

  it('caps what a batch may hold: over the limit the batch is dropped and the epoch given up', () => {
    const writer = new ChunkWriter('big');
    const reader = new ChunkReader();
    const results = Array.from({ length: MAX_BATCH_PIECES + 5 }, (_, seq) => reader.read({ epoch: 'big', seq, data: 'x', final: false }).kind);
    expect(results.slice(0, MAX_BATCH_PIECES)).to.deep.equal(Array(MAX_BATCH_PIECES).fill('partial'));
    expect(results[MAX_BATCH_PIECES]).to.equal('overflow');
    expect(results.slice(MAX_BATCH_PIECES + 1)).to.deep.equal(Array(4).fill('ignored'));
    const bytes = new ChunkReader({ maxChars: 100_000 });
    const [first, second] = writer.write('y'.repeat(110_000), 56_000);
    expect(bytes.read({ ...first!, seq: 0 }).kind).to.equal('partial');
    expect(bytes.read({ ...second!, seq: 1 }).kind).to.equal('overflow', 'the character cap');
    expect(reader.read(new ChunkWriter('next').write('[1]')[0]!)).to.deep.equal({ kind: 'batch', text: '[1]', fresh: true }, 'a new epoch starts over');
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

describe('privacy rules (decided by node, in the composed tree)', () => {
  const rules = new PrivacyRules({ maskSelector: '.secret', blockSelector: '.hidden-widget', unmaskSelector: '.public' });
  const hosts: HTMLElement[] = [];
  afterEach(() => hosts.splice(0).forEach((host) => host.remove()));
  const make = (html: string) => {
    const host = document.createElement('div');
    host.innerHTML = html;
    document.body.append(host);
    hosts.push(host);
    return host.firstElementChild!;
  };

  it('masks every field by default; data-cck-unmask shows ordinary ones, never passwords, codes, cards, hidden or file inputs', () => {
    for (const html of ['<input>', '<input type="email">', '<input type="tel">', '<input name="ssn">', '<textarea></textarea>', '<select></select>', '<div contenteditable></div>', '<input type="checkbox">', '<input type="hidden">']) {
      expect(rules.isSensitiveField(make(html)), html).to.equal(true);
    }
    for (const html of ['<button>Buy</button>', '<input type="submit" value="Pay">', '<div contenteditable="false"></div>', '<p>text</p>']) {
      expect(rules.isSensitiveField(make(html)), html).to.equal(false);
    }
    const shown = make('<form data-cck-unmask><input id="q"><input type="password"><input autocomplete="cc-csc"><input type="hidden"><input autocomplete="one-time-code"><input type="file"></form>');
    const [query, ...alwaysMasked] = [...shown.querySelectorAll('input')];
    expect(rules.isSensitiveField(query!)).to.equal(false);
    for (const field of alwaysMasked) expect(rules.isSensitiveField(field), field.outerHTML).to.equal(true);
    expect(rules.isSensitiveField(make('<input class="public">'))).to.equal(false, 'the unmaskSelector option');
    const masked = make('<div data-cck-mask data-cck-unmask><input></div>');
    expect(rules.isSensitiveField(masked.querySelector('input')!)).to.equal(true, 'data-cck-mask wins');
  });

  it('follows data-cck-mask into open shadow roots, slots and same-origin frames', async () => {
    const host = make('<div data-cck-mask><span id="host"></span></div>').querySelector('#host')!;
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<p>inside</p>';
    expect(rules.contextOf(shadow.querySelector('p')!.firstChild!).maskText).to.equal(true);

    const outer = make('<div><b id="light">slotted text</b></div>');
    const slotShadow = outer.attachShadow({ mode: 'open' });
    slotShadow.innerHTML = '<div class="secret"><slot></slot></div>';
    expect(rules.contextOf(outer.querySelector('#light')!).maskText).to.equal(true, 'shown inside a masked slot');

    const frame = make('<iframe data-cck-mask></iframe>') as HTMLIFrameElement;
    await new Promise((resolve) => setTimeout(resolve, 0));
    const inner = frame.contentDocument!;
    inner.body.innerHTML = '<p>in the frame</p><input>';
    expect(rules.contextOf(inner.querySelector('p')!).maskText).to.equal(true);
    expect(rules.isProtected(inner.querySelector('input')!)).to.equal(true);
  });

  it('masks attributes of masked subtrees; strips URL queries and data-* values everywhere', () => {
    const open = rules.contextOf(make('<p></p>'));
    const masked = rules.contextOf(make('<p data-cck-mask></p>'));
    expect(rules.attribute(masked, 'title', 'Card 4111')).to.equal(MASKED_VALUE);
    expect(rules.attribute(masked, 'href', 'https://shop.test/a')).to.equal(undefined);
    expect(rules.attribute(masked, 'class', 'note')).to.equal('note');
    expect(rules.attribute(open, 'title', 'Hello')).to.equal('Hello');
    expect(rules.attribute(open, 'href', 'https://shop.test/reset?reset_token=abc#access_token=xyz')).to.equal('https://shop.test/reset');
    expect(rules.attribute(open, 'srcset', 'a.png?t=1 1x, b.png?t=2 2x')).to.equal('a.png 1x, b.png 2x');
    expect(rules.attribute(open, 'data-user-token', 'abc')).to.equal('');
    expect(rules.attribute(open, 'data-cck-unmask', '')).to.equal('');
    const allowing = new PrivacyRules({ allowUrlParameters: ['page'], allowDataAttributes: ['data-state'] });
    expect(allowing.url('/list?page=2&token=x#top')).to.equal('/list?page=2');
    expect(allowing.attribute(open, 'data-state', 'open')).to.equal('open');
  });

  it('removes data-cck-block, configured selectors and the SDK elements; none can be acted on', () => {
    for (const html of ['<div data-cck-block></div>', '<div class="hidden-widget"></div>', '<cobrowse-launcher></cobrowse-launcher>', '<chat-call-panel></chat-call-panel>']) {
      const element = make(html);
      expect(rules.isBlockRoot(element), html).to.equal(true);
      expect(rules.isProtected(element), html).to.equal(true);
    }
    expect(rules.isProtected(make('<button>Buy</button>'))).to.equal(false);
  });
});
