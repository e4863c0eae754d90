/**
 * What `npm pack` ships (after `npm run build`): every `exports` and `typesVersions` target, the
 * manifest's module paths, the editors' data, LICENSE and the third-party notices are in the package;
 * every source map resolves to a shipped file or carries the source; publint finds nothing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  exports: Record<string, string | { types: string; default: string }>;
  typesVersions: Record<string, Record<string, string[]>>;
  customElements: string;
  'web-types': string;
  scripts: Record<string, string>;
};
let packed: Set<string>;

const strip = (path: string) => normalize(path.replace(/^\.\//, ''));

describe('the packed package', () => {
  before(() => {
    // --ignore-scripts: list what the build in `npm test` made; prepack itself is proven by the consumer test.
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    packed = new Set((JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => normalize(f.path)));
  });

  it('builds dist/ before packing (prepack), since dist/ is not in git', () => {
    assert.equal(pkg.scripts.prepack, 'npm run build');
  });

  it('ships every exports target, types included, and every typesVersions target', () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      const files = typeof target === 'string' ? [target] : [target.types, target.default];
      assert.ok(typeof target === 'string' || target.types, `${subpath} has types`);
      for (const file of files) assert.ok(packed.has(strip(file)), `${subpath} -> ${file} is packed`);
    }
    for (const [subpath, [file]] of Object.entries(pkg.typesVersions['*']!)) assert.ok(packed.has(strip(file!)), `typesVersions ${subpath} -> ${file} is packed`);
    const jsSubpaths = Object.keys(pkg.exports).filter((s) => s !== '.' && !s.endsWith('.json'));
    assert.deepEqual(Object.keys(pkg.typesVersions['*']!).sort(), jsSubpaths.map((s) => s.slice(2)).sort(), 'moduleResolution node finds every subpath');
  });

  it('has a manifest whose module paths resolve inside the package', () => {
    assert.ok(packed.has(pkg.customElements));
    const paths = new Set<string>();
    JSON.parse(read(pkg.customElements), (key, value: unknown) => {
      if ((key === 'path' || key === 'module') && typeof value === 'string') paths.add(value);
      return value;
    });
    assert.ok(paths.size > 6);
    for (const path of paths) assert.ok(packed.has(strip(path)) && path.endsWith('.js'), `${path} is a packed module`);
  });

  it('ships web-types.json and vscode.html-custom-data.json describing every element and attribute', () => {
    assert.ok(packed.has(strip(pkg['web-types'])));
    assert.ok(packed.has('vscode.html-custom-data.json'));
    const manifest = JSON.parse(read('custom-elements.json')) as { modules: Array<{ declarations?: Array<{ tagName?: string; attributes?: Array<{ name: string }> }> }> };
    const webTypes = JSON.parse(read('web-types.json')) as { contributions: { html: { elements: Array<{ name: string; attributes: Array<{ name: string }> }> } } };
    const vscode = JSON.parse(read('vscode.html-custom-data.json')) as { tags: Array<{ name: string; attributes: Array<{ name: string }> }> };
    const elements = manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.tagName);
    assert.equal(elements.length, 3);
    for (const element of elements) {
      const names = (element.attributes ?? []).map((a) => a.name).sort();
      const jetbrains = webTypes.contributions.html.elements.find((e) => e.name === element.tagName);
      const code = vscode.tags.find((t) => t.name === element.tagName);
      assert.deepEqual(jetbrains?.attributes.map((a) => a.name).sort(), names, `web-types: <${element.tagName}>`);
      assert.deepEqual(code?.attributes.map((a) => a.name).sort(), names, `VS Code: <${element.tagName}>`);
    }
  });

  it('has source maps that resolve to shipped sources or carry them', () => {
    const maps = [...packed].filter((file) => file.endsWith('.map'));
    assert.ok(maps.length > 50);
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(read(map)) as { sources: string[]; sourcesContent?: Array<string | null> };
      sources.forEach((source, i) => {
        const shipped = packed.has(normalize(join(dirname(map), source)));
        assert.ok(shipped || typeof sourcesContent?.[i] === 'string', `${map}: ${source} is shipped or inlined`);
      });
    }
  });

  it('ships LICENSE, and bundles that keep licence comments and name the third-party notices', () => {
    assert.ok(packed.has('LICENSE'));
    assert.ok(packed.has('dist/THIRD-PARTY-NOTICES.txt'));
    const notices = read('dist/THIRD-PARTY-NOTICES.txt');
    for (const name of ['lit-html', '@lit/context', 'rrweb', 'valibot']) assert.match(notices, new RegExp(`^${name.replace('/', '\\/')} `, 'm'));
    for (const bundle of ['chat-call-kit.min.js', 'chat-call-kit.esm.js', 'chat-call-kit-providers.js', 'chat-call-kit-rrweb.js']) {
      assert.match(read(`dist/${bundle}`).slice(0, 200), /THIRD-PARTY-NOTICES\.txt/, `${bundle} banner`);
    }
    assert.match(read('dist/chat-call-kit.min.js'), /@license[\s\S]*SPDX-License-Identifier: BSD-3-Clause/);
  });

  it('passes publint', async () => {
    const { messages, pkg: linted } = await publint({ pkgDir: root, pack: 'npm', level: 'suggestion' });
    assert.deepEqual(messages.map((m) => formatMessage(m, linted)), []);
  });
});
