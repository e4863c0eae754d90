/** The built-in providers' implementations: one lazily loaded unit (see builtin-loader.ts). */
export { CobrowseProvider } from './cobrowse/cobrowse-provider.js';
export { ScreenShareProvider } from './screen-share/screen-share-provider.js';
