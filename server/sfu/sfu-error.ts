/** A media request the SFU refuses, with the stable code the `error` reply carries. */
export const SFU_ERROR_CODES = ['invalid-message', 'forbidden', 'media-not-found', 'media-unavailable', 'internal'] as const;
export type SfuErrorCode = (typeof SFU_ERROR_CODES)[number];

export class SfuError extends Error {
  override name = 'SfuError';
  readonly code: SfuErrorCode;

  constructor(code: SfuErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
