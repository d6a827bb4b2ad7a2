import { describe, expect, it } from 'vitest';
import { latencyStats, quantileSorted } from '../../../src/core/evaluate/stats';

describe('latencyStats', () => {
  it('summarises samples in any order', () => {
    const s = latencyStats([5, 1, 4, 2, 3]);
    expect(s).toEqual({ min: 1, p50: 3, p90: 4.6, max: 5, mean: 3, n: 5 });
  });

  it('interpolates the median of an even count and handles one sample', () => {
    expect(latencyStats([10, 20, 30, 40]).p50).toBe(25);
    expect(latencyStats([7])).toEqual({ min: 7, p50: 7, p90: 7, max: 7, mean: 7, n: 1 });
  });

  it('does not reorder its input', () => {
    const input = [3, 1, 2];
    latencyStats(input);
    expect(input).toEqual([3, 1, 2]);
  });

  it('rejects no samples and non-times', () => {
    expect(() => latencyStats([])).toThrow(RangeError);
    expect(() => latencyStats([1, NaN])).toThrow(/NaN is not a time/);
    expect(() => latencyStats([-1])).toThrow(RangeError);
  });

  it('quantiles hit the ends', () => {
    expect(quantileSorted([1, 2, 3], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3], 1)).toBe(3);
  });
});
