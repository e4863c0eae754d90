/**
 * The codecs every conversation's router offers: Opus for audio and VP8 for video, which every
 * browser the SDK supports sends and decodes (Chromium, Firefox, Safari), so the SFU never has to
 * transcode.
 */
import type { types } from 'mediasoup';

export const MEDIA_CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48_000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90_000, parameters: { 'x-google-start-bitrate': 1_000 } },
];
