/**
 * The page's provider registry, with the SDK's built-in providers registered as `cobrowse` and
 * `screen-share`. Vendors add theirs with `visualProviders.register(adapter)`; a deployment that
 * configures a built-in differently replaces it (`register(new CobrowseProvider({...}), { replace: true })`).
 */
import { CobrowseProvider } from './cobrowse/cobrowse-provider.js';
import { ProviderRegistry } from './registry.js';
import { ScreenShareProvider } from './screen-share/screen-share-provider.js';

/** A registry holding the built-in providers. */
export function createProviderRegistry(): ProviderRegistry {
  const registry = new ProviderRegistry();
  registry.register(new CobrowseProvider());
  registry.register(new ScreenShareProvider());
  return registry;
}

/** The registry `VisualEngagement` and `<cobrowse-launcher>` use unless given another. */
export const visualProviders: ProviderRegistry = createProviderRegistry();
