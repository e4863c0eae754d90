/**
 * The provider-adapter registry, and a third-party adapter plugged into it: the hosted-vendor
 * example of docs/providers.md (`docs/examples/acme-cobrowse-adapter.ts`) against a fake vendor,
 * driven through `VisualEngagement` on both sides.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { AcmeCobrowseAdapter, type AcmeCustomerSdk, type AcmeSession } from '../../docs/examples/acme-cobrowse-adapter.js';
import { VisualError } from '../../src/providers/errors.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import { createProviderRegistry, visualProviders } from '../../src/providers/defaults.js';
import type { VisualProviderAdapter } from '../../src/providers/types.js';
import { VisualEngagement } from '../../src/providers/visual-engagement.js';
import { MemoryHub } from '../../src/signaling/memory-transport.js';

/** A fake "Acme Cobrowse": its REST API (as `fetch`) and its customer SDK, sharing one state. */
class FakeAcme {
  readonly sessions = new Map<string, { pin: string; status: string; expiresAt: number; reference: string }>();
  readonly requests: string[] = [];
  failures = 0;
  #next = 0;
  control: ((enabled: boolean) => void) | undefined;
  endListener: ((by: 'agent' | 'customer') => void) | undefined;

  readonly fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    this.requests.push(`${method} ${url}`);
    if (method === 'POST' && url === '/acme/sessions') {
      const body = JSON.parse(String(init?.body)) as { reference: string };
      const id = `acme-${++this.#next}`;
      const expiresAt = Date.now() + 60_000;
      this.sessions.set(id, { pin: '4242 42', status: 'waiting', expiresAt, reference: body.reference });
      return Response.json({ id, pin: '4242 42', expiresAt: new Date(expiresAt).toISOString(), agentUrl: `https://console.acme.example/s/${id}` }, { status: 201 });
    }
    const id = decodeURIComponent(url.split('/').pop()!);
    const session = this.sessions.get(id);
    if (!session) return new Response(null, { status: 404 });
    if (method === 'DELETE') {
      session.status = 'ended';
      this.endListener?.('agent');
      return new Response(null, { status: 204 });
    }
    return Response.json({ status: session.status });
  }) as typeof fetch;

  readonly sdk: AcmeCustomerSdk = {
    lookup: async (pin) => {
      const entry = [...this.sessions.entries()].find(([, s]) => s.pin.replace(' ', '') === pin && s.status === 'waiting');
      if (!entry) {
        this.failures += 1;
        throw { code: this.failures >= 5 ? 'LOCKED' : 'INVALID_PIN', remaining: 5 - this.failures };
      }
      entry[1].status = 'joined';
      return { sessionId: entry[0], canControl: false };
    },
    start: async (sessionId) => {
      this.sessions.get(sessionId)!.status = 'active';
      const session: AcmeSession = {
        on: ((event: string, listener: never) => {
          if (event === 'control') this.control = listener;
          else this.endListener = listener;
        }) as AcmeSession['on'],
        revokeControl: () => this.control?.(false),
        end: () => {
          this.sessions.get(sessionId)!.status = 'ended';
        },
      };
      return session;
    },
    decline: async (sessionId) => {
      this.sessions.get(sessionId)!.status = 'declined';
    },
  };
}

const disposables: Array<{ dispose(): void }> = [];
afterEach(() => {
  for (const item of disposables.splice(0)) item.dispose();
});

let count = 0;
async function engagements(registry: ProviderRegistry, provider: string) {
  const hub = new MemoryHub();
  const conversationId = `registry-${++count}`;
  const agentTransport = hub.createTransport({ conversationId, role: 'agent' });
  const customerTransport = hub.createTransport({ conversationId, role: 'customer' });
  await Promise.all([agentTransport.connect(), customerTransport.connect()]);
  const agent = new VisualEngagement({ transport: agentTransport, registry, provider, storage: null });
  const customer = new VisualEngagement({ transport: customerTransport, registry, provider, storage: null });
  disposables.push(agent, customer, hub);
  return { agent, customer, conversationId };
}

describe('ProviderRegistry', () => {
  it('holds the built-in providers: co-browse and screen share, with their capabilities', () => {
    const registry = createProviderRegistry();
    expect(registry.list().map((p) => [p.id, p.kind])).to.deep.equal([
      ['cobrowse', 'cobrowse'],
      ['screen-share', 'screen-share'],
    ]);
    expect(registry.get('cobrowse').capabilities).to.deep.equal({ view: true, laserPointer: true, remoteControl: true, navigation: true });
    expect(registry.get('screen-share').capabilities).to.deep.equal({ view: true, laserPointer: true, remoteControl: false, navigation: false });
    expect(visualProviders.has('cobrowse')).to.equal(true);
  });

  it('looks providers up by id: an unknown one is provider-not-found', () => {
    const registry = new ProviderRegistry();
    let caught: unknown;
    try {
      registry.get('nope');
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(VisualError);
    expect((caught as VisualError).code).to.equal('provider-not-found');
  });

  it('refuses a second adapter with the same id unless replacing; unregisters', () => {
    const registry = new ProviderRegistry();
    const adapter = new AcmeCobrowseAdapter({ apiBase: '/acme' });
    const remove = registry.register(adapter);
    expect(() => registry.register(new AcmeCobrowseAdapter({ apiBase: '/other' })))
      .to.throw(VisualError)
      .with.property('code', 'provider-exists');
    const replacement = new AcmeCobrowseAdapter({ apiBase: '/other' });
    registry.register(replacement, { replace: true });
    expect(registry.get('acme-cobrowse')).to.equal(replacement);
    remove();
    expect(registry.get('acme-cobrowse')).to.equal(replacement, 'removing the replaced adapter leaves the new one');
    expect(registry.unregister('acme-cobrowse')).to.equal(true);
    expect(registry.has('acme-cobrowse')).to.equal(false);
  });

  it('checks what it registers: id, kind, capabilities and the two required methods', () => {
    const registry = new ProviderRegistry();
    const valid = new AcmeCobrowseAdapter({ apiBase: '/acme' });
    const broken = (changes: Partial<Record<keyof VisualProviderAdapter, unknown>>) =>
      Object.assign(Object.create(Object.getPrototypeOf(valid) as object), valid, changes) as VisualProviderAdapter;
    expect(() => registry.register({ ...broken({}), id: 'has spaces' } as VisualProviderAdapter)).to.throw(TypeError);
    expect(() => registry.register({ ...broken({}), id: 'x', kind: 'video' } as unknown as VisualProviderAdapter)).to.throw(TypeError);
    expect(() =>
      registry.register({ ...broken({}), id: 'y', kind: 'cobrowse', capabilities: { view: true } } as unknown as VisualProviderAdapter),
    ).to.throw(TypeError);
  });

  it('an unknown configured provider makes VisualEngagement report provider-not-found', async () => {
    const { agent } = await engagements(new ProviderRegistry(), 'acme-cobrowse');
    expect(agent.state.error?.code).to.equal('provider-not-found');
    let caught: unknown;
    await agent.start().catch((error: unknown) => (caught = error));
    expect((caught as VisualError).code).to.equal('provider-not-found');
  });
});

describe('a hosted vendor adapter (docs/providers.md example) in the registry', () => {
  async function withAcme() {
    const acme = new FakeAcme();
    const registry = createProviderRegistry();
    registry.register(new AcmeCobrowseAdapter({ apiBase: '/acme', fetch: acme.fetch, sdk: () => acme.sdk, pollMs: 10 }));
    return { acme, ...(await engagements(registry, 'acme-cobrowse')) };
  }

  it('agent: the vendor issues the PIN and the console URL; the customer joins, accepts, and it goes active', async () => {
    const { acme, agent, customer, conversationId } = await withAcme();
    expect(agent.state.kind).to.equal('cobrowse');
    await agent.start();
    expect(agent.state.phase).to.equal('waiting');
    expect(agent.state.pin).to.equal('4242 42');
    expect(agent.state.consoleUrl).to.equal('https://console.acme.example/s/acme-1');
    expect([...acme.sessions.values()][0]!.reference).to.equal(conversationId);

    await customer.join('424242');
    expect(customer.state.phase).to.equal('invited');
    expect(customer.state.capabilities.remoteControl).to.equal(false, 'what the vendor says the agent can do');
    await waitUntil(() => agent.state.phase === 'invited', 'the agent learns the PIN was used (vendor status)');
    await customer.accept();
    await waitUntil(() => customer.state.phase === 'active');
    await waitUntil(() => agent.state.phase === 'active', 'the agent side goes active');
    agent.end();
    expect(agent.state.phase).to.equal('ended');
    expect(acme.requests).to.include('DELETE /acme/sessions/acme-1');
    await waitUntil(() => customer.state.phase === 'ended', 'the vendor ends the customer side');
    expect(customer.state.endReason).to.equal('remote-ended');
  });

  it("maps the vendor's PIN errors to pin-invalid (with attempts left) and pin-locked", async () => {
    const { agent, customer } = await withAcme();
    await agent.start();
    for (let i = 0; i < 4; i += 1) await customer.join('000000').catch(() => {});
    expect(customer.state.phase).to.equal('idle');
    expect(customer.state.error?.code).to.equal('pin-invalid');
    expect(customer.state.error?.attemptsLeft).to.equal(1);
    await customer.join('000000').catch(() => {});
    expect(customer.state.error?.code).to.equal('pin-locked');
  });

  it('decline reaches the vendor and ends the agent side as declined', async () => {
    const { agent, customer } = await withAcme();
    await agent.start();
    await customer.join('4242-42');
    customer.decline();
    expect(customer.state.endReason).to.equal('declined');
    await waitUntil(() => agent.state.phase === 'ended', 'the agent side ends');
    expect(agent.state.endReason).to.equal('declined');
  });
});
