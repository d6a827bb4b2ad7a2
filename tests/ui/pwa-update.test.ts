import { describe, expect, it } from 'vitest';
import { createDeviceStore } from '../../src/ui/store/device-store';
import type { DeviceJobs } from '../../src/ui/services/device-jobs';
import { storesBusySignal, studioJobRunning, type BusySignal } from '../../src/ui/pwa/busy-signal';
import { createUpdateController } from '../../src/ui/pwa/update-controller';
import { deferred, fakeStudio, onnxFile, settle } from './fakes';

/** `later` checks the test runs by hand, so it decides when "the next task" comes. */
function manualLater() {
  const pending: (() => void)[] = [];
  return {
    later: (check: () => void) => void pending.push(check),
    runAll: () => pending.splice(0).forEach((check) => check()),
    get count() {
      return pending.length;
    },
  };
}

/** A busy flag the test flips, with listeners like a store's. */
function flag(initial = false): BusySignal & { set(v: boolean): void } {
  let busy = initial;
  const listeners = new Set<() => void>();
  return {
    isBusy: () => busy,
    subscribe: (l) => (listeners.add(l), () => void listeners.delete(l)),
    set(v) {
      busy = v;
      listeners.forEach((l) => l());
    },
  };
}

function idleDeviceJobs(probe = deferred<never>()): DeviceJobs {
  return { probe: () => probe.promise, crossBackend: () => new Promise(() => undefined) };
}

describe('reload offers from the service worker', () => {
  it('reloads at once when the user accepts and nothing runs, and only then', () => {
    const busy = flag(false);
    const clock = manualLater();
    const updates = createUpdateController({ busy, later: clock.later });
    let applied = 0;
    updates.offer('update', () => (applied += 1));
    clock.runAll();
    expect(applied).toBe(0);
    expect(updates.store.getState()).toMatchObject({ offer: 'update', accepted: false, applying: false });
    updates.accept();
    clock.runAll();
    expect(applied).toBe(1);
    expect(updates.store.getState().applying).toBe(true);
    // Accepting again or a later busy flip never reloads twice.
    updates.accept();
    busy.set(true);
    busy.set(false);
    clock.runAll();
    expect(applied).toBe(1);
  });

  it('holds an accepted reload while a compression and its measurement run in the studio, then reloads', async () => {
    const { store, releaseMeasure } = fakeStudio({ holdMeasure: true });
    const device = createDeviceStore(idleDeviceJobs());
    const clock = manualLater();
    const updates = createUpdateController({ busy: storesBusySignal(store, device), later: clock.later });
    await store.getState().openFiles([onnxFile('net.onnx')]);
    let applied = 0;
    updates.offer('update', () => (applied += 1));
    const compressing = store.getState().compress();
    await settle();
    expect(studioJobRunning(store.getState())).toBe(true);
    expect(updates.store.getState().busy).toBe(true);

    updates.accept();
    clock.runAll();
    expect(applied).toBe(0);
    expect(updates.store.getState()).toMatchObject({ accepted: true, busy: true, applying: false });

    // The original and the variant are measured; the measurement ends and the reload follows.
    let releases = 0;
    do {
      clock.runAll();
      expect(applied).toBe(0);
      releaseMeasure();
      releases += 1;
      await settle();
    } while (studioJobRunning(store.getState()));
    await compressing;
    expect(releases).toBeGreaterThan(0);
    expect(store.getState().variants).toHaveLength(1);
    clock.runAll();
    expect(applied).toBe(1);
  });

  it('checks again a task later: a job queued right after the last one ended still holds the reload', () => {
    const busy = flag(true);
    const clock = manualLater();
    const updates = createUpdateController({ busy, later: clock.later });
    let applied = 0;
    updates.offer('update', () => (applied += 1));
    updates.accept();
    busy.set(false); // compress settled...
    busy.set(true); // ...and the workflow queued its measurement before the next task
    clock.runAll();
    expect(applied).toBe(0);
    busy.set(false);
    expect(clock.count).toBe(1);
    clock.runAll();
    expect(applied).toBe(1);
  });

  it('a device probe holds the reload too', async () => {
    const { store } = fakeStudio();
    const probe = deferred<never>();
    const device = createDeviceStore(idleDeviceJobs(probe));
    const clock = manualLater();
    const updates = createUpdateController({ busy: storesBusySignal(store, device), later: clock.later });
    let applied = 0;
    updates.offer('update', () => (applied += 1));
    const probing = device.getState().probe();
    updates.accept();
    clock.runAll();
    expect(applied).toBe(0);
    probe.reject(new Error('no adapter'));
    await probing;
    clock.runAll();
    expect(applied).toBe(1);
  });

  it('never reloads after the user takes it back or dismisses the offer', () => {
    const busy = flag(true);
    const clock = manualLater();
    const updates = createUpdateController({ busy, later: clock.later });
    let applied = 0;
    updates.offer('update', () => (applied += 1));
    updates.accept();
    updates.postpone();
    busy.set(false);
    clock.runAll();
    expect(applied).toBe(0);
    expect(updates.store.getState()).toMatchObject({ offer: 'update', accepted: false });
    updates.dismiss();
    expect(updates.store.getState().offer).toBeNull();
    updates.accept();
    clock.runAll();
    expect(applied).toBe(0);
  });

  it('a waiting update outranks the isolation reload, and takes its place', () => {
    const clock = manualLater();
    const updates = createUpdateController({ busy: flag(false), later: clock.later });
    const applied: string[] = [];
    updates.offer('isolation', () => applied.push('isolation'));
    updates.offer('update', () => applied.push('update'));
    updates.offer('isolation', () => applied.push('isolation again'));
    expect(updates.store.getState().offer).toBe('update');
    updates.accept();
    clock.runAll();
    expect(applied).toEqual(['update']);
  });

  it('stops listening when disposed', () => {
    const busy = flag(true);
    const updates = createUpdateController({ busy, later: (c) => c() });
    updates.dispose();
    busy.set(false);
    expect(updates.store.getState().busy).toBe(true);
  });
});
