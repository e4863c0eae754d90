/**
 * The installed package under jsdom (what vitest's and jest's `jsdom` environments give a unit
 * test): the window's globals are installed the way those environments do, then the package is
 * imported by its name. Two engines with fake devices and a fake media session make a call, and a
 * <chat-call-panel> given one of them renders its state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JSDOM } from 'jsdom';
import type { ChatCallPanel } from 'chat-call-kit';

const dom = new JSDOM('<!doctype html><html lang="en"><body></body></html>', { url: 'https://localhost/', pretendToBeVisual: true });
/** DOM classes Node has its own of: the DOM's must win, or jsdom refuses Node's events. */
const OVERRIDDEN = new Set(['Event', 'EventTarget', 'CustomEvent', 'MessageEvent', 'ErrorEvent', 'CloseEvent', 'navigator']);

before(() => {
  // As jsdom test environments do: every window global Node lacks becomes a global.
  for (const key of Object.getOwnPropertyNames(dom.window)) {
    if (key in globalThis && !OVERRIDDEN.has(key)) continue;
    Object.defineProperty(globalThis, key, { configurable: true, get: () => (dom.window as unknown as Record<string, unknown>)[key] });
  }
});

// The globals stay until the process ends (a test file runs in its own): Lit and the elements still
// have work queued in microtasks after the last test, which would find them gone.
after(() => dom.window.close());

describe('chat-call-kit under jsdom', () => {
  it('runs a call between two engines and renders it in <chat-call-panel>', async () => {
    assert.equal(typeof (globalThis as { MediaStream?: unknown }).MediaStream, 'undefined', 'jsdom has no media APIs');
    // Imported only now, as in a jsdom test environment: the SDK (and Lit) see the window's globals.
    const { CallEngine, MemoryHub, createTrackStream } = await import('chat-call-kit');
    const { fakeDevices, fakeSessionFactory } = await import('../support/fake-media.js');
    await import('chat-call-kit/chat-call-panel.js');
    const hub = new MemoryHub();
    const sessions = fakeSessionFactory(() => createTrackStream());
    const agent = new CallEngine({
      transport: hub.createTransport({ conversationId: 'jsdom-1', role: 'agent' }),
      mediaSessionFactory: sessions,
      mediaDevices: fakeDevices().mediaDevices,
      capacityReporter: null,
    });
    const customer = new CallEngine({
      transport: hub.createTransport({ conversationId: 'jsdom-1', role: 'customer' }),
      mediaSessionFactory: sessions,
      mediaDevices: fakeDevices().mediaDevices,
    });
    // Typed as the package's class (the repo's own src/ declares the tag too).
    const panel = document.createElement('chat-call-panel') as unknown as ChatCallPanel;
    panel.participant = 'agent';
    panel.engine = agent;
    document.body.append(panel);
    try {
      await panel.updateComplete;
      const menuButton = panel.shadowRoot!.querySelector('[part~="menu-button"]');
      assert.match(menuButton?.textContent ?? '', /More commands/);

      await customer.connect();
      const ringing = new Promise<void>((resolve) => customer.on('incoming', () => resolve()));
      await agent.startCall({ video: false });
      await ringing;
      const active = new Promise<void>((resolve) => agent.on('statechange', (state) => state.phase === 'active' && resolve()));
      await customer.accept({ video: false });
      await active;
      await panel.updateComplete;
      assert.match(panel.shadowRoot!.querySelector('[part~="status"]')?.textContent ?? '', /In a call/);
      const ended = new Promise<void>((resolve) => customer.on('statechange', (state) => state.phase === 'ended' && resolve()));
      agent.end();
      await ended;
    } finally {
      panel.remove();
      agent.dispose();
      customer.dispose();
      hub.dispose();
    }
  });
});
