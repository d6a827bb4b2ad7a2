import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FLOAT16_MAX, float16BitsToFloat32, float32ToFloat16Bits } from '../../../src/core/ir/fp16';

const isNaNBits = (h: number): boolean => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
const f32 = (x: number): number => Math.fround(x);

/** Every finite, non-NaN half bit pattern below +max (so h + 1 is the next half up in magnitude). */
const finiteHalf = fc.integer({ min: 0, max: 0x7bfe }).chain((h) => fc.constantFrom(h, h | 0x8000));

describe('float16 <-> float32 conversion', () => {
  it('round-trips every one of the 65536 half bit patterns (NaNs stay NaN; payload and sign aside, as JS numbers keep neither)', () => {
    for (let h = 0; h < 0x10000; h++) {
      const back = float32ToFloat16Bits(float16BitsToFloat32(h));
      if (isNaNBits(h)) {
        expect(Number.isNaN(float16BitsToFloat32(h))).toBe(true);
        expect(isNaNBits(back)).toBe(true);
      } else if (back !== h) {
        expect.fail(`half 0x${h.toString(16)} -> ${float16BitsToFloat32(h)} -> 0x${back.toString(16)}`);
      }
    }
  });

  it('decodes to exactly representable float32 values (the conversion is exact)', () => {
    const inexact: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const v = float16BitsToFloat32(h);
      if (!Number.isNaN(v) && f32(v) !== v) inexact.push(h);
    }
    expect(inexact).toEqual([]);
  });

  it('known values: one, max, min normal, min subnormal, signed zero, infinities', () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(FLOAT16_MAX)).toBe(0x7bff);
    expect(float32ToFloat16Bits(2 ** -14)).toBe(0x0400);
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(float32ToFloat16Bits(0)).toBe(0x0000);
    expect(float32ToFloat16Bits(-0)).toBe(0x8000);
    expect(float32ToFloat16Bits(Infinity)).toBe(0x7c00);
    expect(float32ToFloat16Bits(-Infinity)).toBe(0xfc00);
    expect(isNaNBits(float32ToFloat16Bits(NaN))).toBe(true);
    expect(float16BitsToFloat32(0x3555)).toBe(f32(0.333251953125));
  });

  it('float32 halfway between two halves rounds to the one with an even mantissa', () => {
    fc.assert(
      fc.property(finiteHalf, (h) => {
        const lo = float16BitsToFloat32(h);
        const hi = float16BitsToFloat32(h + 1);
        const mid = (lo + hi) / 2;
        // The midpoint of two adjacent halves always has a float32 representation.
        expect(f32(mid)).toBe(mid);
        expect(float32ToFloat16Bits(mid)).toBe(h % 2 === 0 ? h : h + 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('float32 just off a midpoint rounds to the nearer half', () => {
    fc.assert(
      fc.property(finiteHalf, (h) => {
        const lo = float16BitsToFloat32(h);
        const hi = float16BitsToFloat32(h + 1);
        const mid = f32((lo + hi) / 2);
        const towardLo = lo === 0 ? mid / 2 : f32(lo + (mid - lo) * 0.999);
        const towardHi = f32(mid + (hi - mid) * 0.001);
        expect(float32ToFloat16Bits(towardLo)).toBe(h);
        if (towardHi !== mid) expect(float32ToFloat16Bits(towardHi)).toBe(h + 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('any float32 goes to a nearest half (ties to even), compared against its neighbours', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, min: -FLOAT16_MAX, max: FLOAT16_MAX }), (x) => {
        const h = float32ToFloat16Bits(x);
        const v = float16BitsToFloat32(h);
        const err = Math.abs(x - v);
        // Neighbours in magnitude (same sign), where they exist and are finite.
        for (const n of [h - 1, h + 1]) {
          if ((n & 0x7fff) > 0x7bff || (n & 0x8000) !== (h & 0x8000) || (n & 0x7fff) === 0x7fff) continue;
          const other = Math.abs(x - float16BitsToFloat32(n));
          expect(err).toBeLessThanOrEqual(other);
          if (err === other) expect(h & 1).toBe(0);
        }
        if (x !== 0) expect(Math.sign(v) === Math.sign(x) || v === 0).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('overflows to infinity from the midpoint between max and 2^16 upward', () => {
    const overflowAt = 65520; // (65504 + 65536) / 2: ties to even would give 0x7c00's even neighbour, i.e. Inf
    expect(float32ToFloat16Bits(overflowAt)).toBe(0x7c00);
    expect(float32ToFloat16Bits(-overflowAt)).toBe(0xfc00);
    expect(float32ToFloat16Bits(f32(65519.996))).toBe(0x7bff);
    expect(float32ToFloat16Bits(1e6)).toBe(0x7c00);
    expect(float32ToFloat16Bits(f32(3.4e38))).toBe(0x7c00);
    fc.assert(
      fc.property(fc.float({ noNaN: true, min: overflowAt, max: f32(3.4e38) }), fc.boolean(), (x, neg) => {
        expect(float32ToFloat16Bits(neg ? -x : x)).toBe(neg ? 0xfc00 : 0x7c00);
      }),
    );
  });

  it('handles subnormals: exact ones, ties at the bottom, and underflow to signed zero', () => {
    for (let m = 1; m < 0x400; m++) {
      expect(float32ToFloat16Bits(m * 2 ** -24)).toBe(m);
      expect(float32ToFloat16Bits(-m * 2 ** -24)).toBe(0x8000 | m);
    }
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0); // tie between 0 and the smallest subnormal: even is 0
    expect(float32ToFloat16Bits(f32(2 ** -25 * 1.0001))).toBe(1);
    expect(float32ToFloat16Bits(3 * 2 ** -25)).toBe(2); // tie between 1 and 2: even is 2
    expect(float32ToFloat16Bits(5 * 2 ** -25)).toBe(2); // tie between 2 and 3: even is 2
    expect(float32ToFloat16Bits(2 ** -26)).toBe(0);
    expect(float32ToFloat16Bits(-(2 ** -26))).toBe(0x8000);
    expect(float32ToFloat16Bits(1e-45)).toBe(0); // float32 subnormal
    // The largest subnormal rounds up into the smallest normal when it should.
    expect(float32ToFloat16Bits(f32(2 ** -14 - 2 ** -26))).toBe(0x0400);
  });
});
