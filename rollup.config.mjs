// Bundles the tsc output (dist/**/*.js) for pages that load the SDK without a bundler. Both bundles
// define the elements on load and expose the public API:
// - dist/chat-call-kit.min.js: IIFE for a <script> tag, API on `window.ChatCallKit`;
// - dist/chat-call-kit.esm.js: the same as one ES module (`<script type="module">`, CDN use).
// Code most pages never run is left out and fetched, from next to the bundle, on first use:
// - dist/chat-call-kit-providers.js: the built-in co-browse and screen-share providers;
// - dist/chat-call-kit-rrweb.js: rrweb, fetched by the co-browse provider when a session starts;
// - dist/chat-call-kit-sfu.js: the SFU media session with mediasoup-client, fetched when a call goes
//   through an SFU (mediasoup-client is CommonJS, hence the commonjs plugin).
// An IIFE cannot share modules with a chunk, so each lazy file is self-contained; they talk to the
// core only through plain interfaces (the provider adapter contract), never through instanceof.
// Each bundle keeps its licence comments and a banner naming dist/THIRD-PARTY-NOTICES.txt, which lists
// every bundled package with its licence. Source maps lead back to the TypeScript in the package's src/.
import minifyHTML from '@lit-labs/rollup-plugin-minify-html-literals';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import license from 'rollup-plugin-license';

const dist = (path) => fileURLToPath(new URL(`./dist/${path}`, import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/** Modules whose dynamic import becomes a fetch of a file beside the bundle: module -> [export, file]. */
const lazyBoundaries = new Map([
  [dist('providers/builtin-loader.js'), ['importBuiltinProviders', 'chat-call-kit-providers.js']],
  [dist('providers/cobrowse/rrweb-import.js'), ['importRrweb', 'chat-call-kit-rrweb.js']],
  [dist('media/sfu/sfu-loader.js'), ['importSfuSession', 'chat-call-kit-sfu.js']],
]);

function lazyFiles() {
  return {
    name: 'lazy-files',
    load(id) {
      const boundary = lazyBoundaries.get(id);
      if (!boundary) return null;
      const [name, file] = boundary;
      // `base` is read while the bundle runs (document.currentScript is only set then), used later.
      return `const base = import.meta.url;\nexport const ${name} = () => import(new URL('./${file}', base).href);\n`;
    },
  };
}

/** The tsc output's own maps, so the bundles' maps chain through to src/*.ts instead of stopping at dist/. */
function tscSourceMaps() {
  return {
    name: 'tsc-source-maps',
    load(id) {
      if (!id.startsWith(dist('')) || !id.endsWith('.js') || !existsSync(`${id}.map`)) return null;
      return { code: readFileSync(id, 'utf8'), map: readFileSync(`${id}.map`, 'utf8') };
    },
    writeBundle(options) {
      // Sources the package ships (src/) need no copy in the map; bundled node_modules keep theirs.
      const file = `${options.file}.map`;
      const map = JSON.parse(readFileSync(file, 'utf8'));
      map.sourcesContent = map.sources.map((source, i) => (source.startsWith('../src/') ? null : map.sourcesContent[i]));
      writeFileSync(file, JSON.stringify(map));
    },
  };
}

/** Third-party packages of every bundle, by name@version: one notices file covers them all. */
const bundledPackages = new Map();

function notices() {
  return license({
    banner: { content: `chat-call-kit ${version} | MIT | bundled third-party code and licences: THIRD-PARTY-NOTICES.txt`, commentStyle: 'ignored' },
    thirdParty: {
      output(dependencies) {
        for (const dependency of dependencies) bundledPackages.set(`${dependency.name}@${dependency.version}`, dependency);
        const sections = [...bundledPackages.values()]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((d) => [`${d.name} ${d.version} (${d.license})`, d.homepage ?? '', '', (d.licenseText ?? '').trim(), d.noticeText ? `\n${d.noticeText.trim()}` : ''].join('\n'));
        writeFileSync(dist('THIRD-PARTY-NOTICES.txt'), `Third-party software bundled in chat-call-kit's dist/chat-call-kit*.js files.\n\n${sections.join('\n\n' + '-'.repeat(72) + '\n\n')}\n`);
      },
    },
  });
}

// `module` lets terser drop unused top-level names: right for an ES module, wrong for the IIFE,
// whose top-level `var ChatCallKit` is the page's API.
// minifyHTML strips the whitespace terser cannot touch: the CSS and HTML inside Lit's templates.
// keepClosingSlash: an HTML minifier drops the `/>` of void-looking elements, but inside <svg> a
// `<rect>` without it stays open and swallows the next shape (the icon is then not drawn).
const minifyTemplates = () => minifyHTML({ options: { minifyOptions: { keepClosingSlash: true } } });
// terser keeps `@license` / `@preserve` / `/*!` comments (`some`): licences must travel with the code.
const plugins = (module) => [lazyFiles(), tscSourceMaps(), minifyTemplates(), nodeResolve({ browser: true }), commonjs(), notices(), terser({ ecma: 2020, module, compress: { passes: 3 }, format: { comments: 'some' } })];
const esm = (input, file) => ({ input, output: { file, format: 'es', sourcemap: true }, plugins: plugins(true) });

export default [
  {
    input: 'dist/bundles/script-tag.js',
    output: { file: 'dist/chat-call-kit.min.js', format: 'iife', name: 'ChatCallKit', sourcemap: true },
    plugins: plugins(false),
  },
  esm('dist/bundles/script-tag.js', 'dist/chat-call-kit.esm.js'),
  esm('dist/providers/builtin-providers.js', 'dist/chat-call-kit-providers.js'),
  esm('dist/bundles/rrweb-chunk.js', 'dist/chat-call-kit-rrweb.js'),
  esm('dist/media/sfu/sfu-chunk.js', 'dist/chat-call-kit-sfu.js'),
];
