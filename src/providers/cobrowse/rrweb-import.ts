/**
 * Where rrweb comes from. A bundler splits this dynamic import into its own chunk; the script-tag
 * and single-file ES module builds swap this module for one that loads `dist/chat-call-kit-rrweb.js`
 * next to them (see rollup.config.mjs), so co-browse code is fetched only when a session starts.
 */
export const importRrweb = () => import('rrweb');
