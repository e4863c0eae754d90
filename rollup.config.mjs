// Bundles the tsc output (dist/**/*.js) for pages that load the SDK without a bundler. Both bundles
// define the elements on load and expose the public API:
// - dist/chat-call-kit.min.js: IIFE for a <script> tag, API on `window.ChatCallKit`;
// - dist/chat-call-kit.esm.js: the same as one ES module (`<script type="module">`, CDN use).
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

// `module` lets terser drop unused top-level names: right for the ES module, wrong for the IIFE,
// whose top-level `var ChatCallKit` is the page's API.
const plugins = (module) => [nodeResolve({ browser: true }), terser({ ecma: 2020, module, format: { comments: false } })];

export default [
  {
    input: 'dist/bundles/script-tag.js',
    output: { file: 'dist/chat-call-kit.min.js', format: 'iife', name: 'ChatCallKit', sourcemap: true },
    plugins: plugins(false),
  },
  {
    input: 'dist/bundles/script-tag.js',
    output: { file: 'dist/chat-call-kit.esm.js', format: 'es', sourcemap: true },
    plugins: plugins(true),
  },
];
