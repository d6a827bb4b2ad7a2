import { describe, expect, it } from 'vitest';
import { createBenchWorkerApi } from '../../workers/bench-api';
import { benchmarkInterleaved } from '../../src/runtime/interleaved-benchmark';
import { modelWorkerApi } from '../../workers/model-api';
import { encodeModel } from '../../src/core/onnx/encode';
import { graph, model, node, valueInfo } from '../../src/core/ir/build';
import { DT } from '../../src/core/ir/dtype';
import { AbortError } from '../../src/core/util/errors';
import { createNodeRuntime } from '../../src/runtime/node';
import type { ModelSession, Runtime } from '../../src/runtime/types';
import { mlp } from '../fixtures/models';

/** A runtime whose sessions only record which model ran; bytes[0] names the model. */
function recordingRuntime(failing: readonly number[] = []) {
  const runs: number[] = [];
  const released: number[] = [];
  const runtime: Runtime = {
    async createSession(bytes) {
      const id = bytes[0]!;
      if (failing.includes(id)) throw Object.assign(new Error(`model ${id} has an unknown op`), { name: 'RuntimeError' });
      const session: ModelSession = {
        backend: 'wasm',
        threads: 1,
        inputs: [],
        outputs: [],
        async run() {
          runs.push(id);
          return {};
        },
        async release() {
          released.push(id);
        },
      };
      return session;
    },
    async availableBackends() {
      return ['wasm'];
    },
  };
  return { runtime, runs, released };
}

const timed = (id: number) => ({ bytes: Uint8Array.of(id), feeds: {} });

describe('interleaved benchmark', () => {
  it('times every model once per round, rotating which goes first, after one first run and the warm-up runs each', async () => {
    const { runtime, runs, released } = recordingRuntime();
    const results = await benchmarkInterleaved(runtime, [timed(1), timed(2), timed(3)], { backend: 'wasm', threads: 1, warmup: 1, runs: 3 });
    // First run + 1 warm-up per model, then rounds 1 2 3 | 2 3 1 | 3 1 2.
    expect(runs).toEqual([1, 1, 2, 2, 3, 3, 1, 2, 3, 2, 3, 1, 3, 1, 2]);
    expect(results.map((r) => r.ok && r.result.latencyMs.n)).toEqual([3, 3, 3]);
    expect(released.sort()).toEqual([1, 2, 3]);
  });

  it('reports a model that fails to load and still times the others', async () => {
    const { runtime, runs } = recordingRuntime([2]);
    const results = await benchmarkInterleaved(runtime, [timed(1), timed(2), timed(3)], { backend: 'wasm', threads: 1, warmup: 0, runs: 2 });
    expect(results[1]).toEqual({ ok: false, error: { name: 'RuntimeError', message: 'model 2 has an unknown op' } });
    expect(results[0]!.ok && results[2]!.ok).toBe(true);
    expect(runs).toEqual([1, 3, 1, 3, 3, 1]);
  });

  it('releases every session when cancelled', async () => {
    const { runtime, released } = recordingRuntime();
    const controller = new AbortController();
    const run = benchmarkInterleaved(runtime, [timed(1), timed(2)], {
      backend: 'wasm',
      threads: 1,
      warmup: 0,
      runs: 5,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.kind === 'step' && p.phase === 'run') controller.abort(new AbortError());
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(released.sort()).toEqual([1, 2]);
  });
});

describe('bench worker measureAll (Node runtime)', () => {
  it('times the original and its int8 variant in one run, and says which model onnxruntime rejects', async () => {
    const api = createBenchWorkerApi({ runtime: async () => createNodeRuntime(), defaultThreads: async () => 1 });
    const original = encodeModel(mlp());
    const { bytes: variant } = await modelWorkerApi.compress({ model: original, external: {} }, { steps: [{ method: 'int8-weight', options: { minElements: 1 } }] });
    const unknownOp = encodeModel(
      model(graph({ name: 'bad', nodes: [node('NoSuchOp', ['x'], ['y'])], inputs: [valueInfo('x', DT.FLOAT, [1, 4])], outputs: [valueInfo('y', DT.FLOAT, [1, 4])] })),
    );
    const items = await api.measureAll(
      [
        { model: original, external: {} },
        { model: variant, external: {} },
        { model: unknownOp, external: {} },
      ],
      { runs: 3, warmup: 1, seed: 1 },
    );
    expect(items.map((i) => i.ok)).toEqual([true, true, false]);
    for (const item of items.slice(0, 2)) {
      if (!item.ok) continue;
      expect(item.result.latencyMs.n).toBe(3);
      expect(item.result.latencyMs.p50).toBeGreaterThan(0);
      expect(item.result.inputShapes).toEqual({ x: [1, 64] });
    }
    expect(items[2]).toMatchObject({ ok: false, error: { name: 'RuntimeError', message: expect.stringContaining('NoSuchOp') } });
  });
});

describe('bench worker device probe and cross-backend check (Node runtime)', () => {
  it('probes the host and measures WASM, and reports that Node has no WebGPU for the cross-backend check', async () => {
    const { nodeHostFacts } = await import('../../src/runtime/node-device');
    const api = createBenchWorkerApi({ runtime: async () => createNodeRuntime(), defaultThreads: async () => 1, facts: async () => nodeHostFacts() });
    const profile = await api.probe({ targetMs: 2, runs: 1, matmulSizes: [32, 64], streamLengths: [1 << 12] });
    expect(profile.host).toBe('node');
    expect(profile.figures.map((f) => [f.backend, f.threads, f.compute.ok, f.bandwidth.ok])).toEqual([['wasm', 1, true, true]]);
    const input = { model: encodeModel(mlp()), external: {} };
    await expect(api.crossBackend(input, { seed: 1, samples: 1 })).rejects.toMatchObject({ name: 'RuntimeError', message: expect.stringMatching(/needs webgpu/) });
  });
});
