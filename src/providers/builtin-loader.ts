/**
 * Where the built-in providers' code comes from. A bundler splits this dynamic import into its own
 * chunk; the script-tag and single-file ES module builds swap this module for one that loads
 * `dist/chat-call-kit-providers.js` next to them (see rollup.config.mjs). Either way the co-browse
 * and screen-share code is fetched only when a visual-engagement session is started or joined.
 */
export const importBuiltinProviders = () => import('./builtin-providers.js');
