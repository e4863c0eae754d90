/**
 * The built-in providers' code loads when a session starts, not when a page with a launcher loads:
 * an agent's and a customer's `VisualEngagement` on the page's registry fetch nothing, yet the agent
 * still answers a customer who shares a session it does not know. `LazyProvider` hands its
 * pre-load attachment over to the real adapter once the code is loaded.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { BUILTIN_CAPABILITIES, createProviderRegistry } from '../../src/providers/defaults.js';
import { LazyProvider, type LazyProviderOptions } from '../../src/providers/lazy-provider.js';
import type { ProviderContext, VisualProviderAdapter } from '../../src/providers/types.js';
import { VisualEngagement } from '../../src/providers/visual-engagement.js';
import { MemoryHub } from '../../src/signaling/memory-transport.js';
import type { SignalingMessage } from '../../src/signaling/protocol.js';

/** Whether the page fetched the built-in providers' module (each test file runs in a fresh page). */
const builtinsFetched = () => performance.getEntriesByType('resource').some((entry) => entry.name.includes('builtin-providers'));
const ticks = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('lazy built-in providers', () => {
  it('fetch nothing for the engagements of a page that starts no session, and the agent still answers unknown sessions', async () => {
    const hub = new MemoryHub();
    const registry = createProviderRegistry();
    const agentTransport = hub.createTransport({ conversationId: 'lazy-1', role: 'agent' });
    const customerTransport = hub.createTransport({ conversationId: 'lazy-1', role: 'customer' });
    const engagements = [
      new VisualEngagement({ transport: agentTransport, registry, provider: 'cobrowse' }),
      new VisualEngagement({ transport: agentTransport, registry, provider: 'screen-share' }),
      new VisualEngagement({ transport: customerTransport, registry, provider: 'cobrowse' }),
    ];
    try {
      await Promise.all([agentTransport.connect(), customerTransport.connect()]);
      const received: SignalingMessage[] = [];
      customerTransport.on('message', (message) => received.push(message));
      customerTransport.send({ type: 've-resync', payload: { sessionId: 'from-before-a-reload' } });
      await waitUntil(() => received.some((m) => m.type === 've-end'), 'the agent ended the unknown session');
      expect(received.find((m) => m.type === 've-end')?.payload).to.deep.equal({ sessionId: 'from-before-a-reload', reason: 'unknown-session' });
      await ticks();
      expect(builtinsFetched()).to.equal(false);

      await (registry.get('cobrowse') as LazyProvider).load();
      expect(builtinsFetched(), 'a session call fetches the code').to.equal(true);
    } finally {
      for (const engagement of engagements) engagement.dispose();
      hub.dispose();
    }
  });
});

describe('LazyProvider', () => {
  const context = { role: 'agent', conversationId: 'c', storage: undefined } as unknown as ProviderContext;
  /** A stand-in for provider `x` whose loads are counted. */
  function counted(options: Partial<LazyProviderOptions>, real: VisualProviderAdapter) {
    const counter = { loads: 0 };
    const lazy = new LazyProvider({
      id: 'x',
      kind: 'cobrowse',
      capabilities: BUILTIN_CAPABILITIES.cobrowse,
      load: async () => {
        counter.loads++;
        return real;
      },
      ...options,
    });
    return { lazy, counter };
  }

  it('keeps the pre-load attachment until the code is loaded, then hands over to the real attach', async () => {
    const log: string[] = [];
    const real = {
      id: 'x',
      kind: 'cobrowse',
      capabilities: BUILTIN_CAPABILITIES.cobrowse,
      attach: () => {
        log.push('real attached');
        return () => log.push('real detached');
      },
    } as unknown as VisualProviderAdapter;
    const { lazy, counter } = counted(
      {
        attachBeforeLoad: () => {
          log.push('early attached');
          return () => log.push('early detached');
        },
      },
      real,
    );
    const detach = lazy.attach(context);
    await ticks();
    expect(counter.loads).to.equal(0);
    await lazy.load();
    expect(log).to.deep.equal(['early attached', 'early detached', 'real attached']);
    detach();
    expect(log.at(-1)).to.equal('real detached');
  });

  it('resumes nothing, without loading, when mayResume says there is nothing', async () => {
    const { lazy, counter } = counted({ mayResume: () => false }, {} as VisualProviderAdapter);
    expect(await lazy.resume(context)).to.equal(null);
    expect(counter.loads).to.equal(0);
  });
});
