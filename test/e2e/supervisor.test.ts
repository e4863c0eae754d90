/**
 * A supervisor on a call through the SFU, end to end (the real mediasoup worker, three real Chromium
 * pages): the call is listed in progress; **monitoring**, the supervisor's page receives both sides'
 * audio and video and sends nothing, the agent is told "a supervisor is listening" and the customer
 * is told nothing (no supervisor event, no supervisor in its presence); **barging in**, both sides
 * receive the supervisor's audio and are told; **leaving** releases the supervisor's page entirely
 * and both sides hear of it. A customer's token cannot monitor.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/server.js';
import { sfuUnavailableReason } from '../support/sfu.js';
import { launchChromium } from './support/browser.js';
import { activeCall, delay, runInPage, uniqueConversation, type Side } from './support/call-pair.js';

const unavailable = await sfuUnavailableReason();
const harnessDir = fileURLToPath(new URL('./harness/', import.meta.url));
const FLOWING = 1_000;

type SupervisorBytes = { agent: { audio: number; video: number }; customer: { audio: number; video: number }; sent: number; outboundStreams: number };
interface SupervisorHarness {
  api(role: string, method: string, path: string): Promise<{ status: number; body: Record<string, unknown> }>;
  monitor(conversationId: string): Promise<void>;
  bargeIn(): Promise<void>;
  leave(): void;
  state(): string;
  log(): { states: string[]; errors: string[] };
  bytes(): Promise<SupervisorBytes>;
  openPeerConnections(): number;
  capturedTracks(): Array<{ kind: string; readyState: string }>;
}

const inPage = <R>(page: Page, fn: (harness: SupervisorHarness, arg: unknown) => R | Promise<R>, arg?: unknown) => runInPage<SupervisorHarness, R>(page, fn, arg);

describe('a supervisor monitors, barges in and leaves (SFU)', { timeout: 240_000, skip: unavailable ?? false }, () => {
  let server: RunningServer;
  let browser: Browser;
  const open: Side[] = [];
  const pages: Page[] = [];

  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1', staticMounts: { '/test-harness/': harnessDir }, deployment: { media: 'sfu' }, sfu: { workers: 1 } });
    browser = await launchChromium();
  });

  after(async () => {
    await Promise.all([...open.map((side) => side.close()), ...pages.map((page) => page.context().close())].map((closing) => closing.catch(() => {})));
    await browser?.close();
    await server?.close();
  });

  async function supervisorPage(): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    pages.push(page);
    page.on('pageerror', (error) => console.error(`[supervisor page error] ${error.message}`));
    await page.goto(`${server.url}/test-harness/sfu/supervisor.html`);
    await page.waitForFunction(() => (window as unknown as { harnessReady?: boolean }).harnessReady === true);
    return page;
  }

  /** Bytes the supervisor received from each member, and sent, over one second. */
  async function supervisorGrowth(page: Page): Promise<SupervisorBytes> {
    const before = await inPage(page, (h) => h.bytes());
    await delay(1_000);
    const after = await inPage(page, (h) => h.bytes());
    return {
      agent: { audio: after.agent.audio - before.agent.audio, video: after.agent.video - before.agent.video },
      customer: { audio: after.customer.audio - before.customer.audio, video: after.customer.video - before.customer.video },
      sent: after.sent - before.sent,
      outboundStreams: after.outboundStreams,
    };
  }

  /** How many inbound audio streams of `side` carry sound over one second (the other side, plus a supervisor). */
  async function audibleStreams(side: Side): Promise<number> {
    const before = await side.run((h) => h.inboundAudioStreams());
    await delay(1_000);
    const after = await side.run((h) => h.inboundAudioStreams());
    return Object.entries(after).filter(([id, bytes]) => bytes - (before[id] ?? 0) > FLOWING).length;
  }

  async function until(what: string, check: () => Promise<boolean>, attempts = 20): Promise<void> {
    for (let attempt = 0; attempt < attempts; attempt += 1) if (await check()) return;
    assert.fail(`timed out: ${what}`);
  }

  it('monitors without being noticed by the customer, barges in for both sides to hear, and leaves cleanly', async () => {
    const { agent, customer, conversation } = await activeCall(browser, server.url, open, { video: true, label: 'supervised', join: { fromServerConfig: true } });

    const supervisor = await supervisorPage();
    const listed = await inPage(supervisor, (h) => h.api('supervisor', 'GET', '/api/calls'));
    assert.equal(listed.status, 200);
    const calls = listed.body.calls as Array<{ conversationId: string; video: boolean; supervisor: string | null }>;
    assert.deepEqual(calls.filter((c) => c.conversationId === conversation).map((c) => [c.video, c.supervisor]), [[true, null]], 'the call is listed in progress');

    // Monitor: both sides' audio and video reach the supervisor; it sends nothing.
    await inPage(supervisor, (h, id) => h.monitor(id as string), conversation);
    let last: SupervisorBytes | undefined;
    await until('the supervisor receives audio and video from both sides', async () => {
      last = await supervisorGrowth(supervisor);
      return [last.agent, last.customer].every((from) => from.audio > FLOWING && from.video > FLOWING);
    });
    assert.equal(last!.sent, 0, 'the monitoring supervisor sends no bytes');
    assert.equal(last!.outboundStreams, 0, 'the monitoring supervisor has no outbound stream at all');
    assert.deepEqual(await inPage(supervisor, (h) => h.capturedTracks()), [], 'no microphone or camera was opened');
    await agent.waitFor((h) => h.supervisor() === 'monitoring');
    assert.equal(await customer.run((h) => h.supervisor()), null, 'the customer is not told');
    const customerLog = await customer.log();
    assert.deepEqual(customerLog.supervisor, []);
    assert.ok(!customerLog.presence.some((p) => p.role === 'supervisor'), 'no supervisor in the customer’s presence');
    assert.equal(await audibleStreams(customer), 1, 'the customer hears the agent only');
    const monitored = (await inPage(supervisor, (h) => h.api('supervisor', 'GET', '/api/calls'))).body.calls as Array<{ conversationId: string; supervisor: string | null }>;
    assert.equal(monitored.find((c) => c.conversationId === conversation)?.supervisor, 'monitoring');

    // Barge in: the supervisor's voice reaches both sides, who are both told.
    await inPage(supervisor, (h) => h.bargeIn());
    await agent.waitFor((h) => h.supervisor() === 'barged-in');
    await customer.waitFor((h) => h.supervisor() === 'barged-in');
    await until('the agent hears the customer and the supervisor', async () => (await audibleStreams(agent)) === 2);
    await until('the customer hears the agent and the supervisor', async () => (await audibleStreams(customer)) === 2);
    assert.ok((await supervisorGrowth(supervisor)).sent > FLOWING, 'the supervisor now sends audio');

    // Leave: everything of the supervisor's is released; both sides are told and stop receiving it.
    await inPage(supervisor, (h) => h.leave());
    assert.equal(await inPage(supervisor, (h) => h.openPeerConnections()), 0, 'every peer connection closed');
    assert.ok((await inPage(supervisor, (h) => h.capturedTracks())).every((t) => t.readyState === 'ended'), 'the microphone is released');
    await agent.waitFor((h) => h.supervisor() === null);
    await customer.waitFor((h) => h.supervisor() === null);
    await agent.waitFor((h) => h.remoteAudioTracks() === 1);
    await customer.waitFor((h) => h.remoteAudioTracks() === 1);
    assert.deepEqual(await customer.run((h) => h.log().supervisor), ['barged-in', null]);
    assert.deepEqual(await agent.run((h) => h.log().supervisor), ['monitoring', 'barged-in', null]);
    assert.equal(await agent.phase(), 'active', 'the call goes on without the supervisor');
    assert.equal(await customer.phase(), 'active');
    assert.deepEqual((await inPage(supervisor, (h) => h.log())).errors, []);
  });

  it('the demo supervisor page: Monitor, Barge in and Leave on a call in progress', async () => {
    const { agent, customer, conversation } = await activeCall(browser, server.url, open, { video: false, label: 'demo-supervised', join: { fromServerConfig: true } });

    const context = await browser.newContext();
    const page = await context.newPage();
    pages.push(page);
    await page.goto(`${server.url}/demo/supervisor.html`);
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: conversation }) });
    await row.getByRole('button', { name: 'Monitor' }).click();
    await agent.waitFor((h) => h.supervisor() === 'monitoring');
    await row.getByRole('cell', { name: 'monitoring' }).waitFor();
    await row.getByRole('button', { name: 'Barge in' }).click();
    await customer.waitFor((h) => h.supervisor() === 'barged-in');
    await until('the customer hears the supervisor', async () => (await audibleStreams(customer)) === 2);
    await row.getByRole('button', { name: 'Leave' }).click();
    await agent.waitFor((h) => h.supervisor() === null);
    await customer.waitFor((h) => h.supervisor() === null);
    assert.ok(await row.getByRole('button', { name: 'Monitor' }).isEnabled(), 'Monitor again once left');
  });

  it('refuses a customer’s token: no monitoring, no list of calls', async () => {
    const supervisor = await supervisorPage();
    const conversation = uniqueConversation('not-for-customers');
    const monitor = await inPage(supervisor, (h, id) => h.api('customer', 'POST', `/api/conversations/${id as string}/monitor`), conversation);
    assert.deepEqual([monitor.status, monitor.body.error], [403, 'forbidden']);
    const list = await inPage(supervisor, (h) => h.api('customer', 'GET', '/api/calls'));
    assert.deepEqual([list.status, list.body.error], [403, 'forbidden']);
  });
});
