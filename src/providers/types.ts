/**
 * The provider-adapter contract of visual engagement. A provider (the SDK's built-in screen share
 * and co-browse, or a third-party vendor) is one `VisualProviderAdapter` registered in a
 * `ProviderRegistry`; the deployment's configuration names the one to use. The `VisualEngagement`
 * controller drives an adapter through this interface only. See docs/providers.md.
 */
import type { TypedEmitter } from '../internal/typed-emitter.js';
import type { CallParticipantRole } from '../signaling/protocol.js';
import type { SignalingTransport } from '../signaling/transport.js';
import type { VisualError } from './errors.js';

/** `screen-share`: the agent sees the customer's screen. `cobrowse`: the agent sees (and may act on) the customer's page. */
export type VisualKind = 'screen-share' | 'cobrowse';

/** What the agent can do in a session; the customer is told before accepting. */
export interface VisualCapabilities {
  /** See the customer's screen or page. */
  view: boolean;
  /** Point with a laser pointer that the customer sees. */
  laserPointer: boolean;
  /** Click, type, select and scroll in the customer's page (co-browse). */
  remoteControl: boolean;
  /** Follow links to other pages of the site, the session going on there (co-browse). */
  navigation: boolean;
}

/** How a session ended, from this side's point of view. */
export type VisualEndReason =
  /** This side ended it. */
  | 'local-ended'
  /** The other side ended it (for screen share: also when the customer stopped sharing in the browser). */
  | 'remote-ended'
  /** The customer declined the invitation. */
  | 'declined'
  /** The PIN expired before the customer used it. */
  | 'expired'
  /** Too many wrong PINs: the session was locked. */
  | 'locked'
  /** Something broke (`error` says what). */
  | 'failed';

/** What an adapter gets to work with. Built-in providers use the conversation's signaling. */
export interface ProviderContext {
  readonly role: CallParticipantRole;
  readonly conversationId: string;
  /** The conversation's signaling transport (not owned: adapters never close it). */
  readonly transport: SignalingTransport;
  /** The page the session runs in (the customer's page for co-browse). */
  readonly document: Document;
  /** Survives navigations within the tab (default `sessionStorage`); `undefined` disables resuming. */
  readonly storage: Storage | undefined;
}

export type AgentSessionEvents = {
  /** The customer redeemed the PIN and is looking at the invitation. */
  joined: [];
  /** The customer accepted; the view is on its way. */
  accepted: [];
  /** The customer's screen or page is visible (again, after a navigation). */
  active: [];
  /** The customer's page is loading another page; the view resumes by itself. */
  navigating: [];
  /** Remote control is on (the customer allowed it) or off (released, denied, or taken back by the customer). */
  control: [{ enabled: boolean }];
  /** Remote control was asked for and the customer has not answered yet (`true`), or has (`false`). */
  controlrequest: [{ requested: boolean }];
  /** What the session allows, once the customer's side said (its page may allow less than offered). */
  capabilities: [VisualCapabilities];
  /** The customer's page can (or cannot) show the laser pointer. */
  laseravailable: [boolean];
  /** Something failed that the session survives (e.g. a refused remote-control action). */
  error: [VisualError];
  /** Over; nothing more is emitted. */
  ended: [{ reason: VisualEndReason; error?: VisualError }];
};

/** The agent's side of one session, from `createSession`. */
export interface AgentSession extends Pick<TypedEmitter<AgentSessionEvents>, 'on' | 'once' | 'off'> {
  readonly id: string;
  /** What the agent gives the customer. */
  readonly pin: string;
  /** When the PIN stops working, ms since the epoch. */
  readonly expiresAt: number;
  /** Providers whose agent view is a separate application: open this URL in an app tab. */
  readonly consoleUrl?: string;
  /** Providers that show the customer's screen in the agent's page render it into `container`. */
  attachView?(container: HTMLElement): void;
  detachView?(): void;
  setLaserPointer?(enabled: boolean): void;
  /**
   * Asks for remote control (`true`: the customer is prompted, and the `control` event follows only
   * if the customer allows it) or gives it back.
   */
  setRemoteControl?(enabled: boolean): void;
  /** Ends the session (revoking an unused PIN). Safe to call twice. */
  end(): void;
}

/** A customer's session is sharing from the moment `Invitation#accept()` resolves. */
export type CustomerSessionEvents = {
  /** The customer allowed remote control (`true`) or it ended (`false`). */
  control: [{ enabled: boolean }];
  /** The agent asks for remote control (`true`); the request was answered or withdrawn (`false`). */
  controlrequest: [{ requested: boolean }];
  error: [VisualError];
  ended: [{ reason: VisualEndReason; error?: VisualError }];
};

/** The customer's side of one accepted session. */
export interface CustomerSession extends Pick<TypedEmitter<CustomerSessionEvents>, 'on' | 'once' | 'off'> {
  readonly id: string;
  /** The agent is in control of the page right now. */
  readonly remoteControlled: boolean;
  /** What the session allows (the agent's offer and this page's policy, both). */
  readonly capabilities?: VisualCapabilities;
  /** The agent asks for remote control and the customer has not answered. */
  readonly controlRequested?: boolean;
  /** The customer grants the pending request for remote control (each grant needs its own request). */
  allowControl?(): void;
  /** The customer refuses the pending request for remote control. */
  denyControl?(): void;
  /** Takes remote control back from the agent; it stays off until the customer allows it again. */
  takeBackControl?(): void;
  end(): void;
}

/** What the customer is asked to accept, from `joinByPin`. */
export interface Invitation {
  readonly sessionId: string;
  readonly kind: VisualKind;
  /** What the agent will be able to do; shown to the customer before accepting. */
  readonly capabilities: VisualCapabilities;
  /**
   * Accepts; resolves once this side is sharing. Screen share asks the browser for the screen here,
   * so call it from the click handler of the user's Accept gesture.
   */
  accept(): Promise<CustomerSession>;
  decline(): void;
}

/**
 * A visual-engagement provider. Register one with `ProviderRegistry#register`; the deployment's
 * configuration picks it by `id`.
 */
export interface VisualProviderAdapter {
  /** Unique in its registry; what the configuration names (e.g. `cobrowse`, `acme-cobrowse`). */
  readonly id: string;
  readonly kind: VisualKind;
  readonly capabilities: VisualCapabilities;
  /** The vendor's name, for hosts that show it. */
  readonly displayName?: string;
  /** Agent: creates a session and resolves once its PIN is issued. Rejects with a `VisualError`. */
  createSession(context: ProviderContext): Promise<AgentSession>;
  /**
   * Customer: looks the PIN up and resolves with the invitation. Rejects with a `VisualError`
   * coded `pin-invalid` (with `attemptsLeft`), `pin-expired` or `pin-locked`.
   */
  joinByPin(pin: string, context: ProviderContext): Promise<Invitation>;
  /**
   * Customer, optional: a session accepted on a previous page of this tab goes on in this one (no new
   * PIN). Resolves with `null` when there is nothing to resume.
   */
  resume?(context: ProviderContext): Promise<CustomerSession | null>;
  /**
   * Optional: called once by each `VisualEngagement` using this adapter, for its lifetime (e.g. to
   * watch the conversation). Returns the function that undoes it.
   */
  attach?(context: ProviderContext): () => void;
}
