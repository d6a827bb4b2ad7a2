import { describe, expect, it } from 'vitest';
import { choleskyLower, invertSpd, upperCholeskyOfInverse } from '../../../../src/core/methods/distill/spd-linear-algebra';
import { InputHessian } from '../../../../src/core/methods/distill/input-hessian';
import { seededRandom } from '../../../../src/core/util/random';

/** A random SPD matrix: BᵀB over more rows than columns, plus a small ridge. */
function randomSpd(n: number, seed: number): Float64Array {
  const r = seededRandom(seed);
  const rows = n + 5;
  const b = Float64Array.from({ length: rows * n }, () => r.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < rows; k++) s += b[k * n + i]! * b[k * n + j]!;
    a[i * n + j] = s + (i === j ? 1e-3 : 0);
  }
  return a;
}

function matmul(a: Float64Array, b: Float64Array, n: number, transA = false): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += (transA ? a[k * n + i]! : a[i * n + k]!) * b[k * n + j]!;
    out[i * n + j] = s;
  }
  return out;
}

function maxDiffFromIdentity(m: Float64Array, n: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(m[i * n + j]! - (i === j ? 1 : 0)));
  return worst;
}

describe('SPD linear algebra (random SPD matrices)', () => {
  for (const [n, seed] of [[1, 1], [7, 2], [40, 3]] as const) {
    it(`n=${n}: L Lᵀ = A, A A⁻¹ = I, Uᵀ U = A⁻¹ with U upper`, () => {
      const a = randomSpd(n, seed);
      const l = choleskyLower(a, n)!;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(l[i * n + j]).toBe(0);
      const llt = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += l[i * n + k]! * l[j * n + k]!;
        llt[i * n + j] = s;
      }
      for (let i = 0; i < n * n; i++) expect(llt[i]).toBeCloseTo(a[i]!, 8);
      const inv = invertSpd(a, n)!;
      expect(maxDiffFromIdentity(matmul(a, inv, n), n)).toBeLessThan(1e-8);
      const u = upperCholeskyOfInverse(a, n)!;
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(u[i * n + j]).toBe(0);
      const utu = matmul(u, u, n, true);
      for (let i = 0; i < n * n; i++) expect(utu[i]).toBeCloseTo(inv[i]!, 6);
    });
  }

  it('refuses a matrix that is not positive definite', () => {
    expect(choleskyLower(Float64Array.of(1, 2, 2, 1), 2)).toBeUndefined();
    expect(invertSpd(Float64Array.of(0, 0, 0, 0), 2)).toBeUndefined();
  });

  it('a 2x2 by hand: [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]]', () => {
    const l = choleskyLower(Float64Array.of(4, 2, 2, 3), 2)!;
    expect([...l]).toEqual([2, 0, 1, Math.SQRT2]);
  });
});

describe('InputHessian', () => {
  it('sums xᵀx over the rows of every tensor added', () => {
    const h = new InputHessian(2);
    expect(h.add(Float32Array.of(1, 2, 3, 0))).toBe(true);
    expect(h.add(Float32Array.of(0, 1))).toBe(true);
    expect(h.rows).toBe(3);
    expect([...h.symmetric()]).toEqual([10, 2, 2, 5]);
    expect(h.add(Float32Array.of(1, 2, 3))).toBe(false);
  });
});
