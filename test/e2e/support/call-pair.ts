/**
 * Two real Chromium pages, an agent and a customer, each running one CallEngine from the built SDK
 * against the reference server. Every method goes through the page's `window.harness`.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';

type Kind = 'audio' | 'video';
export interface Bytes {
  inbound: Record<Kind, number>;
  outbound: Record<Kind, number>;
}
export interface HarnessLog {
  phases: string[];
  endReason?: string;
  remoteMedia: Array<{ muted: boolean; videoEnabled: boolean }>;
  events: Array<{ name: string; code?: string }>;
  errors: string[];
  transport: string[];
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
  engineOptions(): { calling: string; allowVideo: boolean; iceServers: RTCIceServer[] };
  selectedCandidatePair(): Promise<CandidatePair | undefined>;
  candidateTypes(): Promise<{ local: string[]; remote: string[] }>;
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
  constructor(
    readonly page: Page,
    readonly context: BrowserContext,
  ) {}

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
    await this.page.waitForFunction((p) => window.harness.phase() === p, phase, { timeout: timeoutMs, polling: 20 });
  }

  async waitFor(predicate: (harness: Harness) => boolean, timeoutMs = 10_000): Promise<void> {
    await this.page.waitForFunction(
      (source) => (new Function('harness', `return (${source})(harness);`) as (h: Harness) => boolean)(window.harness),
      predicate.toString(),
      { timeout: timeoutMs, polling: 20 },
    );
  }

  /** Bytes received per kind over `ms` of wall time. */
  async inboundGrowth(ms: number): Promise<Record<Kind, number>> {
    const before = await this.bytes();
    await delay(ms);
    const after = await this.bytes();
    return {
      audio: after.inbound.audio - before.inbound.audio,
      video: after.inbound.video - before.inbound.video,
    };
  }

  close() {
    return this.context.close();
  }
}

export async function openSide(browser: Browser, baseUrl: string): Promise<Side> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await page.goto(`${baseUrl}/test-harness/call.html`);
  await page.waitForFunction(() => window.harnessReady === true);
  return new Side(page, context);
}

let counter = 0;
export function uniqueConversation(label: string): string {
  counter += 1;
  return `${label}-${process.pid}-${counter}`;
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
