import { describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { channelWorker } from './channel-worker';
import { createWorkerClient } from '../../src/ui/services/worker-client';
import { createModelRegistry } from '../../src/ui/services/model-registry';
import { createModelJobs } from '../../src/ui/services/model-jobs';
import type { ModelWorkerRemote } from '../../workers/model.worker';
import type { Progress } from '../../src/core/util/progress';
import type { ModelInput } from '../../workers/model-input';

describe('model jobs over a worker', () => {
  it('transfers the model and its external files to the worker, and registers the variant it sends back', async () => {
    const seen: { model: number; external: Record<string, number> }[] = [];
    const fakeApi = {
      analyze(input: ModelInput) {
        seen.push({ model: input.model.byteLength, external: Object.fromEntries(Object.entries(input.external).map(([k, v]) => [k, v.byteLength])) });
        return { sizeBytes: input.model.byteLength };
      },
      async compress(input: ModelInput, _recipe: unknown, onProgress: (p: Progress) => void) {
        await onProgress({ kind: 'step', phase: 'quantize', index: 1, total: 1 });
        const bytes = input.model.slice(0, 3);
        return Comlink.transfer({ bytes, sizeBytes: 3, steps: [], ms: 1 }, [bytes.buffer]);
      },
    };
    const { spawn, transfers } = channelWorker(fakeApi);
    const registry = createModelRegistry();
    const client = createWorkerClient<ModelWorkerRemote>(spawn);
    const jobs = createModelJobs(client, registry);
    const id = registry.add({ name: 'm.onnx', model: new Blob([new Uint8Array(10)]), external: new Map([['w.bin', new Blob([new Uint8Array(7)])]]) });

    const { signal } = new AbortController();
    await jobs.analyze(signal, id);
    expect(seen).toEqual([{ model: 10, external: { 'w.bin': 7 } }]);
    const sent = transfers.flat().filter((t): t is ArrayBuffer => t instanceof ArrayBuffer);
    expect(sent.map((b) => b.byteLength).sort()).toEqual([0, 0]); // both buffers were moved (detached here), not copied

    const progress: Progress[] = [];
    const variant = await jobs.compress(signal, id, { steps: [{ method: 'int8-weight', options: {} }] }, 'm.int8.onnx', (p) => progress.push(p));
    expect(progress).toEqual([{ kind: 'step', phase: 'quantize', index: 1, total: 1 }]);
    expect(variant).toMatchObject({ name: 'm.int8.onnx', sizeBytes: 3 });
    expect(registry.get(variant.id)?.model.size).toBe(3);
    // The original stays registered: each job reads fresh bytes from the Blob.
    expect(registry.get(id)?.model.size).toBe(10);
  });

  it("aborting the call's signal while the model is still being read stops the job before the worker runs it", async () => {
    const calls: string[] = [];
    const { spawn } = channelWorker({ analyze: () => calls.push('analyze') });
    const registry = createModelRegistry();
    const jobs = createModelJobs(createWorkerClient<ModelWorkerRemote>(spawn), registry);
    let release!: () => void;
    const bytes = new Promise<ArrayBuffer>((ok) => {
      release = () => ok(new ArrayBuffer(8));
    });
    const id = registry.add({ name: 'm.onnx', model: { size: 8, arrayBuffer: () => bytes } as unknown as Blob, external: new Map() });
    const call = new AbortController();
    const analyzing = jobs.analyze(call.signal, id);
    await Promise.resolve();
    call.abort();
    release();
    await expect(analyzing).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((ok) => setTimeout(ok, 20));
    expect(calls).toEqual([]);
  });

  it("aborting a compression's signal while the worker runs it terminates the worker and registers no variant", async () => {
    let started!: () => void;
    const running = new Promise<void>((ok) => (started = ok));
    const { spawn, made } = channelWorker({
      compress: () => {
        started();
        return new Promise<never>(() => undefined);
      },
    });
    const registry = createModelRegistry();
    const jobs = createModelJobs(createWorkerClient<ModelWorkerRemote>(spawn), registry);
    const id = registry.add({ name: 'm.onnx', model: new Blob([new Uint8Array(4)]), external: new Map() });
    const call = new AbortController();
    const compressing = jobs.compress(call.signal, id, { steps: [{ method: 'int8-weight', options: {} }] }, 'm.int8.onnx', () => {});
    await running;
    call.abort();
    await expect(compressing).rejects.toMatchObject({ name: 'AbortError' });
    expect(made.map((w) => w.terminated)).toEqual([true]);
    expect(registry.get('m2')).toBeUndefined();
  });
});
