/**
 * The side of the conversation is the `participant` attribute, never `role`: `role` is ARIA's, and a
 * host carrying `role="agent"` is a critical `aria-roles` violation on every page using the SDK.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/components/chat-call-panel/chat-call-panel.js';
import '../../src/components/cobrowse-launcher/cobrowse-launcher.js';
import type { ChatCallPanel } from '../../src/components/chat-call-panel/chat-call-panel.component.js';
import type { CobrowseLauncher } from '../../src/components/cobrowse-launcher/cobrowse-launcher.component.js';
import { CallEngine } from '../../src/engine/call-engine.js';
import { MemoryHub } from '../../src/signaling/memory-transport.js';

const engines: CallEngine[] = [];
afterEach(() => {
  for (const engine of engines.splice(0)) engine.dispose();
});

function engineFor(participant: 'agent' | 'customer'): CallEngine {
  const engine = new CallEngine({ transport: new MemoryHub().createTransport({ conversationId: 'participant', role: participant }) });
  engines.push(engine);
  return engine;
}

for (const participant of ['agent', 'customer'] as const) {
  describe(`participant="${participant}"`, () => {
    it('<chat-call-panel> reflects participant and carries no ARIA role on the host', async () => {
      const panel = await fixture<ChatCallPanel>(html`<chat-call-panel participant=${participant} .engine=${engineFor(participant)}></chat-call-panel>`);
      expect(panel.participant).to.equal(participant);
      expect(panel.getAttribute('participant')).to.equal(participant);
      expect(panel.hasAttribute('role')).to.equal(false);
      await expect(panel).to.be.accessible();
    });

    it('<cobrowse-launcher> reflects participant and carries no ARIA role on the host', async () => {
      const launcher = await fixture<CobrowseLauncher>(html`<cobrowse-launcher participant=${participant}></cobrowse-launcher>`);
      expect(launcher.getAttribute('participant')).to.equal(participant);
      expect(launcher.hasAttribute('role')).to.equal(false);
      await expect(launcher).to.be.accessible();
    });

    it('the property reflects to the attribute', async () => {
      const panel = await fixture<ChatCallPanel>(html`<chat-call-panel></chat-call-panel>`);
      panel.participant = participant;
      await panel.updateComplete;
      expect(panel.getAttribute('participant')).to.equal(participant);
      expect(panel.hasAttribute('role')).to.equal(false);
    });
  });
}

it('axe does check the host: the old role="agent" would be an aria-roles violation', async () => {
  // The control case: proves the accessibility checks above would catch the old attribute.
  const panel = await fixture<ChatCallPanel>(html`<chat-call-panel role="agent" .engine=${engineFor('agent')}></chat-call-panel>`);
  await expect(panel).not.to.be.accessible();
});
