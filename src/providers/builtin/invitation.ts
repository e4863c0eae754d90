/**
 * The customer's side of a PIN, as the built-in providers share it: redeem the PIN for this
 * provider, then an invitation that is answered once. Declining tells the agent; accepting opens
 * the provider's customer session. A failed `open` (say, the screen picker cancelled) leaves the
 * invitation unanswered, so the customer can try again or decline.
 */
import { VisualError } from '../errors.js';
import type { CustomerSession, Invitation, ProviderContext, VisualCapabilities, VisualKind } from '../types.js';
import type { PinClient, RedeemedSession } from './pins.js';
import { SessionLink } from './session-link.js';

/**
 * Redeems `pin` and checks it belongs to the provider `providerId`. The session's capabilities are
 * what the agent offers *and* what this page's provider allows (`policy`): the agent's PIN request
 * never overrides the customer page's own configuration.
 */
export async function redeemFor(pins: PinClient, pin: string, providerId: string, policy: VisualCapabilities): Promise<RedeemedSession> {
  const redeemed = await pins.redeem(pin);
  if (redeemed.provider !== providerId) {
    throw new VisualError('provider-not-found', `this PIN is for a "${redeemed.provider}" session, not "${providerId}"`);
  }
  return { ...redeemed, capabilities: allowedCapabilities(redeemed.capabilities, policy) };
}

/** Each capability that both sides grant. */
export function allowedCapabilities(offer: VisualCapabilities, policy: VisualCapabilities): VisualCapabilities {
  return {
    view: offer.view && policy.view,
    laserPointer: offer.laserPointer && policy.laserPointer,
    remoteControl: offer.remoteControl && policy.remoteControl,
    navigation: offer.navigation && policy.navigation,
  };
}

export function builtinInvitation(
  context: ProviderContext,
  redeemed: RedeemedSession,
  kind: VisualKind,
  open: () => Promise<CustomerSession>,
): Invitation {
  const link = new SessionLink(context.transport, redeemed.sessionId);
  let answered = false;
  let opening = false;
  return {
    sessionId: redeemed.sessionId,
    kind,
    capabilities: { ...redeemed.capabilities },
    accept: async () => {
      if (answered || opening) throw VisualError.invalidState('accept', answered ? 'answered' : 'accepting');
      opening = true;
      let session: CustomerSession;
      try {
        session = await open();
      } finally {
        opening = false;
      }
      answered = true;
      link.close();
      return session;
    },
    decline: () => {
      if (answered) return;
      answered = true;
      link.send('ve-decline', {});
      link.close();
    },
  };
}

