/**
 * Agent capacity: an agent in a call takes no new conversations. The engine tells a
 * `CapacityReporter` when the agent's call starts (rings) and when it ends, however it ends.
 *
 * The default, `SignalingCapacityReporter`, tells the reference server over the conversation's own
 * signaling connection (`call-started` / `call-ended`, see docs/protocol.md). Being on that socket
 * matters: a closing or reloading page leaves the conversation as it goes and the server frees the
 * capacity at once; a network that never comes back frees it after the resume grace period; and
 * the server also frees it when the call's hang-up passes through it, or when the agent rejoins
 * announcing no call, so a report lost in a dead socket keeps nobody busy.
 *
 * A host with its own routing system passes its own reporter (`capacityReporter` engine option), or
 * `null` for none.
 */
import type { SignalingTransport } from '../signaling/transport.js';
import type { CallState, EndReason } from './call-state.js';
import { isInCall } from './call-state.js';

export interface CallStartInfo {
  readonly conversationId: string;
  readonly callId: string;
  /** Placed as a video call. */
  readonly video: boolean;
}

export interface CallEndInfo extends CallStartInfo {
  readonly endReason: EndReason;
}

export interface CapacityReporter {
  /** The agent's call started ringing: from now on the agent is busy. */
  callStarted(info: CallStartInfo): void | Promise<void>;
  /** The call is over (hung up, rejected, cancelled, missed, failed, or the engine was disposed). */
  callEnded(info: CallEndInfo): void | Promise<void>;
}

/** Reports to the reference server over the engine's transport (`notifyServer`), if it has one. */
export class SignalingCapacityReporter implements CapacityReporter {
  readonly #transport: SignalingTransport;

  constructor(transport: SignalingTransport) {
    this.#transport = transport;
  }

  callStarted({ callId, video }: CallStartInfo): void {
    if (this.#transport.state !== 'closed') this.#transport.notifyServer?.({ type: 'call-started', payload: { callId, video } });
  }

  callEnded({ callId }: CallEndInfo): void {
    // A closed transport has no socket left: the server frees the capacity when it sees the socket go.
    if (this.#transport.state !== 'closed') this.#transport.notifyServer?.({ type: 'call-ended', payload: { callId } });
  }
}

interface StateSource {
  readonly conversationId: string;
  on(event: 'statechange', listener: (state: CallState, previous: CallState) => void): () => void;
}

/**
 * Calls `reporter` on every call start and end of `engine`. Returns the unsubscribe function.
 * A reporter that throws or rejects does not disturb the call: the error is rethrown asynchronously.
 */
export function reportCalls(engine: StateSource, reporter: CapacityReporter): () => void {
  return engine.on('statechange', (state, previous) => {
    const callId = state.callId;
    if (!callId) return;
    const info = { conversationId: engine.conversationId, callId, video: state.video };
    if (isInCall(state.phase) && !isInCall(previous.phase)) {
      guard(() => reporter.callStarted(info));
    } else if (state.phase === 'ended' && isInCall(previous.phase)) {
      guard(() => reporter.callEnded({ ...info, endReason: state.endReason ?? 'local-ended' }));
    }
  });
}

function guard(report: () => void | Promise<void>): void {
  const rethrow = (error: unknown) =>
    setTimeout(() => {
      throw error;
    });
  try {
    const result = report();
    if (result && typeof result.then === 'function') result.then(undefined, rethrow);
  } catch (error) {
    rethrow(error);
  }
}
