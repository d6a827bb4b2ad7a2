import { seededRandom } from '../../../src/core/util/random';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  EXACT_STATS_LIMIT,
  axisLayout,
  dequantizeValueInt8,
  quantizeInt8,
  quantizeValueInt8,
  roundHalfToEven,
} from '../../../src/core/methods/kernels/quantize-int8';

describe('QuantizeLinear arithmetic', () => {
  it('rounds half to even', () => {
    expect([2.5, 3.5, -2.5, -3.5, 0.5, 1.5, -0.5, 2.4999, 2.5001].map(roundHalfToEven)).toEqual([2, 4, -2, -4, 0, 2, 0, 2, 3]);
  });

  it('quantizes and saturates as the ONNX spec says', () => {
    expect(quantizeValueInt8(2.5, 1, 0)).toBe(2);
    expect(quantizeValueInt8(3.5, 1, 0)).toBe(4);
    expect(quantizeValueInt8(-2.5, 1, 0)).toBe(-2);
    expect(quantizeValueInt8(1e9, 0.5, 0)).toBe(127);
    expect(quantizeValueInt8(-1e9, 0.5, 0)).toBe(-128);
    expect(quantizeValueInt8(127.5, 1, 0)).toBe(127);
    expect(quantizeValueInt8(-128.5, 1, 0)).toBe(-128);
    expect(quantizeValueInt8(0, 0.1, -5)).toBe(-5);
    expect(quantizeValueInt8(100, 1, 100)).toBe(127);
    expect(dequantizeValueInt8(-5, 0.25, -5)).toBe(0);
  });

  it('the tensor kernel gives exactly the scalar reference on ties', () => {
    const x = Float32Array.of(127, 2.5 * (127 / 127), -2.5, 3.5, 0.5, -127);
    const q = quantizeInt8(x, axisLayout([6], undefined), true);
    expect(q.scales[0]).toBe(1);
    expect([...q.values]).toEqual([127, 2, -2, 4, 0, -127]);
  });
});

const shapeAndAxis = fc
  .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 })
  .chain((dims) => fc.tuple(fc.constant(dims), fc.option(fc.integer({ min: 0, max: dims.length - 1 }), { nil: undefined })));

const tensorCase = shapeAndAxis.chain(([dims, axis]) => {
  const n = dims.reduce((a, b) => a * b, 1);
  return fc.tuple(
    fc.constant(dims),
    fc.constant(axis),
    fc.float32Array({ minLength: n, maxLength: n, noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
    fc.boolean(),
  );
});

describe('quantizeInt8 properties', () => {
  it('every value comes back within half a step (plus float32 rounding) and matches the scalar QuantizeLinear', () => {
    fc.assert(
      fc.property(tensorCase, ([dims, axis, x, symmetric]) => {
        const layout = axisLayout(dims, axis);
        const q = quantizeInt8(x, layout, symmetric);
        expect(q.nonFinite).toBe(false);
        expect(q.scales.length).toBe(layout.channels);
        for (let i = 0; i < x.length; i++) {
          const c = Math.floor(i / layout.inner) % layout.channels;
          const s = q.scales[c]!;
          const z = q.zeroPoints[c]!;
          expect(q.values[i]).toBe(quantizeValueInt8(x[i]!, s, z));
          const back = dequantizeValueInt8(q.values[i]!, s, z);
          expect(Math.abs(back - x[i]!)).toBeLessThanOrEqual(s / 2 + Math.abs(x[i]!) * 2 ** -22 + 1e-30);
        }
        if (symmetric) expect(q.zeroPoints.every((z) => z === 0)).toBe(true);
        expect(q.maxAbsError).toBeLessThanOrEqual(Math.max(...q.scales) / 2 + Math.max(0, ...Array.from(x, Math.abs)) * 2 ** -22 + 1e-30);
      }),
      { numRuns: 300 },
    );
  });

  it('an all-zero channel is exact', () => {
    const q = quantizeInt8(new Float32Array(8), axisLayout([2, 4], 0), true);
    expect([...q.values]).toEqual(new Array(8).fill(0));
    expect(q.sqnrDb).toBe(Infinity);
    expect(q.maxAbsError).toBe(0);
  });

  it('flags NaN and infinities', () => {
    expect(quantizeInt8(Float32Array.of(1, NaN, 2, 3), axisLayout([4], undefined), true).nonFinite).toBe(true);
    expect(quantizeInt8(Float32Array.of(1, Infinity, 2, 3), axisLayout([2, 2], 0), true).nonFinite).toBe(true);
  });

  it('samples the error figures of very large tensors but quantizes every value', () => {
    const n = EXACT_STATS_LIMIT + 64;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = Math.sin(i) * ((i % 64) + 1);
    const layout = axisLayout([n / 64, 64], 1);
    const q = quantizeInt8(x, layout, true);
    expect(q.sampled).toBe(true);
    for (const i of [0, 1, 63, 64, 12345, n - 1]) expect(q.values[i]).toBe(quantizeValueInt8(x[i]!, q.scales[i % 64]!, 0));
    expect(q.sqnrDb).toBeGreaterThan(35);
  });

  it('the fast path for big tensors matches the scalar QuantizeLinear on every value, ties included', () => {
    // Scales that are not powers of two, so x * (1 / scale) and x / scale can differ in the last bit.
    const channels = 16;
    const maxima = Array.from({ length: channels }, (_, c) => Math.fround(0.0371 * (c + 1) + 0.013));
    const scales = maxima.map((m) => Math.fround(m / 127));
    // Float32 values whose float32 quotient by the channel scale is exactly k + 0.5: real rounding ties.
    const ties = scales.map((sc) => {
      const found: number[] = [];
      for (let k = -127; k < 127 && found.length < 64; k++) {
        const near = Math.fround((k + 0.5) * sc);
        for (const x of [near, Math.fround(near * (1 + 2 ** -23)), Math.fround(near * (1 - 2 ** -23))]) {
          if (Math.fround(x / sc) === k + 0.5) found.push(x);
        }
      }
      return found;
    });
    expect(ties.every((t) => t.length > 10)).toBe(true);
    const rows = Math.ceil(EXACT_STATS_LIMIT / channels) + 8;
    for (const axis of [0, 1]) {
      const layout = axisLayout(axis === 1 ? [rows, channels] : [channels, rows], axis);
      const x = new Float32Array(rows * channels);
      const seen = new Array<number>(channels).fill(0);
      for (let i = 0; i < x.length; i++) {
        const c = Math.floor(i / layout.inner) % channels;
        const n = seen[c]!++;
        const t = ties[c]!;
        x[i] = n === 0 ? maxima[c]! : n % 2 === 0 ? t[n % t.length]! : maxima[c]! * Math.sin(i);
      }
      for (const simd of [true, false]) {
        const q = quantizeInt8(x, layout, true, { simd });
        expect(q.sampled).toBe(true);
        expect([...q.scales]).toEqual(scales);
        for (let i = 0; i < x.length; i++) {
          const c = Math.floor(i / layout.inner) % channels;
          const want = quantizeValueInt8(x[i]!, scales[c]!, 0);
          if (q.values[i] !== want) throw new Error(`axis ${axis}, simd ${simd}: value ${i} (${x[i]}) quantized to ${q.values[i]}, expected ${want}`);
        }
      }
    }
  });

  it('big tensors: the WebAssembly SIMD and JavaScript paths agree on every value, asymmetric included, odd channel counts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 37 }), fc.integer({ min: 0, max: 2 ** 31 }), fc.boolean(), fc.boolean(), (channels, seed, symmetric, interleaved) => {
        const rows = Math.ceil((EXACT_STATS_LIMIT + 1) / channels);
        const rnd = seededRandom(seed);
        const x = Float32Array.from({ length: rows * channels }, () => rnd.normal() * (0.01 + rnd.next()) + (rnd.next() < 0.01 ? 3 : 0));
        const layout = interleaved ? axisLayout([rows, channels], 1) : axisLayout([channels, rows], 0);
        const a = quantizeInt8(x, layout, symmetric, { simd: true });
        const b = quantizeInt8(x, layout, symmetric, { simd: false });
        expect([...a.scales]).toEqual([...b.scales]);
        expect([...a.zeroPoints]).toEqual([...b.zeroPoints]);
        for (let i = 0; i < x.length; i++) if (a.values[i] !== b.values[i]) throw new Error(`value ${i}: simd ${a.values[i]} vs js ${b.values[i]}`);
        expect(a.sqnrDb).toBe(b.sqnrDb);
      }),
      { numRuns: 12 },
    );
  });

  it('big tensors: NaN and infinities are flagged on the SIMD path too', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const x = new Float32Array(EXACT_STATS_LIMIT + 16).fill(0.5);
      x[12345] = bad;
      expect(quantizeInt8(x, axisLayout([x.length / 16, 16], 1), true).nonFinite).toBe(true);
      expect(quantizeInt8(x, axisLayout([16, x.length / 16], 0), false).nonFinite).toBe(true);
    }
  });
});
