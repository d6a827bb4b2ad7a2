import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../../../src/core/methods/low-rank/symmetric-eigen';
import { singularSubspace, thinSvd } from '../../../../src/core/methods/low-rank/svd';
import { seededRandom } from '../../../../src/core/util/random';

function randomMatrix(seed: number, m: number, n: number): Float64Array {
  const r = seededRandom(seed);
  return Float64Array.from({ length: m * n }, () => r.normal());
}

/** A random orthogonal n x n matrix: the product of n Householder reflections of seeded vectors. */
function randomOrthogonal(seed: number, n: number): Float64Array {
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  const r = seededRandom(seed);
  for (let h = 0; h < n; h++) {
    const v = Float64Array.from({ length: n }, () => r.normal());
    const vv = v.reduce((s, x) => s + x * x, 0);
    // q <- q (I - 2 v vᵀ / vᵀv)
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += q[i * n + k]! * v[k]!;
      for (let k = 0; k < n; k++) q[i * n + k] = q[i * n + k]! - (2 * dot * v[k]!) / vv;
    }
  }
  return q;
}

function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) out[i * n + j] = out[i * n + j]! + a[i * k + p]! * b[p * n + j]!;
  return out;
}

function transpose(a: ArrayLike<number>, m: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = a[i * n + j]!;
  return out;
}

const maxAbs = (a: ArrayLike<number>): number => Array.from(a).reduce((s, x) => Math.max(s, Math.abs(x)), 0);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((s, x, i) => Math.max(s, Math.abs(x - b[i]!)), 0);

/** max |QᵀQ - I| of an m x p matrix with orthonormal columns. */
function orthogonalityError(q: Float64Array, m: number, p: number): number {
  const qtq = matmul(transpose(q, m, p), q, p, m, p);
  for (let i = 0; i < p; i++) qtq[i * p + i] = qtq[i * p + i]! - 1;
  return maxAbs(qtq);
}

const dims = fc.record({ seed: fc.integer({ min: 1, max: 1e9 }), m: fc.integer({ min: 1, max: 24 }), n: fc.integer({ min: 1, max: 24 }) });

describe('symmetricEigen (Householder + implicit QL, float64)', () => {
  it('gives orthonormal vectors, descending values and A = Vᵀ Λ V on random symmetric matrices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 40 }), (seed, n) => {
        const b = randomMatrix(seed, n, n);
        const a = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = b[i * n + j]! + b[j * n + i]!;
        const { values, vectors } = symmetricEigen(a, n);
        // Rows are vectors: orthonormal rows <=> VᵀV... checked as columns of the transpose.
        expect(orthogonalityError(transpose(vectors, n, n), n, n)).toBeLessThan(1e-12 * n);
        for (let i = 1; i < n; i++) expect(values[i]!).toBeLessThanOrEqual(values[i - 1]!);
        const lambdaV = Float64Array.from(vectors, (x, idx) => x * values[Math.floor(idx / n)]!);
        expect(maxDiff(matmul(transpose(vectors, n, n), lambdaV, n, n, n), a)).toBeLessThan(1e-12 * n * maxAbs(a));
      }),
      { numRuns: 60 },
    );
  });

  it('finds known eigenvalues, repeated and zero ones included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 2, max: 30 }), (seed, n) => {
        const r = seededRandom(seed);
        const known = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? 2.5 : r.normal() * 10));
        const q = randomOrthogonal(seed + 1, n);
        const a = matmul(Float64Array.from(q, (x, idx) => x * known[idx % n]!), transpose(q, n, n), n, n, n);
        const { values } = symmetricEigen(a, n);
        const expected = [...known].sort((x, y) => y - x);
        expect(maxDiff(values, expected)).toBeLessThan(1e-10 * Math.max(1, maxAbs(expected)));
      }),
      { numRuns: 40 },
    );
  });

  it('handles 1x1, diagonal and zero matrices, and rejects non-finite input', () => {
    expect(Array.from(symmetricEigen([3], 1).values)).toEqual([3]);
    const diag = symmetricEigen([1, 0, 0, 0, 5, 0, 0, 0, -2], 3);
    expect(Array.from(diag.values)).toEqual([5, 1, -2]);
    expect(Array.from(symmetricEigen(new Float64Array(16), 4).values)).toEqual([0, 0, 0, 0]);
    expect(() => symmetricEigen([1, NaN, NaN, 1], 2)).toThrow(/expected finite values/);
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/expected 4 values/);
  });

  it('calls its check at bounded intervals, so an abort can stop it mid-way', () => {
    let calls = 0;
    symmetricEigen(randomMatrix(3, 50, 50).map((x, i, a) => x + a[(i % 50) * 50 + Math.floor(i / 50)]!), 50, () => calls++);
    // One per Householder step and one per QL eigenvalue.
    expect(calls).toBeGreaterThanOrEqual(2 * 50 - 1);
    expect(() =>
      symmetricEigen(randomMatrix(3, 20, 20).map((x, i, a) => x + a[(i % 20) * 20 + Math.floor(i / 20)]!), 20, () => {
        throw new Error('aborted');
      }),
    ).toThrow('aborted');
  });
});

describe('thinSvd', () => {
  it('reconstructs random matrices with orthonormal U and V and descending non-negative singular values', () => {
    fc.assert(
      fc.property(dims, ({ seed, m, n }) => {
        const a = randomMatrix(seed, m, n);
        const { u, sigma, v } = thinSvd(a, m, n);
        const p = Math.min(m, n);
        expect(orthogonalityError(u, m, p)).toBeLessThan(1e-9);
        expect(orthogonalityError(v, n, p)).toBeLessThan(1e-9);
        for (let i = 0; i < p; i++) expect(sigma[i]!).toBeGreaterThanOrEqual(i > 0 ? 0 : 0);
        for (let i = 1; i < p; i++) expect(sigma[i]!).toBeLessThanOrEqual(sigma[i - 1]!);
        const us = Float64Array.from(u, (x, idx) => x * sigma[idx % p]!);
        expect(maxDiff(matmul(us, transpose(v, n, p), m, p, n), a)).toBeLessThan(1e-9 * maxAbs(a));
      }),
      { numRuns: 80 },
    );
  });

  it('finds known singular values of U diag(s) Vᵀ built from random orthogonal factors', () => {
    fc.assert(
      fc.property(dims, ({ seed, m, n }) => {
        const p = Math.min(m, n);
        const r = seededRandom(seed);
        const known = Array.from({ length: p }, () => Math.abs(r.normal()) * 3 + 0.1).sort((x, y) => y - x);
        const q1 = randomOrthogonal(seed + 1, m);
        const q2 = randomOrthogonal(seed + 2, n);
        // First p columns of q1 scaled by s, times the first p rows of q2ᵀ.
        const left = new Float64Array(m * p);
        for (let i = 0; i < m; i++) for (let j = 0; j < p; j++) left[i * p + j] = q1[i * m + j]! * known[j]!;
        const right = new Float64Array(p * n);
        for (let j = 0; j < p; j++) for (let k = 0; k < n; k++) right[j * n + k] = q2[k * n + j]!;
        const a = matmul(left, right, m, p, n);
        const { sigma } = thinSvd(a, m, n);
        expect(maxDiff(sigma, known)).toBeLessThan(1e-9 * known[0]!);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps U and V orthonormal on rank-deficient matrices', () => {
    fc.assert(
      fc.property(dims, fc.integer({ min: 0, max: 3 }), ({ seed, m, n }, rank) => {
        const a = matmul(randomMatrix(seed, m, rank), randomMatrix(seed + 5, rank, n), m, rank, n);
        const { u, sigma, v } = thinSvd(a, m, n);
        const p = Math.min(m, n);
        expect(orthogonalityError(u, m, p)).toBeLessThan(1e-7);
        expect(orthogonalityError(v, n, p)).toBeLessThan(1e-7);
        for (let i = rank; i < p; i++) expect(sigma[i]!).toBeLessThan(1e-6 * Math.max(1, sigma[0]!));
        const us = Float64Array.from(u, (x, idx) => x * sigma[idx % p]!);
        expect(maxDiff(matmul(us, transpose(v, n, p), m, p, n), a)).toBeLessThan(1e-7 * Math.max(1, maxAbs(a)));
      }),
      { numRuns: 60 },
    );
  });

  it('singularSubspace returns the smaller side: left for wide matrices, right for tall ones', () => {
    expect(singularSubspace(randomMatrix(1, 3, 7), 3, 7).side).toBe('left');
    expect(singularSubspace(randomMatrix(1, 7, 3), 7, 3).side).toBe('right');
    expect(singularSubspace(randomMatrix(1, 7, 3), 7, 3).vectors.length).toBe(9);
  });
});
