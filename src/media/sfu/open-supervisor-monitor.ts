/**
 * `openSupervisorMonitor`: a supervisor joins a call in progress through the SFU (`joinAsSupervisor`
 * in the lazy SFU chunk, which this loads on first use).
 */
import type { SupervisorMonitor } from './supervisor-monitor.js';
import type { OpenSupervisorMonitorOptions } from './supervisor-join.js';
import { importSfuSession } from './sfu-loader.js';

export type { OpenSupervisorMonitorOptions };

/**
 * Joins `options.transport` (the `supervisor` role, with the token of `POST /api/conversations/:id/monitor`)
 * and monitors `options.callId`: the agent's and the customer's streams arrive, nothing is sent.
 * `bargeIn()` speaks into the call; `leave()` ends it and closes the transport.
 */
export async function openSupervisorMonitor(options: OpenSupervisorMonitorOptions): Promise<SupervisorMonitor> {
  return (await importSfuSession()).joinAsSupervisor(options);
}
