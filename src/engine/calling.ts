/**
 * The deployment's calling option, decided by the admin: video and voice calls, voice calls only,
 * or no calls at all. The reference server serves it at `GET /api/config` and enforces it on the
 * wire; the engine and the elements offer only what it allows.
 */
export const CALLING_OPTIONS = ['video-and-voice', 'voice-only', 'off'] as const;
export type CallingOption = (typeof CALLING_OPTIONS)[number];

export function isCallingOption(value: unknown): value is CallingOption {
  return typeof value === 'string' && (CALLING_OPTIONS as readonly string[]).includes(value);
}

/**
 * Combines the engine's `calling` and `allowVideo` options: `allowVideo: false` narrows
 * `video-and-voice` to `voice-only`; nothing widens `voice-only` or `off`.
 */
export function resolveCalling(calling: CallingOption | undefined, allowVideo: boolean | undefined): CallingOption {
  if (calling !== undefined && !isCallingOption(calling)) {
    throw new TypeError(`calling must be one of ${CALLING_OPTIONS.join(', ')}, got ${JSON.stringify(calling)}`);
  }
  if (calling === 'off') return 'off';
  if (calling === 'voice-only' || allowVideo === false) return 'voice-only';
  return 'video-and-voice';
}
