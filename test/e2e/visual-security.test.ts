/**
 * Co-browse attacked (issue #10, the co-browse and provider rows), each attack performed against
 * the reference server by two real Chromium pages: a hostile agent (the agent harness's raw tools:
 * node ids read from the customer's events, messages sent as they are) and a hostile customer page
 * (test/e2e/harness/visual/attack.html). A local HTTP server, the beacon, counts every request by
 * browser: it stands for another origin (cross-origin links and forms point at it) and for URLs the
 * customer's page names (images, stylesheets, frames...).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { harnessSuite } from './support/harness-suite.js';
import {
  clickMirrored,
  createPin,
  enterPin,
  harnessState,
  mirrorHas,
  openVisualSide,
  visualConversation,
  type HostileAgentWindow,
  type VisualHarnessWindow,
  type VisualSide,
} from './support/visual-pair.js';

declare const window: VisualHarnessWindow & HostileAgentWindow & Window & { harness: { addBase(): void; removeBase(): void } };

const AGENT_UA = 'cck-test-agent';
const CUSTOMER_UA = 'cck-test-customer';
const MASKED = '********';

let beacon: { url: string; hits: Array<{ path: string; agent: boolean }>; server: Server };
// Chromium (the replica's policy is also checked with a Firefox agent): CDP measures the agent's heap.
// Row 1 has a hostile agent type 1,000 codes at machine speed: the server's co-browse rate limit
// would cut that brute force off first (test/server/connection-limits.test.ts); raised here so what
// is tested is the masking behind it.
const suite = harnessSuite<VisualSide>({ limits: { cobrowseMessagesPerSecond: 100_000, cobrowseMessageBurst: 100_000, messagesPerSecond: 100_000, messageBurst: 100_000 } });
const chromium = () => suite.browsers.get('chromium');

async function startBeacon(): Promise<typeof beacon> {
  const hits: Array<{ path: string; agent: boolean }> = [];
  const http = createServer((request, response) => {
    hits.push({ path: request.url ?? '', agent: (request.headers['user-agent'] ?? '').includes(AGENT_UA) });
    response.setHeader('content-type', request.url?.endsWith('.css') ? 'text/css' : 'text/html');
    response.end(request.url?.endsWith('.css') ? 'p { color: red; }' : '<!doctype html><title>beacon</title>');
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, hits, server: http };
}

interface Pair {
  agent: VisualSide;
  customer: VisualSide;
}

/** The agent's console and the attack page, up to an active session (`caps`: the page's own policy). */
async function attackSession(options: { caps?: string; customerSuffix?: string; agentBrowser?: 'chromium' | 'firefox' } = {}): Promise<Pair> {
  const conversation = visualConversation('attack');
  const query = `conversation=${encodeURIComponent(conversation)}&visual=cobrowse`;
  const customerQuery = `${query}&beacon=${encodeURIComponent(beacon.url)}${options.caps ? `&caps=${options.caps}` : ''}`;
  const [agent, customer] = await Promise.all([
    openVisualSide(await suite.browsers.get(options.agentBrowser ?? 'chromium'), `${suite.server.url}/test-harness/visual/agent.html?${query}`, { width: 1000, height: 900 }, {
      userAgent: AGENT_UA,
    }),
    openVisualSide(await chromium(), `${suite.server.url}/test-harness/visual/attack.html?${customerQuery}${options.customerSuffix ?? ''}`, { width: 1280, height: 900 }, {
      userAgent: CUSTOMER_UA,
    }),
  ]);
  suite.opened.push(agent, customer);
  const pin = await createPin(agent);
  await enterPin(customer, pin);
  await customer.byRole('button', 'Accept').click();
  await agent.byRole('region', 'Customer screen').waitFor();
  await mirrorHas(agent, '#order', 'Order 48737-2');
  await agent.page.waitForFunction(() => window.harness.nodeOf('add') !== null);
  return { agent, customer };
}

/** The agent asks for control through its UI and the customer allows it. */
async function grantControl({ agent, customer }: Pair): Promise<void> {
  await agent.byRole('button', 'Remote control').click();
  await customer.byRole('button', 'Allow').click();
  await agent.page.waitForFunction(() => window.harness.state()?.remoteControl === true, undefined, { timeout: 10_000 });
}

/** A raw remote-control action of the hostile agent, and the customer's refusal (it must come). */
async function refusedAction(agent: VisualSide, action: string, htmlId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const seq = await agent.page.evaluate(([a, id, x]) => window.harness.controlRaw(a, id, x), [action, htmlId, extra] as const);
  const handle = await agent.page.waitForFunction((s) => window.harness.resultOf(s), seq, { timeout: 10_000 });
  const result = (await handle.jsonValue()) as { ok: boolean; reason?: string };
  assert.equal(result.ok, false, `${action} on #${htmlId} is refused`);
  return result.reason ?? '';
}

/** The events the customer's page sent (reassembled from its ve-events messages, in order). */
async function customerEvents(customer: VisualSide): Promise<Array<{ type: number; data: Record<string, unknown> }>> {
  const messages = await customer.page.evaluate(() => window.harness.sentMessages.filter((m) => m.type === 've-events').map((m) => m.payload));
  const events: Array<{ type: number; data: Record<string, unknown> }> = [];
  let parts: string[] = [];
  for (const chunk of messages as Array<{ data: string; final: boolean }>) {
    parts.push(chunk.data);
    if (!chunk.final) continue;
    events.push(...(JSON.parse(parts.join('')) as typeof events));
    parts = [];
  }
  return events;
}

async function customerFrames(customer: VisualSide): Promise<string> {
  return (await customer.page.evaluate(() => window.harness.sentFrames)).join('\n');
}

describe('co-browse under attack (issue #10)', { timeout: 240_000 }, () => {
  before(async () => {
    beacon = await startBeacon();
  });

  after(async () => {
    // The customer pages are still open and keep their connections to the beacon alive.
    beacon?.server.closeAllConnections();
    await new Promise((resolve) => beacon?.server.close(resolve));
  });

  it('row 1: page text goes out intact; an agent typing all 1,000 three-digit codes never finds the masked card code', async () => {
    const pair = await attackSession();
    const { agent, customer } = pair;
    await customer.page.locator('#csc').pressSequentially('737');
    assert.ok((await customerFrames(customer)).includes('Order 48737-2'), '"Order 48737-2" is sent as it is');
    assert.ok(!(await customerFrames(customer)).includes(`48${MASKED}`), 'and never with a masked part');

    await grantControl(pair);
    await clickMirrored(agent, '#search');
    await agent.page.locator('cobrowse-launcher .cck-tools-editor').waitFor();
    const codes = Array.from({ length: 1_000 }, (_, n) => String(n).padStart(3, '0'));
    await agent.page.evaluate((values) => window.harness.typeInEditor(values, 3), codes);
    await customer.page.waitForFunction(() => (document.getElementById('search') as HTMLInputElement).value === '999', undefined, { timeout: 60_000 });
    await agent.page.waitForFunction(
      () => (window.harness.mirrorDocument()?.getElementById('search') as HTMLInputElement | null)?.value === '999',
      undefined,
      { timeout: 20_000 },
    );

    const search = await agent.page.evaluate(() => window.harness.nodeOf('search')!.nodeId);
    const csc = await agent.page.evaluate(() => window.harness.nodeOf('csc')!.nodeId);
    const inputs = (await customerEvents(customer)).filter((event) => event.type === 3 && event.data.source === 5);
    const searchTexts = new Set(inputs.filter((event) => event.data.id === search).map((event) => event.data.text));
    const missing = codes.filter((code) => !searchTexts.has(code));
    assert.deepEqual(missing, [], 'every code the agent typed came back as typed');
    assert.ok(!searchTexts.has(MASKED), 'none came back masked (737 included)');
    const cscTexts = inputs.filter((event) => event.data.id === csc).map((event) => event.data.text);
    assert.ok(cscTexts.length > 0 && cscTexts.every((text) => text === MASKED), `the card code itself only ever goes out masked: ${cscTexts.join(',')}`);
  });

  it('row 2: every grant needs the customer; after each of 5 take-backs the agent re-sending control-state gets nothing but a prompt', async () => {
    const pair = await attackSession();
    const { agent, customer } = pair;
    for (let round = 1; round <= 5; round += 1) {
      await agent.byRole('button', 'Remote control').click();
      await customer.page.getByRole('group', { name: 'The agent asks to control this page' }).waitFor();
      assert.equal((await harnessState(customer.page))?.remoteControl, false, `round ${round}: asking gives no control`);
      await customer.byRole('button', 'Allow').click();
      await agent.page.waitForFunction(() => window.harness.state()?.remoteControl === true, undefined, { timeout: 10_000 });
      await customer.byRole('button', 'Take back control').click();
      await agent.page.waitForFunction(() => window.harness.state()?.remoteControl === false, undefined, { timeout: 10_000 });

      await agent.page.evaluate(() => window.harness.sendRaw('ve-control-state', { enabled: true }));
      await customer.page.getByRole('group', { name: 'The agent asks to control this page' }).waitFor();
      assert.equal((await harnessState(customer.page))?.remoteControl, false, `round ${round}: the re-sent state only asks`);
      assert.equal(await refusedAction(agent, 'click', 'add'), 'not-in-control', `round ${round}: actions are refused`);
      assert.equal(await customer.page.locator('#counter').innerText(), '0', `round ${round}: nothing was clicked`);
      await customer.byRole('button', 'Deny').click();
      await agent.page.waitForFunction(() => window.harness.events.some((e) => e.code === 'control-denied'), undefined, { timeout: 10_000 });
    }
  });

  it('row 5: data-cck-mask holds in an open shadow root, a same-origin frame and on attributes', async () => {
    const pair = await attackSession();
    const { agent, customer } = pair;
    await customer.page.frameLocator('#masked-frame').locator('#frame-secret').waitFor();
    await customer.page.evaluate(() => {
      const shadow = document.getElementById('masked-shadow-host')!.shadowRoot!;
      shadow.getElementById('shadow-secret')!.textContent = 'SHADOW-LATER-9902';
      (shadow.getElementById('shadow-input') as HTMLInputElement).value = 'SHADOW-TYPED-3318';
      shadow.getElementById('shadow-input')!.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      document.getElementById('masked-link')!.title = 'IBAN LATER 8811';
      document.getElementById('marker')!.textContent = 'row 5 done';
    });
    await mirrorHas(agent, '#marker', 'row 5 done');
    const frames = await customerFrames(customer);
    for (const secret of ['SHADOW-TEXT-4471', 'SHADOW-LATER-9902', 'SHADOW-TYPED-3318', 'FRAME-CARD-5500', 'FRAME-INPUT-0042', 'IBAN-DE89370400', 'DE89 3704 0044', 'IBAN LATER 8811']) {
      assert.ok(!frames.includes(secret), `"${secret}" is in nothing the customer sent`);
    }
    await grantControl(pair);
    assert.equal(await refusedAction(agent, 'input', 'shadow-input', { value: 'typed by the agent' }), 'private', 'no typing into a masked shadow tree');
  });

  it('row 6: every field is masked by default, keystroke by keystroke; select, hidden, data-* and the URL query stay home', async () => {
    const { agent, customer } = await attackSession({ customerSuffix: '&reset_token=RESET-TOKEN-6612#access_token=ACCESS-TOKEN-7731' });
    const typed: Record<string, string> = {
      '#email': 'ada@example.com',
      '#tel': '+1 555 0100',
      '#ssn': '078-05-1120',
      '#cvv': '9731',
      '#notes': 'my private notes',
    };
    for (const [selector, value] of Object.entries(typed)) await customer.page.locator(selector).pressSequentially(value);
    await customer.page.locator('#editor').click();
    await customer.page.keyboard.type(' DRAFT-REPLY-4410');
    await customer.page.locator('#plan').selectOption('gold-secret');
    await customer.page.evaluate(() => (document.getElementById('marker')!.textContent = 'row 6 done'));
    await mirrorHas(agent, '#marker', 'row 6 done');
    const frames = await customerFrames(customer);
    for (const secret of [...Object.values(typed), 'DRAFT-REPLY-4410', 'gold-secret', 'Gold secret plan', 'CSRF-7f3a9c', 'DATA-KEY-5521', 'RESET-TOKEN-6612', 'ACCESS-TOKEN-7731']) {
      assert.ok(!frames.includes(secret), `"${secret}" is in nothing the customer sent`);
    }
    for (const fragment of ['ada@', '+1 555', '078-05', 'private notes']) {
      assert.ok(!frames.includes(fragment), `no keystroke of it either ("${fragment}")`);
    }
    const shown = await agent.page.evaluate(() => (window.harness.mirrorDocument()!.getElementById('email') as HTMLInputElement).value);
    assert.equal(shown, MASKED, 'the agent sees that the email field is filled, not with what');
  });

  it("row 7: the customer page's own policy (no remote control, no navigation) wins over the agent's offer", async () => {
    const conversationCaps = 'remoteControl:false,navigation:false';
    const conversation = visualConversation('policy');
    const query = `conversation=${encodeURIComponent(conversation)}&visual=cobrowse`;
    const [agent, customer] = await Promise.all([
      openVisualSide(await chromium(), `${suite.server.url}/test-harness/visual/agent.html?${query}`, { width: 1000, height: 900 }, { userAgent: AGENT_UA }),
      openVisualSide(await chromium(), `${suite.server.url}/test-harness/visual/attack.html?${query}&beacon=${encodeURIComponent(beacon.url)}&caps=${conversationCaps}`, {
        width: 1280,
        height: 900,
      }),
    ]);
    suite.opened.push(agent, customer);
    await enterPin(customer, await createPin(agent));
    const invitation = customer.page.getByRole('group', { name: 'Let the agent see this page?' });
    await invitation.waitFor();
    const text = await invitation.innerText();
    assert.ok(!text.includes('click, type and scroll') && !text.includes('open other pages'), `the invitation offers neither: ${text}`);
    await customer.byRole('button', 'Accept').click();
    await mirrorHas(agent, '#order', 'Order 48737-2');
    await agent.page.waitForFunction(() => window.harness.state()?.capabilities?.remoteControl === false, undefined, { timeout: 10_000 });
    assert.equal(await agent.byRole('button', 'Remote control').count(), 0, 'the agent is not offered the toggle');
    await agent.page.waitForFunction(() => window.harness.nodeOf('add') !== null);
    await agent.page.evaluate(() => window.harness.sendRaw('ve-control-state', { enabled: true }));
    await agent.page.waitForFunction(() => window.harness.received.some((m) => m.type === 've-control-state' && m.payload.reason === 'not-offered'));
    assert.equal(await customer.page.getByRole('group', { name: 'The agent asks to control this page' }).count(), 0, 'the customer is not even asked');
    assert.equal(await refusedAction(agent, 'click', 'add'), 'not-in-control');
    assert.equal(await customer.page.locator('#counter').innerText(), '0');
  });

  it('row 8: no navigation to another origin through form submit, formaction, area, SVG links or links around a shadow root', async () => {
    const pair = await attackSession();
    await grantControl(pair);
    const { agent, customer } = pair;
    const startUrl = customer.page.url();
    for (const id of ['cross-submit', 'formaction-submit', 'cross-area', 'svg-text', 'shadow-link-inner']) {
      assert.equal(await refusedAction(agent, 'click', id), 'cross-origin', `#${id} is refused`);
    }
    await agent.page.evaluate(() => window.harness.controlRaw('click', 'add'));
    await customer.page.waitForFunction(() => document.getElementById('counter')!.textContent === '1', undefined, { timeout: 10_000 });
    assert.equal(customer.page.url(), startUrl, 'the customer is still on the page');
    assert.deepEqual(beacon.hits.filter((hit) => hit.path.startsWith('/navigated')), [], 'the other origin was never reached');
  });

  it('row 8: with navigation off, no link or form is followed at all', async () => {
    const pair = await attackSession({ caps: 'navigation:false' });
    await grantControl(pair);
    const { agent, customer } = pair;
    const startUrl = customer.page.url();
    for (const id of ['next', 'formaction-submit', 'cross-submit', 'svg-text', 'shadow-link-inner']) {
      const reason = await refusedAction(agent, 'click', id);
      assert.ok(reason === 'unsupported', `#${id} is refused (${reason})`);
    }
    assert.equal(customer.page.url(), startUrl, 'the customer is still on the page');
  });

  it('row 14: a label obeys its masked control; file pickers and downloads are refused', async () => {
    const pair = await attackSession();
    await grantControl(pair);
    const { agent, customer } = pair;
    const choosers: unknown[] = [];
    const downloads: unknown[] = [];
    customer.page.on('filechooser', (chooser) => choosers.push(chooser));
    customer.page.on('download', (download) => downloads.push(download));
    assert.equal(await refusedAction(agent, 'click', 'agree-label'), 'private', 'the label of a masked checkbox');
    assert.equal(await customer.page.locator('#agree').isChecked(), false, 'the checkbox is untouched');
    assert.equal(await refusedAction(agent, 'click', 'pw-label'), 'private', 'the label of a password field');
    assert.notEqual(await customer.page.evaluate(() => document.activeElement?.id), 'pw', 'focus did not move into the password field');
    await customer.page.locator('#marker').click(); // the customer's own click: the page has user activation
    assert.equal(await refusedAction(agent, 'click', 'upload'), 'private', 'the file input');
    assert.equal(await refusedAction(agent, 'click', 'download'), 'unsupported', 'the download link');
    await customer.page.evaluate(() => (document.getElementById('marker')!.textContent = 'row 14 done'));
    await mirrorHas(agent, '#marker', 'row 14 done');
    assert.equal(choosers.length, 0, 'no file picker opened');
    assert.equal(downloads.length, 0, 'nothing was downloaded');
  });

  it("row 13: 300 unfinished chunks (17 MB) do not grow the agent's tab: over the cap the batch is dropped and a resync asked", async () => {
    const { agent, customer } = await attackSession();
    const cdp = await agent.page.context().newCDPSession(agent.page);
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    const before = await heap();
    const resyncsBefore = await customer.page.evaluate(() => window.harness.received.filter((m) => m.type === 've-resync').length);
    await customer.page.evaluate(async () => {
      const sessionId = window.harness.state()!.sessionId!;
      const data = 'x'.repeat(56_000);
      for (let seq = 0; seq < 300; seq += 1) {
        (window.harness as unknown as { transport: { send(m: unknown): void } }).transport.send({
          type: 've-events',
          payload: { sessionId, epoch: 'hostile-epoch-1', seq, data, final: false },
        });
        if (seq % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 10));
      }
    });
    await customer.page.waitForFunction((n) => window.harness.received.filter((m) => m.type === 've-resync').length > n, resyncsBefore, { timeout: 30_000 });
    await customer.page.evaluate(() => (document.getElementById('marker')!.textContent = 'after the flood'));
    await mirrorHas(agent, '#marker', 'after the flood', 30_000);
    const grown = (await heap()) - before;
    assert.ok(grown < 8 * 2 ** 20, `the agent's heap grew ${(grown / 2 ** 20).toFixed(1)} MiB (under 8 MiB), not by the 17 MB sent`);
    await cdp.detach();
  });

  for (const agentBrowser of ['chromium', 'firefox'] as const) {
    it(`row 16: the agent's replica (${agentBrowser}) fetches none of the URLs the customer's page names`, async () => {
      const { agent, customer } = await attackSession({ agentBrowser });
      // The agent's requests are told apart by their user agent: check that it is set in this browser.
      const check = `/ua-check-${agentBrowser}`;
      await agent.page.evaluate((url) => fetch(url, { mode: 'no-cors' }).then(() => true, () => true), `${beacon.url}${check}`);
      assert.ok(beacon.hits.some((hit) => hit.path === check && hit.agent), "the beacon recognizes the agent's browser");
      await customer.page.evaluate(() => window.harness.addBase());
      await customer.page.waitForFunction(() => document.querySelectorAll('#beacons img').length >= 3);
      await customer.page.evaluate(() => {
        window.harness.removeBase();
        document.getElementById('marker')!.textContent = 'row 16 done';
      });
      await mirrorHas(agent, '#marker', 'row 16 done');
      await agent.page.waitForFunction(() => (window.harness.mirrorDocument()?.querySelectorAll('#beacons img').length ?? 0) >= 3);
      // The customer's own page loads them: the URLs are live, and would be counted for the agent too.
      await customer.page.waitForFunction(() => document.getElementById('font') !== null);
      const customerPaths = new Set(beacon.hits.filter((hit) => !hit.agent).map((hit) => hit.path));
      for (const path of ['/b/img.png', '/b/import.css', '/b/link.css', '/b/iframe.html', '/b/base/relative.png']) {
        assert.ok(customerPaths.has(path), `the customer's page fetched ${path} (${[...customerPaths].join(' ')})`);
      }
      await agent.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 200))));
      const fetched = beacon.hits.filter((hit) => hit.agent && !hit.path.startsWith('/ua-check')).map((hit) => hit.path);
      assert.deepEqual(fetched, [], "the agent's browser made no request to them");
    });
  }

  it('row 17: 30 resync requests make the customer re-send the page at most twice', async () => {
    const { agent, customer } = await attackSession();
    const epochs = async () =>
      new Set((await customer.page.evaluate(() => window.harness.sentMessages.filter((m) => m.type === 've-events').map((m) => m.payload.epoch))) as string[]).size;
    const before = await epochs();
    await agent.page.evaluate(() => {
      for (let i = 0; i < 30; i += 1) window.harness.sendRaw('ve-resync', {});
    });
    await agent.page.waitForFunction(() => window.harness.received.length > 0);
    await customer.page.waitForFunction((n) => new Set(window.harness.sentMessages.filter((m) => m.type === 've-events').map((m) => m.payload.epoch)).size > n, before, {
      timeout: 10_000,
    });
    // The throttle's window (2 s) and some: anything more would have been sent by now.
    await customer.page.waitForTimeout(3_000);
    const uploads = (await epochs()) - before;
    assert.ok(uploads >= 1 && uploads <= 2, `${uploads} fresh snapshots for 30 requests`);
  });

  it('row 19: a vendor console URL that is not https is not rendered as a link', async () => {
    for (const [consoleUrl, shown] of [
      ['javascript:alert(document.domain)', false],
      ['http://vendor.example/console', false],
      ['https://vendor.example/console/1', true],
    ] as const) {
      const conversation = visualConversation('console');
      const agent = await openVisualSide(
        await chromium(),
        `${suite.server.url}/test-harness/visual/agent.html?conversation=${encodeURIComponent(conversation)}&visual=console-vendor&consoleUrl=${encodeURIComponent(consoleUrl)}`,
        { width: 1000, height: 900 },
      );
      suite.opened.push(agent);
      await agent.byRole('button', 'Co-browse').click();
      await agent.byRole('region', 'Customer screen').waitFor();
      const links = await agent.page.locator('cobrowse-launcher [part~="console-link"]').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')));
      const state = await harnessState(agent.page);
      if (shown) {
        assert.deepEqual(links, [consoleUrl], 'an https console is linked');
        assert.equal(state?.consoleUrl, consoleUrl);
      } else {
        assert.deepEqual(links, [], `${consoleUrl} is not rendered as a link`);
        assert.equal(state?.consoleUrl, undefined, 'nor kept in the state');
        assert.ok(await agent.page.evaluate(() => window.harness.events.some((e) => e.code === 'provider-failed')), 'the agent is told');
      }
      await agent.close();
    }
  });
});
