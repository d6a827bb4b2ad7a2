import { describe, expect, it } from 'vitest';
import { ConvInputMoments } from '../../../../src/core/methods/low-rank/input-moments';
import { randn } from '../run-helpers';

describe('ConvInputMoments', () => {
  it('sums xxᵀ of the channel vectors at the positions a strided, padded 1x1 Conv reads', () => {
    const [n, c, h, w] = [2, 3, 5, 4];
    const values = randn(3, n * c * h * w, 1);
    const m = new ConvInputMoments(c, [2, 3], [1, 0]);
    expect(m.add(values, [n, c, h, w])).toBe(true);
    // Rows read: -1 (pad), 1, 3; columns 0, 3.
    const expected = new Float64Array(c * c);
    let rows = 0;
    for (let b = 0; b < n; b++) {
      for (const y of [1, 3]) {
        for (const x of [0, 3]) {
          rows++;
          const v = Array.from({ length: c }, (_, ch) => values[((b * c + ch) * h + y) * w + x]!);
          for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) expected[i * c + j] = expected[i * c + j]! + v[i]! * v[j]!;
        }
      }
    }
    expect(m.rows).toBe(rows);
    const got = m.symmetric();
    for (let i = 0; i < c * c; i++) expect(got[i]!).toBeCloseTo(expected[i]!, 9);
  });

  it('refuses an activation whose channel count is not K', () => {
    expect(new ConvInputMoments(4, [], []).add(new Float32Array(3 * 4), [1, 3, 2, 2])).toBe(false);
  });
});
