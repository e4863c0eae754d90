/**
 * The page's provider registry, with the SDK's built-in providers registered as `cobrowse` and
 * `screen-share`. Their code (and rrweb) loads on first use, so a page that never starts a
 * visual-engagement session never downloads it. Vendors add theirs with
 * `visualProviders.register(adapter)`; a deployment that configures a built-in differently replaces
 * it (`register(new CobrowseProvider({...}), { replace: true })`).
 */
import { importBuiltinProviders } from './builtin-loader.js';
import { answerUnknownSessions } from './builtin/session-link.js';
import { hasSavedSession } from './cobrowse/saved-session.js';
import { LazyProvider } from './lazy-provider.js';
import { ProviderRegistry } from './registry.js';
import type { ProviderContext } from './types.js';

/** The built-ins' default capabilities; a test keeps them equal to the loaded providers' own. */
export const BUILTIN_CAPABILITIES = {
  cobrowse: { view: true, laserPointer: true, remoteControl: true, navigation: true },
  'screen-share': { view: true, laserPointer: true, remoteControl: false, navigation: false },
} as const;

/**
 * Agent side, before the code is loaded: no built-in session can be live on this page yet, so a
 * customer still sharing a session (the agent reloaded) is told it is unknown, as the loaded code would.
 */
function answerAllUnknown(context: ProviderContext): () => void {
  return context.role === 'agent' ? answerUnknownSessions(context.transport, () => false) : () => {};
}

/** A registry holding the built-in providers. */
export function createProviderRegistry(): ProviderRegistry {
  const registry = new ProviderRegistry();
  registry.register(
    new LazyProvider({
      id: 'cobrowse',
      kind: 'cobrowse',
      capabilities: BUILTIN_CAPABILITIES.cobrowse,
      load: async () => new (await importBuiltinProviders()).CobrowseProvider(),
      attachBeforeLoad: answerAllUnknown,
      mayResume: hasSavedSession,
    }),
  );
  registry.register(
    new LazyProvider({
      id: 'screen-share',
      kind: 'screen-share',
      capabilities: BUILTIN_CAPABILITIES['screen-share'],
      load: async () => new (await importBuiltinProviders()).ScreenShareProvider(),
      attachBeforeLoad: answerAllUnknown,
      mayResume: () => false,
    }),
  );
  return registry;
}

/** The registry `VisualEngagement` and `<cobrowse-launcher>` use unless given another. */
export const visualProviders: ProviderRegistry = createProviderRegistry();

/** The built-in provider classes, for configuring one differently (loads their code). */
export async function loadBuiltinProviders() {
  return importBuiltinProviders();
}
