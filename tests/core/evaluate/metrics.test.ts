import { describe, expect, it } from 'vitest';
import { compareOutputs, compareTensors, OutputMismatchError } from '../../../src/core/evaluate/metrics';
import type { TensorData } from '../../../src/core/evaluate/tensor-data';
import { float32ToFloat16Bits } from '../../../src/core/ir/fp16';
import { UnsupportedModelError } from '../../../src/core/util/errors';

const f32 = (values: number[], dims = [values.length]): TensorData => ({ dtype: 'float32', dims, data: Float32Array.from(values) });

describe('compareTensors', () => {
  it('matches hand-computed values', () => {
    // ref = [1, 2, 2], cand = [1, 2, 3]: dot 11, |ref|^2 9, |cand|^2 14, diff [0, 0, -1]
    const m = compareTensors('y', f32([1, 2, 2]), f32([1, 2, 3]));
    expect(m.cosine).toBeCloseTo(11 / Math.sqrt(9 * 14), 12);
    expect(m.sqnrDb).toBeCloseTo(10 * Math.log10(9 / 1), 12);
    expect(m.maxAbs).toBe(1);
    expect(m.meanAbs).toBeCloseTo(1 / 3, 12);
    expect(m.relL2).toBeCloseTo(1 / 3, 12);
    expect(m.elements).toBe(3);
    expect(m.nonFinite).toEqual({ reference: 0, candidate: 0 });
  });

  it('gives cosine 1, infinite SQNR and zero errors for identical outputs', () => {
    const m = compareTensors('y', f32([0.5, -3, 7]), f32([0.5, -3, 7]));
    expect(m).toMatchObject({ cosine: 1, sqnrDb: Infinity, maxAbs: 0, meanAbs: 0, relL2: 0 });
  });

  it('gives cosine -1 for opposite vectors', () => {
    const m = compareTensors('y', f32([1, -2]), f32([-1, 2]));
    expect(m.cosine).toBe(-1);
    // diff = [2, -4]: sum diff^2 = 20, sum ref^2 = 5
    expect(m.sqnrDb).toBeCloseTo(10 * Math.log10(5 / 20), 12);
    expect(m.relL2).toBeCloseTo(2, 12);
  });

  it('handles zero vectors: both zero -> cosine 1, one zero -> cosine 0', () => {
    const both = compareTensors('y', f32([0, 0]), f32([0, 0]));
    expect(both).toMatchObject({ cosine: 1, sqnrDb: Infinity, relL2: 0, maxAbs: 0 });
    const refZero = compareTensors('y', f32([0, 0]), f32([3, 4]));
    expect(refZero).toMatchObject({ cosine: 0, sqnrDb: -Infinity, relL2: Infinity, maxAbs: 4, meanAbs: 3.5 });
    const candZero = compareTensors('y', f32([3, 4]), f32([0, 0]));
    expect(candZero).toMatchObject({ cosine: 0, sqnrDb: 0, relL2: 1 });
  });

  it('counts NaN and Infinity instead of crashing, and leaves those positions out', () => {
    const m = compareTensors('y', f32([1, NaN, 2, 5]), f32([1, 4, Infinity, 5]));
    expect(m.nonFinite).toEqual({ reference: 1, candidate: 1 });
    expect(m.elements).toBe(2);
    expect(m).toMatchObject({ cosine: 1, maxAbs: 0, sqnrDb: Infinity });
  });

  it('reads float16 bit patterns, int64 and empty tensors', () => {
    const h = (v: number[]): TensorData => ({ dtype: 'float16', dims: [v.length], data: Uint16Array.from(v, float32ToFloat16Bits) });
    expect(compareTensors('h', h([1, 2]), h([1, 2.5])).maxAbs).toBe(0.5);
    const i64 = (v: number[]): TensorData => ({ dtype: 'int64', dims: [v.length], data: BigInt64Array.from(v, BigInt) });
    expect(compareTensors('i', i64([3, 4]), i64([3, 6])).maxAbs).toBe(2);
    const empty = compareTensors('e', f32([], [0, 4]), f32([], [0, 4]));
    expect(empty).toMatchObject({ elements: 0, cosine: 1, meanAbs: 0, maxAbs: 0 });
  });
});

describe('compareOutputs', () => {
  it('pools the elements of all samples per output, in the reference order', () => {
    const ref = [{ a: f32([1, 0]), b: f32([2]) }, { a: f32([0, 1]), b: f32([2]) }];
    const cand = [{ b: f32([2]), a: f32([1, 0]) }, { a: f32([0, 3]), b: f32([2]) }];
    const [a, b] = compareOutputs(ref, cand);
    expect(a!.name).toBe('a');
    // pooled ref [1,0,0,1], cand [1,0,0,3]: dot 4, |r|^2 2, |c|^2 10, diff^2 4
    expect(a!.cosine).toBeCloseTo(4 / Math.sqrt(20), 12);
    expect(a!.sqnrDb).toBeCloseTo(10 * Math.log10(2 / 4), 12);
    expect(a!.meanAbs).toBeCloseTo(0.5, 12);
    expect(a!.maxAbs).toBe(2);
    expect(b).toMatchObject({ name: 'b', cosine: 1, sqnrDb: Infinity });
  });

  it('throws a typed error for mismatched shapes, missing outputs and sample counts', () => {
    const expectMismatch = (fn: () => unknown, text: RegExp): void => {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(OutputMismatchError);
      expect(err).toBeInstanceOf(UnsupportedModelError);
      expect((err as Error).message).toMatch(text);
    };
    expectMismatch(() => compareOutputs([{ y: f32([1, 2], [2, 1]) }], [{ y: f32([1, 2], [1, 2]) }]), /shape \[1, 2\].*expected \[2, 1\]/);
    expectMismatch(() => compareOutputs([{ y: f32([1]) }], [{ z: f32([1]) }]), /no output 'y'/);
    expectMismatch(() => compareOutputs([{ y: f32([1]) }], []), /1 samples.*0/);
    expectMismatch(() => compareTensors('s', { dtype: 'string', dims: [1], data: ['a'] }, { dtype: 'string', dims: [1], data: ['a'] }), /strings/);
  });

  it('returns nothing for no samples', () => {
    expect(compareOutputs([], [])).toEqual([]);
  });
});
