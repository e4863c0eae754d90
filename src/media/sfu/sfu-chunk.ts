/** dist/chat-call-kit-sfu.js: the SFU session and the supervisor's monitor, with mediasoup-client. */
export { SfuSession } from './sfu-session.js';
export { SupervisorMonitor } from './supervisor-monitor.js';
export { joinAsSupervisor } from './supervisor-join.js';
