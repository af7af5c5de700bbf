import { existsSync } from 'node:fs';

/** Debian's Chromium: the browser tests drive it with playwright-core and never download one. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a headless Chromium on a CI machine without a display, a sandbox or a network. */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Whether Debian's Chromium is installed (browser tests skip, saying so, when it is not). */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}
