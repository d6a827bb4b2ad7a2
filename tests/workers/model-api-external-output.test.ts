import * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';
import { modelWorkerApi } from '../../workers/model-api';
import { createBenchWorkerApi } from '../../workers/bench-api';
import { createNodeRuntime } from '../../src/runtime/node';
import { createModelRegistry, readModelFiles } from '../../src/ui/services/model-registry';
import { createModelJobs } from '../../src/ui/services/model-jobs';
import { createWorkerClient } from '../../src/ui/services/worker-client';
import type { ModelWorkerRemote } from '../../workers/model.worker';
import type { ModelInput } from '../../workers/model-input';
import { savedWithExternalData, wideMlp } from '../fixtures/wide-mlp';
import { channelWorker } from '../ui/channel-worker';

const nodeHost = { runtime: async () => createNodeRuntime(), defaultThreads: async () => 1 };
const saved = savedWithExternalData(wideMlp(), 'wide.onnx.data');
const input = (): ModelInput => ({ model: saved.bytes.slice(), external: { 'wide.onnx.data': saved.data.slice() } });

describe('the model worker past the inline limit', () => {
  it('returns the .onnx and its data file as a Blob; both together measure and compare like the original', async () => {
    const result = await modelWorkerApi.compress(input(), { steps: [{ method: 'simplify', options: {} }] }, undefined, undefined, undefined, {
      inlineLimitBytes: 300_000,
      externalLocation: 'wide.simplify.onnx.data',
    });
    expect(result.external?.location).toBe('wide.simplify.onnx.data');
    const data = new Uint8Array(await result.external!.data.arrayBuffer());
    expect(result.sizeBytes).toBe(result.bytes.byteLength + data.byteLength);
    expect(result.bytes.byteLength).toBeLessThan(30_000);
    // The variant as the studio registers it (the .onnx and its data file by name) goes through the bench worker.
    const variant = { model: result.bytes, external: { 'wide.simplify.onnx.data': data } };
    const api = createBenchWorkerApi(nodeHost);
    const fidelity = await api.fidelity(input(), variant, { seed: 7, samples: 2 });
    for (const o of fidelity.outputs) expect(o.maxAbs).toBeLessThan(1e-5);
    expect(modelWorkerApi.analyze(variant).params).toBe(modelWorkerApi.analyze(input()).params);
  });

  it('model jobs register the data file beside the variant under <file name>.data, and say so', async () => {
    const { spawn } = channelWorker({
      async compress(i: ModelInput, recipe: Parameters<typeof modelWorkerApi.compress>[1], _p: unknown, _s: unknown, output: Parameters<typeof modelWorkerApi.compress>[5]) {
        const r = await modelWorkerApi.compress(i, recipe, undefined, undefined, undefined, output);
        return Comlink.transfer(r, [r.bytes.buffer]);
      },
    });
    const registry = createModelRegistry();
    const jobs = createModelJobs(createWorkerClient<ModelWorkerRemote>(spawn), registry, undefined, 300_000);
    const id = registry.add({ name: 'wide.onnx', model: new Blob([saved.bytes]), external: new Map([['wide.onnx.data', new Blob([saved.data])]]) });
    const made = await jobs.compress(new AbortController().signal, id, { steps: [{ method: 'fp16-weight', options: {} }] }, 'wide.fp16-weight.onnx', () => undefined);
    expect(made.externalDataFile).toBe('wide.fp16-weight.onnx.data');
    expect('external' in made).toBe(false);
    const files = registry.get(made.id)!;
    expect([...files.external.keys()]).toEqual(['wide.fp16-weight.onnx.data']);
    expect(made.sizeBytes).toBe(files.model.size + files.external.get('wide.fp16-weight.onnx.data')!.size);
    const back = await readModelFiles(registry, made.id);
    expect(modelWorkerApi.analyze(back).params).toBeGreaterThan(0);
  });
});
