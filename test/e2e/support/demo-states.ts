/**
 * The demo (agent console + customer portal on the reference server) driven to each of the main
 * states a person sees, the way a person gets there: by role and accessible name. Used by the demo
 * accessibility test and by `scripts/screenshots.ts`, so the screenshots show what the tests check.
 */
import type { Browser, Page } from 'playwright-core';
import { uniqueConversation } from './call-pair.js';

export type Scheme = 'light' | 'dark';
export type DemoState = 'idle' | 'ringing' | 'video' | 'voice' | 'cobrowse';

export interface DemoPair {
  agent: Page;
  customer: Page;
  close(): Promise<void>;
}

export interface DemoOptions {
  scheme?: Scheme;
  lang?: 'en' | 'pt-BR';
  agentViewport?: { width: number; height: number };
  customerViewport?: { width: number; height: number };
}

const words = {
  en: {
    joined: 'Customer joined the chat',
    more: 'More commands',
    voice: 'Voice call',
    video: 'Video call',
    acceptAudio: 'Accept with audio',
    acceptVideo: 'Accept with video',
    endCall: 'End call',
    coBrowse: 'Co-browse',
    sendPin: 'Send PIN to chat',
    pin: 'Session PIN',
    join: 'Join',
    accept: 'Accept',
    screen: 'Customer screen',
  },
  'pt-BR': {
    joined: 'Cliente entrou no chat',
    more: 'Mais comandos',
    voice: 'Chamada de voz',
    video: 'Chamada de vídeo',
    acceptAudio: 'Aceitar com áudio',
    acceptVideo: 'Aceitar com vídeo',
    endCall: 'Encerrar chamada',
    coBrowse: 'Navegação conjunta',
    sendPin: 'Enviar PIN no chat',
    pin: 'PIN da sessão',
    join: 'Entrar',
    accept: 'Aceitar',
    screen: 'Tela do cliente',
  },
};

export async function openDemoPair(browser: Browser, baseUrl: string, options: DemoOptions = {}): Promise<DemoPair> {
  const lang = options.lang ?? 'en';
  const conversation = uniqueConversation('demo-states');
  const query = new URLSearchParams({ conversation, ...(lang === 'en' ? {} : { lang }) }).toString();
  const open = async (viewport: { width: number; height: number }) => {
    const context = await browser.newContext({ colorScheme: options.scheme ?? 'light', viewport, reducedMotion: 'reduce' });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
    return page;
  };
  const [agent, customer] = await Promise.all([
    open(options.agentViewport ?? { width: 1100, height: 720 }),
    open(options.customerViewport ?? { width: 420, height: 760 }),
  ]);
  await customer.goto(`${baseUrl}/demo/customer.html?${query}`);
  await agent.goto(`${baseUrl}/demo/agent.html?${query}`);
  await agent.getByText(words[lang].joined).waitFor();
  return {
    agent,
    customer,
    close: async () => {
      await Promise.all([agent.context().close(), customer.context().close()]);
    },
  };
}

/** Drives a freshly opened pair to `state`. */
export async function driveTo(pair: DemoPair, state: DemoState, lang: 'en' | 'pt-BR' = 'en'): Promise<void> {
  const { agent, customer } = pair;
  const w = words[lang];
  const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
  if (state === 'idle') return;
  if (state === 'cobrowse') {
    await button(agent, w.coBrowse).click();
    const pin = (await agent.locator('cobrowse-launcher [part~="pin"]').innerText()).trim();
    await button(agent, w.sendPin).click();
    await customer.getByRole('textbox', { name: w.pin, exact: true }).fill(pin);
    await button(customer, w.join).click();
    await button(customer, w.accept).click();
    await agent.getByRole('region', { name: w.screen }).waitFor();
    await agent.waitForFunction(() => {
      const frame = document.querySelector('cobrowse-launcher')?.shadowRoot?.querySelector('iframe');
      return Boolean(frame?.contentDocument?.querySelector('.topbar'));
    });
    return;
  }
  await button(agent, w.more).click();
  await agent.getByRole('menuitem', { name: state === 'voice' ? w.voice : w.video, exact: true }).click();
  await button(customer, w.acceptAudio).waitFor();
  if (state === 'ringing') return;
  await button(customer, state === 'voice' ? w.acceptAudio : w.acceptVideo).click();
  await button(agent, w.endCall).waitFor();
  await button(customer, w.endCall).waitFor();
  if (state === 'video') {
    // Both pictures are up before anyone looks at them.
    for (const page of [agent, customer]) {
      await page.waitForFunction(() => {
        const panel = document.querySelector('chat-call-panel');
        const video = panel?.shadowRoot?.querySelector<HTMLVideoElement>('[part~="remote-video"]');
        return Boolean(video && video.videoWidth > 0 && video.currentTime > 0.2);
      });
    }
  }
}
