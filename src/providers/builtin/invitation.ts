/**
 * The customer's side of a PIN, as the built-in providers share it: redeem the PIN for this
 * provider, then an invitation that is answered once. Declining tells the agent; accepting opens
 * the provider's customer session. A failed `open` (say, the screen picker cancelled) leaves the
 * invitation unanswered, so the customer can try again or decline.
 */
import { VisualError } from '../errors.js';
import type { CustomerSession, Invitation, ProviderContext, VisualKind } from '../types.js';
import type { PinClient, RedeemedSession } from './pins.js';
import { SessionLink } from './session-link.js';

/** Redeems `pin` and checks it belongs to the provider `providerId`. */
export async function redeemFor(pins: PinClient, pin: string, providerId: string): Promise<RedeemedSession> {
  const redeemed = await pins.redeem(pin);
  if (redeemed.provider !== providerId) {
    throw new VisualError('provider-not-found', `this PIN is for a "${redeemed.provider}" session, not "${providerId}"`);
  }
  return redeemed;
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

