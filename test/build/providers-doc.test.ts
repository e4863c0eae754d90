/**
 * docs/providers.md shows the hosted-vendor example adapter in full; the code it shows is the very
 * file the registry tests run (docs/examples/acme-cobrowse-adapter.ts), with the package import.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('docs/providers.md', () => {
  it('embeds docs/examples/acme-cobrowse-adapter.ts verbatim (importing from chat-call-kit)', () => {
    const doc = read('docs/providers.md');
    const match = /<!-- example:acme-cobrowse-adapter -->\n```ts\n([\s\S]*?)```\n<!-- end example -->/.exec(doc);
    assert.ok(match, 'the example block is in the document');
    const source = read('docs/examples/acme-cobrowse-adapter.ts').replaceAll("'../../src/index.js'", "'chat-call-kit'");
    assert.equal(match[1], source, 'the document shows the tested file');
  });

  it('documents every visual-engagement error code in the README', () => {
    const readme = read('README.md');
    for (const code of ['pin-invalid', 'pin-expired', 'pin-locked', 'provider-not-found', 'session-ended', 'control-refused']) {
      assert.ok(readme.includes(`| \`${code}\``), `README documents ${code}`);
    }
  });
});
