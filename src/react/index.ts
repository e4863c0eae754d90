/**
 * React wrappers (`chat-call-kit/react`): each element as a React component with its properties
 * and events mapped (`onCallStateChange`, `onCallError`, `onCallRequestEnd`, `onCallSummary`, ...).
 */
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import { CallControls as CallControlsElement } from '../components/call-controls/call-controls.js';
import { ChatCallPanel as ChatCallPanelElement } from '../components/chat-call-panel/chat-call-panel.js';
import { CobrowseLauncher as CobrowseLauncherElement } from '../components/cobrowse-launcher/cobrowse-launcher.js';
import type { VisualEngagementRequestEvent } from '../components/cobrowse-launcher/cobrowse-launcher.component.js';
import type { CallErrorEvent, CallRequestEndEvent, CallStateChangeEvent, CallSummaryEvent, EngineChangeEvent } from '../events/index.js';
import type { VisualErrorEvent } from '../events/visual-error.js';
import type { VisualPinShareEvent } from '../events/visual-pin-share.js';
import type { VisualRequestEndEvent } from '../events/visual-request-end.js';
import type { VisualStateChangeEvent } from '../events/visual-state-change.js';

export const ChatCallPanel = createComponent({
  tagName: 'chat-call-panel',
  elementClass: ChatCallPanelElement,
  react: React,
  events: {
    onCallStateChange: 'call-state-change' as EventName<CallStateChangeEvent>,
    onCallError: 'call-error' as EventName<CallErrorEvent>,
    onCallRequestEnd: 'call-request-end' as EventName<CallRequestEndEvent>,
    onCallSummary: 'call-summary' as EventName<CallSummaryEvent>,
    onEngineChange: 'engine-change' as EventName<EngineChangeEvent>,
  },
});

export const CallControls = createComponent({
  tagName: 'call-controls',
  elementClass: CallControlsElement,
  react: React,
  events: {
    onCallRequestEnd: 'call-request-end' as EventName<CallRequestEndEvent>,
  },
});

export const CobrowseLauncher = createComponent({
  tagName: 'cobrowse-launcher',
  elementClass: CobrowseLauncherElement,
  react: React,
  events: {
    onVisualEngagementRequest: 'visual-engagement-request' as EventName<VisualEngagementRequestEvent>,
    onVisualPinShare: 'visual-pin-share' as EventName<VisualPinShareEvent>,
    onVisualRequestEnd: 'visual-request-end' as EventName<VisualRequestEndEvent>,
    onVisualStateChange: 'visual-state-change' as EventName<VisualStateChangeEvent>,
    onVisualError: 'visual-error' as EventName<VisualErrorEvent>,
  },
});
