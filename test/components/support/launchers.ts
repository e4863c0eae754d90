/**
 * <cobrowse-launcher> fixtures driven by a scripted provider: stub agent and customer sessions the
 * test fires events on, an adapter that accepts the PIN 482913 (999999 has expired), and launchers
 * on an in-memory conversation. Hubs made here are disposed of by `disposeLaunchers()`.
 */
import { fixture, html, waitUntil } from '@open-wc/testing';
import { nothing } from 'lit';
import '../../../src/components/cobrowse-launcher/cobrowse-launcher.js';
import type { CobrowseLauncher } from '../../../src/components/cobrowse-launcher/cobrowse-launcher.component.js';
import { TypedEmitter } from '../../../src/internal/typed-emitter.js';
import { VisualError } from '../../../src/providers/errors.js';
import { ProviderRegistry } from '../../../src/providers/registry.js';
import type {
  AgentSession,
  AgentSessionEvents,
  CustomerSession,
  CustomerSessionEvents,
  VisualCapabilities,
  VisualKind,
  VisualProviderAdapter,
} from '../../../src/providers/types.js';
import { MemoryHub } from '../../../src/signaling/memory-transport.js';

export class AgentStub extends TypedEmitter<AgentSessionEvents> implements AgentSession {
  readonly id = 's-1';
  readonly pin = '482913';
  readonly expiresAt = Date.now() + 600_000;
  view: HTMLElement | undefined;
  fire<K extends keyof AgentSessionEvents>(event: K, ...args: AgentSessionEvents[K]): void {
    this.emit(event, ...args);
  }
  attachView(container: HTMLElement): void {
    this.view = container;
  }
  detachView(): void {
    this.view = undefined;
  }
  setLaserPointer(): void {}
  setRemoteControl(enabled: boolean): void {
    queueMicrotask(() => this.emit('control', { enabled }));
  }
  end(): void {
    this.emit('ended', { reason: 'local-ended' });
  }
}

export class CustomerStub extends TypedEmitter<CustomerSessionEvents> implements CustomerSession {
  readonly id = 's-1';
  remoteControlled = false;
  /** The customer's answers to requests for remote control, in order. */
  answers: string[] = [];
  allowControl(): void {
    this.answers.push('allow');
    this.emit('controlrequest', { requested: false });
    this.emit('control', { enabled: true });
  }
  denyControl(): void {
    this.answers.push('deny');
    this.emit('controlrequest', { requested: false });
  }
  fire<K extends keyof CustomerSessionEvents>(event: K, ...args: CustomerSessionEvents[K]): void {
    this.emit(event, ...args);
  }
  takeBackControl(): void {
    this.emit('control', { enabled: false });
  }
  end(): void {
    this.emit('ended', { reason: 'local-ended' });
  }
}

export function stubAdapter(kind: VisualKind) {
  const agent = new AgentStub();
  const customer = new CustomerStub();
  const capabilities: VisualCapabilities =
    kind === 'cobrowse'
      ? { view: true, laserPointer: true, remoteControl: true, navigation: true }
      : { view: true, laserPointer: true, remoteControl: false, navigation: false };
  let wrongPins = 0;
  /** What `accept` waits for first: the screen picker, still open until the test resolves it. */
  const picker: { closed: Promise<void> } = { closed: Promise.resolve() };
  const adapter: VisualProviderAdapter = {
    id: kind,
    kind,
    capabilities,
    createSession: async () => agent,
    joinByPin: async (pin) => {
      if (pin === '999999') throw new VisualError('pin-expired', 'expired');
      if (pin !== agent.pin) throw new VisualError('pin-invalid', 'wrong', { attemptsLeft: 4 - wrongPins++ });
      return {
        sessionId: 's-1',
        kind,
        capabilities,
        accept: async () => {
          await picker.closed;
          return customer;
        },
        decline: () => {},
      };
    },
  };
  return { adapter, agent, customer, picker };
}

const disposables: Array<{ dispose(): void }> = [];

export function disposeLaunchers(): void {
  disposables.splice(0).forEach((d) => d.dispose());
}

let count = 0;
export async function launcher(role: 'agent' | 'customer', kind: VisualKind = 'cobrowse', lang = 'en') {
  const stub = stubAdapter(kind);
  const registry = new ProviderRegistry();
  registry.register(stub.adapter);
  const hub = new MemoryHub();
  const conversationId = `launcher-${++count}`;
  const transport = hub.createTransport({ conversationId, role });
  await transport.connect();
  const wrapper = await fixture<HTMLDivElement>(html`<div lang=${lang} style="width: 640px">
    <cobrowse-launcher participant=${role} provider=${kind} .registry=${registry} .transport=${transport}></cobrowse-launcher>
  </div>`);
  const el = wrapper.querySelector('cobrowse-launcher') as CobrowseLauncher;
  await el.updateComplete;
  disposables.push(hub);
  /** The agent's side says a session waits for its PIN, as the agent's launcher does on Co-browse. */
  let agentSide: ReturnType<MemoryHub['createTransport']> | undefined;
  const offer = async () => {
    if (!agentSide) {
      agentSide = hub.createTransport({ conversationId, role: 'agent' });
      await agentSide.connect();
    }
    agentSide.send({ type: 've-offer', payload: { sessionId: 's-1', kind } });
    await waitUntil(() => el.engagement?.state.offered, 'the offer arrives');
    await el.updateComplete;
  };
  return { el, ...stub, engagement: el.engagement!, offer };
}

/** An agent and a customer launcher on one conversation, with the same scripted provider. */
export async function launcherPair(kind: VisualKind = 'cobrowse', lang: string | null = 'en') {
  const stub = stubAdapter(kind);
  const registry = new ProviderRegistry();
  registry.register(stub.adapter);
  const hub = new MemoryHub();
  disposables.push(hub);
  const conversationId = `pair-${++count}`;
  const agentTransport = hub.createTransport({ conversationId, role: 'agent' });
  const customerTransport = hub.createTransport({ conversationId, role: 'customer' });
  await Promise.all([agentTransport.connect(), customerTransport.connect()]);
  const wrapper = await fixture<HTMLDivElement>(html`<div lang=${lang ?? nothing} style="width: 640px">
    <cobrowse-launcher participant="agent" provider=${kind} .registry=${registry} .transport=${agentTransport}></cobrowse-launcher>
    <cobrowse-launcher participant="customer" provider=${kind} .registry=${registry} .transport=${customerTransport}></cobrowse-launcher>
  </div>`);
  const [agent, customer] = [...wrapper.querySelectorAll('cobrowse-launcher')] as CobrowseLauncher[];
  await agent!.updateComplete;
  return { ...stub, agentLauncher: agent!, customerLauncher: customer!, wrapper, hub, conversationId, agentTransport, customerTransport };
}
