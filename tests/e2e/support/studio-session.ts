import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium';
import { startPreview, type PreviewServer } from './preview-server';

/**
 * The built studio served and a Chromium to drive it, started before a file's tests and closed
 * after them. `webgpu` asks for the software (SwiftShader) adapter headless Chromium offers
 * behind --enable-unsafe-webgpu when there is no GPU.
 */
export function studioSession(options: { webgpu?: boolean } = {}): { url: () => string; browser: () => Browser } {
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startPreview();
    browser = await launchChromium(options.webgpu ? ['--enable-unsafe-webgpu'] : []);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  return { url: () => server!.url, browser: () => browser! };
}
