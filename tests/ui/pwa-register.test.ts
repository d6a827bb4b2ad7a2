import { describe, expect, it } from 'vitest';
import { registerServiceWorker, type WorkboxLike } from '../../src/ui/pwa/register-service-worker';
import { createUpdateController } from '../../src/ui/pwa/update-controller';
import type { BusySignal } from '../../src/ui/pwa/busy-signal';

/** workbox-window's Workbox as the page sees it: events the test fires, and what the page asked of it. */
function fakeWorkbox() {
  const listeners: Record<string, ((e: never) => void)[]> = { waiting: [], controlling: [] };
  const asked: string[] = [];
  const wb: WorkboxLike = {
    addEventListener: (type: string, l: (e: never) => void) => void listeners[type]!.push(l),
    messageSkipWaiting: () => void asked.push('skip-waiting'),
    register: () => (asked.push('register'), Promise.resolve()),
  };
  const fire = (type: 'waiting' | 'controlling', event: object) => listeners[type]!.slice().forEach((l) => l(event as never));
  return { wb, asked, fire };
}

const idle: BusySignal = { isBusy: () => false, subscribe: () => () => undefined };

function setup(isolated: boolean) {
  const fake = fakeWorkbox();
  const controller = createUpdateController({ busy: idle, later: (check) => check() });
  let reloads = 0;
  const urls: string[] = [];
  const registered = registerServiceWorker(controller, {
    supported: true,
    isolated: () => isolated,
    reload: () => void (reloads += 1),
    workbox: (url) => (urls.push(url), fake.wb),
  });
  return { ...fake, controller, registered, urls, reloads: () => reloads };
}

describe('registering the service worker', () => {
  it('registers /sw.js, and a waiting version is only offered: accepted, it is let in, and the page reloads once it controls', () => {
    const { registered, urls, asked, fire, controller, reloads } = setup(true);
    expect(registered).toBe(true);
    expect(urls).toEqual(['/sw.js']);
    expect(asked).toEqual(['register']);
    fire('waiting', { sw: { state: 'installed' } });
    expect(controller.store.getState().offer).toBe('update');
    expect(asked).toEqual(['register']);
    controller.accept();
    expect(asked).toEqual(['register', 'skip-waiting']);
    expect(reloads()).toBe(0);
    fire('controlling', { isUpdate: true });
    expect(reloads()).toBe(1);
  });

  it('reloads without asking the worker again when another tab already let the new version in', () => {
    const { asked, fire, controller, reloads } = setup(true);
    const sw = { state: 'installed' };
    fire('waiting', { sw });
    sw.state = 'activated';
    controller.accept();
    expect(asked).toEqual(['register']);
    expect(reloads()).toBe(1);
  });

  it('offers the isolation reload after a first install on a page without isolation headers, and not otherwise', () => {
    const bare = setup(false);
    bare.fire('controlling', { isUpdate: false });
    expect(bare.controller.store.getState().offer).toBe('isolation');
    expect(bare.reloads()).toBe(0);

    const isolatedPage = setup(true);
    isolatedPage.fire('controlling', { isUpdate: false });
    expect(isolatedPage.controller.store.getState().offer).toBeNull();
    const updated = setup(false);
    updated.fire('controlling', { isUpdate: true });
    expect(updated.controller.store.getState().offer).toBeNull();
  });

  it('does nothing where the browser has no service workers', () => {
    const controller = createUpdateController({ busy: idle });
    expect(registerServiceWorker(controller, { supported: false, workbox: () => { throw new Error('must not be built'); } })).toBe(false);
  });
});
