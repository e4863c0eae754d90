/**
 * <chat-call-panel> hands its engine to the elements inside it (Context Protocol): a slotted
 * <cobrowse-launcher> and a nested <call-controls> use it with no host code, whichever element is
 * upgraded first; an engine set on the element itself wins. `engine-change` tells the host.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/components/call-controls/call-controls.js';
import type { CallControls } from '../../src/components/call-controls/call-controls.component.js';
import '../../src/components/chat-call-panel/chat-call-panel.js';
import { ChatCallPanel } from '../../src/components/chat-call-panel/chat-call-panel.component.js';
import '../../src/components/cobrowse-launcher/cobrowse-launcher.js';
import type { CobrowseLauncher } from '../../src/components/cobrowse-launcher/cobrowse-launcher.component.js';
import { CallEngine } from '../../src/engine/call-engine.js';
import type { EngineChangeEvent } from '../../src/events/engine-change.js';
import { MemoryHub } from '../../src/signaling/memory-transport.js';

const engines: CallEngine[] = [];
let count = 0;

function engine(role: 'agent' | 'customer' = 'agent'): CallEngine {
  const made = new CallEngine({ transport: new MemoryHub().createTransport({ conversationId: `ctx-${++count}`, role }) });
  engines.push(made);
  return made;
}

afterEach(() => {
  for (const made of engines.splice(0)) made.dispose();
});

describe('engine context', () => {
  it('a slotted <cobrowse-launcher> and a nested <call-controls> use the panel engine', async () => {
    const agent = engine();
    const panel = await fixture<ChatCallPanel>(html`
      <chat-call-panel .engine=${agent}>
        <cobrowse-launcher slot="actions"></cobrowse-launcher>
        <div><call-controls></call-controls></div>
      </chat-call-panel>
    `);
    const launcher = panel.querySelector<CobrowseLauncher>('cobrowse-launcher')!;
    const controls = panel.querySelector<CallControls>('call-controls')!;
    await launcher.updateComplete;
    expect(controls.engine).to.equal(agent);
    expect(launcher.engagement?.transport).to.equal(agent.transport);
  });

  it('follows the panel when its engine is replaced, and lets go when it is dropped', async () => {
    const first = engine();
    const second = engine();
    const panel = await fixture<ChatCallPanel>(html`<chat-call-panel .engine=${first}><call-controls slot="actions"></call-controls></chat-call-panel>`);
    const controls = panel.querySelector<CallControls>('call-controls')!;
    panel.engine = second;
    expect(controls.engine).to.equal(second);
    panel.engine = undefined;
    expect(controls.engine).to.equal(undefined);
  });

  it('reaches elements that were upgraded before the panel around them', async () => {
    const agent = engine();
    const wrapper = await fixture<HTMLDivElement>(html`<div>
      <late-upgraded-panel><cobrowse-launcher slot="actions"></cobrowse-launcher><call-controls slot="actions"></call-controls></late-upgraded-panel>
    </div>`);
    const controls = wrapper.querySelector<CallControls>('call-controls')!;
    const launcher = wrapper.querySelector<CobrowseLauncher>('cobrowse-launcher')!;
    expect(controls.engine, 'no panel yet').to.equal(undefined);
    customElements.define('late-upgraded-panel', class extends ChatCallPanel {});
    const panel = wrapper.querySelector<ChatCallPanel>('late-upgraded-panel')!;
    panel.engine = agent;
    await waitUntil(() => controls.engine === agent, 'the controls got the engine of the panel upgraded after them');
    await waitUntil(() => launcher.engagement?.transport === agent.transport, 'so did the launcher');
  });

  it('an engine set on the element wins over the panel one', async () => {
    const panelEngine = engine();
    const own = engine();
    const panel = await fixture<ChatCallPanel>(html`<chat-call-panel .engine=${panelEngine}>
      <call-controls slot="actions" .engine=${own}></call-controls>
      <cobrowse-launcher slot="actions" .engine=${own}></cobrowse-launcher>
    </chat-call-panel>`);
    const launcher = panel.querySelector<CobrowseLauncher>('cobrowse-launcher')!;
    await launcher.updateComplete;
    expect(panel.querySelector<CallControls>('call-controls')!.engine).to.equal(own);
    expect(launcher.engagement?.transport).to.equal(own.transport);
  });

  it('fires engine-change when the panel engine is set, replaced and dropped', async () => {
    const panel = await fixture<ChatCallPanel>(html`<chat-call-panel></chat-call-panel>`);
    const seen: Array<CallEngine | undefined> = [];
    panel.addEventListener('engine-change', (event: EngineChangeEvent) => seen.push(event.detail.engine));
    const first = engine();
    const second = engine();
    panel.engine = first;
    panel.engine = first;
    panel.engine = second;
    panel.engine = undefined;
    expect(seen).to.deep.equal([first, second, undefined]);
  });
});
