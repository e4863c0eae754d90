/**
 * The agent's side of the warm-up (see record-warm-up.ts): rrweb's replayer is as slow on its first
 * snapshot as the recorder is on its first recording. While the agent waits for the customer, a
 * scratch element of the agent's own page is recorded (nothing else of it: the rest is blocked) and
 * shown in a replica that nobody sees, through the same mirror the customer's page will use; then
 * all of it is taken down, in one task.
 */
import type { eventWithTime } from '@rrweb/types';
import { ChunkWriter } from '../builtin/chunks.js';
import { CobrowseMirror } from './mirror.js';
import { recordScratch } from './record-warm-up.js';

const warmed = new WeakSet<Document>();

export function warmUpMirror(doc: Document): void {
  if (warmed.has(doc)) return;
  const events: eventWithTime[] = [];
  if (!recordScratch(doc, (event) => events.push(event)) || events.length === 0) return;
  warmed.add(doc);
  const container = doc.createElement('div');
  // Laid out (the replayer measures its frame) but off screen, unseen and out of the accessibility tree.
  container.style.cssText = 'position: fixed; left: -10000px; top: 0; width: 320px; height: 200px; visibility: hidden; pointer-events: none; contain: strict;';
  container.setAttribute('aria-hidden', 'true');
  doc.body.append(container);
  const mirror = new CobrowseMirror({ onActive: () => {}, onResync: () => {} });
  try {
    mirror.attach(container);
    for (const chunk of new ChunkWriter('warm-up').write(JSON.stringify(events))) mirror.push(chunk);
  } catch {
    // Only a warm-up: the customer's page is shown by a mirror of its own.
  } finally {
    mirror.dispose();
    container.remove();
  }
}
