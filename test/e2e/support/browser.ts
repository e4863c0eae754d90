/** Launches the test browser: Debian's Chromium (or CHROME_PATH) with fake devices and the WebRTC flags. */
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { chromiumArgs, chromiumExecutable } from '../../support/chromium.mjs';

export async function launchChromium(options: { args?: string[] } = {}): Promise<Browser> {
  const executablePath = chromiumExecutable();
  const launch: LaunchOptions = { headless: true, args: options.args ?? chromiumArgs };
  if (executablePath) launch.executablePath = executablePath;
  return chromium.launch(launch);
}

/** The same flags without auto-accepted permission prompts: headless Chromium then denies what is not granted. */
export const argsWithRealPermissionPrompts = chromiumArgs.filter((arg) => arg !== '--use-fake-ui-for-media-stream');
