import { describe, expect, it } from 'vitest';
import { applyRecipe } from '../../../src/core/recipe/apply';
import { parseRecipe } from '../../../src/core/recipe/parse';
import { encodeModel } from '../../../src/core/onnx/encode';
import { decodeModel } from '../../../src/core/onnx/decode';
import { readFloat32, tensorDims } from '../../../src/core/ir/tensor';
import type { ModelIR } from '../../../src/core/ir/model';
import { getMethod } from '../../../src/core/methods/registry';
import { createNodeRuntime } from '../../../src/runtime/node';
import { modelOpener } from '../../../src/runtime/calibrate';
import { UnsupportedModelError } from '../../../src/core/util/errors';
import { bigConv, bigMlp, convBnRelu, mlp } from '../../fixtures/models';
import { runModel, sameBytes, seededFeeds, worstCosine } from './run-helpers';

const runtime = createNodeRuntime();
const prune = getMethod('prune-unstructured');

function weight(m: ModelIR, name: string): Float32Array {
  return readFloat32(m.graph!.initializer.find((t) => t.name === name)!);
}

const zeroShare = (v: Float32Array): number => v.filter((x) => x === 0).length / v.length;

/** Every run of m along the reduction axis (stride `inner`) holds at least m - n zeros. */
function holdsNofM(v: Float32Array, outer: number, length: number, inner: number, n: number, m: number): boolean {
  for (let p = 0; p < outer; p++)
    for (let c0 = 0; c0 < length; c0 += m)
      for (let q = 0; q < inner; q++) {
        let zeros = 0;
        for (let j = 0; j < m; j++) if (v[(p * length + c0 + j) * inner + q] === 0) zeros++;
        if (zeros < m - n) return false;
      }
  return true;
}

describe('prune-unstructured', () => {
  it('per layer: each weight reaches the sparsity, the smallest magnitudes go, the input is untouched, the step reports it', async () => {
    const bytes = encodeModel(bigMlp());
    const model = decodeModel(bytes);
    const before = bytes.slice();
    const result = await applyRecipe(model, parseRecipe('prune-unstructured:sparsity=0.3'));
    expect(sameBytes(bytes, before)).toBe(true);
    const step = result.steps[0]!;
    expect(step.tensors).toBe(2);
    for (const name of ['w1', 'w2']) {
      const orig = weight(model, name);
      const out = weight(result.model, name);
      expect(zeroShare(out)).toBeCloseTo(0.3, 3);
      // Every zeroed weight is no larger in magnitude than every kept one.
      let maxZeroed = 0;
      let minKept = Infinity;
      for (let i = 0; i < out.length; i++) {
        if (out[i] === 0) maxZeroed = Math.max(maxZeroed, Math.abs(orig[i]!));
        else {
          minKept = Math.min(minKept, Math.abs(orig[i]!));
          expect(out[i]).toBe(orig[i]);
        }
      }
      expect(maxZeroed).toBeLessThanOrEqual(minKept);
      const change = step.changes.find((c) => c.name === name)!;
      expect(change).toEqual({ kind: 'sparsity', name, zeros: Math.round(0.3 * out.length), elements: out.length });
    }
    expect(step.after.gzipBytes).toBeLessThan(step.before.gzipBytes);
    expect(step.after.parameters).toBe(step.before.parameters);
  });

  it('global: one threshold across layers, total sparsity exact, the layer of smaller weights loses more', async () => {
    const model = bigMlp(); // w2 is drawn with a smaller scale than w1
    const { model: out, changes } = await prune.apply(model, { sparsity: 0.5, scope: 'global' });
    const zeros = changes.reduce((s, c) => s + (c.kind === 'sparsity' ? c.zeros : 0), 0);
    const elements = changes.reduce((s, c) => s + (c.kind === 'sparsity' ? c.elements : 0), 0);
    expect(zeros).toBe(Math.round(0.5 * elements));
    expect(zeroShare(weight(out, 'w2'))).toBeGreaterThan(zeroShare(weight(out, 'w1')) + 0.1);
  });

  it.each([
    ['2:4', 2, 4],
    ['4:8', 4, 8],
  ])('pattern %s holds exactly along the reduction axis of Conv, Gemm transB and MatMul', async (pattern, n, m) => {
    const conv = await prune.apply(bigConv(), { pattern });
    const w = weight(conv.model, 'c1.w'); // [64, 64, 3, 3]: runs over input channels at each kernel position
    expect(holdsNofM(w, 64, 64, 9, n, m)).toBe(true);
    expect(zeroShare(w)).toBeCloseTo(1 - n / m, 6);
    const fc = await prune.apply(bigMlp(), { pattern });
    expect(holdsNofM(weight(fc.model, 'w1'), 1, 256, 512, n, m)).toBe(true); // MatMul B [K, N]
    expect(holdsNofM(weight(fc.model, 'w2'), 256, 512, 1, n, m)).toBe(true); // Gemm transB [N, K]
    expect(zeroShare(weight(fc.model, 'w2'))).toBeCloseTo(1 - n / m, 6);
  });

  it('a weight whose reduction length is not a multiple of M stays dense and is named', async () => {
    // conv1 [8, 3, 3, 3] reduces over 3 input channels; conv2 [4, 8, 1, 1] over 8.
    const { changes, warnings } = await prune.apply(convBnRelu(), { pattern: '2:4', minElements: 1 });
    expect(changes.map((c) => c.name)).toEqual(['conv2.w']);
    expect(warnings.join(' ')).toMatch(/'conv1.w' \(reduction length 3 is not a multiple of 4\)/);
  });

  it('runs in onnxruntime-web; cosine falls as sparsity grows and sparsity 0 gives the same outputs', async () => {
    const model = bigConv();
    const feeds = seededFeeds({ image: { dtype: 'float32', dims: [1, 64, 10, 10] } });
    const ref = await runModel(runtime, model, feeds);
    const cos: number[] = [];
    for (const sparsity of [0, 0.3, 0.5, 0.8]) {
      const { model: out } = await prune.apply(model, { sparsity });
      cos.push(worstCosine(ref, await runModel(runtime, out, feeds)));
    }
    expect(cos[0]).toBe(1);
    // Measured on this seeded random model: 0.3 -> 0.987, 0.5 -> 0.935, 0.8 -> 0.678.
    expect(cos[1]!).toBeGreaterThan(0.98);
    expect(cos[2]!).toBeGreaterThan(0.92);
    expect(cos[1]!).toBeGreaterThan(cos[2]!);
    expect(cos[2]!).toBeGreaterThan(cos[3]!);
  });

  it('activation-aware scores keep the weights of the loud input channels, and beat magnitude on such inputs', async () => {
    const model = bigMlp();
    // Inputs whose first 32 features are 10x louder than the rest.
    const loud = (seed: number) => {
      const f = seededFeeds({ x: { dtype: 'float32', dims: [4, 256] } }, seed);
      const d = f.x!.data as Float32Array;
      for (let i = 0; i < d.length; i++) if (i % 256 < 32) d[i]! *= 10;
      return f;
    };
    const calibrationInputs = [1, 2, 3, 4].map(loud);
    const ctx = { openModel: modelOpener(runtime), calibrationInputs };
    const act = await prune.apply(model, { sparsity: 0.5, criterion: 'activation' }, ctx);
    const mag = await prune.apply(model, { sparsity: 0.5 });
    expect(act.warnings.join(' ')).toMatch(/Activation-aware scores from 4 given sample/);
    const w1 = weight(act.model, 'w1'); // MatMul [256, 512]: row k multiplies input feature k
    const loudRows = w1.subarray(0, 32 * 512);
    // Measured 6.2% of the loud rows zeroed, against half of them by magnitude.
    expect(zeroShare(loudRows)).toBeLessThan(0.1);
    expect(zeroShare(weight(mag.model, 'w1').subarray(0, 32 * 512))).toBeGreaterThan(0.4);
    expect(zeroShare(w1)).toBeCloseTo(0.5, 3);
    const test = loud(9);
    const ref = await runModel(runtime, model, test);
    const cAct = worstCosine(ref, await runModel(runtime, act.model, test));
    const cMag = worstCosine(ref, await runModel(runtime, mag.model, test));
    // Measured 0.951 against 0.929.
    expect(cAct).toBeGreaterThan(cMag);
  });

  it('activation-aware without a runtime is refused with a typed error', async () => {
    await expect(prune.apply(mlp(), { criterion: 'activation' })).rejects.toBeInstanceOf(UnsupportedModelError);
    expect(prune.calibrationSamples?.({ ...defaults(), criterion: 'activation' } as never)).toBe(16);
  });

  it('keeps the dims of every weight it prunes', async () => {
    const model = bigConv();
    const { model: out } = await prune.apply(model, { sparsity: 0.5 });
    expect(out.graph!.initializer.map(tensorDims)).toEqual(model.graph!.initializer.map(tensorDims));
  });
});

function defaults(): Record<string, unknown> {
  return Object.fromEntries(prune.options.map((f) => [f.key, f.default]));
}
