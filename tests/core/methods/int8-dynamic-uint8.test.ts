import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { axisLayout, roundHalfToEven } from '../../../src/core/methods/kernels/quantize-int8';
import { quantizeUint8 } from '../../../src/core/methods/kernels/quantize-uint8';

/** ONNX QuantizeLinear to uint8: float32 division, round half to even, add the zero point, saturate to [0, 255]. */
function quantizeLinearUint8(x: number, scale: number, zeroPoint: number): number {
  return Math.min(255, Math.max(0, roundHalfToEven(Math.fround(x / scale)) + zeroPoint));
}

const tensorCase = fc
  .array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 })
  .chain((dims) => fc.tuple(fc.constant(dims), fc.option(fc.integer({ min: 0, max: dims.length - 1 }), { nil: undefined })))
  .chain(([dims, axis]) => {
    const n = dims.reduce((a, b) => a * b, 1);
    return fc.tuple(
      fc.constant(dims),
      fc.constant(axis),
      fc.float32Array({ minLength: n, maxLength: n, noNaN: true, noDefaultInfinity: true, min: -1e5, max: 1e5 }),
      fc.boolean(),
    );
  });

describe('quantizeUint8 (the int8 kernel shifted by 128)', () => {
  it('every value is QuantizeLinear(uint8) of the input with the returned scale and zero point, within half a step', () => {
    fc.assert(
      fc.property(tensorCase, ([dims, axis, x, symmetric]) => {
        const layout = axisLayout(dims, axis);
        const q = quantizeUint8(x, layout, symmetric);
        expect(q.values).toBeInstanceOf(Uint8Array);
        expect(q.zeroPoints).toHaveLength(layout.channels);
        if (symmetric) expect([...q.zeroPoints].every((z) => z === 128)).toBe(true);
        for (let i = 0; i < x.length; i++) {
          const c = Math.floor(i / layout.inner) % layout.channels;
          const s = q.scales[c]!;
          const z = q.zeroPoints[c]!;
          expect(q.values[i]).toBe(quantizeLinearUint8(x[i]!, s, z));
          const back = (q.values[i]! - z) * s;
          expect(Math.abs(back - x[i]!)).toBeLessThanOrEqual(s / 2 + Math.abs(x[i]!) * 1e-6 + 1e-30);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('asymmetric maps a channel range onto [0, 255] and keeps 0 exact', () => {
    const q = quantizeUint8(Float32Array.of(-1, 0, 3, 0.5, 2, -0.25), axisLayout([2, 3], 0), false);
    expect(q.values[0]).toBe(0);
    expect(q.values[2]).toBe(255);
    expect((q.values[1]! - q.zeroPoints[0]!) * q.scales[0]!).toBe(0);
    // second channel [-0.25, 2] -> zero point round(0.25 / (2.25 / 255)) = 28
    expect(q.zeroPoints[1]).toBe(28);
    expect(q.values[4]).toBe(255);
  });
});
