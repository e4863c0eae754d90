/** English strings: the reference locale. Every other locale provides the same keys. */
import type { CallErrorCode } from '../engine/errors.js';
import type { EndReason } from '../engine/call-state.js';

const en = {
  $lang: 'en',
  $name: 'English',
  moreCommands: 'More commands',
  voiceCall: 'Voice call',
  videoCall: 'Video call',
  acceptWithAudio: 'Accept with audio',
  acceptWithVideo: 'Accept with video',
  reject: 'Reject',
  incomingCall: (caller: string, video: boolean) => `${caller} is calling you (${video ? 'video call' : 'voice call'})`,
  defaultCaller: 'Customer service',
  calling: 'Calling the customer…',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  poorNetwork: 'Poor network connection',
  inCall: 'In a call',
  callDuration: 'Call duration',
  ended: {
    'local-ended': 'Call ended',
    'remote-ended': 'The other side ended the call',
    rejected: 'The call was declined',
    cancelled: 'The call was cancelled',
    missed: 'Missed call',
    failed: 'The call failed',
  } satisfies Record<EndReason, string>,
  mute: 'Mute',
  unmute: 'Unmute',
  turnOffVideo: 'Turn off video',
  turnOnVideo: 'Turn on video',
  endCall: 'End call',
  devices: 'Devices',
  microphone: 'Microphone',
  camera: 'Camera',
  speaker: 'Speaker',
  defaultDevice: 'Default',
  agent: 'Agent',
  customer: 'Customer',
  yourVideo: 'Your video',
  remoteVideo: (who: string) => `${who} video`,
  remoteMuted: (who: string) => `${who} is muted`,
  remoteCameraOff: (who: string) => `${who} camera is off`,
  videoFallback: 'Your camera is not available, so the call goes on with audio only.',
  coBrowse: 'Co-browse',
  shareScreen: 'Share screen',
  dismiss: 'Dismiss',
  errors: {
    'permission-denied': {
      title: 'Access to your microphone or camera is blocked.',
      action: 'Allow it in your browser’s site settings (the camera icon in the address bar), then try again.',
    },
    'device-not-found': {
      title: 'No microphone or camera was found.',
      action: 'Connect one or choose another device, then try again.',
    },
    'device-in-use': {
      title: 'Your microphone or camera is being used by another app.',
      action: 'Close the other app, then try again.',
    },
    'insecure-context': {
      title: 'Calls need a secure connection.',
      action: 'Open this page with an https:// address.',
    },
    'unsupported-browser': {
      title: 'This browser cannot make calls.',
      action: 'Use a current version of Chrome, Edge, Firefox or Safari.',
    },
    'signaling-failed': {
      title: 'The connection to the call service was lost.',
      action: 'Check your internet connection, then try again.',
    },
    'media-failed': {
      title: 'The call could not connect.',
      action: 'Check your network or firewall, then try again.',
    },
    'invalid-state': {
      title: 'That is not possible right now.',
      action: 'Wait for the current step to finish.',
    },
    'video-not-allowed': {
      title: 'Video is turned off for this service.',
      action: 'Use a voice call instead.',
    },
    'calls-disabled': {
      title: 'Calls are turned off for this service.',
      action: 'Carry on in the chat.',
    },
  } satisfies Record<CallErrorCode, { title: string; action: string }>,
  // call-controls
  callControls: 'Call controls',
  // end call-controls
};

export type Translation = typeof en;
export default en;
