import { describe, expect, it } from 'vitest';
import { reconstruct } from '../../../../src/core/methods/reconstruct';
import { getMethod } from '../../../../src/core/methods/registry';
import { RidgeFit } from '../../../../src/core/methods/distill/ridge-fit';
import { createTeacher } from '../../../../src/core/recipe/teacher';
import { createNodeRuntime } from '../../../../src/runtime/node';
import { modelOpener } from '../../../../src/runtime/calibrate';
import { UnsupportedModelError } from '../../../../src/core/util/errors';
import { readFloat32 } from '../../../../src/core/ir/tensor';
import { seededRandom } from '../../../../src/core/util/random';
import type { ModelIR } from '../../../../src/core/ir/model';
import type { Feeds } from '../../../../src/core/evaluate/tensor-data';
import { mlp, transformerBlock } from '../../../fixtures/models';
import { zeroFraction } from '../../../fixtures/zero-fraction-method';
import { runModel } from '../run-helpers';

const runtime = createNodeRuntime();
const openModel = modelOpener(runtime);

/** Output SQNR (dB) of `cand` against `ref` over the held-out inputs, all outputs pooled. */
async function outputSqnr(ref: ModelIR, cand: ModelIR, inputs: readonly Feeds[]): Promise<number> {
  let signal = 0;
  let noise = 0;
  for (const feeds of inputs) {
    const a = await runModel(runtime, ref, feeds);
    const b = await runModel(runtime, cand, feeds);
    for (const [name, t] of Object.entries(a)) {
      const x = t.data as Float32Array;
      const y = b[name]!.data as Float32Array;
      for (let i = 0; i < x.length; i++) {
        signal += x[i]! ** 2;
        noise += (x[i]! - y[i]!) ** 2;
      }
    }
  }
  return 10 * Math.log10(signal / noise);
}

/**
 * Inputs whose features are correlated (eight shared factors, mixed the same way for every seed,
 * plus a little noise), as real activations are; on white inputs the kept weights of a
 * magnitude-pruned layer are already their own best fit.
 */
function correlatedFeeds(dims: number[], seed: number): Feeds {
  const k = dims.at(-1)!;
  const rows = dims.reduce((a, b) => a * b, 1) / k;
  const m = seededRandom(77);
  const mix = Float64Array.from({ length: 8 * k }, () => m.normal());
  const r = seededRandom(seed);
  const data = new Float32Array(rows * k);
  for (let i = 0; i < rows; i++) {
    const f = Array.from({ length: 8 }, () => r.normal());
    for (let j = 0; j < k; j++) {
      let v = 0.2 * r.normal();
      for (let q = 0; q < 8; q++) v += f[q]! * mix[q * k + j]! * 0.35;
      data[i * k + j] = v;
    }
  }
  return { x: { dtype: 'float32', dims, data } };
}

describe('RidgeFit', () => {
  it('recovers an exact linear map with bias from noiseless rows, and its residual formula matches the direct sum', () => {
    const r = seededRandom(4);
    const k = 5;
    const n = 3;
    const w = Float64Array.from({ length: (k + 1) * n }, () => r.normal());
    const fit = new RidgeFit(k, n, true);
    for (let s = 0; s < 4; s++) {
      const x = Float32Array.from({ length: 10 * k }, () => r.normal());
      const y = new Float32Array(10 * n);
      for (let row = 0; row < 10; row++) for (let c = 0; c < n; c++) {
        let v = w[k * n + c]!;
        for (let i = 0; i < k; i++) v += x[row * k + i]! * w[i * n + c]!;
        y[row * n + c] = v;
      }
      expect(fit.add(x, y)).toBeUndefined();
    }
    const got = fit.solve(0)!;
    for (let i = 0; i < w.length; i++) expect(got[i]).toBeCloseTo(w[i]!, 4);
    expect(fit.residual(got) / fit.targetEnergy).toBeLessThan(1e-8);
    expect(fit.residual(new Float64Array(w.length))).toBeCloseTo(fit.targetEnergy, 6);
    expect(fit.add(new Float32Array(5), new Float32Array(4))).toMatch(/do not make rows/);
  });
});

describe('RidgeFit towards prior weights', () => {
  it('an input the samples never exercised keeps its prior weight; masked entries stay zero', () => {
    const fit = new RidgeFit(2, 1, false);
    // Input 1 is always 0; y = 2 x0.
    fit.add(Float32Array.of(1, 0, 2, 0, -1, 0), Float32Array.of(2, 4, -2));
    const prior = Float64Array.of(0.5, 3);
    const w = fit.solve(1e-6, prior)!;
    expect(w[0]).toBeCloseTo(2, 4);
    expect(w[1]).toBeCloseTo(3, 6);
    const masked = fit.solveMasked(1e-6, (i) => i === 1, prior)!;
    expect(masked[0]).toBe(0);
    expect(masked[1]).toBeCloseTo(3, 6);
  });
});

describe('reconstruct after zero-fraction pruning (executed in onnxruntime-web)', () => {
  for (const [label, make, dims] of [
    ['mlp (Gemm transB=1 + bias, MatMul)', () => mlp(), [4, 64]],
    ['transformerBlock (6 MatMul projections)', () => transformerBlock(), [1, 12, 32]],
  ] as const) {
    it(`${label}: refits the pruned layers and raises held-out output SQNR`, async () => {
      const original = make();
      const feeds = (seed: number) => correlatedFeeds([...dims], seed);
      const calibrationInputs = Array.from({ length: 64 }, (_, i) => feeds(i + 1));
      const heldOut = [101, 102, 103, 104].map(feeds);
      const pruned = (await zeroFraction.apply(original, { fraction: 0.5 })).model;
      const teacher = createTeacher(original, openModel);
      try {
        const out = await reconstruct.apply(pruned, {}, { teacher, openModel, calibrationInputs });
        expect(out.tensors).toBeGreaterThan(0);
        expect(out.warnings.join(' ')).toMatch(/before -> after refitting/);
        const before = await outputSqnr(original, pruned, heldOut);
        const after = await outputSqnr(original, out.model, heldOut);
        // Measured (held-out output SQNR): mlp 8.6 -> 17.2 dB, transformerBlock 11.2 -> 19.1 dB;
        // layer outputs on the samples e.g. fc1 11.2 -> 25.7 dB, attn.q_proj 10.8 -> 20.3 dB.
        expect(after).toBeGreaterThan(before + 5);
        // The zeros zero-fraction left stay zeros.
        for (const t of pruned.graph!.initializer) {
          if (t.dims.length < 2) continue;
          const was = readFloat32(t);
          const now = readFloat32(out.model.graph!.initializer.find((x) => x.name === t.name)!);
          expect(now.filter((v, i) => v === 0 && was[i] === 0).length).toBe(was.filter((v) => v === 0).length);
        }
        // The input is untouched.
        expect(readFloat32(pruned.graph!.initializer[0]!)).toEqual(readFloat32((await zeroFraction.apply(original, { fraction: 0.5 })).model.graph!.initializer[0]!));
      } finally {
        await teacher.release();
      }
    }, 600_000);
  }

  it('leaves an unchanged model or excluded layers as they are, and needs a teacher', async () => {
    const m = mlp();
    const teacher = createTeacher(m, openModel);
    const out = await reconstruct.apply(m, {}, { teacher, openModel });
    expect(out.tensors).toBe(0);
    const pruned = (await zeroFraction.apply(m, { fraction: 0.5 })).model;
    const some = await reconstruct.apply(pruned, { excludeNodes: ['fc1'], samples: 8 }, { teacher, openModel });
    expect(some.changes.map((c) => c.name)).toEqual(['fc2.weight']);
    expect(some.warnings.join(' ')).toMatch(/seeded synthetic/);
    await teacher.release();
    await expect(reconstruct.apply(m, {}, { openModel })).rejects.toBeInstanceOf(UnsupportedModelError);
  });

  it('refits int4 MatMulNBits layers in float and requantizes them with their own block size (transformerBlock)', async () => {
    const original = transformerBlock();
    const feeds = (seed: number) => correlatedFeeds([1, 12, 32], seed);
    const calibrationInputs = Array.from({ length: 32 }, (_, i) => feeds(i + 1));
    const heldOut = [101, 102, 103, 104].map(feeds);
    const quantized = (await getMethod('int4').apply(original, { block: 16, symmetric: false })).model;
    const teacher = createTeacher(original, openModel);
    try {
      const out = await reconstruct.apply(quantized, {}, { teacher, openModel, calibrationInputs });
      // Measured: 5 of the 6 refitted (attn.q_proj's requantized refit was no better, so it is left and named);
      // on the samples e.g. attn.o_proj 17.6 -> 18.8 dB, mlp.fc2 19.8 -> 21.2 dB; held-out output 20.8 -> 22.6 dB.
      expect(out.changes.length).toBeGreaterThanOrEqual(4);
      expect(out.model.graph!.node.map((n) => n.opType)).toEqual(quantized.graph!.node.map((n) => n.opType));
      const before = await outputSqnr(original, quantized, heldOut);
      const after = await outputSqnr(original, out.model, heldOut);
      expect(after).toBeGreaterThan(before + 0.5);
    } finally {
      await teacher.release();
    }
  }, 600_000);
});
