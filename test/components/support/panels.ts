/**
 * Two real engines (agent, customer) joined by the in-memory transport, rendered by an agent and a
 * customer <chat-call-panel> in one page, with real peer connections and Chromium's fake devices.
 * Engines made here are disposed of by `disposeEngines()` (call it in `afterEach`).
 */
import { fixture, html } from '@open-wc/testing';
import { nothing } from 'lit';
import '../../../src/components/chat-call-panel/chat-call-panel.js';
import type { ChatCallPanel } from '../../../src/components/chat-call-panel/chat-call-panel.component.js';
import { CallEngine, type CallEngineOptions } from '../../../src/engine/call-engine.js';
import { MemoryHub } from '../../../src/signaling/memory-transport.js';
import { accessibleName } from './a11y.js';

const engines: CallEngine[] = [];
let count = 0;

/** Engines a test made itself, disposed of with the others. */
export function track(...made: CallEngine[]): void {
  engines.push(...made);
}

export function disposeEngines(): void {
  for (const engine of engines.splice(0)) engine.dispose();
}

/** Devices whose browser denies every capture (NotAllowedError), as after "Block" in the prompt. */
export function denyingDevices(): MediaDevices {
  return {
    getUserMedia: () => Promise.reject(new DOMException('denied', 'NotAllowedError')),
    enumerateDevices: () => navigator.mediaDevices.enumerateDevices(),
    addEventListener: () => {},
    removeEventListener: () => {},
  } as unknown as MediaDevices;
}

/** `refuseMicrophone`: the agent's browser denies the microphone (NotAllowedError). */
export function engines2(options: Partial<CallEngineOptions> = {}, refuseMicrophone = false) {
  const hub = new MemoryHub();
  const conversationId = `panel-${++count}`;
  const denying = denyingDevices();
  const agent = new CallEngine({
    transport: hub.createTransport({ conversationId, role: 'agent' }),
    displayName: 'Alex',
    ...(refuseMicrophone ? { mediaDevices: () => denying } : {}),
    ...options,
  });
  const customer = new CallEngine({ transport: hub.createTransport({ conversationId, role: 'customer' }), ...options });
  engines.push(agent, customer);
  return { agent, customer, hub, conversationId };
}

/** `lang: null` leaves the language to the document (`<html lang>`), so a test can switch it. */
export async function panels(options: Partial<CallEngineOptions> = {}, lang: string | null = 'en', refuseMicrophone = false, width = 320) {
  const { agent, customer, hub } = engines2(options, refuseMicrophone);
  const wrapper = await fixture<HTMLDivElement>(html`
    <div lang=${lang ?? nothing} style="width: ${width}px">
      <chat-call-panel participant="agent" .engine=${agent}></chat-call-panel>
      <chat-call-panel participant="customer" .engine=${customer}></chat-call-panel>
    </div>
  `);
  const [agentPanel, customerPanel] = [...wrapper.querySelectorAll('chat-call-panel')] as ChatCallPanel[];
  await customer.connect();
  await agent.connect();
  return { agent, customer, hub, agentPanel: agentPanel!, customerPanel: customerPanel!, wrapper };
}

export const $ = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector<T>(selector);

/** A button by accessible name, as a screen reader finds it. */
export const byText = (el: Element, text: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('button')].find((b) => accessibleName(b) === text);

export async function openMenuAndPick(panel: ChatCallPanel, item: string) {
  $<HTMLButtonElement>(panel, '[part~="menu-button"]')!.click();
  await panel.updateComplete;
  byText(panel, item)!.click();
}
