import { describe, expect, it } from 'vitest';
import { modelWorkerApi } from '../../workers/model-api';
import { createBenchWorkerApi } from '../../workers/bench-api';
import { encodeModel } from '../../src/core/onnx/encode';
import { decodeModel } from '../../src/core/onnx/decode';
import { createNodeRuntime } from '../../src/runtime/node';
import type { Progress } from '../../src/core/util/progress';
import { mlp, mlpWithExternalData } from '../fixtures/models';
import { MEASURE_PHASE } from '../../src/core/recipe/apply';

const nodeHost = { runtime: async () => createNodeRuntime(), defaultThreads: async () => 1 };

describe('model worker API', () => {
  it('analyzes model bytes', () => {
    const bytes = encodeModel(mlp());
    const summary = modelWorkerApi.analyze({ model: bytes, external: {} });
    expect(summary.sizeBytes).toBe(bytes.byteLength);
    expect(summary.params).toBeGreaterThan(0);
    expect(summary.layers.length).toBeGreaterThan(0);
  });

  it('analyzes a model with its external data file', () => {
    const { model, files } = mlpWithExternalData();
    const summary = modelWorkerApi.analyze({ model: encodeModel(model), external: Object.fromEntries(files) });
    expect(summary.params).toBeGreaterThan(0);
  });

  it('finds an external data file in a folder by its base name (dropped files have no folders)', () => {
    const { model, files } = mlpWithExternalData(4, 'weights/mlp.bin');
    const summary = modelWorkerApi.analyze({ model: encodeModel(model), external: { 'mlp.bin': files.get('weights/mlp.bin')! } });
    expect(summary.params).toBeGreaterThan(0);
  });

  it('gives the typed error for a missing external data file', () => {
    const { model } = mlpWithExternalData();
    expect(() => modelWorkerApi.analyze({ model: encodeModel(model), external: {} })).toThrow(expect.objectContaining({ name: 'ExternalDataError' }));
  });

  it('compresses with int8-weight, reporting progress, and the result decodes', async () => {
    const bytes = encodeModel(mlp());
    const events: Progress[] = [];
    const result = await modelWorkerApi.compress({ model: bytes, external: {} }, { steps: [{ method: 'int8-weight', options: { minElements: 1 } }] }, (p) =>
      events.push(p),
    );
    expect(result.sizeBytes).toBe(result.bytes.byteLength);
    expect(result.sizeBytes).toBeLessThan(bytes.byteLength);
    expect(result.steps[0]).toMatchObject({ method: 'int8-weight' });
    expect(result.steps[0]!.tensors).toBeGreaterThan(0);
    expect(events.some((e) => e.kind === 'phase' && e.phase === MEASURE_PHASE)).toBe(true);
    expect(decodeModel(result.bytes).graph?.node.some((n) => n.opType === 'DequantizeLinear')).toBe(true);
  });

  it('rejects a bad recipe with a RecipeError', async () => {
    const bytes = encodeModel(mlp());
    await expect(modelWorkerApi.compress({ model: bytes, external: {} }, { steps: [{ method: 'nope', options: {} }] })).rejects.toMatchObject({
      name: 'RecipeError',
    });
  });
});

describe('bench worker API (Node runtime)', () => {
  it('measures latency and compares an int8 variant against the original on the same inputs', async () => {
    const api = createBenchWorkerApi(nodeHost);
    const original = encodeModel(mlp());
    const { bytes: variant } = await modelWorkerApi.compress(
      { model: original, external: {} },
      { steps: [{ method: 'int8-weight', options: { minElements: 1 } }] },
    );
    const measured = await api.measure({ model: original, external: {} }, { runs: 3, warmup: 1, seed: 1 });
    expect(measured.latencyMs.n).toBe(3);
    expect(measured.backend).toBe('wasm');
    expect(Object.values(measured.inputShapes)[0]?.every((d) => d > 0)).toBe(true);
    // The mlp at batch 1: Gemm 64x128 and MatMul 128x32 MACs; its float32 weights and biases.
    expect(measured.cost).toMatchObject({ macs: 64 * 128 + 128 * 32, macsComplete: true, weightBytes: 4 * (64 * 128 + 128 + 128 * 32 + 32) });
    // The user's size for the symbolic batch dim reaches the inputs and the cost.
    const batch3 = await api.measure({ model: original, external: {} }, { runs: 1, warmup: 0, seed: 1, dims: { batch: 3 } });
    expect(batch3.inputShapes).toEqual({ x: [3, 64] });
    expect(batch3.cost.macs).toBe(3 * (64 * 128 + 128 * 32));
    const fidelity = await api.fidelity({ model: original, external: {} }, { model: variant, external: {} }, { seed: 42, samples: 2 });
    expect(fidelity.outputs.length).toBeGreaterThan(0);
    for (const o of fidelity.outputs) {
      expect(o.cosine).toBeGreaterThanOrEqual(0.999);
      expect(o.cosine).toBeLessThanOrEqual(1 + 1e-9);
      expect(o.maxAbs).toBeGreaterThan(0);
    }
  });

  it('runs a model whose weights are in an external data file', async () => {
    const api = createBenchWorkerApi(nodeHost);
    const { model, files } = mlpWithExternalData();
    const input = { model: encodeModel(model), external: Object.fromEntries(files) };
    const same = await api.fidelity(input, { ...input }, { seed: 3, samples: 1 });
    expect(same.outputs.every((o) => o.maxAbs === 0)).toBe(true);
  });
});
