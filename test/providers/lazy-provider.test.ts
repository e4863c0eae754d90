import { expect } from '@open-wc/testing';
import { BUILTIN_CAPABILITIES, createProviderRegistry, loadBuiltinProviders } from '../../src/providers/defaults.js';
import { LazyProvider } from '../../src/providers/lazy-provider.js';
import type { VisualProviderAdapter } from '../../src/providers/types.js';

describe('built-in providers, loaded on first use', () => {
  it('announce the same capabilities before loading as the loaded providers have', async () => {
    const { CobrowseProvider, ScreenShareProvider } = await loadBuiltinProviders();
    expect({ ...new CobrowseProvider().capabilities }).to.deep.equal(BUILTIN_CAPABILITIES.cobrowse);
    expect({ ...new ScreenShareProvider().capabilities }).to.deep.equal(BUILTIN_CAPABILITIES['screen-share']);
    const registry = createProviderRegistry();
    expect(registry.get('cobrowse').kind).to.equal('cobrowse');
    expect(registry.get('screen-share').kind).to.equal('screen-share');
  });

  it('loads the real adapter once, and again after a failed load', async () => {
    let loads = 0;
    let fail = true;
    const real = { id: 'x', kind: 'cobrowse', capabilities: BUILTIN_CAPABILITIES.cobrowse } as unknown as VisualProviderAdapter;
    const lazy = new LazyProvider({
      id: 'x',
      kind: 'cobrowse',
      capabilities: BUILTIN_CAPABILITIES.cobrowse,
      load: async () => {
        loads++;
        if (fail) throw new Error('offline');
        return real;
      },
    });
    const error = await lazy.load().catch((e: { code: string }) => e);
    expect((error as { code: string }).code).to.equal('provider-failed');
    fail = false;
    expect(await lazy.load()).to.equal(real);
    expect(await lazy.load()).to.equal(real);
    expect(loads).to.equal(2);
  });
});
