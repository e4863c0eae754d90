import { expect } from '@open-wc/testing';
import { coalesce } from '../../src/providers/cobrowse/record.js';
import { RuleRepair, isBrokenRule, splitRules } from '../../src/providers/cobrowse/css-repair.js';
import { frameImage } from '../../src/providers/cobrowse/canvas-replay.js';
import { PseudoStates } from '../../src/providers/cobrowse/pseudo-states.js';
import { deepElementFromPoint } from '../../src/providers/cobrowse/hit-test.js';
import { watchRemovedBoxes, type RemovedBox } from '../../src/providers/cobrowse/removed-boxes.js';
import { PrivacyRules } from '../../src/providers/cobrowse/privacy.js';
import { sanitizeEvents } from '../../src/providers/cobrowse/sanitize.js';
import { canvasesOf, withoutCanvasPixels } from '../../src/providers/cobrowse/canvas-snapshot.js';
import { useLeanStyles } from '../../src/providers/cobrowse/replay-css.js';
import { Replayer } from 'rrweb';

const until = async (check: () => boolean, ms = 2_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('co-browse batches', () => {
  it('keep the last value of each field, unless a DOM change came between', () => {
    const input = (id: number, text: string, t: number) => ({ type: 3, data: { source: 5, id, text, isChecked: false }, timestamp: t });
    const mutation = (t: number) => ({ type: 3, data: { source: 0, texts: [], attributes: [], removes: [], adds: [] }, timestamp: t });
    const events = [input(1, 'a', 1), input(2, 'x', 2), input(1, 'ab', 3), mutation(4), input(1, 'abc', 5), input(1, 'abcd', 6)] as never[];
    const kept = coalesce(events) as unknown as Array<{ timestamp: number }>;
    expect(kept.map((e) => e.timestamp)).to.deep.equal([2, 3, 4, 6]);
  });
});

describe('rules Chromium cannot serialize', () => {
  it('are recognised by their empty longhands', () => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('.a { border: solid var(--w) red; border-top-width: 3px; } .b { color: red; }');
    expect(isBrokenRule(sheet.cssRules[0]!.cssText)).to.equal(true);
    expect(isBrokenRule(sheet.cssRules[1]!.cssText)).to.equal(false);
  });

  it('split a source into its top-level rules (comments, strings and nested blocks kept whole)', () => {
    const source = `@import url("x.css"); /* a { } */ .a { content: "}"; } @media (min-width: 1px) { .b { color: red; } } .c{}`;
    expect(splitRules(source)).to.deep.equal(['@import url("x.css");', '.a { content: "}"; }', '@media (min-width: 1px) { .b { color: red; } }', '.c{}']);
  });

  it("are repaired from a Lit component's source text", () => {
    const source = ':host { display: block; } .alert { border: solid var(--w, 1px) rgb(1, 2, 3); border-top-width: 3px; }';
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(source);
    const tag = `x-lit-like-${Math.random().toString(36).slice(2)}`;
    customElements.define(
      tag,
      class extends HTMLElement {
        static elementStyles = [{ cssText: source, styleSheet: sheet }];
        constructor() {
          super();
          this.attachShadow({ mode: 'open' }).adoptedStyleSheets = [sheet];
        }
      },
    );
    const element = document.createElement(tag);
    document.body.append(element);
    try {
      const broken = sheet.cssRules[1]!.cssText;
      expect(new RuleRepair(document).repair(broken)).to.equal('.alert { border: solid var(--w, 1px) rgb(1, 2, 3); border-top-width: 3px; }');
      expect(new RuleRepair(document).repair('.ok { color: red; }')).to.equal('.ok { color: red; }');
    } finally {
      element.remove();
    }
  });
});

describe('replica helpers', () => {
  it('decode a sampled canvas frame into its image', async () => {
    const png = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));
    let base64 = '';
    for (const byte of png) base64 += String.fromCharCode(byte);
    const data = {
      id: 4,
      type: 0,
      commands: [
        { property: 'clearRect', args: [0, 0, 1, 1] },
        { property: 'drawImage', args: [{ rr_type: 'ImageBitmap', args: [{ rr_type: 'Blob', data: [{ rr_type: 'ArrayBuffer', base64: btoa(base64) }], type: 'image/png' }] }, 0, 0] },
      ],
    };
    const image = frameImage(data as never)!;
    expect(image.type).to.equal('image/png');
    const bitmap = await createImageBitmap(image);
    expect([bitmap.width, bitmap.height]).to.deep.equal([1, 1]);
    expect(frameImage({ id: 4, type: 0, commands: [{ property: 'fillRect', args: [0, 0, 1, 1] }] } as never)).to.equal(undefined);
  });

  it('show :hover and :focus styles by class, through shadow roots, and move them', () => {
    const host = document.createElement('div');
    host.innerHTML = '<style>#h:hover { color: rgb(255, 0, 0); } #f:focus { color: rgb(0, 128, 0); } #p:focus-within { color: rgb(0, 0, 255); }</style><div id="p"><span id="h">h</span><input id="f"></div>';
    document.body.append(host);
    try {
      const states = new PseudoStates();
      const color = (id: string) => getComputedStyle(host.querySelector(`#${id}`)!).color;
      states.set('hover', host.querySelector('#h'));
      states.set('focus', host.querySelector('#f'));
      expect([color('h'), color('f'), color('p')]).to.deep.equal(['rgb(255, 0, 0)', 'rgb(0, 128, 0)', 'rgb(0, 0, 255)']);
      states.set('hover', null);
      expect(color('h')).to.not.equal('rgb(255, 0, 0)');
    } finally {
      host.remove();
    }
  });

  it('find the element under a point inside shadow roots and same-origin frames', async () => {
    const host = document.createElement('div');
    host.style.cssText = 'position: fixed; left: 0; top: 0; width: 400px; height: 300px; background: #fff; z-index: 9';
    const shadowHost = document.createElement('div');
    shadowHost.attachShadow({ mode: 'open' }).innerHTML = '<input id="inner" style="display:block;width:200px;height:30px;margin:0">';
    const frame = document.createElement('iframe');
    frame.style.cssText = 'display:block; width: 300px; height: 100px; border: 5px solid #000; margin: 0';
    host.append(shadowHost, frame);
    document.body.append(host);
    try {
      frame.contentDocument!.body.innerHTML = '<button id="b" style="display:block;margin:0;width:100px;height:40px">b</button>';
      frame.contentDocument!.body.style.margin = '0';
      expect(deepElementFromPoint(document, 10, 10)?.element.id).to.equal('inner');
      const frameBox = frame.getBoundingClientRect();
      const hit = deepElementFromPoint(document, 20, frameBox.top + 5 + 20)!;
      expect(hit.element.id).to.equal('b');
      expect([hit.offsetX, hit.offsetY]).to.deep.equal([frameBox.left + 5, frameBox.top + 5], 'the frame viewport starts inside its border');
    } finally {
      host.remove();
    }
  });

  it("send a removed element's new size whenever it changes", async () => {
    const box = document.createElement('div');
    box.setAttribute('data-cck-block', '');
    box.style.cssText = 'width: 300px; height: 200px';
    document.body.append(box);
    const sizes: RemovedBox[] = [];
    const stop = watchRemovedBoxes(document, '[data-cck-block]', (node) => (node === box ? 7 : -1), (size) => sizes.push(size));
    try {
      await until(() => sizes.length === 1);
      box.style.height = '40px';
      await until(() => sizes.length === 2);
      expect(sizes).to.deep.equal([
        { id: 7, width: 300, height: 200, display: 'block' },
        { id: 7, width: 300, height: 40, display: 'block' },
      ]);
    } finally {
      stop();
      box.remove();
    }
  });
});

describe('masked canvases', () => {
  it('are removed wherever the mask is, across shadow roots: no pixels in the snapshot, no frames', () => {
    const masked = document.createElement('div');
    masked.setAttribute('data-cck-mask', '');
    const host = document.createElement('div');
    masked.append(host);
    const hidden = document.createElement('canvas');
    host.attachShadow({ mode: 'open' }).append(hidden);
    const shown = document.createElement('canvas');
    document.body.append(masked, shown);
    try {
      const rules = new PrivacyRules();
      expect(rules.contextOf(hidden).blocked, 'a canvas in a masked subtree').to.equal(true);
      expect(rules.contextOf(shown).blocked, 'a canvas elsewhere').to.equal(false);
      const light = document.createElement('canvas');
      masked.append(light);
      expect([light.matches(rules.blockSelector), shown.matches(rules.blockSelector)], 'rrweb itself skips masked canvases a selector reaches').to.deep.equal([true, false]);
      const ids = new Map<number, Node>([
        [1, hidden],
        [2, shown],
      ]);
      const lookup = { getNode: (id: number) => ids.get(id) ?? null };
      const frame = (id: number) => ({ type: 3, timestamp: 1, data: { source: 9, id, type: 0, commands: [] } });
      const snapshot = {
        type: 2,
        timestamp: 1,
        data: { node: { type: 2, id: 1, tagName: 'canvas', attributes: { width: '300', height: '150', rr_dataURL: 'data:image/webp;base64,SECRET' }, childNodes: [] }, initialOffset: { top: 0, left: 0 } },
      };
      const kept = sanitizeEvents([frame(1), frame(2), frame(99), snapshot] as never[], lookup, rules, document) as unknown as Array<{ type: number; data: { id?: number; node?: { attributes: Record<string, string> } } }>;
      expect(kept.filter((event) => event.type === 3).map((event) => event.data.id), 'frames of the shown canvas only (an unknown one fails closed)').to.deep.equal([2]);
      expect(JSON.stringify(kept)).to.not.include('SECRET');
    } finally {
      masked.remove();
      shown.remove();
    }
  });
});

describe('the first snapshot', () => {
  it("marks every canvas (shadow roots included) as rrweb's snapshot skips them, and gives each its own mark back", () => {
    const plain = document.createElement('canvas');
    const seen = document.createElement('canvas');
    (seen as unknown as { __context: string }).__context = '2d';
    const host = document.createElement('div');
    const inner = document.createElement('canvas');
    host.attachShadow({ mode: 'open' }).append(inner);
    document.body.append(plain, seen, host);
    try {
      const canvases = canvasesOf(document);
      expect(canvases).to.include.members([plain, seen, inner]);
      const mark = (canvas: HTMLCanvasElement) => (canvas as unknown as { __context?: string }).__context;
      const during = withoutCanvasPixels(canvases, () => [plain, seen, inner].map(mark));
      expect(during.every((value) => value !== undefined && value !== '2d'), 'neither absent nor 2d while rrweb serializes').to.equal(true);
      expect([plain, seen, inner].map(mark)).to.deep.equal([undefined, '2d', undefined]);
      expect('__context' in plain).to.equal(false);
    } finally {
      plain.remove();
      seen.remove();
      host.remove();
    }
  });

  it("goes without the SDK's own shadow-root styles and the focus of nodes the agent cannot see", () => {
    const launcher = document.createElement('cobrowse-launcher');
    const field = document.createElement('input');
    document.body.append(launcher, field);
    try {
      const ids = new Map<number, Node>([
        [1, launcher],
        [2, field],
      ]);
      const lookup = { getNode: (id: number) => ids.get(id) ?? null };
      const sheets = (id: number) => ({ type: 3, timestamp: 1, data: { source: 15, id, styleIds: [1], styles: [{ styleId: 1, rules: [{ rule: '.a{}' }] }] } });
      const focus = (id: number) => ({ type: 3, timestamp: 1, data: { source: 2, type: 5, id } });
      const kept = sanitizeEvents([sheets(1), sheets(2), focus(-1), focus(1), focus(2)] as never[], lookup, new PrivacyRules(), document) as unknown as Array<{ data: { source: number; id: number } }>;
      expect(kept.map((event) => [event.data.source, event.data.id])).to.deep.equal([
        [15, 2],
        [2, 2],
      ]);
    } finally {
      launcher.remove();
      field.remove();
    }
  });
});

describe("the replica's styles", () => {
  it("skip rrweb's postcss pass (hover twins come from pseudo-states.ts); device-size queries are still read as the viewport's", () => {
    const root = document.createElement('div');
    document.body.append(root);
    const replayer = new Replayer([], { root, liveMode: true, showWarning: false });
    try {
      const cache = (replayer as unknown as { cache: { stylesWithHoverClass: Map<string, string> } }).cache;
      expect(cache.stylesWithHoverClass, "this rrweb keeps its adapted styles where useLeanStyles expects").to.be.instanceOf(Map);
      useLeanStyles(replayer);
      const lean = (replayer as unknown as { cache: { stylesWithHoverClass: Map<string, string> } }).cache.stylesWithHoverClass;
      expect(lean.get('@media (min-device-width: 600px) { a:hover { color: red; } }')).to.equal('@media (min-width: 600px) { a:hover { color: red; } }');
    } finally {
      replayer.destroy();
      root.remove();
    }
  });
});
