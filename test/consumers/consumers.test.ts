/**
 * The package as integrators get it. A copy of what a fresh clone has (tracked and not-ignored
 * files, no dist/) is packed with `npm pack`, so `prepack` builds dist/; the tarball is installed
 * from the registry's packages into the apps under test/consumers/ (copied out of the repo): a Vite +
 * React agent desk (`chat-call-kit/react`), a Vite + Vue customer portal (the elements, configured by
 * attributes) and a plain page that loads only the script tag from another origin. Their types are
 * checked (every `exports` subpath under each moduleResolution, skipLibCheck off), the apps are built,
 * and real Chromium runs a video call and a co-browse session between them, each page on its own
 * origin, with remote video frames on both sides and no console error anywhere.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/server.js';
import { createStaticHandler } from '../../server/static.js';
import { launchChromium } from '../e2e/support/browser.js';
import { uniqueConversation } from '../e2e/support/call-pair.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const consumersDir = fileURLToPath(new URL('./', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'cck-consumers-'));
const apps = join(work, 'apps');

async function sh(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`.slice(-8000), { cause: error });
  }
}

/** The files a fresh clone of the current work has: tracked, plus new files git does not ignore. */
async function freshCopy(into: string): Promise<void> {
  const files = (await sh('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root)).split('\0').filter(Boolean);
  for (const file of files) {
    mkdirSync(join(into, dirname(file)), { recursive: true });
    try {
      cpSync(join(root, file), join(into, file));
    } catch (error) {
      // A file deleted in the work tree but not yet in git: a clone of that commit would not have it either.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  // The repository's dependencies, as `npm ci` in that clone would install them.
  symlinkSync(join(root, 'node_modules'), join(into, 'node_modules'), 'dir');
}

/** Serves a directory on its own port: its own origin. */
async function site(dir: string): Promise<{ origin: string; server: Server }> {
  const serve = createStaticHandler({ '/': dir });
  const server = createServer((request, response) => {
    const pathname = (request.url ?? '/').split('?')[0]!;
    void serve(request, response, pathname.endsWith('/') ? `${pathname}index.html` : pathname).then((served) => {
      if (!served) response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('chat-call-kit installed from npm pack into framework apps', { timeout: 900_000 }, () => {
  let tarball: string;
  let packedFiles: string[];

  before(async () => {
    const pkg = join(work, 'pkg');
    await freshCopy(pkg);
    // The build's own output comes first on stdout; npm names the tarball on the last line.
    const packed = (await sh('npm', ['pack', '--pack-destination', work], pkg)).trim().split('\n');
    tarball = join(work, packed.at(-1)!.trim());
    packedFiles = (await sh('tar', ['-tzf', tarball], work)).split('\n').map((path) => path.replace(/^package\//, ''));
    cpSync(consumersDir, apps, { recursive: true, filter: (source) => !source.endsWith('.test.ts') });
    await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], apps);
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it('packs the dist/ that prepack built in the fresh copy (dist/ is not in git)', () => {
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/chat-call-kit.min.js', 'dist/react/index.js', 'custom-elements.json', 'web-types.json', 'LICENSE']) {
      assert.ok(packedFiles.includes(file), `${file} is in the tarball`);
    }
  });

  for (const resolution of ['bundler', 'node16', 'nodenext', 'node']) {
    it(`type-checks every exports subpath under moduleResolution ${resolution}, skipLibCheck off`, async () => {
      await sh('npx', ['tsc', '-p', `types/tsconfig.${resolution}.json`], apps);
    });
  }

  it('type-checks with the oldest TypeScript the README states (5.1), skipLibCheck off', async () => {
    await sh('node', ['node_modules/typescript-5.1/bin/tsc', '-p', 'types/tsconfig.bundler.json'], apps);
  });

  it('type-checks and builds the Vite React agent app and the Vite Vue customer app', async () => {
    await sh('npx', ['tsc', '-p', 'react-agent/tsconfig.json'], apps);
    await sh('npx', ['vue-tsc', '-p', 'vue-customer/tsconfig.json'], apps);
    await sh('npx', ['vite', 'build', 'react-agent', '--logLevel', 'warn'], apps);
    await sh('npx', ['vite', 'build', 'vue-customer', '--logLevel', 'warn'], apps);
    for (const app of ['react-agent', 'vue-customer']) assert.ok(readdirSync(join(apps, app, 'dist')).includes('index.html'));
  });

  describe('in Chromium, each page on its own origin', () => {
    let server: RunningServer;
    let browser: Browser;
    const sites: Record<'react' | 'vue' | 'plain', { origin: string; server: Server }> = {} as never;
    const consoleErrors: string[] = [];

    before(async () => {
      sites.react = await site(join(apps, 'react-agent', 'dist'));
      sites.vue = await site(join(apps, 'vue-customer', 'dist'));
      sites.plain = await site(join(apps, 'script-tag'));
      // The reference server serves the installed package's dist/ (the "CDN") and the API.
      server = await startServer({
        port: 0,
        host: '127.0.0.1',
        mode: 'development',
        rootDir: join(apps, 'node_modules', 'chat-call-kit'),
        allowedOrigins: Object.values(sites).map((s) => s.origin),
      });
      browser = await launchChromium();
    });

    beforeEach(() => {
      consoleErrors.length = 0;
    });

    after(async () => {
      await browser?.close();
      await server?.close();
      await Promise.all(Object.values(sites).map((s) => new Promise((resolve) => s.server.close(resolve))));
    });

    /** Scripts each opened page requested, from the start. */
    const scriptsOf = new WeakMap<Page, URL[]>();

    async function open(url: string): Promise<Page> {
      const page = await browser.newPage();
      const scripts: URL[] = [];
      scriptsOf.set(page, scripts);
      page.on('request', (request) => request.resourceType() === 'script' && scripts.push(new URL(request.url())));
      page.on('console', (message) => message.type() === 'error' && consoleErrors.push(`${new URL(page.url()).port} ${message.text()}`));
      page.on('pageerror', (error) => consoleErrors.push(`${new URL(page.url()).port} ${error.message}`));
      await page.goto(url);
      return page;
    }

    async function remoteVideoPlays(page: Page): Promise<void> {
      await page.waitForFunction(() => {
        const video = document.querySelector('chat-call-panel')?.shadowRoot?.querySelector<HTMLVideoElement>('[part~="remote-video"]');
        return (video?.videoWidth ?? 0) > 0;
      });
      // A string, not a function: the test's TypeScript transform would name inner functions with a helper the page lacks.
      const frames = await page.evaluate<number>(`new Promise((resolve) => {
        const video = document.querySelector('chat-call-panel').shadowRoot.querySelector('[part~="remote-video"]');
        let count = 0;
        const onFrame = () => (++count >= 5 ? resolve(count) : video.requestVideoFrameCallback(onFrame));
        video.requestVideoFrameCallback(onFrame);
        setTimeout(() => resolve(count), 15000);
      })`);
      assert.ok(frames >= 5, `remote video frames keep arriving (${frames})`);
    }

    async function callAndCobrowse(agent: Page, customer: Page, customerTitle: string): Promise<void> {
      await customer.waitForFunction(() => document.querySelector('chat-call-panel')?.engine?.transport.state === 'open');
      await agent.waitForFunction(() => document.querySelector('chat-call-panel')?.engine?.transport.state === 'open');
      await agent.getByRole('button', { name: 'More commands' }).click();
      await agent.getByRole('menuitem', { name: 'Video call' }).click();
      await customer.getByRole('button', { name: 'Accept with video' }).click();
      await agent.getByRole('status').filter({ hasText: 'In a call' }).waitFor();
      await customer.getByRole('status').filter({ hasText: 'In a call' }).waitFor();
      await remoteVideoPlays(agent);
      await remoteVideoPlays(customer);

      await agent.getByRole('button', { name: 'Co-browse', exact: true }).click();
      const pin = (await agent.locator('cobrowse-launcher [part~="pin"]').textContent())!.trim();
      assert.match(pin, /^\d{6,}$/);
      await customer.getByRole('textbox', { name: 'Session PIN' }).fill(pin);
      await customer.getByRole('button', { name: 'Join', exact: true }).click();
      await customer.getByRole('button', { name: 'Accept', exact: true }).click();
      // Attached, not necessarily visible: slotted into the panel's toolbar, the region's size is the host page's layout to give.
      await agent.getByRole('region', { name: 'Customer screen' }).waitFor({ state: 'attached' });
      await agent.waitForFunction(
        (title) => document.querySelector('cobrowse-launcher')?.shadowRoot?.querySelector('iframe')?.contentDocument?.querySelector('#title')?.textContent === title,
        customerTitle,
      );
      await agent.getByRole('button', { name: 'End session' }).click();
      await agent.getByRole('button', { name: 'End call' }).click();
      await customer.getByRole('status').filter({ hasText: 'The other side ended the call' }).waitFor();
    }

    const query = (conversation: string) => `?server=${encodeURIComponent(server.url)}&conversation=${conversation}`;

    it('a React agent and a Vue customer: a video call and a co-browse session, no console error', async () => {
      const conversation = uniqueConversation('react-vue');
      const before = server.acceptedConnections;
      const customer = await open(`${sites.vue.origin}/${query(conversation)}`);
      const agent = await open(`${sites.react.origin}/${query(conversation)}`);
      try {
        await callAndCobrowse(agent, customer, 'Customer portal');
        assert.equal(server.acceptedConnections - before, 2, 'one signaling socket per panel');
        assert.match((await customer.getByTestId('phase').textContent()) ?? '', /^ended \(/, 'the Vue app followed the engine kept in a ref()');
        assert.equal(await agent.getByTestId('engine').textContent(), `engine for ${conversation}`, 'React heard engine-change');
        assert.deepEqual(consoleErrors, []);
      } finally {
        await Promise.all([agent.close(), customer.close()]);
      }
    });

    it('a React agent and a plain page on another origin with only the script tag: call and co-browse; chunks load when the session starts', async () => {
      const conversation = uniqueConversation('react-plain');
      const customer = await open(`${sites.plain.origin}/customer.html${query(conversation)}`);
      const agent = await open(`${sites.react.origin}/${query(conversation)}`);
      const sdkScripts = () => scriptsOf.get(customer)!.filter((url) => url.origin === server.url);
      try {
        await customer.waitForFunction(() => document.querySelector('chat-call-panel')?.engine?.transport.state === 'open');
        assert.deepEqual(sdkScripts().map((url) => url.pathname), ['/dist/chat-call-kit.min.js'], 'at page load, the script tag only');
        await callAndCobrowse(agent, customer, 'Shop');
        const chunks = sdkScripts().slice(1);
        assert.deepEqual(
          chunks.map((url) => url.pathname).sort(),
          ['/dist/chat-call-kit-providers.js', '/dist/chat-call-kit-rrweb.js'],
          'the co-browse chunks, fetched from beside the bundle once the session started',
        );
        assert.deepEqual(consoleErrors, []);
      } finally {
        await Promise.all([agent.close(), customer.close()]);
      }
    });
  });
});
