import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { factorize } from '../../../../src/core/methods/low-rank/factorize';
import { outputSqnrDb, residual, weightSqnrDb } from '../../../../src/core/methods/low-rank/layer-error';
import { predictedSqnrDb, selectRank } from '../../../../src/core/methods/low-rank/select-rank';
import { seededRandom } from '../../../../src/core/util/random';

function randomMatrix(seed: number, m: number, n: number, scale = 1): Float64Array {
  const r = seededRandom(seed);
  return Float64Array.from({ length: m * n }, () => r.normal() * scale);
}

/** XᵀX of `rows` random inputs of K features with a few dominant directions (anisotropic, as activations are). */
function inputMoments(seed: number, rows: number, k: number): Float64Array {
  const x = randomMatrix(seed, rows, k);
  const mix = randomMatrix(seed + 1, 2, k, 3);
  const r = seededRandom(seed + 2);
  for (let i = 0; i < rows; i++) {
    const f = [r.normal(), r.normal()];
    for (let j = 0; j < k; j++) x[i * k + j] = x[i * k + j]! * 0.2 + f[0]! * mix[j]! + f[1]! * mix[k + j]!;
  }
  const h = new Float64Array(k * k);
  for (let i = 0; i < rows; i++) for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) h[a * k + b] = h[a * k + b]! + x[i * k + a]! * x[i * k + b]!;
  return h;
}

const shapes = fc.record({ seed: fc.integer({ min: 1, max: 1e9 }), k: fc.integer({ min: 2, max: 20 }), n: fc.integer({ min: 2, max: 20 }) });

describe('factorize (plain and whitened SVD of a K x N weight)', () => {
  it('gives a·b = W at full rank, plain and whitened, wide and tall', () => {
    fc.assert(
      fc.property(shapes, fc.boolean(), ({ seed, k, n }, whiten) => {
        const w = randomMatrix(seed, k, n);
        const f = factorize(w, k, n, { damp: 0.01, ...(whiten && { hessian: inputMoments(seed + 9, 3 * k, k) }) });
        const full = f.factors(Math.min(k, n));
        expect(full.a.length).toBe(k * full.rank);
        expect(weightSqnrDb(w, residual(w, full, k, n))).toBeGreaterThan(100);
      }),
      { numRuns: 60 },
    );
  });

  it('whitened truncation has the lower output error on the inputs it was measured on; plain the lower weight error', () => {
    fc.assert(
      fc.property(shapes, ({ seed, k, n }) => {
        const w = randomMatrix(seed, k, n);
        const h = inputMoments(seed + 9, 4 * k, k);
        const rank = Math.max(1, Math.floor(Math.min(k, n) / 2));
        const plain = factorize(w, k, n, { damp: 0 }).factors(rank);
        const white = factorize(w, k, n, { damp: 1e-9, hessian: h }).factors(rank);
        const dp = residual(w, plain, k, n);
        const dw = residual(w, white, k, n);
        expect(outputSqnrDb(h, w, dw, k, n)).toBeGreaterThanOrEqual(outputSqnrDb(h, w, dp, k, n) - 1e-3);
        expect(weightSqnrDb(w, dp)).toBeGreaterThanOrEqual(weightSqnrDb(w, dw) - 1e-3);
      }),
      { numRuns: 60 },
    );
  });

  it('plain truncation error matches the dropped singular values (Eckart-Young)', () => {
    fc.assert(
      fc.property(shapes, ({ seed, k, n }) => {
        const w = randomMatrix(seed, k, n);
        const f = factorize(w, k, n, { damp: 0 });
        const rank = Math.max(1, Math.min(k, n) - 1);
        expect(weightSqnrDb(w, residual(w, f.factors(rank), k, n))).toBeCloseTo(predictedSqnrDb(f.sigma, rank), 3);
      }),
      { numRuns: 40 },
    );
  });

  it('falls back to plain SVD, saying why, when the inputs were all zero', () => {
    const f = factorize(randomMatrix(1, 4, 6), 4, 6, { damp: 0.01, hessian: new Float64Array(16) });
    expect(f.note).toMatch(/inputs were all zero/);
  });
});

describe('selectRank', () => {
  const sigma = Float64Array.of(4, 2, 1, 1, 0);
  // Squared: 16, 4, 1, 1, 0 (total 22).
  it('energy keeps the smallest rank holding the share, sqnr the smallest reaching the floor', () => {
    expect(selectRank(sigma, 5, 5, { rank: 'energy', energy: 0.7, ratio: 0, sqnr: 0, roundTo: 1 })).toBe(1);
    expect(selectRank(sigma, 5, 5, { rank: 'energy', energy: 0.9, ratio: 0, sqnr: 0, roundTo: 1 })).toBe(2);
    expect(selectRank(sigma, 5, 5, { rank: 'energy', energy: 1, ratio: 0, sqnr: 0, roundTo: 1 })).toBe(4);
    // 10·log10(22 / 2) = 10.4 dB at rank 2; 10·log10(22 / 6) = 5.6 at rank 1.
    expect(selectRank(sigma, 5, 5, { rank: 'sqnr', energy: 0, ratio: 0, sqnr: 10, roundTo: 1 })).toBe(2);
    expect(selectRank(sigma, 5, 5, { rank: 'sqnr', energy: 0, ratio: 0, sqnr: 5, roundTo: 1 })).toBe(1);
    expect(selectRank(sigma, 5, 5, { rank: 'sqnr', energy: 0, ratio: 0, sqnr: 300, roundTo: 1 })).toBe(4);
  });

  it('ratio gives floor(ratio·m·n/(m+n)), at least 1; roundTo rounds up and stays within full rank', () => {
    const s = new Float64Array(8).fill(1);
    expect(selectRank(s, 8, 24, { rank: 'ratio', energy: 0, ratio: 0.5, sqnr: 0, roundTo: 1 })).toBe(3);
    expect(selectRank(s, 8, 24, { rank: 'ratio', energy: 0, ratio: 0, sqnr: 0, roundTo: 1 })).toBe(1);
    expect(selectRank(s, 8, 24, { rank: 'ratio', energy: 0, ratio: 0.5, sqnr: 0, roundTo: 4 })).toBe(4);
    expect(selectRank(s, 8, 24, { rank: 'ratio', energy: 0, ratio: 1, sqnr: 0, roundTo: 16 })).toBe(8);
  });
});
