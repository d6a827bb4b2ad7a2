// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { createDeviceStore } from '../../src/ui/store/device-store';
import type { DeviceJobs } from '../../src/ui/services/device-jobs';
import { AbortError } from '../../src/core/util/errors';
import { fakeStudio, onnxFile, settle } from './fakes';

/** Resolves with the signal a call got, and stays pending until that signal aborts. */
function signalSpy() {
  const signals: AbortSignal[] = [];
  const call = <T,>(signal: AbortSignal): Promise<T> => {
    signals.push(signal);
    return new Promise<T>((_, reject) => signal.addEventListener('abort', () => reject(new AbortError()), { once: true }));
  };
  return { signals, call };
}

describe('the store stops service calls through their signals', () => {
  it("opening another model while one is still analyzed aborts that analysis' call", async () => {
    const { store, log } = fakeStudio({ holdAnalyze: (id) => id === 'm1' });
    const first = store.getState().openFiles([onnxFile('a.onnx')]);
    await settle();
    expect(store.getState().loadStatus).toBe('loading');
    await store.getState().openFiles([onnxFile('b.onnx')]);
    await first;
    expect(log.modelCancels).toBe(1);
    expect(store.getState()).toMatchObject({ loadStatus: 'ready', loadError: null, model: { name: 'b.onnx' } });
  });

  it('clearing the samples while they are read aborts the read', async () => {
    const { store, log } = fakeStudio({ holdInspect: true });
    await store.getState().openFiles([onnxFile()]);
    const reading = store.getState().addSamples([{ path: 'cat/1.png', file: new File(['x'], '1.png') }]);
    await settle();
    expect(store.getState().samplesStatus).toBe('reading');
    store.getState().clearSamples();
    await reading;
    expect(log.evalCancels).toBe(1);
    expect(store.getState()).toMatchObject({ samplesStatus: 'none', samplesInfo: null, samplesError: null });
  });

  it('a compression still queued behind a measurement is cancelled without reaching the model worker', async () => {
    const { store, log, releaseMeasure } = fakeStudio({ holdMeasure: true });
    await store.getState().openFiles([onnxFile('net.onnx')]);
    const first = store.getState().compress();
    await settle();
    const second = store.getState().compress();
    await settle();
    expect(store.getState().compressStatus).toBe('queued');
    store.getState().cancelCompress();
    releaseMeasure();
    await first;
    await second;
    expect(log.compressCalls).toHaveLength(1);
    expect(log.modelCancels).toBe(0);
    expect(store.getState().compressStatus).toBe('cancelled');
  });

  it("cancelling the device probe or the cross-backend check aborts the call's signal", async () => {
    const spy = signalSpy();
    const jobs: DeviceJobs = { probe: (signal) => spy.call(signal), crossBackend: (signal) => spy.call(signal) };
    const store = createDeviceStore(jobs);
    const probing = store.getState().probe();
    expect(store.getState().probing).toBe(true);
    store.getState().cancel();
    await probing;
    expect(spy.signals.map((s) => s.aborted)).toEqual([true]);
    expect(store.getState()).toMatchObject({ probing: false, probeError: null, profile: null });
    const checking = store.getState().checkBackends('m1');
    store.getState().cancel();
    await checking;
    expect(spy.signals.map((s) => s.aborted)).toEqual([true, true]);
    expect(store.getState()).toMatchObject({ checking: false, checkError: null, crossCheck: null });
  });
});
