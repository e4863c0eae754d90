/**
 * `VisualEngagement`'s state machine against a scripted adapter: every transition, the PIN expiry,
 * errors, and the guard rails (roles, invalid states).
 */
import { expect } from '@open-wc/testing';
import { TypedEmitter } from '../../src/internal/typed-emitter.js';
import { VisualError } from '../../src/providers/errors.js';
import type {
  AgentSession,
  AgentSessionEvents,
  CustomerSession,
  CustomerSessionEvents,
  Invitation,
  VisualProviderAdapter,
} from '../../src/providers/types.js';
import { VisualEngagement, safeConsoleUrl, type VisualPhase } from '../../src/providers/visual-engagement.js';
import { MemoryHub } from '../../src/signaling/memory-transport.js';

class ScriptedAgentSession extends TypedEmitter<AgentSessionEvents> implements AgentSession {
  readonly id = 'session-1';
  readonly pin = '123456';
  ended = 0;
  attached: HTMLElement | undefined;
  laser: boolean[] = [];
  control: boolean[] = [];
  constructor(readonly expiresAt: number) {
    super();
  }
  fire<K extends keyof AgentSessionEvents>(event: K, ...args: AgentSessionEvents[K]): void {
    this.emit(event, ...args);
  }
  attachView(container: HTMLElement): void {
    this.attached = container;
  }
  detachView(): void {
    this.attached = undefined;
  }
  setLaserPointer(enabled: boolean): void {
    this.laser.push(enabled);
  }
  setRemoteControl(enabled: boolean): void {
    this.control.push(enabled);
  }
  end(): void {
    this.ended += 1;
    this.emit('ended', { reason: 'local-ended' });
  }
}

class ScriptedCustomerSession extends TypedEmitter<CustomerSessionEvents> implements CustomerSession {
  readonly id = 'session-1';
  remoteControlled = false;
  fire<K extends keyof CustomerSessionEvents>(event: K, ...args: CustomerSessionEvents[K]): void {
    this.emit(event, ...args);
  }
  takeBackControl(): void {
    this.remoteControlled = false;
    this.emit('control', { enabled: false });
  }
  end(): void {
    this.emit('ended', { reason: 'local-ended' });
  }
}

function scriptedAdapter(options: { expiresInMs?: number; pinError?: VisualError; acceptError?: VisualError } = {}) {
  const agentSession = new ScriptedAgentSession(Date.now() + (options.expiresInMs ?? 60_000));
  const customerSession = new ScriptedCustomerSession();
  const declined: string[] = [];
  const adapter: VisualProviderAdapter = {
    id: 'scripted',
    kind: 'cobrowse',
    capabilities: { view: true, laserPointer: true, remoteControl: true, navigation: false },
    createSession: async () => agentSession,
    joinByPin: async (pin): Promise<Invitation> => {
      if (options.pinError) throw options.pinError;
      return {
        sessionId: 'session-1',
        kind: 'cobrowse',
        capabilities: { view: true, laserPointer: true, remoteControl: true, navigation: false },
        accept: async () => {
          if (options.acceptError) throw options.acceptError;
          return customerSession;
        },
        decline: () => declined.push(pin),
      };
    },
  };
  return { adapter, agentSession, customerSession, declined };
}

const disposables: Array<{ dispose(): void }> = [];
afterEach(() => disposables.splice(0).forEach((d) => d.dispose()));

let count = 0;
async function engagement(role: 'agent' | 'customer', adapter: VisualProviderAdapter) {
  const hub = new MemoryHub();
  const transport = hub.createTransport({ conversationId: `ve-${++count}`, role });
  await transport.connect();
  const controller = new VisualEngagement({ transport, provider: adapter, storage: null });
  const phases: VisualPhase[] = [];
  controller.on('statechange', (state) => phases.push(state.phase));
  disposables.push(controller, hub);
  return { controller, phases };
}

describe('VisualEngagement (agent)', () => {
  it('idle -> starting -> waiting (PIN) -> invited -> connecting -> active -> ended', async () => {
    const { adapter, agentSession } = scriptedAdapter();
    const { controller, phases } = await engagement('agent', adapter);
    expect(controller.state.phase).to.equal('idle');
    const view = document.createElement('div');
    controller.attachView(view);
    await controller.start();
    expect(controller.state).to.deep.include({ phase: 'waiting', pin: '123456', sessionId: 'session-1' });
    expect(agentSession.attached).to.equal(view, 'the view is handed to the session');
    agentSession.fire('joined');
    agentSession.fire('accepted');
    agentSession.fire('active');
    agentSession.fire('control', { enabled: true });
    expect(controller.state.remoteControl).to.equal(true);
    controller.setLaserPointer(true);
    expect(controller.state.laserPointer).to.equal(true);
    expect(agentSession.laser).to.deep.equal([true]);
    controller.setRemoteControl(false);
    expect(agentSession.control).to.deep.equal([false]);
    controller.end();
    expect(phases).to.deep.equal(['starting', 'waiting', 'invited', 'connecting', 'active', 'active', 'active', 'ended']);
    expect(controller.state.endReason).to.equal('local-ended');
    expect(controller.state.pin).to.equal(undefined, 'the PIN is gone once it ended');
  });

  it('ends as expired when the PIN runs out before the customer joins', async () => {
    const { adapter, agentSession } = scriptedAdapter({ expiresInMs: 50 });
    const { controller } = await engagement('agent', adapter);
    await controller.start();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(controller.state.phase).to.equal('ended');
    expect(controller.state.endReason).to.equal('expired');
    expect(agentSession.ended).to.equal(1, 'the session is ended (its PIN revoked)');
  });

  it('a failed start goes back to idle with the error; only agents start, only customers join', async () => {
    const failing: VisualProviderAdapter = {
      ...scriptedAdapter().adapter,
      createSession: async () => {
        throw new VisualError('provider-failed', 'vendor down');
      },
    };
    const { controller } = await engagement('agent', failing);
    const errors: string[] = [];
    controller.on('error', (error) => errors.push(error.code));
    await controller.start().catch(() => {});
    expect(controller.state.phase).to.equal('idle');
    expect(controller.state.error?.code).to.equal('provider-failed');
    expect(errors).to.deep.equal(['provider-failed']);
    let caught: unknown;
    await controller.join('123456').catch((error: unknown) => (caught = error));
    expect((caught as VisualError).code).to.equal('invalid-state');
  });
});

describe('VisualEngagement (customer)', () => {
  it('idle -> joining -> invited -> connecting -> active; control on and taken back; end', async () => {
    const { adapter, customerSession } = scriptedAdapter();
    const { controller, phases } = await engagement('customer', adapter);
    await controller.join('123 456');
    expect(controller.state).to.deep.include({ phase: 'invited', sessionId: 'session-1', kind: 'cobrowse' });
    await controller.accept();
    customerSession.fire('control', { enabled: true });
    expect(controller.state.remoteControl).to.equal(true);
    controller.takeBackControl();
    expect(controller.state.remoteControl).to.equal(false);
    controller.end();
    expect(phases).to.deep.equal(['joining', 'invited', 'connecting', 'active', 'active', 'active', 'ended']);
    expect(controller.state.endReason).to.equal('local-ended');
  });

  it('a wrong PIN goes back to idle with pin-invalid and the attempts left', async () => {
    const { adapter } = scriptedAdapter({ pinError: new VisualError('pin-invalid', 'no', { attemptsLeft: 3 }) });
    const { controller } = await engagement('customer', adapter);
    await controller.join('000000').catch(() => {});
    expect(controller.state.phase).to.equal('idle');
    expect(controller.state.error?.code).to.equal('pin-invalid');
    expect(controller.state.error?.attemptsLeft).to.equal(3);
  });

  it('decline ends as declined and tells the provider', async () => {
    const { adapter, declined } = scriptedAdapter();
    const { controller } = await engagement('customer', adapter);
    await controller.join('123456');
    controller.decline();
    expect(declined).to.deep.equal(['123456']);
    expect(controller.state).to.deep.include({ phase: 'ended', endReason: 'declined' });
  });

  it('a refused screen share keeps the invitation open with the error', async () => {
    const { adapter } = scriptedAdapter({ acceptError: new VisualError('permission-denied', 'denied') });
    const { controller } = await engagement('customer', adapter);
    await controller.join('123456');
    await controller.accept().catch(() => {});
    expect(controller.state.phase).to.equal('invited');
    expect(controller.state.error?.code).to.equal('permission-denied');
  });
});

describe('VisualEngagement: console URLs of vendor providers', () => {
  it('keeps https (and http on loopback, for development); drops javascript:, data: and other http URLs', () => {
    expect(safeConsoleUrl('https://vendor.example/console/1')).to.equal('https://vendor.example/console/1');
    expect(safeConsoleUrl('http://localhost:8080/console')).to.equal('http://localhost:8080/console');
    expect(safeConsoleUrl('http://127.0.0.1:9000/c')).to.equal('http://127.0.0.1:9000/c');
    for (const url of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>1</script>', 'http://vendor.example/', 'vbscript:x', '/relative', '']) {
      expect(safeConsoleUrl(url), url).to.equal(undefined);
    }
  });
});
