// custom-elements-manifest plugin: the analyzer reads src/**/*.ts, but the package's modules are
// dist/**/*.js. Every module path in the manifest is rewritten to the built file, package-relative,
// so that tools reading custom-elements.json from the installed package find the files it names.
import { posix } from 'node:path';

// The analyzer names sources `src/x.ts`, inherited members `/src/x.js`, re-exports `./x.js`.
const SOURCE = /^\/?src\/(.+)\.[jt]s$/;

function toDist(path, base) {
  const fromRoot = path.startsWith('.') ? posix.join(base, path) : path;
  const match = SOURCE.exec(fromRoot);
  return match ? `dist/${match[1]}.js` : path;
}

function rewrite(value, base) {
  if (Array.isArray(value)) return value.forEach((item) => rewrite(item, base));
  if (!value || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    if ((key === 'path' || key === 'module') && typeof child === 'string') value[key] = toDist(child, base);
    else rewrite(child, base);
  }
}

export function manifestPathsPlugin() {
  return {
    name: 'manifest-paths',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) rewrite(module, posix.dirname(module.path));
    },
  };
}
