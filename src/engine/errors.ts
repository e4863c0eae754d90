/**
 * Typed errors with stable codes. Hosts switch on `code`, never on `message`: messages are for
 * developers, the elements localize user-facing text from the code. Codes are listed in the README.
 */
export const CALL_ERROR_CODES = [
  'permission-denied',
  'device-not-found',
  'device-in-use',
  'insecure-context',
  'unsupported-browser',
  'signaling-failed',
  'media-failed',
  'invalid-state',
  'video-not-allowed',
  'calls-disabled',
] as const;
export type CallErrorCode = (typeof CALL_ERROR_CODES)[number];

export type MediaDeviceRole = 'microphone' | 'camera' | 'speaker';

export class CallError extends Error {
  override readonly name = 'CallError';
  readonly code: CallErrorCode;
  /** The device the error is about, when it is about one. */
  readonly device: MediaDeviceRole | undefined;

  constructor(code: CallErrorCode, message: string, options: { cause?: unknown; device?: MediaDeviceRole } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.device = options.device;
  }

  static invalidState(action: string, phase: string): CallError {
    return new CallError('invalid-state', `cannot ${action} while the call is ${phase}`);
  }

  static signaling(message: string, cause?: unknown): CallError {
    return new CallError('signaling-failed', message, { cause });
  }

  static media(message: string, cause?: unknown): CallError {
    return new CallError('media-failed', message, { cause });
  }

  /** Maps what `getUserMedia` / `setSinkId` threw to a code a person can act on. */
  static fromDeviceError(error: unknown, device: MediaDeviceRole): CallError {
    if (error instanceof CallError) return error;
    const name = error instanceof Error ? error.name : '';
    const what = device === 'camera' ? 'camera' : device === 'speaker' ? 'speaker' : 'microphone';
    switch (name) {
      case 'NotAllowedError':
      case 'PermissionDeniedError':
      case 'SecurityError':
        return new CallError('permission-denied', `permission to use the ${what} was denied`, { cause: error, device });
      case 'NotFoundError':
      case 'DevicesNotFoundError':
      case 'OverconstrainedError':
        return new CallError('device-not-found', `no ${what} was found`, { cause: error, device });
      case 'NotReadableError':
      case 'TrackStartError':
      case 'AbortError':
        return new CallError('device-in-use', `the ${what} is in use by another application`, { cause: error, device });
      default:
        return new CallError('media-failed', `the ${what} could not be started`, { cause: error, device });
    }
  }
}
