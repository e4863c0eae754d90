/**
 * The built-in screen-share provider in one page (two `VisualEngagement`s over a memory hub, a real
 * peer connection between them): what the browser's screen picker can answer and the code each
 * answer becomes, and the laser pointer promised and offered only where the sharer can show it.
 * The picker itself is replaced: `getDisplayMedia` answers what each test scripts, a canvas
 * stream standing in for the shared screen.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { MemoryPinService } from '../../src/providers/builtin/pins.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import { ScreenShareProvider } from '../../src/providers/screen-share/screen-share-provider.js';
import { VisualEngagement } from '../../src/providers/visual-engagement.js';
import { MemoryHub } from '../../src/signaling/memory-transport.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** Replaces a member of `navigator.mediaDevices` for one test. */
function replaceOnMediaDevices(name: 'getDisplayMedia' | 'setCaptureHandleConfig', value: unknown): void {
  Object.defineProperty(navigator.mediaDevices, name, { value, configurable: true, writable: true });
  cleanups.push(() => delete (navigator.mediaDevices as unknown as Record<string, unknown>)[name]);
}

/** A painted canvas as the "screen" the picker returns. */
function fakeScreen(): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = 640;
  canvas.height = 360;
  const context = canvas.getContext('2d')!;
  const timer = setInterval(() => {
    context.fillStyle = `hsl(${Date.now() % 360} 60% 50%)`;
    context.fillRect(0, 0, canvas.width, canvas.height);
  }, 50);
  const stream = canvas.captureStream(20);
  cleanups.push(() => {
    clearInterval(timer);
    for (const track of stream.getTracks()) track.stop();
  });
  return stream;
}

let count = 0;
async function invited() {
  const hub = new MemoryHub();
  const pins = new MemoryPinService();
  const registry = new ProviderRegistry();
  registry.register(new ScreenShareProvider({ pins: pins.factory }));
  const conversationId = `screen-${++count}`;
  const agentTransport = hub.createTransport({ conversationId, role: 'agent' });
  const customerTransport = hub.createTransport({ conversationId, role: 'customer' });
  await Promise.all([agentTransport.connect(), customerTransport.connect()]);
  const agent = new VisualEngagement({ transport: agentTransport, registry, provider: 'screen-share', storage: null });
  const customer = new VisualEngagement({ transport: customerTransport, registry, provider: 'screen-share' });
  cleanups.push(() => {
    agent.dispose();
    customer.dispose();
    hub.dispose();
  });
  const view = document.createElement('div');
  document.body.append(view);
  cleanups.push(() => view.remove());
  agent.attachView(view);
  await agent.start();
  await customer.join(agent.state.pin!);
  return { agent, customer };
}

describe('screen-share provider: what the screen picker answers', () => {
  const answers: Array<[string, string]> = [
    ['NotFoundError', 'screen-not-found'],
    ['NotReadableError', 'screen-unreadable'],
    ['NotAllowedError', 'permission-denied'],
    ['InvalidStateError', 'permission-denied'],
    ['NotSupportedError', 'unsupported-browser'],
  ];
  for (const [name, code] of answers) {
    it(`${name} from getDisplayMedia is the error code ${code}, and the invitation can be accepted again`, async () => {
      replaceOnMediaDevices('getDisplayMedia', async () => {
        throw new DOMException(`scripted ${name}`, name);
      });
      const { customer } = await invited();
      let caught: { code?: string } | undefined;
      await customer.accept().catch((error: { code?: string }) => (caught = error));
      expect(caught?.code).to.equal(code);
      expect(customer.state.phase).to.equal('invited');
      expect(customer.state.error?.code).to.equal(code);
    });
  }
});

describe('screen-share provider: the laser pointer where the sharer can show it', () => {
  it('a sharer whose browser has Capture Handle is promised the laser pointer', async () => {
    const { customer } = await invited();
    expect(customer.state.capabilities.laserPointer).to.equal(true);
  });

  it('a sharer whose browser has no Capture Handle (Firefox) is not promised it, and the agent gets no laser tool', async () => {
    replaceOnMediaDevices('setCaptureHandleConfig', undefined);
    replaceOnMediaDevices('getDisplayMedia', async () => fakeScreen());
    const { agent, customer } = await invited();
    expect(customer.state.capabilities).to.deep.include({ view: true, laserPointer: false });
    await customer.accept();
    await waitUntil(() => agent.state.phase === 'active', 'the agent sees the screen', { timeout: 10_000 });
    expect(agent.state.laserAvailable).to.equal(false);
    expect(agent.state.capabilities.laserPointer).to.equal(false);
    expect(() => agent.setLaserPointer(true)).to.throw();
  });

  it('a screen shared from a browser with Capture Handle, but not this tab, gives the agent no laser tool either', async () => {
    replaceOnMediaDevices('getDisplayMedia', async () => fakeScreen());
    const { agent, customer } = await invited();
    await customer.accept();
    await waitUntil(() => agent.state.phase === 'active', 'the agent sees the screen', { timeout: 10_000 });
    expect(agent.state.capabilities.laserPointer).to.equal(false);
  });
});
