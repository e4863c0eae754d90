// @custom-elements-manifest/analyzer: documents every element from its JSDoc into custom-elements.json.
// The element classes and their define() files are analysed; styles and internal helpers are not.
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
  ],
};
