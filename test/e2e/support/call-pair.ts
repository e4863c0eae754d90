/**
 * Two real browser pages (any pair of `browser.ts`), an agent and a customer, each running one
 * CallEngine from the built SDK against the reference server. Every method goes through the page's
 * `window.harness`.
 */
import type { Browser as PlaywrightBrowser } from 'playwright-core';
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
  inboundAudioStreams(): Promise<number[]>;
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
    return this.page.evaluate(
      ([source, argument]) => {
        const call = new Function('harness', 'arg', `return (${source})(harness, arg);`) as (h: Harness, a: unknown) => R;
        return call(window.harness, argument);
      },
      [fn.toString(), arg] as const,
    );
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
