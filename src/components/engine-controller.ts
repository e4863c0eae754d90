/**
 * Connects an element to a `CallEngine`: re-renders the host on every engine event while the host
 * is in the document, and stops listening when it leaves. Elements render from the engine's own
 * getters (state, media state, streams), never from a copy, so the UI cannot drift from the engine.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CallEngine } from '../engine/call-engine.js';
import type { CallEngineEvents } from '../engine/events.js';

const RENDERED_EVENTS: Array<keyof CallEngineEvents> = [
  'statechange',
  'incoming',
  'localstream',
  'remotestream',
  'localmediastate',
  'remotemediastate',
  'connectionstate',
  'networkquality',
  'videofallback',
  'error',
  'devicechange',
  'audiooutputchange',
  'presence',
];

export class EngineController implements ReactiveController {
  #engine: CallEngine | undefined;
  #off: Array<() => void> = [];
  #connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly subscribe?: (engine: CallEngine) => Array<() => void>,
  ) {
    host.addController(this);
  }

  get engine(): CallEngine | undefined {
    return this.#engine;
  }

  set engine(engine: CallEngine | undefined) {
    if (engine === this.#engine) return;
    this.#unsubscribe();
    this.#engine = engine;
    if (this.#connected) this.#subscribe();
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#subscribe();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unsubscribe();
  }

  #subscribe(): void {
    const engine = this.#engine;
    if (!engine) return;
    for (const event of RENDERED_EVENTS) this.#off.push(engine.on(event, () => this.host.requestUpdate()));
    if (this.subscribe) this.#off.push(...this.subscribe(engine));
  }

  #unsubscribe(): void {
    for (const off of this.#off.splice(0)) off();
  }
}
