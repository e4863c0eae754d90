/**
 * How fast the customer's page reaches the agent (rrweb for real, in this page): the snapshot and
 * the stylesheets rrweb adds after it travel as one batch, DOM changes after that go at once, and
 * the warm-up run while the customer reads the consent prompt leaves nothing behind.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { ChunkReader, type Chunk } from '../../src/providers/builtin/chunks.js';
import { PrivacyRules } from '../../src/providers/cobrowse/privacy.js';
import { Recorder } from '../../src/providers/cobrowse/record.js';
import { warmUpRecorder } from '../../src/providers/cobrowse/record-warm-up.js';
import { warmUpMirror } from '../../src/providers/cobrowse/mirror-warm-up.js';
import { loadRrweb, rrweb } from '../../src/providers/cobrowse/rrweb-runtime.js';

type RrwebEvent = { type: number; data: { source?: number; id?: number; [key: string]: unknown } };

const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const MUTATION = 0;
const ADOPTED_STYLE_SHEET = 15;

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).reverse().forEach((cleanup) => cleanup()));

/** `count` elements with an open shadow root each, styled by an adopted stylesheet (as Lit and Shoelace components are). */
function shadowHosts(count: number): HTMLElement {
  const page = document.createElement('main');
  for (let n = 0; n < count; n += 1) {
    const host = document.createElement('div');
    host.className = `host-${n}`;
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = `<span>inside ${n}</span>`;
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(`span { color: rgb(${n}, 0, 0); }`);
    shadow.adoptedStyleSheets = [sheet];
    page.append(host);
  }
  document.body.append(page);
  cleanups.push(() => page.remove());
  return page;
}

/** Starts a recorder; `batches()` is what it sent, one array of events per batch. */
async function recordBatches(): Promise<{ recorder: Recorder; batches: () => RrwebEvent[][] }> {
  await loadRrweb();
  const chunks: Chunk[] = [];
  const recorder = new Recorder({ document, privacy: new PrivacyRules(), send: (chunk) => chunks.push(chunk) });
  recorder.start();
  cleanups.push(() => recorder.stop());
  const batches = () => {
    const reader = new ChunkReader();
    return chunks.flatMap((chunk) => {
      const result = reader.read(chunk);
      return result.kind === 'batch' ? [JSON.parse(result.text) as RrwebEvent[]] : [];
    });
  };
  return { recorder, batches };
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the first snapshot', () => {
  it("goes at once, and every shadow root's adopted stylesheets (rrweb adds each in a task of its own) follow in one batch", async () => {
    shadowHosts(12);
    const { batches } = await recordBatches();
    // Sent before any task ran.
    await Promise.resolve();
    expect(batches()).to.have.length(1);
    expect(batches()[0]!.some((event) => event.type === FULL_SNAPSHOT)).to.equal(true);
    await waitUntil(() => batches().length > 1, 'the stylesheets were sent');
    const sheets = batches()[1]!.filter((event) => event.type === INCREMENTAL && event.data.source === ADOPTED_STYLE_SHEET);
    expect(sheets.map((event) => event.data.id)).to.have.length(12, 'each host styled, all in the second batch');
    // Nothing else trickles in after it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(batches()).to.have.length(2);
  });

  it('is followed by DOM changes sent as they happen, not held', async () => {
    const page = shadowHosts(3);
    const { batches } = await recordBatches();
    await waitUntil(() => batches().length > 0, 'the snapshot was sent');
    await nextTask();
    const before = batches().length;
    const added = document.createElement('p');
    added.textContent = 'added after the snapshot';
    page.append(added);
    // rrweb's mutation observer reports at the next microtask, the recorder sends at the one after.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(batches().length).to.equal(before + 1);
    expect(JSON.stringify(batches().at(-1))).to.contain('added after the snapshot');
    expect(batches().at(-1)!.some((event) => event.type === INCREMENTAL && event.data.source === MUTATION)).to.equal(true);
  });

  it('a new recording (a resync) is batched the same way, under its new epoch', async () => {
    shadowHosts(5);
    const { recorder, batches } = await recordBatches();
    await waitUntil(() => batches().length > 0);
    const count = batches().length;
    recorder.start();
    await waitUntil(() => batches().length > count + 1, 'the second snapshot and its stylesheets were sent');
    expect(batches()[count]!.some((event) => event.type === FULL_SNAPSHOT)).to.equal(true);
    expect(batches()[count + 1]!.filter((event) => event.data.source === ADOPTED_STYLE_SHEET)).to.have.length(5);
  });

  it("is taken without rrweb's canvas worker on a page with no canvas; a canvas added later starts a fresh snapshot, and its frames follow", async () => {
    const Native = window.Worker;
    let workers = 0;
    window.Worker = class extends Native {
      constructor(...args: ConstructorParameters<typeof Worker>) {
        super(...args);
        workers += 1;
      }
    };
    cleanups.push(() => (window.Worker = Native));
    const { batches } = await recordBatches();
    await waitUntil(() => batches().length > 0);
    const snapshots = () => batches().filter((batch) => batch.some((event) => event.type === FULL_SNAPSHOT)).length;
    expect(workers).to.equal(0);
    const canvas = document.createElement('canvas');
    canvas.width = 40;
    canvas.height = 20;
    document.body.append(canvas);
    cleanups.push(() => canvas.remove());
    const context = canvas.getContext('2d')!;
    context.fillStyle = 'rgb(200, 0, 0)';
    context.fillRect(0, 0, 40, 20);
    await waitUntil(() => snapshots() === 2, 'a fresh snapshot');
    expect(workers).to.equal(1);
    const CANVAS_MUTATION = 9;
    await waitUntil(() => batches().flat().some((event) => event.type === INCREMENTAL && event.data.source === CANVAS_MUTATION), 'a frame of the canvas', { timeout: 5_000 });
    // And only once: further canvases come with the recording as it is.
    const another = document.createElement('canvas');
    document.body.append(another);
    cleanups.push(() => another.remove());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(snapshots()).to.equal(2);
  });
});

/** Records what happens to this page's body while `run` runs (the warm-up works in one task). */
async function bodyChanges(run: () => void): Promise<{ added: Node[]; removed: Node[] }> {
  const records: MutationRecord[] = [];
  const observer = new MutationObserver((found) => records.push(...found));
  observer.observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
  run();
  records.push(...observer.takeRecords());
  observer.disconnect();
  return { added: records.flatMap((record) => [...record.addedNodes]), removed: records.flatMap((record) => [...record.removedNodes]) };
}

// In this order: the warm-up runs once per page, and the first test must find this page not warmed yet.
describe('the warm-up while the customer reads the consent prompt', () => {
  it('does not run while a recording is running (rrweb records one page at a time)', async () => {
    const { recorder, batches } = await recordBatches();
    await waitUntil(() => batches().length > 0);
    await nextTask();
    const count = batches().length;
    const changes = await bodyChanges(() => warmUpRecorder(document));
    expect(changes.added).to.have.length(0, 'no scratch element');
    expect(recorder.recording).to.equal(true);
    // The running recording still sees the page: a second rrweb recording would have reset its node ids.
    const added = document.createElement('p');
    added.textContent = 'still recorded';
    document.body.append(added);
    cleanups.push(() => added.remove());
    await waitUntil(() => batches().length > count, 'the change was sent');
    expect(JSON.stringify(batches().at(-1))).to.contain('still recorded');
    expect(rrweb().record.mirror.getId(added)).to.be.greaterThan(0);
  });

  it('leaves the page as it was: its one scratch element came and went in the same task, rrweb is stopped', async () => {
    await loadRrweb();
    const page = document.createElement('main');
    page.innerHTML = '<p id="order">Order 48737-2</p><input id="csc" value="737">';
    document.body.append(page);
    cleanups.push(() => page.remove());
    const before = document.body.innerHTML;
    const insertRule = CSSStyleSheet.prototype.insertRule;
    const changes = await bodyChanges(() => warmUpRecorder(document));
    expect(changes.added).to.have.length(1);
    expect((changes.added[0] as Element).hasAttribute('data-cck-warm-up')).to.equal(true);
    expect(changes.removed).to.deep.equal(changes.added);
    expect(document.body.innerHTML).to.equal(before);
    // rrweb wraps stylesheet methods while it records, and unwraps them when stopped.
    expect(CSSStyleSheet.prototype.insertRule).to.equal(insertRule);
  });

  it('runs once per page', async () => {
    const changes = await bodyChanges(() => warmUpRecorder(document));
    expect(changes.added).to.have.length(0);
  });
});

describe("the agent's warm-up while the PIN is on its way", () => {
  it('builds a replica of a scratch element nobody sees, and takes all of it down in the same task', async () => {
    await loadRrweb();
    const before = document.body.innerHTML;
    const changes = await bodyChanges(() => warmUpMirror(document));
    const added = changes.added.filter((node): node is Element => node instanceof Element);
    expect(added.some((element) => element.hasAttribute('data-cck-warm-up')), 'the scratch element was recorded').to.equal(true);
    expect(added.some((element) => element.classList.contains('cck-mirror')), 'and shown in a replica').to.equal(true);
    expect(added.every((element) => !element.isConnected)).to.equal(true);
    expect(document.body.innerHTML).to.equal(before);
    expect(document.querySelectorAll('iframe')).to.have.length(0);
  });

  it('runs once per page', async () => {
    const changes = await bodyChanges(() => warmUpMirror(document));
    expect(changes.added).to.have.length(0);
  });
});
