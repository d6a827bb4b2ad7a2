import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { magnitudeHistogram, magnitudeKeys, thresholdFor, zeroBelow, zeroSmallestMagnitudes } from '../../../../src/core/methods/prune/score-select';

/** What the keyed path gives: the reference the one-pass magnitude path must match bit for bit. */
function reference(values: Float32Array, k: number): { out: Float32Array; zeros: number } {
  const keys = magnitudeKeys(values);
  const t = thresholdFor([keys], k);
  const out = new Float32Array(values.length);
  return { out, zeros: zeroBelow(out, values, keys, t, t.ties).zeros };
}

describe('zeroSmallestMagnitudes (the per-layer magnitude path)', () => {
  it('zeroes the same weights and counts the same zeros as thresholdFor + zeroBelow, ties and signed zeros included', () => {
    // Few distinct magnitudes (many ties), both signs, +0 and -0, and every k from none to all.
    const value = fc.constantFrom(0, -0, 0.5, -0.5, 1, -1, 1e-30, -2.5, 3.25, 65504, -1e-7);
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 200 }), fc.double({ min: 0, max: 1, noNaN: true }), (list, share) => {
        const values = Float32Array.from(list);
        const k = Math.round(share * values.length);
        const high = new Uint32Array(65536);
        magnitudeHistogram(values, high);
        const out = new Float32Array(values.length);
        const zeros = zeroSmallestMagnitudes(out, values, k, high);
        const ref = reference(values, k);
        expect(new Uint32Array(out.buffer)).toEqual(new Uint32Array(ref.out.buffer));
        expect(zeros).toBe(ref.zeros);
      }),
      { numRuns: 400 },
    );
  });

  it('matches on a large seeded tensor with continuous values', () => {
    const values = Float32Array.from({ length: 100_000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const high = new Uint32Array(65536);
    magnitudeHistogram(values, high);
    for (const k of [0, 1, 50_000, 99_999, 100_000]) {
      const out = new Float32Array(values.length);
      const zeros = zeroSmallestMagnitudes(out, values, k, high);
      const ref = reference(values, k);
      expect(new Uint32Array(out.buffer)).toEqual(new Uint32Array(ref.out.buffer));
      expect(zeros).toBe(ref.zeros);
    }
  });
});
