/**
 * Typed errors of visual engagement (screen share, co-browse). Hosts switch on `code`; `message` is
 * for developers; the elements localize what the user sees from the code. Listed in the README.
 */
export const VISUAL_ERROR_CODES = [
  'pin-invalid',
  'pin-expired',
  'pin-locked',
  'provider-not-found',
  'provider-exists',
  'session-ended',
  'invalid-state',
  'permission-denied',
  'screen-not-found',
  'screen-unreadable',
  'unsupported-browser',
  'signaling-failed',
  'provider-failed',
  'control-refused',
  'control-denied',
] as const;
export type VisualErrorCode = (typeof VISUAL_ERROR_CODES)[number];

export class VisualError extends Error {
  override readonly name = 'VisualError';
  readonly code: VisualErrorCode;
  /** `pin-invalid`: wrong PINs the conversation may still try before the session is locked. */
  readonly attemptsLeft: number | undefined;

  constructor(code: VisualErrorCode, message: string, options: { cause?: unknown; attemptsLeft?: number } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.attemptsLeft = options.attemptsLeft;
  }

  static invalidState(action: string, phase: string): VisualError {
    return new VisualError('invalid-state', `cannot ${action} while the visual-engagement session is ${phase}`);
  }

  static providerNotFound(id: string): VisualError {
    return new VisualError('provider-not-found', `no visual-engagement provider "${id}" is registered`);
  }

  static sessionEnded(sessionId: string): VisualError {
    return new VisualError('session-ended', `the visual-engagement session ${sessionId} has ended`);
  }

  /** Maps what `getDisplayMedia` threw to a code a person can act on. */
  static fromCaptureError(error: unknown): VisualError {
    if (error instanceof VisualError) return error;
    const name = error instanceof Error ? error.name : '';
    // InvalidStateError: asked without the user's click (the picker needs one), so Accept again.
    if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'AbortError' || name === 'InvalidStateError') {
      return new VisualError('permission-denied', 'sharing the screen was not allowed', { cause: error });
    }
    if (name === 'NotFoundError') {
      return new VisualError('screen-not-found', 'no screen, window or tab is available to share', { cause: error });
    }
    if (name === 'NotReadableError') {
      return new VisualError('screen-unreadable', 'the system did not let the browser capture the screen', { cause: error });
    }
    if (name === 'NotSupportedError' || name === 'TypeError') {
      return new VisualError('unsupported-browser', 'this browser cannot share the screen', { cause: error });
    }
    return new VisualError('provider-failed', 'the screen could not be shared', { cause: error });
  }
}
