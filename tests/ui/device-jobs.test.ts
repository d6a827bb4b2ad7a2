import { describe, expect, it } from 'vitest';
import { channelWorker } from './channel-worker';
import { createWorkerClient } from '../../src/ui/services/worker-client';
import { createModelRegistry } from '../../src/ui/services/model-registry';
import { createDeviceJobs } from '../../src/ui/services/device-jobs';
import type { BenchWorkerRemote } from '../../workers/bench.worker';

describe('device jobs', () => {
  it("aborting the check's signal while the model is still being read stops it before the worker runs it", async () => {
    const calls: string[] = [];
    const { spawn } = channelWorker({ crossBackend: () => calls.push('crossBackend') });
    const registry = createModelRegistry();
    const jobs = createDeviceJobs(registry, createWorkerClient<BenchWorkerRemote>(spawn));
    let release!: () => void;
    const bytes = new Promise<ArrayBuffer>((ok) => {
      release = () => ok(new ArrayBuffer(8));
    });
    const id = registry.add({ name: 'm.onnx', model: { size: 8, arrayBuffer: () => bytes } as unknown as Blob, external: new Map() });
    const call = new AbortController();
    const checking = jobs.crossBackend(call.signal, id, () => {});
    await Promise.resolve();
    call.abort();
    release();
    await expect(checking).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((ok) => setTimeout(ok, 20));
    expect(calls).toEqual([]);
  });
});
