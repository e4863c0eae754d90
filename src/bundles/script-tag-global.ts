/**
 * The types of `chat-call-kit/chat-call-kit.min.js`, the script-tag bundle: loading it defines the
 * elements and puts the API on `window.ChatCallKit`. Importing that subpath (for its side effect)
 * from TypeScript types the global.
 */
import type * as ChatCallKitApi from './script-tag.js';

// A global set by the bundle is a `var` on `window`.
declare global {
  var ChatCallKit: typeof ChatCallKitApi;
}

export {};
