/**
 * The built-in co-browse provider in one page: the test page is the customer's page (recorded with
 * rrweb), the agent's view is a container on the same page (left out of the recording with
 * `data-cck-block`). Both sides run real `VisualEngagement`s over a `MemoryHub`, with the in-memory
 * PIN service.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { VisualEngagement } from '../../src/providers/visual-engagement.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import { CobrowseProvider } from '../../src/providers/cobrowse/cobrowse-provider.js';
import { MemoryPinService } from '../../src/providers/builtin/pins.js';
import { MIRROR_SANDBOX } from '../../src/providers/cobrowse/mirror.js';
import { MemoryHub } from '../../src/signaling/memory-transport.js';
import type { MemoryTransport } from '../../src/signaling/memory-transport.js';
import type { OutgoingMessage } from '../../src/signaling/transport.js';

let count = 0;
const cleanups: Array<() => void> = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  sessionStorage.clear();
});

function customerPage(): HTMLElement {
  const page = document.createElement('main');
  page.innerHTML = `
    <h1 id="title">Checkout</h1>
    <label>Name <input id="name" value="" data-cck-unmask></label>
    <label>Password <input id="password" type="password"></label>
    <label>Card <input id="card" autocomplete="cc-number"></label>
    <p id="secret-note" data-cck-mask>Account 12345678</p>
    <div id="blocked" data-cck-block>Internal notes: do not show</div>
    <button id="buy" type="button">Buy</button>
    <p id="count">0</p>
    <select id="size"><option value="s">Small</option><option value="m">Medium</option></select>
  `;
  document.body.append(page);
  const buy = page.querySelector<HTMLButtonElement>('#buy')!;
  const counter = page.querySelector('#count')!;
  buy.addEventListener('click', () => (counter.textContent = String(Number(counter.textContent) + 1)));
  cleanups.push(() => page.remove());
  return page;
}

function agentView(): HTMLElement {
  const box = document.createElement('div');
  box.setAttribute('data-cck-block', '');
  box.style.cssText = 'width: 800px; height: 500px; position: relative';
  const region = document.createElement('div');
  region.setAttribute('aria-label', 'Customer screen');
  region.style.cssText = 'width: 100%; height: 100%';
  box.append(region);
  document.body.append(box);
  cleanups.push(() => box.remove());
  return region;
}

/** Records every payload a transport sends, as the server would receive it. */
function spySends(transport: MemoryTransport): string[] {
  const sent: string[] = [];
  const original = transport.send.bind(transport);
  transport.send = (message: OutgoingMessage) => {
    sent.push(JSON.stringify(message));
    return original(message);
  };
  return sent;
}

async function pair() {
  const hub = new MemoryHub();
  const pins = new MemoryPinService();
  const registry = new ProviderRegistry();
  registry.register(new CobrowseProvider({ pins: pins.factory }));
  const conversationId = `cobrowse-${++count}`;
  const agentTransport = hub.createTransport({ conversationId, role: 'agent' });
  const customerTransport = hub.createTransport({ conversationId, role: 'customer' });
  const customerSent = spySends(customerTransport);
  await Promise.all([agentTransport.connect(), customerTransport.connect()]);
  const agent = new VisualEngagement({ transport: agentTransport, registry, provider: 'cobrowse', storage: null });
  const customer = new VisualEngagement({ transport: customerTransport, registry, provider: 'cobrowse' });
  cleanups.push(() => {
    agent.dispose();
    customer.dispose();
    hub.dispose();
  });
  return { agent, customer, customerSent, pins };
}

async function activeSession() {
  const page = customerPage();
  const sides = await pair();
  const view = agentView();
  sides.agent.attachView(view);
  await sides.agent.start();
  await sides.customer.join(sides.agent.state.pin!);
  await waitUntil(() => sides.agent.state.phase === 'invited', 'the agent sees the customer joined');
  await sides.customer.accept();
  await waitUntil(() => sides.agent.state.phase === 'active', 'the agent sees the page');
  const frame = () => view.querySelector('iframe')!;
  const mirrored = (selector: string) => frame().contentDocument!.querySelector(selector);
  return { ...sides, page, view, frame, mirrored };
}

describe('co-browse provider (in one page)', () => {
  it('mirrors the customer page into a sandboxed iframe without scripts', async () => {
    const { frame, mirrored } = await activeSession();
    expect(frame().getAttribute('sandbox')).to.equal(MIRROR_SANDBOX);
    expect(frame().sandbox.contains('allow-scripts')).to.equal(false);
    await waitUntil(() => mirrored('#title')?.textContent === 'Checkout', 'the title is mirrored');
  });

  it('shows live DOM changes', async () => {
    const { page, mirrored } = await activeSession();
    page.querySelector('#title')!.textContent = 'Checkout (2 items)';
    await waitUntil(() => mirrored('#title')?.textContent === 'Checkout (2 items)', 'the change is mirrored');
  });

  it('masks passwords, card fields and data-cck-mask, removes data-cck-block; their values are never sent', async () => {
    const { page, mirrored, customerSent } = await activeSession();
    const password = page.querySelector<HTMLInputElement>('#password')!;
    const card = page.querySelector<HTMLInputElement>('#card')!;
    const name = page.querySelector<HTMLInputElement>('#name')!;
    for (const [field, value] of [
      [password, 'hunter2-secret'],
      [card, '4111111111111111'],
      [name, 'Ada Lovelace'],
    ] as const) {
      field.value = value;
      field.dispatchEvent(new Event('input', { bubbles: true }));
    }
    await waitUntil(() => (mirrored('#name') as HTMLInputElement | null)?.value === 'Ada Lovelace', 'an ordinary field is mirrored');
    const everything = customerSent.join('\n');
    expect(everything).not.to.contain('hunter2-secret');
    expect(everything).not.to.contain('4111111111111111');
    expect(everything).not.to.contain('12345678');
    expect(everything).not.to.contain('Internal notes');
    expect((mirrored('#password') as HTMLInputElement).value).not.to.contain('hunter2');
    expect(mirrored('#blocked')?.textContent ?? '').to.equal('');
  });

  it('remote control: the agent clicks the element it points at; the customer can take control back', async () => {
    const { agent, customer, page, frame, mirrored } = await activeSession();
    agent.setRemoteControl(true);
    await waitUntil(() => customer.state.controlRequested, 'the customer is asked');
    expect(agent.state.remoteControl).to.equal(false, 'asking does not give control');
    customer.allowControl();
    await waitUntil(() => agent.state.remoteControl && customer.state.remoteControl, 'control is on, on both sides');
    await waitUntil(() => mirrored('#buy') !== null);
    const button = mirrored('#buy')!;
    const layer = document.querySelector<HTMLElement>('.cck-tools')!;
    const frameBox = frame().getBoundingClientRect();
    const buttonBox = button.getBoundingClientRect();
    const scale = frameBox.width / frame().offsetWidth;
    const x = frameBox.left + (buttonBox.left + buttonBox.width / 2) * scale;
    const y = frameBox.top + (buttonBox.top + buttonBox.height / 2) * scale;
    layer.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: x, clientY: y }));
    await waitUntil(() => page.querySelector('#count')!.textContent === '1', 'the click reached the customer page');
    customer.takeBackControl();
    await waitUntil(() => !agent.state.remoteControl, 'the agent sees control was taken back');
    layer.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: x, clientY: y }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(page.querySelector('#count')!.textContent).to.equal('1');
  });

  it('consent: every grant needs the customer; after a take-back or a denial the agent asking again only asks', async () => {
    const { agent, customer } = await activeSession();
    for (let round = 0; round < 3; round += 1) {
      agent.setRemoteControl(true);
      await waitUntil(() => customer.state.controlRequested && agent.state.controlRequested, `round ${round}: asked, waiting`);
      customer.allowControl();
      await waitUntil(() => agent.state.remoteControl, `round ${round}: allowed`);
      customer.takeBackControl();
      await waitUntil(() => !agent.state.remoteControl, `round ${round}: taken back`);
      expect(customer.state.controlRequested).to.equal(false);
    }
    const errors: string[] = [];
    agent.on('error', (error) => errors.push(error.code));
    agent.setRemoteControl(true);
    await waitUntil(() => customer.state.controlRequested);
    customer.denyControl();
    await waitUntil(() => !agent.state.controlRequested, 'the agent hears the answer');
    expect(agent.state.remoteControl).to.equal(false);
    expect(errors).to.deep.equal(['control-denied']);
    customer.allowControl();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(agent.state.remoteControl).to.equal(false, 'nothing to allow once answered');
    agent.setRemoteControl(true);
    await waitUntil(() => agent.state.controlRequested);
    customer.transport.send({ type: 've-resume', payload: { sessionId: customer.state.sessionId! } });
    await waitUntil(() => !agent.state.controlRequested, 'a request unanswered when the page changed is dropped');
    expect(document.querySelector('cck-visual-overlay')?.getAttribute('data-control')).to.equal('off');
  });

  it("the customer page's own policy wins over the agent's offer", async () => {
    customerPage();
    const hub = new MemoryHub();
    const pins = new MemoryPinService();
    const agentRegistry = new ProviderRegistry();
    agentRegistry.register(new CobrowseProvider({ pins: pins.factory }));
    const customerRegistry = new ProviderRegistry();
    customerRegistry.register(new CobrowseProvider({ pins: pins.factory, capabilities: { remoteControl: false, navigation: false } }));
    const conversationId = `cobrowse-policy-${++count}`;
    const agentTransport = hub.createTransport({ conversationId, role: 'agent' });
    const customerTransport = hub.createTransport({ conversationId, role: 'customer' });
    await Promise.all([agentTransport.connect(), customerTransport.connect()]);
    const agent = new VisualEngagement({ transport: agentTransport, registry: agentRegistry, provider: 'cobrowse', storage: null });
    const customer = new VisualEngagement({ transport: customerTransport, registry: customerRegistry, provider: 'cobrowse', storage: null });
    cleanups.push(() => {
      agent.dispose();
      customer.dispose();
      hub.dispose();
    });
    agent.attachView(agentView());
    await agent.start();
    expect(agent.state.capabilities.remoteControl).to.equal(true, 'offered');
    await customer.join(agent.state.pin!);
    expect(customer.state.capabilities).to.include({ remoteControl: false, navigation: false, view: true });
    await customer.accept();
    await waitUntil(() => agent.state.phase === 'active');
    await waitUntil(() => !agent.state.capabilities.remoteControl, "the agent learns the page's policy");
  });

  it('ends on both sides from either side', async () => {
    const first = await activeSession();
    first.customer.end();
    await waitUntil(() => first.agent.state.phase === 'ended');
    expect(first.agent.state.endReason).to.equal('remote-ended');
    expect(first.customer.state.endReason).to.equal('local-ended');
  });
});
