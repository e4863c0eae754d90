/**
 * Where the SFU session's code (with mediasoup-client) comes from. A bundler splits this dynamic
 * import into its own chunk; the script-tag and single-file ES module builds swap this module for
 * one that loads `dist/chat-call-kit-sfu.js` next to them (see rollup.config.mjs), so only pages
 * whose calls go through an SFU ever fetch it.
 */
export const importSfuSession = () => import('./sfu-chunk.js');
