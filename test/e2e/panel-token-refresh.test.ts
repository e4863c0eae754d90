/**
 * A conversation token expires (15 minutes on the reference server; 12 s here, through
 * `CCK_CONVERSATION_TOKEN_TTL_S`) while the page stays open, and a rejoin after a network drop needs
 * a valid one. A <chat-call-panel> given a `tokenProvider` rejoins with a fresh token after its
 * original one expired; replacing the function does not rebuild the engine; a panel holding only the
 * fixed `token` is refused for good (`token-expired`), which is why the provider exists. Real Chromium, real
 * server, conversations routed through the REST API like the demo's.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/server.js';
import { launchChromium } from './support/browser.js';

const TTL_S = 12;
let server: RunningServer;
let browser: Browser;
const pageDir = mkdtempSync(join(tmpdir(), 'cck-token-refresh-'));
const previousTtl = process.env.CCK_CONVERSATION_TOKEN_TTL_S;

interface Routed {
  conversationId: string;
  subject: string;
  token: string;
}

/** A customer asks for a chat, as the demo's portal does: its conversation token lives TTL_S. */
async function requestChat(): Promise<Routed> {
  const identity = (await (await fetch(`${server.url}/api/demo-token?role=customer`)).json()) as { token: string; subject: string };
  const response = await fetch(`${server.url}/api/conversations`, { method: 'POST', headers: { Authorization: `Bearer ${identity.token}` } });
  assert.equal(response.status, 201, 'the chat request is accepted');
  const { conversation, token } = (await response.json()) as { conversation: { id: string }; token: string };
  return { conversationId: conversation.id, subject: identity.subject, token };
}

type PanelState = { state: string | undefined; errors: string[] };

const stateOf = (page: Page, id: string): Promise<PanelState> =>
  page.evaluate((panelId) => {
    const panel = document.getElementById(panelId) as (HTMLElement & { engine?: { transport: { state: string } } }) | null;
    return { state: panel?.engine?.transport.state, errors: (window as unknown as { errors: Record<string, string[]> }).errors[panelId] ?? [] };
  }, id);

describe('<chat-call-panel> tokenProvider: rejoining after the token expired', { timeout: 150_000 }, () => {
  before(async () => {
    process.env.CCK_CONVERSATION_TOKEN_TTL_S = String(TTL_S);
    server = await startServer({ port: 0, host: '127.0.0.1', mode: 'development', heartbeatIntervalMs: 0, staticMounts: { '/token-refresh/': pageDir } });
    browser = await launchChromium();
  });

  after(async () => {
    if (previousTtl === undefined) delete process.env.CCK_CONVERSATION_TOKEN_TTL_S;
    else process.env.CCK_CONVERSATION_TOKEN_TTL_S = previousTtl;
    await browser?.close();
    await server?.close();
    rmSync(pageDir, { recursive: true, force: true });
  });

  it('a panel with a tokenProvider rejoins with a fresh token; one with only a fixed token is refused', async () => {
    const [withProvider, fixed] = [await requestChat(), await requestChat()];
    const { exp, iat } = decodeJwt(withProvider.token);
    assert.equal(exp! - iat!, TTL_S, 'the API issued a short-lived token');

    const freshUrl = `/api/demo-token?${new URLSearchParams({ role: 'customer', conversation: withProvider.conversationId, subject: withProvider.subject })}`;
    writeFileSync(
      join(pageDir, 'page.html'),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body>
      <script>window.errors = {}; document.addEventListener('call-error', (e) => (errors[e.target.id] ??= []).push('call-error:' + e.detail.error.code));</script>
      <script src="/dist/chat-call-kit.min.js"></script>
      <chat-call-panel id="provider" participant="customer" conversation="${withProvider.conversationId}" signaling-url="${server.signalingUrl}"></chat-call-panel>
      <chat-call-panel id="fixed" participant="customer" conversation="${fixed.conversationId}" signaling-url="${server.signalingUrl}" token="${fixed.token}"></chat-call-panel>
      <script>
        window.calls = { first: 0, second: 0 };
        const original = ${JSON.stringify(withProvider.token)};
        document.getElementById('provider').tokenProvider = () => {
          calls.first += 1;
          return original;
        };
      </script></body></html>`,
    );
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/token-refresh/page.html`);
      await page.waitForFunction(() =>
        ['provider', 'fixed'].every((id) => (document.getElementById(id) as HTMLElement & { engine?: { transport: { state: string } } }).engine?.transport.state === 'open'),
      );
      const connectionsBefore = server.acceptedConnections;
      // What each transport is told by the server.
      await page.evaluate(() => {
        for (const id of ['provider', 'fixed']) {
          const panel = document.getElementById(id) as HTMLElement & { engine: { transport: { on(event: 'error', listener: (e: { code: string }) => void): void } } };
          panel.engine.transport.on('error', (e) => ((window as unknown as { errors: Record<string, string[]> }).errors[id] ??= []).push(e.code));
        }
      });

      // A new function (what a host does when its session renews) is not a new configuration.
      const replaced = await page.evaluate((url) => {
        const panel = document.getElementById('provider') as HTMLElement & { engine: object; tokenProvider: () => Promise<string> };
        const engine = panel.engine;
        const calls = (window as unknown as { calls: { first: number; second: number } }).calls;
        panel.tokenProvider = async () => {
          calls.second += 1;
          return ((await (await fetch(url)).json()) as { token: string }).token;
        };
        return new Promise<boolean>((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(panel.engine === engine), 100)));
      }, freshUrl);
      assert.equal(replaced, true, 'the same engine after the provider was replaced');
      assert.equal(server.acceptedConnections, connectionsBefore, 'and no new connection');

      // Past the original tokens' expiry, the network drops both pages' connections.
      const waitMs = exp! * 1_000 + 1_500 - Date.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, waitMs)));
      assert.equal(server.dropConnections(), 2, 'both panels were connected');

      await page.waitForFunction(
        () => (document.getElementById('provider') as HTMLElement & { engine?: { transport: { state: string } } }).engine?.transport.state === 'open' && (window as unknown as { calls: { second: number } }).calls.second >= 1,
        undefined,
        { timeout: 20_000 },
      );
      const provider = await stateOf(page, 'provider');
      assert.deepEqual(provider, { state: 'open', errors: [] }, 'rejoined with a fresh token, no error');
      assert.deepEqual(await page.evaluate(() => (window as unknown as { calls: object }).calls), { first: 1, second: 1 }, 'the original for the first join, the replacement for the rejoin');

      await page.waitForFunction(
        () => (document.getElementById('fixed') as HTMLElement & { engine?: { transport: { state: string } } }).engine?.transport.state === 'closed',
        undefined,
        { timeout: 20_000 },
      );
      // Refused for good with no call running: the panel tells its user at once (a call-error), not at the next click.
      await page.waitForFunction(() => ((window as unknown as { errors: Record<string, string[]> }).errors.fixed ?? []).length >= 2, undefined, { timeout: 5_000 });
      assert.deepEqual(await stateOf(page, 'fixed'), { state: 'closed', errors: ['token-expired', 'call-error:signaling-failed'] }, 'the fixed-token panel was refused for good, and says so');
    } finally {
      await page.close();
    }
  });
});
