import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

/** The Chromium binary to drive: $CHROMIUM_PATH, or `chromium` / `chromium-browser` on the PATH. */
export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const found = execSync(`command -v ${name}`, { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
      if (found) return found;
    } catch {
      // not on the PATH; try the next name
    }
  }
  return undefined;
}
