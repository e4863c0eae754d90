/**
 * rrweb's first recording in a page is several times slower than any later one: its functions are
 * compiled on first use, and it builds clean copies of DOM prototypes from scratch iframes. On a
 * Shoelace page that was 40 of the 150 ms from the customer's accept to the agent's first view.
 * While the customer reads the consent prompt, a warm-up pays it once: a recording of a small scratch
 * element of our own, everything of the page blocked (rrweb keeps only their tags and sizes), its
 * events dropped right where rrweb emits them, stopped at once, in one task. The accepted recording
 * then starts warm.
 */
import type { eventWithTime } from '@rrweb/types';
import { rrweb } from './rrweb-runtime.js';
import { recorderRunning, recordOptions } from './record.js';

const SCRATCH_ATTRIBUTE = 'data-cck-warm-up';
/** Everything but the scratch element: the page's elements are neither walked nor kept. */
const BLOCK_ALL_BUT_SCRATCH = `head > *, body > :not([${SCRATCH_ATTRIBUTE}])`;

const warmed = new WeakSet<Document>();

/** Warms rrweb's recorder up in `doc` once, unless a recording is running or the page is still loading. */
export function warmUpRecorder(doc: Document): void {
  if (warmed.has(doc)) return;
  if (recordScratch(doc, () => {})) warmed.add(doc);
}

/**
 * Records the scratch element alone, in one task, handing rrweb's events to `emit` (the agent's
 * warm-up replays them). False when it could not run: a recording is running, the page is loading.
 */
export function recordScratch(doc: Document, emit: (event: eventWithTime) => void): boolean {
  if (recorderRunning() || doc.readyState === 'loading' || !doc.body) return false;
  const scratch = scratchElement(doc);
  doc.body.append(scratch);
  try {
    const stop = rrweb().record({ ...recordOptions({}, 0), blockSelector: BLOCK_ALL_BUT_SCRATCH, emit });
    stop?.();
  } catch {
    // Only a warm-up: the real recording reports its own errors.
  } finally {
    scratch.remove();
  }
  return true;
}

/** A little of what pages are made of: text, a stylesheet, form fields, SVG, a shadow root with an adopted sheet. */
function scratchElement(doc: Document): HTMLElement {
  const scratch = doc.createElement('div');
  scratch.setAttribute(SCRATCH_ATTRIBUTE, '');
  scratch.hidden = true;
  scratch.innerHTML =
    '<style>.cck-w { color: #123; } @media (min-width: 1px) { .cck-w b { margin: 0; } }</style>' +
    '<p class="cck-w" id="cck-w" style="padding: 1px">text <b>bold</b> <a href="#cck-w">link</a></p>' +
    '<form><input type="text" value="x"><input type="checkbox" checked><select><option selected>o</option></select><textarea>t</textarea><button type="button">b</button></form>' +
    '<svg viewBox="0 0 1 1" width="1" height="1"><path d="M0 0h1"></path></svg><img alt="">';
  const host = doc.createElement('div');
  const shadow = host.attachShadow({ mode: 'open' });
  shadow.innerHTML = '<span part="x">shadow</span><slot></slot>';
  const View = doc.defaultView;
  if (View && 'adoptedStyleSheets' in shadow && typeof View.CSSStyleSheet === 'function') {
    try {
      const sheet = new View.CSSStyleSheet();
      sheet.replaceSync(':host { display: block; } span { color: #123; }');
      shadow.adoptedStyleSheets = [sheet];
    } catch {
      // No constructable stylesheets here: the rest still warms up.
    }
  }
  host.append(doc.createTextNode('slotted'));
  scratch.append(host);
  return scratch;
}
