/**
 * The words for an engine error, for this side: the title names the device that failed when the
 * engine knows it, and the customer is never told to "try again" what only the agent can do (place
 * the call): the customer's steps end with "the agent can then call you again".
 */
import type { CallError } from '../../engine/errors.js';
import type { Translation } from '../../i18n/localize.js';
import type { ParticipantRole } from '../../signaling/protocol.js';

export function errorText(strings: Translation, error: CallError, participant: ParticipantRole): { title: string; action: string } {
  const generic = strings.errors[error.code];
  const device = error.device;
  const byDevice = strings.deviceErrors[error.code as keyof Translation['deviceErrors']];
  const title = device && byDevice ? byDevice[device] : generic.title;
  const customerAction = participant === 'customer' ? strings.customerErrorActions[error.code as keyof Translation['customerErrorActions']] : undefined;
  return { title, action: customerAction ?? generic.action };
}
