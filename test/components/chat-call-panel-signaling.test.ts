/**
 * What <chat-call-panel> tells about signaling trouble and remote failures (issue #9), in both
 * locales: "Reconnecting to the call service…" while the conversation's signaling is down (the call
 * goes on), "The call failed on the other side" rather than "ended the call" for a failure there,
 * and no remote tile while the other side's frames are not arriving. Engines run over the memory
 * hub with `FakeMediaSession` (no WebRTC needed for what is rendered here).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/components/chat-call-panel/chat-call-panel.js';
import type { ChatCallPanel } from '../../src/components/chat-call-panel/chat-call-panel.component.js';
import { CallEngine } from '../../src/engine/call-engine.js';
import { createFakeMediaSessions } from '../../src/media/fake-media-session.js';
import { MemoryHub } from '../../src/signaling/memory-transport.js';

const engines: CallEngine[] = [];
let count = 0;

afterEach(() => {
  for (const engine of engines.splice(0)) engine.dispose();
});

async function activeCall(lang: string, video = false) {
  const hub = new MemoryHub();
  const conversationId = `signaling-panel-${++count}`;
  const agentMedia = createFakeMediaSessions();
  const customerMedia = createFakeMediaSessions();
  const agent = new CallEngine({ transport: hub.createTransport({ conversationId, role: 'agent' }), mediaSessionFactory: agentMedia.factory, connectTimeoutMs: 300, callMemory: null });
  const customer = new CallEngine({ transport: hub.createTransport({ conversationId, role: 'customer' }), mediaSessionFactory: customerMedia.factory, callMemory: null });
  engines.push(agent, customer);
  const wrapper = await fixture<HTMLDivElement>(html`
    <div lang=${lang}>
      <chat-call-panel participant="agent" .engine=${agent}></chat-call-panel>
      <chat-call-panel participant="customer" .engine=${customer}></chat-call-panel>
    </div>
  `);
  const [agentPanel, customerPanel] = [...wrapper.querySelectorAll('chat-call-panel')] as ChatCallPanel[];
  await customer.connect();
  await agent.connect();
  await agent.startCall({ video });
  await waitUntil(() => customer.state.phase === 'incoming');
  await customer.accept({ video });
  await waitUntil(() => agent.state.phase === 'active' && customer.state.phase === 'active', 'active');
  return { hub, conversationId, agent, customer, agentPanel: agentPanel!, customerPanel: customerPanel!, agentMedia, customerMedia };
}

const statusOf = async (panel: ChatCallPanel) => {
  await panel.updateComplete;
  return panel.shadowRoot!.querySelector('[part~="status"]')?.textContent?.trim();
};

const alertOf = async (panel: ChatCallPanel) => {
  await panel.updateComplete;
  return [...panel.shadowRoot!.querySelectorAll('[role="alert"]')].map((alert) => alert.textContent ?? '').join(' ').replace(/\s+/g, ' ').trim();
};

for (const [lang, reconnecting, inCall, failedThere, lost] of [
  ['en', 'Reconnecting to the call service…', 'In a call', 'The call failed on the other side', 'The connection to the call service was lost.'],
  ['pt-BR', 'Reconectando ao serviço de chamadas…', 'Em chamada', 'A chamada falhou do outro lado', 'A conexão com o serviço de chamadas foi perdida.'],
] as const) {
  describe(`<chat-call-panel> and the call's signaling (${lang})`, () => {
    it('says the call service is lost when the signaling closed for good with no call running (another tab took the seat)', async () => {
      const hub = new MemoryHub();
      const conversationId = `signaling-panel-${++count}`;
      // One customer (one subject) in two tabs.
      const tab = () => new CallEngine({ transport: hub.createTransport({ conversationId, role: 'customer', subject: 'customer-1' }), mediaSessionFactory: createFakeMediaSessions().factory, callMemory: null });
      const first = tab();
      const second = tab();
      engines.push(first, second);
      const panel = await fixture<ChatCallPanel>(html`<chat-call-panel lang=${lang} participant="customer" .engine=${first}></chat-call-panel>`);
      await first.connect();
      expect(await alertOf(panel)).to.equal('');
      await second.connect();
      await waitUntil(async () => (await alertOf(panel)).includes(lost), 'the loss is shown');
      // Closing on purpose says nothing.
      const quiet = await fixture<ChatCallPanel>(html`<chat-call-panel lang=${lang} participant="customer" .engine=${second}></chat-call-panel>`);
      second.transport.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await alertOf(quiet)).to.equal('');
    });

    it('says the call service is being reconnected while signaling is down, and stays in the call', async () => {
      const { hub, conversationId, customer, customerPanel } = await activeCall(lang);
      hub.disconnect('customer', conversationId);
      await waitUntil(async () => (await statusOf(customerPanel)) === reconnecting, 'reconnecting shown');
      expect(customer.state.phase).to.equal('active');
      expect(customerPanel.shadowRoot!.querySelector('call-controls'), 'the controls stay').to.exist;
      await expect(customerPanel).to.be.accessible();
      hub.reconnect('customer', conversationId);
      await waitUntil(async () => (await statusOf(customerPanel)) === inCall, 'back in the call');
    });

    it('says the call failed on the other side when it did, not that the other side ended it', async () => {
      const { agentMedia, customerPanel } = await activeCall(lang);
      // The agent's media breaks and never comes back: its connect timeout fails the call.
      agentMedia.sessions[0]!.setConnectionState('failed');
      await waitUntil(async () => (await statusOf(customerPanel)) === failedThere, 'remote failure shown', { timeout: 3_000 });
    });
  });
}

describe('<chat-call-panel> and the other side\'s frames', () => {
  it('hides the remote tile while no frames arrive, even before a "camera off" could say so', async () => {
    const { agent, agentMedia, customerMedia, agentPanel } = await activeCall('en', true);
    // The fake session carries no real media: give its remote stream a picture to show.
    const canvas = document.createElement('canvas');
    agentMedia.sessions[0]!.remoteStream.addTrack(canvas.captureStream().getVideoTracks()[0]!);
    await waitUntil(() => agent.remoteVideoFlowing, 'frames arrive', { timeout: 3_000 });
    await agentPanel.updateComplete;
    expect(agentPanel.shadowRoot!.querySelector('[part~="remote-video"]'), 'shown while frames arrive').to.exist;
    // The customer's camera stops sending, and no "camera off" message has come (yet).
    await customerMedia.sessions[0]!.setTrack('video', null);
    await waitUntil(() => !agent.remoteVideoFlowing, 'frames stop', { timeout: 3_000 });
    await agentPanel.updateComplete;
    expect(agent.remoteMediaState?.videoEnabled, 'as far as the agent was told, the camera is on').to.equal(true);
    expect(agentPanel.shadowRoot!.querySelector('[part~="remote-video"]'), 'no frozen picture').to.not.exist;
    expect(agentPanel.shadowRoot!.querySelector('[part~="avatar"]')).to.exist;
  });
});
