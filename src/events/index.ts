export type { CallStateChangeEvent } from './call-state-change.js';
export type { CallErrorEvent } from './call-error.js';
export type { CallRequestEndEvent } from './call-request-end.js';
export type { CallSummary, CallSummaryEvent } from './call-summary.js';
export type { EngineChangeEvent } from './engine-change.js';
