/**
 * The React wrappers (`chat-call-kit/react`) render the real elements, pass the engine as a
 * property and map the elements' events to `on...` props.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { CallEngine } from '../../src/engine/call-engine.js';
import { MemoryHub } from '../../src/signaling/memory-transport.js';
import { CallControls, ChatCallPanel, CobrowseLauncher } from '../../src/react/index.js';
import type { ChatCallPanel as ChatCallPanelElement } from '../../src/components/chat-call-panel/chat-call-panel.component.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;


describe('React wrappers', () => {
  let container: HTMLDivElement;
  let root: Root;
  const engines: CallEngine[] = [];

  beforeEach(() => {
    container = document.createElement('div');
    document.body.append(container);
    root = createRoot(container);
  });

  afterEach(async () => {
    await act(async () => root.unmount());
    container.remove();
    for (const engine of engines.splice(0)) engine.dispose();
  });

  it('renders <chat-call-panel> with the engine as a property and calls onCallStateChange', async () => {
    const hub = new MemoryHub();
    const agent = new CallEngine({ transport: hub.createTransport({ conversationId: 'react', role: 'agent' }) });
    const customer = new CallEngine({ transport: hub.createTransport({ conversationId: 'react', role: 'customer' }) });
    engines.push(agent, customer);
    const phases: string[] = [];
    await act(async () => {
      root.render(
        createElement(ChatCallPanel, {
          participant: 'customer',
          engine: customer,
          onCallStateChange: (event) => phases.push(event.detail.state.phase),
        } as Parameters<typeof ChatCallPanel>[0]),
      );
    });
    const element = container.querySelector('chat-call-panel') as ChatCallPanelElement;
    expect(element).to.exist;
    expect(element.engine).to.equal(customer);
    expect(element.getAttribute('participant')).to.equal('customer');
    expect(element.hasAttribute('role'), 'no ARIA role attribute on the host').to.equal(false);
    await customer.connect();
    await agent.startCall({ video: false });
    await waitUntil(() => phases.includes('incoming'), 'the React handler saw the call ringing');
    await element.updateComplete;
    expect(element.shadowRoot!.textContent).to.contain('Accept with audio');
  });

  it('renders <call-controls> and <cobrowse-launcher> and maps their events', async () => {
    const kinds: string[] = [];
    await act(async () => {
      root.render(
        createElement('div', null, [
          createElement(CallControls, { key: 'c' }),
          createElement(CobrowseLauncher, {
            key: 'l',
            kind: 'screen-share',
            onVisualEngagementRequest: (event: CustomEvent<{ kind: string }>) => kinds.push(event.detail.kind),
          } as Parameters<typeof CobrowseLauncher>[0]),
        ]),
      );
    });
    expect(container.querySelector('call-controls')).to.exist;
    const launcher = container.querySelector('cobrowse-launcher')!;
    await (launcher as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    expect(launcher.getAttribute('kind')).to.equal('screen-share');
    launcher.shadowRoot!.querySelector<HTMLButtonElement>('button')!.click();
    expect(kinds).to.deep.equal(['screen-share']);
  });
});
