import { Workbox } from 'workbox-window';
import type { UpdateController } from './update-controller';

/** The parts of workbox-window's Workbox used here (a fake stands in for it in tests). */
export interface WorkboxLike {
  addEventListener(type: 'waiting', listener: (event: { sw?: { state: string } }) => void): void;
  addEventListener(type: 'controlling', listener: (event: { isUpdate?: boolean }) => void): void;
  messageSkipWaiting(): void;
  register(): Promise<unknown>;
}

export interface RegisterOptions {
  url?: string;
  reload?: () => void;
  /** Whether this page is cross-origin isolated (WASM threads). */
  isolated?: () => boolean;
  /** Whether the browser has service workers. */
  supported?: boolean;
  workbox?: (url: string) => WorkboxLike;
}

/**
 * Registers the studio's service worker (built from src/sw/sw.ts) and turns its lifecycle into
 * reload offers: a waiting new version becomes an `update` offer, applied only when the user
 * accepts and no job runs; a first install on a page served without isolation headers becomes an
 * `isolation` offer. Returns false where service workers are unavailable.
 */
export function registerServiceWorker(controller: UpdateController, options: RegisterOptions = {}): boolean {
  const {
    url = '/sw.js',
    reload = () => window.location.reload(),
    isolated = () => globalThis.crossOriginIsolated === true,
    supported = typeof navigator !== 'undefined' && 'serviceWorker' in navigator,
    workbox = (scriptUrl: string): WorkboxLike => new Workbox(scriptUrl, { scope: '/' }),
  } = options;
  if (!supported) return false;
  const wb = workbox(url);
  wb.addEventListener('waiting', (event) => {
    const waiting = event.sw;
    controller.offer('update', () => {
      // Another tab may have let it in already: then this page only needs the reload.
      if (waiting && (waiting.state === 'activating' || waiting.state === 'activated')) return reload();
      wb.addEventListener('controlling', () => reload());
      wb.messageSkipWaiting();
    });
  });
  wb.addEventListener('controlling', (event) => {
    if (!event.isUpdate && !isolated()) controller.offer('isolation', reload);
  });
  void wb.register();
  return true;
}
