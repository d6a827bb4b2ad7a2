import { chromium, type Browser } from 'playwright-core';
// @ts-expect-error - a plain .mjs helper shared with scripts/ensure-chromium.mjs
import { findChromium } from '../../../scripts/chromium-path.mjs';

const BASE_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

/** Launches the system's (Debian's) Chromium; never downloads a browser. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const executablePath = (findChromium as () => string | undefined)();
  if (!executablePath) {
    throw new Error('No Chromium found: install Debian\'s chromium (apt-get install chromium) or set CHROMIUM_PATH. `npm run test:e2e` does this check first.');
  }
  return chromium.launch({ executablePath, args: [...BASE_ARGS, ...extraArgs] });
}
