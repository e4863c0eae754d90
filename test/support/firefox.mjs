// Where Firefox for tests comes from, and the preferences that make headless WebRTC work without prompts.
// Order: FIREFOX_PATH, then Debian's /usr/bin/firefox-esr, then /usr/bin/firefox. Tests that need
// Firefox fail (never skip) when none is found: `.ci/run` installs firefox-esr.
import { existsSync } from 'node:fs';

export function firefoxExecutable() {
  if (process.env.FIREFOX_PATH) return process.env.FIREFOX_PATH;
  return ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((path) => existsSync(path));
}

export const firefoxPrefs = {
  // Fake camera and microphone, and no permission prompt (Chromium's --use-fake-* flags).
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  // Real host addresses instead of mDNS names: the other browser on this machine cannot resolve those.
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
  // Two pages at once: the one in the background must keep its timers and decoding going.
  'dom.min_background_timeout_value': 4,
  'dom.timeout.enable_budget_timer_throttling': false,
};
