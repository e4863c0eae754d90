// Every subpath of the package, type-checked under each moduleResolution (tsconfig.*.json) with
// skipLibCheck off. Kept a value-level use of each so an `any` from a missing declaration would fail.
import { CallEngine, MemoryHub, type CallEngineOptions, type EngineChangeEvent } from 'chat-call-kit';
import { ChatCallPanel as PanelElement } from 'chat-call-kit/chat-call-panel.js';
import { CallControls as ControlsElement } from 'chat-call-kit/call-controls.js';
import { CobrowseLauncher as LauncherElement } from 'chat-call-kit/cobrowse-launcher.js';
import { ChatCallPanel, CallControls, CobrowseLauncher } from 'chat-call-kit/react';
import * as esm from 'chat-call-kit/chat-call-kit.esm.js';
import 'chat-call-kit/chat-call-kit.min.js';

const options: CallEngineOptions = { transport: new MemoryHub().createTransport({ conversationId: 'c', role: 'agent' }) };
const engine: CallEngine = new CallEngine(options);
const panel: PanelElement = document.createElement('chat-call-panel');
panel.engine = engine;
panel.addEventListener('engine-change', (event: EngineChangeEvent) => event.detail.engine?.state.phase);
const controls: ControlsElement | null = document.querySelector('call-controls');
const launcher: LauncherElement | null = document.querySelector('cobrowse-launcher');
const fromGlobal: typeof esm.CallEngine = window.ChatCallKit.CallEngine;
export const used = [ChatCallPanel, CallControls, CobrowseLauncher, PanelElement, ControlsElement, LauncherElement, esm.CallEngine, controls, launcher, fromGlobal];
