// @custom-elements-manifest/analyzer: documents every element from its JSDoc into custom-elements.json,
// then, from that manifest, the editors' data: web-types.json (JetBrains IDEs) and
// vscode.html-custom-data.json / vscode.css-custom-data.json (VS Code). All ship in the package.
// The element classes and their define() files are analysed; styles and internal helpers are not.
import { customElementJetBrainsPlugin } from 'custom-element-jet-brains-integration';
import { customElementVsCodePlugin } from 'custom-element-vs-code-integration';
import { manifestPathsPlugin } from './scripts/manifest-paths.mjs';

export default {
  globs: ['src/components/*/*.ts'],
  exclude: ['src/components/**/*.styles.ts', 'src/components/**/*-controller.ts', 'src/components/**/ring-tone.ts', 'src/components/**/video-only-stream.ts'],
  outdir: '.',
  litelement: true,
  plugins: [
    {
      // The analyzer visits files in no fixed order; sorted, the committed manifest is reproducible.
      name: 'sort-modules',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) => a.path.localeCompare(b.path));
      },
    },
    manifestPathsPlugin(),
    customElementVsCodePlugin({ outdir: '.', hideLogs: true }),
    // package.json lists web-types.json itself; the plugin must not rewrite it during a build.
    customElementJetBrainsPlugin({ outdir: '.', packageJson: false, hideLogs: true }),
  ],
};
