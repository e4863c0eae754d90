/**
 * The customer's PIN entry appears only once the agent has offered a session: the agent's launcher
 * says so (ve-offer) when its session waits for the PIN, again when the customer arrives late, and
 * never makes an error of it when the customer is not there.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/components/cobrowse-launcher/cobrowse-launcher.js';
import type { CobrowseLauncher } from '../../src/components/cobrowse-launcher/cobrowse-launcher.component.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import { disposeLaunchers, launcherPair, stubAdapter } from './support/launchers.js';
import { MemoryHub } from '../../src/signaling/memory-transport.js';

afterEach(() => disposeLaunchers());

const pinBox = (el: CobrowseLauncher) => el.shadowRoot!.querySelector('[part~="pin-input"]');
const part = (el: CobrowseLauncher, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

describe('the PIN entry follows the agent\'s offer', () => {
  it('is absent until the agent starts a session, then appears on the customer\'s side', async () => {
    const { agentLauncher, customerLauncher } = await launcherPair();
    expect(pinBox(customerLauncher)).to.equal(null);
    expect(part(customerLauncher, 'have-pin-button')).to.not.equal(null);
    part(agentLauncher, 'start-button')!.click();
    await waitUntil(() => pinBox(customerLauncher), 'the PIN box appears with the offer');
    expect(customerLauncher.engagement!.state.offered).to.equal(true);
    expect(part(customerLauncher, 'have-pin-button')).to.equal(null);
  });

  it('reaches a customer who joins the conversation after the session was started', async () => {
    const stub = stubAdapter('cobrowse');
    const registry = new ProviderRegistry();
    registry.register(stub.adapter);
    const hub = new MemoryHub();
    const agentTransport = hub.createTransport({ conversationId: 'late', role: 'agent' });
    await agentTransport.connect();
    const errors: string[] = [];
    agentTransport.on('error', ({ code }) => errors.push(code));
    const agent = await fixture<CobrowseLauncher>(html`<cobrowse-launcher participant="agent" .registry=${registry} .transport=${agentTransport}></cobrowse-launcher>`);
    part(agent, 'start-button')!.click();
    await waitUntil(() => part(agent, 'pin'), 'the agent has a PIN');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors, 'no peer-not-present error for an offer nobody could receive').to.deep.equal([]);

    const customerTransport = hub.createTransport({ conversationId: 'late', role: 'customer' });
    await customerTransport.connect();
    const customer = await fixture<CobrowseLauncher>(html`<cobrowse-launcher participant="customer" .registry=${registry} .transport=${customerTransport}></cobrowse-launcher>`);
    await waitUntil(() => pinBox(customer), 'the offer is sent again when the customer arrives');
    hub.dispose();
  });
});
