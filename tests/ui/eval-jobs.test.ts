import { describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { channelWorker } from './channel-worker';
import { createWorkerClient } from '../../src/ui/services/worker-client';
import { createModelRegistry } from '../../src/ui/services/model-registry';
import { createModelJobs } from '../../src/ui/services/model-jobs';
import { createEvalJobs, createSampleFilesHolder, PER_LAYER_MAX_SAMPLES, SYNTHETIC_INPUTS } from '../../src/ui/services/eval-jobs';
import type { BenchWorkerRemote } from '../../workers/bench.worker';
import type { ModelWorkerRemote } from '../../workers/model.worker';
import type { SampleSettings } from '../../src/core/evaluate/loaders/sample-settings';
import type { SampleRequest } from '../../workers/eval-api';

const settings: SampleSettings = { image: { preset: 'none', scale: '-1..1' }, classes: { mode: 'list', names: ['0', '180'] } };

async function described(request: SampleRequest | null) {
  if (!request) return null;
  return { paths: request.files.map((f) => f.path), texts: await Promise.all(request.files.map((f) => f.blob.text())), settings: request.settings };
}

describe('evaluation jobs over the bench worker', () => {
  it('sends the held sample files with the settings, or null for synthetic inputs, and the models by id', async () => {
    const seen: unknown[] = [];
    const api = {
      async inspectSamples(model: { model: Uint8Array }, request: SampleRequest) {
        seen.push({ call: 'inspect', model: model.model.byteLength, ...(await described(request)) });
        return { count: request.files.length };
      },
      async evaluate(reference: { model: Uint8Array }, candidates: { model: Uint8Array }[], request: SampleRequest | null, options: unknown) {
        seen.push({ call: 'evaluate', sizes: [reference.model.byteLength, ...candidates.map((c) => c.model.byteLength)], request: await described(request), options });
        return { inputs: { kind: 'synthetic' }, candidates: [] };
      },
      async perLayer(_r: unknown, candidate: { model: Uint8Array }, request: SampleRequest | null, options: unknown) {
        seen.push({ call: 'perLayer', size: candidate.model.byteLength, request: await described(request), options });
        return { inputs: { kind: 'synthetic' }, layers: [] };
      },
    };
    const registry = createModelRegistry();
    const holder = createSampleFilesHolder();
    const client = createWorkerClient<BenchWorkerRemote>(channelWorker(api).spawn);
    const jobs = createEvalJobs(client, registry, holder);
    const original = registry.add({ name: 'm.onnx', model: new Blob([new Uint8Array(10)]), external: new Map() });
    const variant = registry.add({ name: 'm.int8.onnx', model: new Blob([new Uint8Array(4)]), external: new Map() });
    holder.set([{ path: '0/a.png', file: new File(['A'], 'a.png') }]);

    const { signal } = new AbortController();
    await jobs.inspectSamples(signal, original, settings, () => {});
    await jobs.evaluate(signal, original, [variant], settings, { backend: 'wasm' }, () => {});
    await jobs.perLayer(signal, original, variant, null, { backend: 'wasm' }, () => {});
    expect(seen).toEqual([
      { call: 'inspect', model: 10, paths: ['0/a.png'], texts: ['A'], settings },
      { call: 'evaluate', sizes: [10, 4], request: { paths: ['0/a.png'], texts: ['A'], settings }, options: { backend: 'wasm', seed: SYNTHETIC_INPUTS.seed, syntheticSamples: SYNTHETIC_INPUTS.samples } },
      { call: 'perLayer', size: 4, request: null, options: { backend: 'wasm', seed: SYNTHETIC_INPUTS.seed, syntheticSamples: SYNTHETIC_INPUTS.samples, maxSamples: PER_LAYER_MAX_SAMPLES } },
    ]);
  });

  it('transfers every candidate model to the worker, not only the reference', async () => {
    const api = {
      evaluate: () => ({ inputs: { kind: 'synthetic' }, candidates: [] }),
    };
    const { spawn, transfers } = channelWorker(api);
    const registry = createModelRegistry();
    const client = createWorkerClient<BenchWorkerRemote>(spawn);
    const jobs = createEvalJobs(client, registry, createSampleFilesHolder());
    const original = registry.add({ name: 'm.onnx', model: new Blob([new Uint8Array(10)]), external: new Map() });
    const a = registry.add({ name: 'a.onnx', model: new Blob([new Uint8Array(4)]), external: new Map() });
    const b = registry.add({ name: 'b.onnx', model: new Blob([new Uint8Array(6)]), external: new Map([['w.bin', new Blob([new Uint8Array(3)])]]) });
    await jobs.evaluate(new AbortController().signal, original, [a, b], null, { backend: 'wasm' }, () => {});
    const sent = transfers.flat().filter((t): t is ArrayBuffer => t instanceof ArrayBuffer);
    // Reference, both candidates and the external file moved (detached here), none copied.
    expect(sent.map((buf) => buf.byteLength)).toEqual([0, 0, 0, 0]);
  });

  it("aborting the call's signal while the model files are still being read stops the job: it rejects and the worker never runs it", async () => {
    const calls: string[] = [];
    const api = {
      evaluate: () => {
        calls.push('evaluate');
        return { inputs: { kind: 'synthetic' }, candidates: [] };
      },
    };
    const registry = createModelRegistry();
    const client = createWorkerClient<BenchWorkerRemote>(channelWorker(api).spawn);
    const jobs = createEvalJobs(client, registry, createSampleFilesHolder());
    let release!: () => void;
    const bytes = new Promise<ArrayBuffer>((ok) => {
      release = () => ok(new ArrayBuffer(8));
    });
    // A large file still being read: its bytes arrive when the test says.
    const slow = { size: 8, arrayBuffer: () => bytes } as unknown as Blob;
    const original = registry.add({ name: 'm.onnx', model: slow, external: new Map() });
    const variant = registry.add({ name: 'v.onnx', model: new Blob([new Uint8Array(4)]), external: new Map() });
    const call = new AbortController();
    const running = jobs.evaluate(call.signal, original, [variant], null, { backend: 'wasm' }, () => {});
    await Promise.resolve();
    call.abort();
    release();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((ok) => setTimeout(ok, 20));
    expect(calls).toEqual([]);
  });

  it('hands the sample files to compression only when settings are given and files are held', async () => {
    const requests: (SampleRequest | undefined)[] = [];
    const api = {
      async compress(_input: unknown, _recipe: unknown, _progress: unknown, samples?: SampleRequest) {
        requests.push(samples);
        const bytes = new Uint8Array(2);
        return Comlink.transfer({ bytes, sizeBytes: 2, steps: [], ms: 1, calibration: { kind: samples ? 'samples' : 'synthetic', count: 1, of: 1 } }, [bytes.buffer]);
      },
    };
    const registry = createModelRegistry();
    const holder = createSampleFilesHolder();
    const client = createWorkerClient<ModelWorkerRemote>(channelWorker(api).spawn);
    const jobs = createModelJobs(client, registry, holder);
    const id = registry.add({ name: 'm.onnx', model: new Blob([new Uint8Array(10)]), external: new Map() });
    const recipe = { steps: [{ method: 'int8-static', options: {} }] };
    const { signal } = new AbortController();
    await jobs.compress(signal, id, recipe, 'a.onnx', () => {}, settings);
    holder.set([{ path: 'a.png', file: new File(['A'], 'a.png') }]);
    await jobs.compress(signal, id, recipe, 'b.onnx', () => {});
    const made = await jobs.compress(signal, id, recipe, 'c.onnx', () => {}, settings);
    expect(requests.map((r) => r?.files.map((f) => f.path) ?? null)).toEqual([null, null, ['a.png']]);
    expect(made.calibration).toEqual({ kind: 'samples', count: 1, of: 1 });
  });

  it("aborting a per-layer run's signal while the worker runs it terminates the bench worker", async () => {
    let started!: () => void;
    const running = new Promise<void>((ok) => (started = ok));
    const { spawn, made } = channelWorker({
      perLayer: () => {
        started();
        return new Promise<never>(() => undefined);
      },
    });
    const registry = createModelRegistry();
    const jobs = createEvalJobs(createWorkerClient<BenchWorkerRemote>(spawn), registry, createSampleFilesHolder());
    const original = registry.add({ name: 'm.onnx', model: new Blob([new Uint8Array(10)]), external: new Map() });
    const variant = registry.add({ name: 'v.onnx', model: new Blob([new Uint8Array(4)]), external: new Map() });
    const call = new AbortController();
    const layering = jobs.perLayer(call.signal, original, variant, null, { backend: 'wasm' }, () => {});
    await running;
    call.abort();
    await expect(layering).rejects.toMatchObject({ name: 'AbortError' });
    expect(made.map((w) => w.terminated)).toEqual([true]);
  });
});
