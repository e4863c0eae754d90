// Bundles the tsc output (dist/*.js) for browsers that load the SDK without a bundler.
// dist/chat-call-kit.esm.js: one ES module with every dependency inside (demo pages, CDN use).
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

export default [
  {
    input: 'dist/index.js',
    output: { file: 'dist/chat-call-kit.esm.js', format: 'es', sourcemap: true },
    plugins: [nodeResolve({ browser: true }), terser({ ecma: 2020, module: true })],
  },
];
