import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { speedRatioInterval, speedVerdict } from '../../../src/core/evaluate/ratio-interval';
import { seededRandom } from '../../../src/core/util/random';

/** Run times around `ms` with multiplicative noise and a shared drift per run index. */
function runs(ms: number, n: number, seed: number, drift: readonly number[]): number[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => ms * drift[i]! * (1 + 0.04 * rnd.normal()));
}

describe('bootstrap interval of a speed ratio', () => {
  const drift = Array.from({ length: 30 }, (_, i) => 1 + 0.5 * Math.exp(-i / 5));

  it('the same model timed twice is the same speed, a clearly faster one is faster', () => {
    const a = runs(10, 30, 1, drift);
    const same = speedRatioInterval(a, runs(10, 30, 2, drift), { seed: 7 });
    expect(same.low).toBeLessThan(1);
    expect(same.high).toBeGreaterThan(1);
    expect(speedVerdict(same)).toBe('same');
    const faster = speedRatioInterval(a, runs(5, 30, 3, drift), { seed: 7 });
    expect(faster.ratio).toBeGreaterThan(1.8);
    expect(faster.low).toBeGreaterThan(1.5);
    expect(speedVerdict(faster)).toBe('faster');
    expect(speedVerdict(speedRatioInterval(runs(5, 30, 3, drift), a))).toBe('slower');
  });

  it('pairing runs of one interleaved run takes the shared drift out of the interval', () => {
    const a = runs(10, 30, 4, drift);
    const b = runs(9, 30, 5, drift);
    const paired = speedRatioInterval(a, b, { paired: true });
    const unpaired = speedRatioInterval(a, b, { paired: false });
    expect(paired.paired).toBe(true);
    expect(paired.high - paired.low).toBeLessThan(unpaired.high - unpaired.low);
  });

  it('is seeded, and the ratio always lies in its interval', () => {
    const a = runs(10, 12, 6, drift);
    const b = runs(8, 12, 7, drift);
    expect(speedRatioInterval(a, b, { seed: 3 })).toEqual(speedRatioInterval(a, b, { seed: 3 }));
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.1, max: 100, noNaN: true }), { minLength: 1, maxLength: 15 }), fc.array(fc.double({ min: 0.1, max: 100, noNaN: true }), { minLength: 1, maxLength: 15 }), (x, y) => {
        const iv = speedRatioInterval(x, y, { resamples: 200 });
        expect(iv.low).toBeLessThanOrEqual(iv.high);
        expect(iv.low).toBeLessThanOrEqual(iv.ratio * (1 + 1e-12));
        expect(iv.high).toBeGreaterThanOrEqual(iv.ratio * (1 - 1e-12));
      }),
      { numRuns: 60, seed: 13 },
    );
  });

  it('rejects run times that are not times, and pairing runs of unequal counts', () => {
    expect(() => speedRatioInterval([], [1])).toThrow(/No original run times/);
    expect(() => speedRatioInterval([1, 0], [1])).toThrow(/expected finite positive milliseconds/);
    expect(() => speedRatioInterval([1, 2], [1], { paired: true })).toThrow(/as many runs of each; got 2 and 1/);
  });
});

describe('the resampled median', () => {
  it('equals the sorted median for odd and even counts (the ratio of one-element resamples included)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.1, max: 100, noNaN: true }), { minLength: 1, maxLength: 31 }), (x) => {
        const sorted = [...x].sort((a, b) => a - b);
        const n = sorted.length;
        const expected = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
        // A ratio against a constant run list is the median itself over that constant.
        const iv = speedRatioInterval(x, x.map(() => 1), { resamples: 1, paired: false });
        expect(iv.ratio).toBeCloseTo(expected, 12);
      }),
      { numRuns: 200, seed: 5 },
    );
  });
});
