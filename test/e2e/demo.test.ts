/**
 * The demo driven exactly as a QA tester would: two real Chromium pages (agent console and
 * customer portal), found by role and accessible name through shadow DOM, in both locales.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/server.js';
import { launchChromium } from './support/browser.js';
import { uniqueConversation } from './support/call-pair.js';

let server: RunningServer;
let browser: Browser;

async function openDemo(query: Record<string, string> = {}): Promise<{ agent: Page; customer: Page }> {
  const conversation = uniqueConversation('demo');
  const search = new URLSearchParams({ conversation, ...query }).toString();
  const [agent, customer] = await Promise.all([newPage(), newPage()]);
  await customer.goto(`${server.url}/demo/customer.html?${search}`);
  await agent.goto(`${server.url}/demo/agent.html?${search}`);
  // The agent's chat says when the customer is there: the call can be placed from then on.
  const joined = query.lang === 'pt-BR' ? 'Cliente entrou no chat' : 'Customer joined the chat';
  await agent.getByText(joined).waitFor();
  return { agent, customer };
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  return page;
}

/** The other side's video really plays: decoded size and advancing frames. */
async function assertPlaying(video: Locator, label: string): Promise<void> {
  await video.waitFor({ state: 'visible' });
  const first = await video.evaluate((v: HTMLVideoElement) => new Promise<number>((resolve) => v.requestVideoFrameCallback((_, m) => resolve(m.presentedFrames))));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const state = await video.evaluate((v: HTMLVideoElement) =>
    new Promise<{ width: number; frames: number }>((resolve) => v.requestVideoFrameCallback((_, m) => resolve({ width: v.videoWidth, frames: m.presentedFrames }))),
  );
  assert.ok(state.width > 0, `${label}: the remote video has a picture`);
  assert.ok(state.frames > first, `${label}: the remote video keeps presenting frames`);
}

async function closeAll(...pages: Page[]) {
  await Promise.all(pages.map((page) => page.context().close()));
}

describe('the demo, as a QA tester uses it', { timeout: 180_000 }, () => {
  before(async () => {
    server = await startServer({ mode: 'development', port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('video call: accept with video, both see each other, mute and video off reach the other side, the agent ends it', async () => {
    const { agent, customer } = await openDemo();
    await agent.getByRole('button', { name: 'More commands' }).click();
    await agent.getByRole('menuitem', { name: 'Video call' }).click();
    await customer.getByRole('button', { name: 'Accept with video' }).click();

    await assertPlaying(agent.getByLabel('Customer video'), 'agent');
    await assertPlaying(customer.getByLabel('Agent video'), 'customer');

    await agent.getByRole('button', { name: 'Mute', exact: true }).click();
    await agent.getByRole('button', { name: 'Unmute', pressed: true }).waitFor();
    await customer.getByText('Agent is muted').waitFor();

    await agent.getByRole('button', { name: 'Turn off video' }).click();
    await agent.getByRole('button', { name: 'Turn on video' }).waitFor();
    await customer.getByText('Agent camera is off').waitFor();
    assert.equal(await customer.getByLabel('Agent video').isVisible(), false, 'the customer sees the avatar, not a frozen picture');

    await customer.getByRole('button', { name: 'Mute', exact: true }).click();
    await agent.getByText('Customer is muted').waitFor();

    await agent.getByRole('button', { name: 'End call' }).click();
    await agent.getByRole('status').filter({ hasText: 'Call ended' }).waitFor();
    await customer.getByRole('status').filter({ hasText: 'The other side ended the call' }).waitFor();
    await agent.getByRole('button', { name: 'More commands' }).waitFor();
    await closeAll(agent, customer);
  });

  it('reject: the customer declines and the agent is told', async () => {
    const { agent, customer } = await openDemo();
    await agent.getByRole('button', { name: 'More commands' }).click();
    await agent.getByRole('menuitem', { name: 'Voice call' }).click();
    await customer.getByRole('button', { name: 'Reject' }).click();
    await agent.getByRole('status').filter({ hasText: 'The call was declined' }).waitFor();
    assert.equal(await customer.getByRole('button', { name: 'Accept with audio' }).count(), 0);
    await closeAll(agent, customer);
  });

  it('voice-only deployment: only Voice call and Accept with audio are offered, and the call carries no video', async () => {
    const { agent, customer } = await openDemo({ video: 'off' });
    await agent.getByRole('button', { name: 'More commands' }).click();
    await agent.getByRole('menuitem', { name: 'Voice call' }).waitFor();
    assert.equal(await agent.getByRole('menuitem', { name: 'Video call' }).count(), 0);
    await agent.getByRole('menuitem', { name: 'Voice call' }).click();
    await customer.getByRole('button', { name: 'Accept with audio' }).waitFor();
    assert.equal(await customer.getByRole('button', { name: 'Accept with video' }).count(), 0);
    await customer.getByRole('button', { name: 'Accept with audio' }).click();
    await agent.getByRole('button', { name: 'End call' }).waitFor();
    await agent.getByRole('status').filter({ hasText: 'In a call' }).waitFor();
    assert.equal(await agent.getByRole('button', { name: /video/i }).count(), 0, 'no video control in a voice-only deployment');
    await customer.getByRole('button', { name: 'End call' }).click();
    await agent.getByRole('status').filter({ hasText: 'The other side ended the call' }).waitFor();
    await closeAll(agent, customer);
  });

  it('pt-BR: the same call with the Portuguese product wording', async () => {
    const { agent, customer } = await openDemo({ lang: 'pt-BR' });
    await agent.getByRole('button', { name: 'Mais comandos' }).click();
    await agent.getByRole('menuitem', { name: 'Chamada de vídeo' }).click();
    await customer.getByRole('button', { name: 'Aceitar com vídeo' }).click();
    await agent.getByRole('button', { name: 'Mudo', exact: true }).click();
    await agent.getByRole('button', { name: 'Desativar mudo' }).waitFor();
    await agent.getByRole('button', { name: 'Desativar vídeo' }).click();
    await agent.getByRole('button', { name: 'Ativar vídeo' }).waitFor();
    await customer.getByRole('button', { name: 'Encerrar chamada' }).click();
    await agent.getByRole('status').filter({ hasText: 'A outra pessoa encerrou a chamada' }).waitFor();
    await closeAll(agent, customer);
  });

  it('the chat carries text both ways', async () => {
    const { agent, customer } = await openDemo();
    await customer.getByRole('textbox', { name: 'Message' }).fill('Hello, my order is late');
    await customer.getByRole('button', { name: 'Send' }).click();
    await agent.getByText('Hello, my order is late').waitFor();
    await agent.getByRole('textbox', { name: 'Message' }).fill('Let me call you');
    await agent.getByRole('button', { name: 'Send' }).click();
    await customer.getByText('Let me call you').waitFor();
    await closeAll(agent, customer);
  });
});
