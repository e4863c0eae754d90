/**
 * Connects an element to a `CallEngine`: re-renders the host on every engine event while the host
 * is in the document, and stops listening when it leaves. Elements render from the engine's own
 * getters (state, media state, streams), never from a copy, so the UI cannot drift from the engine.
 */
import type { ReactiveControllerHost } from 'lit';
import type { CallEngine } from '../engine/call-engine.js';
import type { CallEngineEvents } from '../engine/events.js';
import { SubscriptionController } from './subscription-controller.js';

const RENDERED_EVENTS: Array<keyof CallEngineEvents> = [
  'statechange',
  'incoming',
  'localstream',
  'remotestream',
  'localmediastate',
  'remotemediastate',
  'connectionstate',
  'signalingstate',
  'remotevideoflowing',
  'networkquality',
  'videofallback',
  'error',
  'devicechange',
  'audiooutputchange',
  'presence',
  'supervisor',
];

export class EngineController extends SubscriptionController<CallEngine> {
  constructor(host: ReactiveControllerHost, extra?: (engine: CallEngine) => Array<() => void>) {
    super(host, (engine) => [...RENDERED_EVENTS.map((event) => engine.on(event, () => host.requestUpdate())), ...(extra?.(engine) ?? [])]);
  }

  get engine(): CallEngine | undefined {
    return this.source;
  }

  set engine(engine: CallEngine | undefined) {
    this.source = engine;
  }
}
