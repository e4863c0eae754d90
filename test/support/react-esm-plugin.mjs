// Web Test Runner plugin: React ships CommonJS only, so the React-wrapper tests get one ES module
// bundle (built with esbuild at first request) holding React and react-dom/client with their
// named exports, and bare imports of 'react' / 'react-dom/client' are pointed at it.
import { build } from 'esbuild';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const BUNDLE = '/__react-esm__/bundle.js';
const entries = { react: 'react', 'react-dom/client': 'react-dom/client' };

function exportsOf(id) {
  return Object.keys(require(id)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default');
}

let bundle;
async function buildBundle() {
  const source = Object.entries(entries)
    .map(([id], i) => `import * as m${i} from '${id}'; export const mod${i} = m${i};`)
    .join('\n');
  const result = await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    format: 'esm',
    write: false,
    define: { 'process.env.NODE_ENV': '"development"' },
  });
  return result.outputFiles[0].text;
}

export function reactEsmPlugin() {
  return {
    name: 'react-esm',
    resolveImport({ source }) {
      if (source in entries) return `/__react-esm__/${source}.js`;
      return undefined;
    },
    async serve(context) {
      if (context.path === BUNDLE) {
        bundle ??= buildBundle();
        return { body: await bundle, type: 'js' };
      }
      const id = Object.keys(entries).find((name) => context.path === `/__react-esm__/${name}.js`);
      if (id === undefined) return undefined;
      const index = Object.keys(entries).indexOf(id);
      const names = exportsOf(id);
      return {
        body: `import { mod${index} as m } from '${BUNDLE}';\nexport default m.default ?? m;\nexport const { ${names.join(', ')} } = m;\n`,
        type: 'js',
      };
    },
  };
}
