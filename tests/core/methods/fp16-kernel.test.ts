import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EXACT_STATS_LIMIT, convertRawToFloat16, convertToFloat16, float16Value, float32ToFloat16Into } from '../../../src/core/methods/kernels/float16';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../../src/core/ir/fp16';

/** Runs the fast kernel over float32 bit patterns. */
function fast(bits: readonly number[], clamp: boolean): { out: number[]; counts: ReturnType<typeof float32ToFloat16Into> } {
  const u = Uint32Array.from(bits);
  const f = new Float32Array(u.buffer);
  const out = new Uint16Array(u.length);
  const counts = float32ToFloat16Into(f, new Int32Array(u.buffer), out, clamp);
  return { out: [...out], counts };
}

const reference = (bits: number): number => float32ToFloat16Bits(new Float32Array(Uint32Array.of(bits).buffer)[0]!);

/** Patterns around every place the conversion changes behaviour: subnormal edges, ties, the top of the range, Inf/NaN. */
function edgePatterns(): number[] {
  const out: number[] = [];
  const lows = [0, 1, 0xfff, 0x1000, 0x1001, 0x1fff, 0x2000, 0x3000, 0x7fffff, 0x7ff000, 0x7fefff, 0x400000, 0x3fffff, 0x401000];
  for (let exp = 0; exp < 256; exp++) {
    for (const mant of lows) {
      for (const sign of [0, 0x80000000]) out.push((sign | (exp << 23) | mant) >>> 0);
    }
  }
  // Every tie and near-tie of the subnormal range, where the rounding position moves with the exponent.
  for (let exp = 101; exp <= 113; exp++) {
    for (let k = 0; k < 24; k++) {
      const half = 1 << k;
      for (const mant of [half, half - 1, half + 1, 3 * half, (3 * half) & 0x7fffff]) out.push(((exp << 23) | (mant & 0x7fffff)) >>> 0);
    }
  }
  return out;
}

describe('fast float32 -> float16 kernel', () => {
  it('equals float32ToFloat16Bits on every edge pattern (subnormals, ties, overflow, Inf, NaN)', () => {
    const patterns = edgePatterns();
    const { out } = fast(patterns, false);
    const mismatches = patterns.filter((b, i) => out[i] !== reference(b));
    expect(mismatches.map((b) => b.toString(16))).toEqual([]);
  });

  it('equals float32ToFloat16Bits on arbitrary bit patterns', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 64 }), (bits) => {
        expect(fast(bits, false).out).toEqual(bits.map(reference));
      }),
      { numRuns: 2000 },
    );
  });

  it('with clamping, saturates finite overflow to ±65504 and otherwise still equals the reference', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 64 }), (bits) => {
        const { out, counts } = fast(bits, true);
        let clamped = 0;
        bits.forEach((b, i) => {
          const v = new Float32Array(Uint32Array.of(b).buffer)[0]!;
          if (Number.isFinite(v) && Math.abs(v) >= 65520) {
            clamped++;
            expect(out[i]).toBe(v < 0 ? 0xfbff : 0x7bff);
          } else expect(out[i]).toBe(reference(b));
        });
        expect(counts.clamped).toBe(clamped);
      }),
      { numRuns: 1000 },
    );
  });

  it('rounds half to even at the exact ties and counts the special cases', () => {
    // 1 + 2^-11 is a tie between 1 and 1 + 2^-10: even (1) wins; 1 + 3 * 2^-11 rounds up to 1 + 2^-9.
    const values = Float32Array.of(1 + 2 ** -11, 1 + 3 * 2 ** -11, 65504, 65519.99, 65520, -1e6, 2 ** -25, 2 ** -25 * 1.5, 2 ** -26, 0, -0, NaN, -Infinity);
    const { out, counts } = fast([...new Uint32Array(values.buffer)], true);
    expect(out).toEqual([0x3c00, 0x3c02, 0x7bff, 0x7bff, 0x7bff, 0xfbff, 0x0000, 0x0001, 0x0000, 0x0000, 0x8000, 0x7e00, 0xfc00]);
    expect(counts).toEqual({ clamped: 2, flushed: 2, nonFinite: 2 });
  });

  it('float16Value decodes every bit pattern exactly like float16BitsToFloat32', () => {
    for (let h = 0; h < 0x10000; h++) {
      const a = float16Value(h);
      const b = float16BitsToFloat32(h);
      if (!(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)))) throw new Error(`pattern ${h.toString(16)}: ${a} != ${b}`);
    }
  });
});

describe('convertToFloat16 error figures', () => {
  it('are exact for small tensors and skip NaN/Inf inputs', () => {
    const x = Float32Array.of(1, 1 + 2 ** -11, -2.0001, 1e6, NaN);
    const c = convertToFloat16(x, true);
    const v = Math.fround(-2.0001);
    const errors = [0, 2 ** -11, Math.abs(v - float16BitsToFloat32(float32ToFloat16Bits(v))), 1e6 - 65504];
    expect(c.maxAbsError).toBe(Math.max(...errors));
    expect(c.meanAbsError).toBeCloseTo(errors.reduce((a, b) => a + b, 0) / 4, 10);
    expect(c.sampled).toBe(false);
    expect(c.nonFinite).toBe(1);
    expect(convertToFloat16(Float32Array.of(0.5, -2, 1024), false).sqnrDb).toBe(Infinity);
  });

  it('come from a strided sample above EXACT_STATS_LIMIT, at about the float16 precision', () => {
    const n = EXACT_STATS_LIMIT + 5;
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 3);
    const c = convertToFloat16(x, true);
    expect(c.sampled).toBe(true);
    expect(c.maxAbsError).toBeLessThanOrEqual(2 ** -10); // half a step at |x| < 4
    expect(c.sqnrDb).toBeGreaterThan(60);
    expect(c.bits.length).toBe(n);
  });

  it('give the same bits, counts and figures from unaligned raw bytes (chunked) as from an aligned copy', () => {
    for (const n of [37, EXACT_STATS_LIMIT + 40_001]) {
      const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * (i % 7 === 1 ? 1e5 : 2) * (i % 89 === 0 ? 1e-9 : 1));
      x[11] = NaN;
      const raw = new Uint8Array(n * 4 + 3).subarray(3); // odd offset, as inside a model file
      raw.set(new Uint8Array(x.buffer));
      const fromRaw = convertRawToFloat16(raw, n, true);
      const ref = convertToFloat16(x, true);
      expect(fromRaw.bits).toEqual(ref.bits);
      expect([fromRaw.clamped, fromRaw.flushed, fromRaw.nonFinite]).toEqual([ref.clamped, ref.flushed, ref.nonFinite]);
      expect(fromRaw.clamped).toBeGreaterThan(0);
      expect([fromRaw.maxAbsError, fromRaw.meanAbsError, fromRaw.sqnrDb, fromRaw.sampled]).toEqual([ref.maxAbsError, ref.meanAbsError, ref.sqnrDb, ref.sampled]);
    }
    expect(() => convertRawToFloat16(new Uint8Array(7), 2, true)).toThrow(/Expected 8 bytes/);
  });

  it('read a Node Buffer at an odd offset of its pool as its own bytes (without SIMD)', () => {
    const x = Float32Array.from({ length: 37 }, (_, i) => Math.cos(i) * 3);
    const pool = Buffer.alloc(4 * 37 + 64, 0xee);
    Buffer.from(x.buffer).copy(pool, 9);
    const raw = pool.subarray(9, 9 + 4 * 37);
    expect(convertRawToFloat16(raw, 37, true, { simd: false }).bits).toEqual(convertToFloat16(x, true).bits);
  });
});

describe('WebAssembly SIMD float16 kernel (big tensors)', () => {
  /** A tensor past EXACT_STATS_LIMIT: the edge patterns scattered through random bits, plus a tail that is not a whole step. */
  function bigPatterns(seed: number): Uint32Array<ArrayBuffer> {
    const edges = edgePatterns();
    const n = EXACT_STATS_LIMIT + 8 * 37 + 5;
    const u = new Uint32Array(n);
    let s = seed >>> 0;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      // Mostly ordinary weights (|x| < 1), every few hundred values an edge pattern or raw random bits.
      u[i] = i % 97 === 0 ? edges[(i / 97) % edges.length]! : i % 389 === 0 ? s : (0x3c000000 + (s % 0x3800000)) ^ (s & 0x80000000);
    }
    return u;
  }

  it('gives exactly the JavaScript bits, counts and error figures, aligned and unaligned, clamping or not', () => {
    for (const seed of [1, 2]) {
      const u = bigPatterns(seed);
      for (const clamp of [false, true]) {
        const f = new Float32Array(u.buffer);
        const simd = convertToFloat16(f, clamp, { simd: true });
        const js = convertToFloat16(f, clamp, { simd: false });
        expect(simd.clamped + simd.nonFinite).toBeGreaterThan(0);
        expect(simd.flushed).toBeGreaterThan(0);
        const { bits: a, ...restA } = simd;
        const { bits: b, ...restB } = js;
        expect(restA).toEqual(restB);
        for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) throw new Error(`value ${i} (bits ${u[i]!.toString(16)}): simd ${a[i]} vs js ${b[i]}`);
        // Unaligned raw bytes (a tensor at an odd offset in the model file).
        const shifted = new Uint8Array(u.byteLength + 3);
        shifted.set(new Uint8Array(u.buffer), 3);
        const raw = convertRawToFloat16(shifted.subarray(3), u.length, clamp, { simd: true });
        expect([...raw.bits.subarray(0, 4096)]).toEqual([...b.subarray(0, 4096)]);
        expect(raw.bits.every((v, i) => v === b[i])).toBe(true);
        expect(raw.clamped).toBe(js.clamped);
      }
    }
  });
});
