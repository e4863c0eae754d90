/**
 * What the customer's browser sends while recording (rrweb, for real, in this page): masking is
 * decided by which node is sensitive, never by matching values, and follows the composed tree.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { ChunkReader, type Chunk } from '../../src/providers/builtin/chunks.js';
import { MASKED_VALUE, PrivacyRules } from '../../src/providers/cobrowse/privacy.js';
import { Recorder } from '../../src/providers/cobrowse/record.js';
import { loadRrweb } from '../../src/providers/cobrowse/rrweb-runtime.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).reverse().forEach((cleanup) => cleanup()));

function fixture(html: string): HTMLElement {
  const page = document.createElement('main');
  page.innerHTML = html;
  document.body.append(page);
  cleanups.push(() => page.remove());
  return page;
}

/** Records the page; `text()` is everything sent so far, as the wire would carry it. */
async function record(options: ConstructorParameters<typeof PrivacyRules>[0] = {}) {
  await loadRrweb();
  const chunks: Chunk[] = [];
  const recorder = new Recorder({ document, privacy: new PrivacyRules(options), send: (chunk) => chunks.push(chunk) });
  recorder.start();
  cleanups.push(() => recorder.stop());
  const text = () => chunks.map((chunk) => chunk.data).join('\n');
  const events = () => {
    const reader = new ChunkReader();
    return chunks.flatMap((chunk) => {
      const result = reader.read(chunk);
      return result.kind === 'batch' ? (JSON.parse(result.text) as Array<{ type: number; data: Record<string, unknown> }>) : [];
    });
  };
  await waitUntil(() => events().some((event) => event.type === 2), 'the full snapshot was sent');
  return { text, events, recorder };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

function type(field: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('recording with the privacy rules', () => {
  it('sends page text intact even when it contains a masked value ("Order 48737-2" vs a card code 737)', async () => {
    const page = fixture(`<p id="order">Order 48737-2</p><input id="csc" autocomplete="cc-csc" value="737">`);
    const { text } = await record();
    expect(text()).to.contain('Order 48737-2');
    type(page.querySelector<HTMLInputElement>('#csc')!, '737');
    page.querySelector('#order')!.textContent = 'Order 48737-2 shipped';
    await waitUntil(() => text().includes('Order 48737-2 shipped'), 'the change is sent intact');
    expect(text()).not.to.contain(`48${MASKED_VALUE}`);
  });

  it('what is typed into a shown field goes out as typed, whatever the masked fields hold', async () => {
    const page = fixture(`<input id="search" data-cck-unmask><input id="csc" autocomplete="cc-csc" value="737">`);
    const { events } = await record();
    const search = page.querySelector<HTMLInputElement>('#search')!;
    const typed: string[] = [];
    const inputs = () => events().filter((event) => event.type === 3 && event.data.source === 5).map((event) => event.data.text);
    for (let n = 730; n < 745; n += 1) {
      type(search, String(n));
      typed.push(String(n));
      // Input waits for the batch window and only a field's latest value goes: each one is let out before the next.
      await waitUntil(() => inputs().includes(String(n)), `${n} was sent`, { timeout: 5_000 });
    }
    expect(inputs()).to.include.members(typed);
    expect(inputs()).not.to.include(MASKED_VALUE);
  });

  it('masks every field by default: email, tel, ssn, textarea, contenteditable, select, hidden; and data-* values and URL queries', async () => {
    history.replaceState(null, '', `${location.pathname}?reset_token=RT-1#access_token=AT-1`);
    cleanups.push(() => history.replaceState(null, '', location.pathname));
    const page = fixture(`
      <input id="email" type="email" value="ada@example.com">
      <input id="tel" type="tel" value="+1 555 0100">
      <input id="ssn" name="ssn" value="078-05-1120">
      <textarea id="notes">my notes</textarea>
      <div id="editor" contenteditable>draft reply</div>
      <select id="plan"><option value="basic">Basic</option><option value="gold" selected>Gold plan</option></select>
      <input type="hidden" name="csrf" value="CSRF-TOKEN-1">
      <div data-user-token="DATA-SECRET-1">x</div>
      <a href="/reset?reset_token=LINK-TOKEN#frag">reset</a>
      <input id="shown" data-cck-unmask value="visible value">`);
    const { text } = await record();
    for (const secret of ['ada@example.com', '555 0100', '078-05-1120', 'my notes', 'draft reply', 'Gold plan', 'gold', 'CSRF-TOKEN-1', 'DATA-SECRET-1', 'RT-1', 'AT-1', 'LINK-TOKEN']) {
      expect(text(), secret).not.to.contain(secret);
    }
    expect(text()).to.contain('visible value');
    type(page.querySelector<HTMLInputElement>('#email')!, 'grace@example.com');
    page.querySelector('#editor')!.textContent = 'second draft';
    type(page.querySelector<HTMLInputElement>('#shown')!, 'still visible');
    await waitUntil(() => text().includes('still visible'));
    expect(text()).not.to.contain('grace@example.com');
    expect(text()).not.to.contain('second draft');
  });

  it('data-cck-mask covers open shadow roots, same-origin frames and attributes of the masked subtree', async () => {
    const page = fixture(`
      <div data-cck-mask id="masked-host"><span id="host"></span></div>
      <a data-cck-mask href="/account/4111" title="Card 4111-TITLE">SHOWN-LINK-TEXT</a>
      <iframe id="frame" data-cck-mask></iframe>`);
    const shadow = page.querySelector('#host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<p>SHADOW-SECRET</p><input value="SHADOW-INPUT" data-cck-unmask>';
    const frame = page.querySelector<HTMLIFrameElement>('#frame')!;
    frame.contentDocument!.body.innerHTML = '<p>FRAME-SECRET</p>';
    const { text } = await record();
    await settle();
    shadow.querySelector('p')!.textContent = 'SHADOW-LATER';
    frame.contentDocument!.body.insertAdjacentHTML('beforeend', '<p>FRAME-LATER</p>');
    page.querySelector('a')!.setAttribute('title', 'TITLE-LATER');
    await settle();
    await settle();
    for (const secret of ['SHADOW-SECRET', 'SHADOW-INPUT', 'Card 4111-TITLE', '/account/4111', 'SHOWN-LINK-TEXT', 'FRAME-SECRET', 'SHADOW-LATER', 'FRAME-LATER', 'TITLE-LATER']) {
      expect(text(), secret).not.to.contain(secret);
    }
  });

  it('data-cck-block leaves a shadow tree out even when the block is outside it', async () => {
    const page = fixture(`<div data-cck-block><span id="host"></span></div>`);
    const shadow = page.querySelector('#host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<p>BLOCKED-SHADOW</p>';
    const { text } = await record();
    shadow.querySelector('p')!.textContent = 'BLOCKED-LATER';
    await settle();
    await settle();
    expect(text()).not.to.contain('BLOCKED-SHADOW');
    expect(text()).not.to.contain('BLOCKED-LATER');
  });
});
