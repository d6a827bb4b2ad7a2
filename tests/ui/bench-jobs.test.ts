import { describe, expect, it } from 'vitest';
import { channelWorker } from './channel-worker';
import { createWorkerClient } from '../../src/ui/services/worker-client';
import { createModelRegistry } from '../../src/ui/services/model-registry';
import { createBenchJobs } from '../../src/ui/services/bench-jobs';
import type { BenchWorkerApi } from '../../workers/bench-api';

/** A bench worker whose measureAll runs until its worker is stopped, saying when it started. */
function hangingBench() {
  let started!: () => void;
  const running = new Promise<void>((ok) => (started = ok));
  const worker = channelWorker({
    measureAll: () => {
      started();
      return new Promise<never>(() => undefined);
    },
  });
  return { ...worker, running };
}

describe('bench jobs', () => {
  it("aborting a measurement's signal terminates the worker it runs on, and only that one", async () => {
    const all = hangingBench();
    const one = hangingBench();
    const registry = createModelRegistry();
    const jobs = createBenchJobs(createWorkerClient<BenchWorkerApi>(all.spawn), registry, createWorkerClient<BenchWorkerApi>(one.spawn));
    const id = registry.add({ name: 'm.onnx', model: new Blob([new Uint8Array(4)]), external: new Map() });
    const call = new AbortController();
    // One WASM thread: the second worker times it.
    const measuring = jobs.measureAll(call.signal, [id], { backend: 'wasm', threads: 1, runs: 1, warmup: 0 });
    await one.running;
    call.abort();
    await expect(measuring).rejects.toMatchObject({ name: 'AbortError' });
    expect(one.made.map((w) => w.terminated)).toEqual([true]);
    expect(all.made).toEqual([]);
  });

  it('a call whose signal was aborted before it started never reaches a worker', async () => {
    const all = hangingBench();
    const registry = createModelRegistry();
    const jobs = createBenchJobs(createWorkerClient<BenchWorkerApi>(all.spawn), registry);
    const id = registry.add({ name: 'm.onnx', model: new Blob([new Uint8Array(4)]), external: new Map() });
    const call = new AbortController();
    call.abort();
    await expect(jobs.fidelity(call.signal, id, id, { backend: 'wasm', seed: 1, samples: 1 })).rejects.toMatchObject({ name: 'AbortError' });
    expect(all.made).toEqual([]);
  });
});
