import { describe, expect, it } from 'vitest';
import { findAttr } from '../../../src/core/graph/attrs';
import { int8Weight } from '../../../src/core/methods/int8-weight';
import { DT } from '../../../src/core/ir/dtype';
import type { ModelIR } from '../../../src/core/ir/model';
import { readFloat32, tensorDims } from '../../../src/core/ir/tensor';
import { createNodeRuntime } from '../../../src/runtime/node';
import { convBnRelu, mlp, transformerBlock } from '../../fixtures/models';
import { runModel, seededFeeds, worstCosine } from './run-helpers';
import { layerErrors } from '../../../src/core/methods/changes';
import { storedBytes } from '../../../src/core/methods/stored-bytes';

const runtime = createNodeRuntime();

/** Round half to even on doubles, written out plainly. */
function rne(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

const clampU8 = (v: number): number => Math.min(255, Math.max(0, v));

/**
 * The textbook uint8 weight quantization, dequantized: per channel along `axis` (or the whole
 * tensor), range widened to hold 0; symmetric: scale max|w|/127, zero point 128; asymmetric:
 * scale (max-min)/255, zero point round(-min/scale); q = saturate(round(w/scale) + zp) in float32 division.
 */
function referenceDequantized(w: Float32Array, dims: number[], axis: number | undefined, symmetric: boolean): { values: Float32Array; zeroPoints: number[] } {
  const channels = axis === undefined ? 1 : dims[axis]!;
  const inner = axis === undefined ? w.length : dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number): number => Math.floor(i / inner) % channels;
  const lo = new Array<number>(channels).fill(0);
  const hi = new Array<number>(channels).fill(0);
  w.forEach((v, i) => {
    const c = channelOf(i);
    lo[c] = Math.min(lo[c]!, v);
    hi[c] = Math.max(hi[c]!, v);
  });
  const scales = lo.map((mn, c) => {
    const s = Math.fround(symmetric ? Math.max(-mn, hi[c]!) / 127 : (hi[c]! - mn) / 255);
    return s > 0 ? s : 1;
  });
  const zeroPoints = lo.map((mn, c) => (symmetric ? 128 : clampU8(rne(-mn / scales[c]!))));
  const values = Float32Array.from(w, (v, i) => {
    const c = channelOf(i);
    const q = clampU8(rne(Math.fround(v / scales[c]!)) + zeroPoints[c]!);
    return Math.fround((q - zeroPoints[c]!) * scales[c]!);
  });
  return { values, zeroPoints };
}

/** Every DequantizeLinear of the output, dequantized by hand from its stored tensors, next to the reference for its original weight. */
function checkAgainstReference(original: ModelIR, out: ModelIR, symmetric: boolean): number {
  const g = out.graph!;
  const init = new Map(g.initializer.map((t) => [t.name, t]));
  const originals = new Map(original.graph!.initializer.map((t) => [t.name, t]));
  let checked = 0;
  for (const dq of g.node.filter((n) => n.opType === 'DequantizeLinear')) {
    const [q, s, z] = dq.input.map((name) => init.get(name!)!);
    const w = originals.get(dq.output[0]!)!;
    expect(q!.dataType).toBe(DT.UINT8);
    expect(z!.dataType).toBe(DT.UINT8);
    const axisAttr = findAttr(dq, 'axis');
    const axis = axisAttr ? Number(axisAttr.i) : undefined;
    const ref = referenceDequantized(readFloat32(w), tensorDims(w), axis, symmetric);
    const scales = readFloat32(s!);
    const zps = z!.rawData;
    expect(Array.from(zps)).toEqual(ref.zeroPoints);
    if (symmetric) expect(zps.every((v) => v === 128)).toBe(true);
    const channels = scales.length;
    const dims = tensorDims(q!);
    const inner = axis === undefined ? q!.rawData.length : dims.slice(axis + 1).reduce((a, b) => a * b, 1);
    const mine = Float32Array.from(q!.rawData, (v, i) => {
      const c = Math.floor(i / inner) % channels;
      return Math.fround((v - zps[c]!) * scales[c]!);
    });
    expect(mine).toEqual(ref.values);
    checked++;
  }
  return checked;
}

const fixtures: { name: string; build: () => ModelIR; shapes: Parameters<typeof seededFeeds>[0] }[] = [
  { name: 'mlp (Gemm transB + MatMul)', build: () => mlp(), shapes: { x: { dtype: 'float32' as const, dims: [3, 64] } } },
  { name: 'transformerBlock (MatMul)', build: () => transformerBlock(), shapes: { x: { dtype: 'float32' as const, dims: [1, 6, 32] } } },
  { name: 'convBnRelu (Conv)', build: () => convBnRelu(), shapes: { image: { dtype: 'float32' as const, dims: [1, 3, 16, 16] } } },
];

describe('int8-weight weightType=uint8', () => {
  for (const f of fixtures) {
    for (const perChannel of [true, false]) {
      for (const symmetric of [true, false]) {
        it(`${f.name}, perChannel=${perChannel}, symmetric=${symmetric}: dequantized values equal the textbook uint8 reference bit for bit; runs exactly as int8`, async () => {
          const m = f.build();
          const u8 = await int8Weight.apply(m, { weightType: 'uint8', perChannel, symmetric } as never);
          const i8 = await int8Weight.apply(m, { weightType: 'int8', perChannel, symmetric } as never);
          expect(checkAgainstReference(m, u8.model, symmetric)).toBe(u8.tensors);
          expect(u8.tensors).toBeGreaterThan(0);
          expect(storedBytes(u8.model)).toBe(storedBytes(i8.model));
          expect(layerErrors(u8.changes)).toEqual(layerErrors(i8.changes));
          const feeds = seededFeeds(f.shapes);
          const ref = await runModel(runtime, m, feeds);
          const outU8 = await runModel(runtime, u8.model, feeds);
          const outI8 = await runModel(runtime, i8.model, feeds);
          // Same steps, shifted codes: onnxruntime gives the same numbers for both storage types.
          for (const [name, t] of Object.entries(outI8)) expect(outU8[name]!.data, name).toEqual(t.data);
          expect(worstCosine(ref, outU8)).toBeGreaterThanOrEqual(0.999);
        });
      }
    }
  }

  it('rejects other storage types with a RecipeError', async () => {
    await expect(int8Weight.apply(mlp(), { weightType: 'int16' } as never)).rejects.toMatchObject({ name: 'RecipeError', message: expect.stringContaining('one of int8, uint8') });
  });
});
