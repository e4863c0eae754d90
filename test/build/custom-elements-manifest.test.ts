/**
 * custom-elements.json (generated from the elements' JSDoc by `npm run build`) documents the whole
 * public surface of every element: attributes, properties, events, slots, CSS parts and properties.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

interface Described {
  name: string;
  description?: string;
  summary?: string;
}
interface Declaration extends Described {
  customElement?: boolean;
  tagName?: string;
  attributes?: Described[];
  members?: Array<Described & { kind: string; privacy?: string; static?: boolean }>;
  events?: Described[];
  slots?: Described[];
  cssParts?: Described[];
  cssProperties?: Described[];
}

const manifest = JSON.parse(readFileSync(new URL('../../custom-elements.json', import.meta.url), 'utf8')) as {
  modules: Array<{ declarations?: Declaration[] }>;
};
const elements = new Map(
  manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.customElement && d.tagName).map((d) => [d.tagName!, d]),
);

function names(list: Described[] | undefined): string[] {
  return (list ?? []).map((item) => item.name);
}

function assertDescribed(list: Described[] | undefined, what: string): void {
  for (const item of list ?? []) assert.ok(item.description?.trim(), `${what} ${item.name} has a description`);
}

describe('custom-elements.json', () => {
  it('lists the three elements', () => {
    assert.deepEqual([...elements.keys()].sort(), ['call-controls', 'chat-call-panel', 'cobrowse-launcher']);
  });

  for (const tag of ['chat-call-panel', 'call-controls', 'cobrowse-launcher']) {
    it(`documents <${tag}>: summary, attributes, events, parts and custom properties, each described`, () => {
      const element = elements.get(tag)!;
      assert.ok(element.summary?.trim(), `${tag} has a summary`);
      assert.ok((element.cssParts ?? []).length > 0, `${tag} documents CSS parts`);
      assert.ok((element.cssProperties ?? []).length > 0, `${tag} documents CSS custom properties`);
      assert.ok((element.events ?? []).length > 0, `${tag} documents events`);
      assertDescribed(element.attributes, `${tag} attribute`);
      assertDescribed(element.events, `${tag} event`);
      assertDescribed(element.cssParts, `${tag} part`);
      assertDescribed(element.cssProperties, `${tag} custom property`);
      assertDescribed(element.slots, `${tag} slot`);
      const publicFields = (element.members ?? []).filter((m) => m.kind === 'field' && !m.static && (m.privacy ?? 'public') === 'public');
      assertDescribed(publicFields, `${tag} property`);
    });
  }

  it('documents the attributes a script-tag integrator configures <chat-call-panel> with', () => {
    const attributes = names(elements.get('chat-call-panel')!.attributes);
    for (const name of ['participant', 'conversation', 'signaling-url', 'token', 'lang', 'allow-video']) {
      assert.ok(attributes.includes(name), `chat-call-panel documents the ${name} attribute`);
    }
  });

  it('documents participant, not ARIA role, as the side of the conversation on both elements', () => {
    for (const tag of ['chat-call-panel', 'cobrowse-launcher']) {
      const attributes = names(elements.get(tag)!.attributes);
      assert.ok(attributes.includes('participant'), `${tag} documents participant`);
      assert.ok(!attributes.includes('role'), `${tag} has no role attribute`);
    }
  });

  it('documents the events a host page listens to', () => {
    assert.deepEqual(names(elements.get('chat-call-panel')!.events).sort(), ['call-error', 'call-request-end', 'call-state-change', 'call-summary', 'engine-change']);
    assert.ok(names(elements.get('call-controls')!.events).includes('call-request-end'), 'call-controls documents call-request-end');
  });
});
