/**
 * Two real browser pages (any pair of `browser.ts`), an agent and a customer, each running one
 * CallEngine from the built SDK against the reference server. Every method goes through the page's
 * `window.harness`.
 */
import type { Browser as PlaywrightBrowser, Page as PlaywrightPage } from 'playwright-core';
import { wrapChromium, type TestBrowser, type TestPage } from './browser.js';

type Kind = 'audio' | 'video';
export interface Bytes {
  inbound: Record<Kind, number>;
  outbound: Record<Kind, number>;
  framesDecoded: number;
}
export interface HarnessLog {
  phases: string[];
  endReason?: string;
  remoteMedia: Array<{ muted: boolean; videoEnabled: boolean }>;
  events: Array<{ name: string; code?: string }>;
  errors: string[];
  transport: string[];
  connection: string[];
  supervisor: Array<string | null>;
  presence: Array<{ role: string; present: boolean; joined?: boolean }>;
}

interface Harness {
  join(options: Record<string, unknown>): Promise<void>;
  startCall(options: { video: boolean }): Promise<void>;
  accept(options: { video: boolean }): Promise<void>;
  reject(): void;
  end(): void;
  dispose(): void;
  setMuted(muted: boolean): Promise<void>;
  setVideoEnabled(enabled: boolean): Promise<void>;
  restartIce(): void;
  watchFirstFrame(): number;
  firstFrameAt(): number | undefined;
  now(): number;
  phase(): string;
  log(): HarnessLog;
  localMediaState(): { muted: boolean; videoEnabled: boolean };
  bytes(): Promise<Bytes>;
  capturedTracks(): Array<{ kind: string; readyState: string }>;
  peerConnectionStates(): string[];
  peerConnectionConfigurations(): RTCConfiguration[];
  liveLocalKinds(): string[];
  iceUsernameFragment(): string | undefined;
  offersMade(): number;
  negotiationSettled(): boolean;
  failNextRemoteDescription(type: 'offer' | 'answer'): void;
  dropHeartbeats(dropped: boolean): void;
  engineOptions(): { calling: string; allowVideo: boolean; iceServers: RTCIceServer[] };
  selectedCandidatePair(): Promise<CandidatePair | undefined>;
  candidateTypes(): Promise<{ local: string[]; remote: string[] }>;
  /** Bytes received so far per inbound audio stream, by statistics id. */
  inboundAudioStreams(): Promise<Record<string, number>>;
  supervisor(): string | null;
  remoteAudioTracks(): number;
  selectedPairs(): Promise<Array<{ local: { address: string; port: number }; remote: { address: string; port: number } }>>;
}

export interface CandidatePair {
  state: string;
  local: { type?: string; protocol?: string; relayProtocol?: string; url?: string };
  remote: { type?: string; protocol?: string };
}

declare global {
  interface Window {
    harness: Harness;
    harnessReady?: boolean;
  }
}

export class Side {
  constructor(readonly page: TestPage) {}

  get browser() {
    return this.page.browser;
  }

  run<R>(fn: (harness: Harness, arg: unknown) => R | Promise<R>, arg?: unknown): Promise<R> {
    return runInPage<Harness, R>(this.page, fn, arg);
  }

  join(options: Record<string, unknown>) {
    return this.run((h, o) => h.join(o as Record<string, unknown>), options);
  }

  phase() {
    return this.run((h) => h.phase());
  }

  log() {
    return this.run((h) => h.log());
  }

  bytes() {
    return this.run((h) => h.bytes());
  }

  async waitForPhase(phase: string, timeoutMs = 10_000): Promise<void> {
    await this.page.waitForFunction((p) => window.harness.phase() === p, phase, { timeout: timeoutMs });
  }

  /** `predicate` runs in the page: a function, or its source when it needs values from the test. */
  async waitFor(predicate: ((harness: Harness) => boolean) | string, timeoutMs = 10_000): Promise<void> {
    await this.page.waitForFunction(
      (source) => (new Function('harness', `return (${source})(harness);`) as (h: Harness) => boolean)(window.harness),
      predicate.toString(),
      { timeout: timeoutMs },
    );
  }

  /** Bytes received per kind, and video frames decoded, over `ms` of wall time. */
  async inboundGrowth(ms: number): Promise<Record<Kind, number> & { frames: number }> {
    const before = await this.bytes();
    await delay(ms);
    const after = await this.bytes();
    return {
      audio: after.inbound.audio - before.inbound.audio,
      video: after.inbound.video - before.inbound.video,
      frames: after.framesDecoded - before.framesDecoded,
    };
  }

  close() {
    return this.page.close();
  }
}

/**
 * Runs `fn` in `page` with the page's `window.harness` (whatever harness that page loads): the
 * function's source is sent, so it must not close over anything but `arg`.
 */
export function runInPage<H, R>(page: TestPage | PlaywrightPage, fn: (harness: H, arg: unknown) => R | Promise<R>, arg?: unknown): Promise<R> {
  // Both drivers' `evaluate` take (function, argument); TestPage's signature is the narrower one.
  return (page as TestPage).evaluate(
    ([source, argument]: readonly [string, unknown]) => {
      const harness = (window as unknown as { harness: H }).harness;
      return (new Function('harness', 'arg', `return (${source})(harness, arg);`) as (h: H, a: unknown) => R)(harness, argument);
    },
    [fn.toString(), arg] as const,
  );
}

/**
 * An agent and a customer page in a call that both see `active`: joined with `join` options (e.g.
 * `fromServerConfig: true`), rung, answered with the same kind. Pages are added to `open` for closing.
 */
export async function activeCall(
  browser: TestBrowser | PlaywrightBrowser,
  baseUrl: string,
  open: Side[],
  options: { video: boolean; label: string; join?: Record<string, unknown> },
): Promise<{ agent: Side; customer: Side; conversation: string }> {
  const conversation = uniqueConversation(options.label);
  const [agent, customer] = await Promise.all([openSide(browser, baseUrl), openSide(browser, baseUrl)]);
  open.push(agent, customer);
  await customer.join({ role: 'customer', conversation, ...options.join });
  await agent.join({ role: 'agent', conversation, ...options.join });
  await agent.run((h, v) => h.startCall({ video: v as boolean }), options.video);
  await customer.waitForPhase('incoming');
  await customer.run((h, v) => h.accept({ video: v as boolean }), options.video);
  await Promise.all([agent.waitForPhase('active', 20_000), customer.waitForPhase('active', 20_000)]);
  return { agent, customer, conversation };
}

export async function openSide(launched: TestBrowser | PlaywrightBrowser, baseUrl: string): Promise<Side> {
  const browser = 'newContext' in launched ? wrapChromium(launched) : launched;
  const page = await browser.newPage();
  page.onPageError((message) => console.error(`[page error ${browser.name}] ${message}`));
  await page.goto(`${baseUrl}/test-harness/call.html`);
  await page.waitForFunction(() => window.harnessReady === true, undefined);
  return new Side(page);
}

let counter = 0;
export function uniqueConversation(label: string): string {
  counter += 1;
  return `${label}-${process.pid}-${counter}`;
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
