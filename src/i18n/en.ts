/** English strings: the reference locale. Every other locale provides the same keys. */
import type { CallErrorCode, MediaDeviceRole } from '../engine/errors.js';
import type { EndReason } from '../engine/call-state.js';
import type { VisualErrorCode } from '../providers/errors.js';
import type { VisualEndReason, VisualKind } from '../providers/types.js';

const en = {
  $lang: 'en',
  $name: 'English',
  moreCommands: 'More commands',
  voiceCall: 'Voice call',
  videoCall: 'Video call',
  acceptWithAudio: 'Accept with audio',
  acceptWithVideo: 'Accept with video',
  reject: 'Reject',
  // No brackets of our own: display names often carry some ("Alex (agent)").
  incomingCall: (caller: string, video: boolean) => (video ? `Video call from ${caller}` : `Voice call from ${caller}`),
  ringTitle: (caller: string) => `${caller} is calling…`,
  answerCountdown: (time: string) => `${time} left to answer`,
  callerCountdown: (time: string) => `Rings for ${time} more`,
  clearNotice: 'Clear notice',
  you: 'You',
  defaultCaller: 'Customer service',
  calling: 'Calling the customer…',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  reconnectingSignaling: 'Reconnecting to the call service…',
  supervisorListening: 'A supervisor is listening',
  supervisorJoined: 'A supervisor joined the call',
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
    'remote-failed': 'The call failed on the other side',
  } satisfies Record<EndReason, string>,
  mute: 'Mute',
  unmute: 'Unmute',
  turnOffVideo: 'Turn off video',
  turnOnVideo: 'Turn on video',
  endCall: 'End call',
  audioSettings: 'Audio settings',
  videoSettings: 'Video settings',
  microphone: 'Microphone',
  camera: 'Camera',
  speaker: 'Speaker',
  defaultDevice: 'Default',
  chooseSpeaker: 'Choose speaker…',
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
  /** Titles that name the device the engine reported (`CallError.device`). */
  deviceErrors: {
    'permission-denied': {
      microphone: 'Access to your microphone is blocked.',
      camera: 'Access to your camera is blocked.',
      speaker: 'Access to your speaker is blocked.',
    },
    'device-not-found': {
      microphone: 'No microphone was found.',
      camera: 'No camera was found.',
      speaker: 'That speaker was not found.',
    },
    'device-in-use': {
      microphone: 'Your microphone is being used by another app.',
      camera: 'Your camera is being used by another app.',
      speaker: 'Your speaker is being used by another app.',
    },
    'media-failed': {
      microphone: 'Your microphone could not be started.',
      camera: 'Your camera could not be started.',
      speaker: 'That speaker could not be used.',
    },
  } satisfies Partial<Record<CallErrorCode, Record<MediaDeviceRole, string>>>,
  /** The customer cannot call back: only the agent places calls. */
  customerErrorActions: {
    'permission-denied': 'Allow it in your browser’s site settings (the camera icon in the address bar). The agent can then call you again.',
    'device-not-found': 'Connect one or choose another device. The agent can then call you again.',
    'device-in-use': 'Close the other app. The agent can then call you again.',
    'signaling-failed': 'Check your internet connection. The agent can then call you again.',
    'media-failed': 'Check your network or firewall. The agent can then call you again.',
  } satisfies Partial<Record<CallErrorCode, string>>,
  // call-controls
  callControls: 'Call controls',
  // end call-controls
  // visual engagement
  visual: {
    sessionPin: 'Session PIN',
    join: 'Join',
    accept: 'Accept',
    decline: 'Decline',
    endSession: 'End session',
    sendPinToChat: 'Send PIN to chat',
    customerScreen: 'Customer screen',
    laserPointer: 'Laser pointer',
    remoteControl: 'Remote control',
    takeBackControl: 'Take back control',
    havePin: 'Have a PIN?',
    fitToWidth: 'Fit to width',
    fullScreen: 'Full screen',
    screenKeys: (control: boolean): string =>
      control ? 'Arrow keys move the pointer; Enter clicks; Page Up and Page Down scroll.' : 'Arrow keys move the laser pointer.',
    controlRequestTitle: 'The agent asks to control this page',
    allowControl: 'Allow',
    denyControl: 'Deny',
    waitingForControl: 'Waiting for the customer’s answer…',
    pinLabel: 'PIN for the customer',
    pinExpires: (time: string) => `Expires at ${time}`,
    pinChatMessage: (pin: string, kind: VisualKind): string =>
      kind === 'screen-share'
        ? `To share your screen with me, enter this PIN in "Session PIN": ${pin}`
        : `To let me see this page with you, enter this PIN in "Session PIN": ${pin}`,
    creating: 'Creating the session…',
    waitingForCustomer: 'Waiting for the customer to enter the PIN…',
    customerReviewing: 'The customer is looking at the invitation…',
    connectingView: (kind: VisualKind): string => (kind === 'screen-share' ? 'Waiting for the customer’s screen…' : 'Waiting for the customer’s page…'),
    customerNavigating: 'The customer’s page is loading…',
    youAreInControl: 'You are in control of the customer’s page.',
    openConsole: 'Open the agent console',
    checkingPin: 'Checking the PIN…',
    invitationTitle: (kind: VisualKind): string => (kind === 'screen-share' ? 'Share your screen with the agent?' : 'Let the agent see this page?'),
    invitationIntro: 'If you accept, the agent will be able to:',
    capabilities: {
      view: (kind: VisualKind): string =>
        kind === 'screen-share' ? 'see the screen, window or tab you choose to share' : 'see this page (passwords and card numbers stay hidden)',
      laserPointer: 'point at things with a laser pointer',
      remoteControl: 'click, type and scroll in this page for you, until you take control back',
      navigation: 'open other pages of this site for you',
    },
    choosingScreen: 'Choose what to share in your browser’s window.',
    sharingScreen: 'You are sharing your screen with the agent.',
    agentSeesPage: 'The agent can see this page.',
    agentInControl: 'The agent is in control of this page.',
    attemptsLeft: (count: number): string => (count === 1 ? '1 attempt left.' : `${count} attempts left.`),
    endedAgent: {
      'local-ended': 'Session ended.',
      'remote-ended': 'The customer ended the session.',
      declined: 'The customer declined the invitation.',
      expired: 'The PIN expired. Start a new session for a new PIN.',
      locked: 'Too many wrong PINs were tried, so the session was locked. Start a new one.',
      failed: 'The session failed.',
    } satisfies Record<VisualEndReason, string>,
    endedCustomer: {
      'local-ended': 'Session ended.',
      'remote-ended': 'The agent ended the session.',
      declined: 'You declined the invitation.',
      expired: 'The session expired.',
      locked: 'The session was locked.',
      failed: 'The session failed.',
    } satisfies Record<VisualEndReason, string>,
    errors: {
      'pin-invalid': 'That PIN is not right. Check it and try again.',
      'pin-expired': 'That PIN has expired. Ask the agent for a new one.',
      'pin-locked': 'Too many wrong PINs. Ask the agent to start a new session.',
      'provider-not-found': 'Screen sharing and co-browsing are not set up for this service.',
      'provider-exists': 'That provider is already set up.',
      'session-ended': 'The session has ended.',
      'invalid-state': 'That is not possible right now.',
      'permission-denied': 'Screen sharing was not allowed. Select Accept again and choose what to share.',
      'screen-not-found': 'There is no screen, window or tab this browser can share. Open the window you want to show and select Accept again.',
      'screen-unreadable': 'Your system did not let the browser capture the screen. Allow screen recording for this browser in the system settings, then select Accept again.',
      'unsupported-browser': 'This browser cannot share the screen. Use a current Chrome, Edge, Firefox or Safari.',
      'signaling-failed': 'The connection to the service was lost. Check your internet connection and try again.',
      'provider-failed': 'Something went wrong with the session. Try again.',
      'control-refused': 'The customer’s page did not allow that: private fields and other sites are off limits.',
      'control-denied': 'The customer did not allow remote control.',
    } satisfies Record<VisualErrorCode, string>,
  },
  // end visual engagement
};

export type Translation = typeof en;
export default en;
