/**
 * The format-free part of GPTQ (Frantar et al., 2022): the K input rows of a K x N weight are
 * rounded one after another and each row's rounding error is spread over the rows not yet
 * rounded, weighted by the inverse of the layer's input Hessian H = Σ xᵀx, so the layer's output
 * on inputs like the calibration ones moves as little as possible. How one value is rounded
 * (the grid, its scales and codes) is the caller's {@link GptqRounder}.
 */
import type { WeightMatrix } from '../kernels/quantize-int4';
import { upperCholeskyOfInverse } from './spd-linear-algebra';
import { noCheckpoint, type Checkpoint } from '../../util/checkpoint';

export interface GptqSettings {
  /** Added to H's diagonal as a fraction of its mean diagonal, so H is safely invertible. */
  damp: number;
  /** Rows whose error updates are applied to the rest of the matrix together (lazy batch updates; same result up to float64 summation order). */
  batch: number;
  /** Round rows in order of decreasing H diagonal (the most active inputs first). */
  actOrder: boolean;
  /** Called before every row's rounding and every row's batch update (O(batch x N) work); throws to stop. */
  check?: Checkpoint;
}

export interface GptqRounder {
  /**
   * Called before row `k` (an original row index) is rounded, with the rows as they stand (in
   * visiting order: row a of `rows` is input order[a]); false stops with an overflow.
   */
  beginRow?(k: number, rows: Float64Array): boolean;
  /** Rounds value `v` of row k, column n: stores its code and returns the value it stands for. */
  round(k: number, n: number, v: number): number;
}

/** How many times the damping is raised tenfold before giving up on a layer. */
const DAMP_RETRIES = 3;

/** The weight as a float64 K x N row-major copy, whatever its stored orientation. */
export function asRowsKN(w: WeightMatrix): Float64Array {
  const { k: K, n: N, data } = w;
  const out = new Float64Array(K * N);
  if (!w.transposed) {
    for (let i = 0; i < K * N; i++) out[i] = data[i]!;
    return out;
  }
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) out[k * N + n] = data[n * K + k]!;
  return out;
}

/** The damped, permuted Hessian and the upper factor of its inverse, or undefined when no damping up to 1000x works. */
function factor(hessian: Float64Array, K: number, order: Int32Array, damp: number): { u: Float64Array; damp: number } | undefined {
  let meanDiag = 0;
  for (let i = 0; i < K; i++) meanDiag += hessian[i * K + i]!;
  meanDiag = meanDiag / K || 1;
  for (let attempt = 0, d = damp; attempt <= DAMP_RETRIES; attempt++, d = d > 0 ? d * 10 : 1e-4) {
    const h = new Float64Array(K * K);
    for (let a = 0; a < K; a++) {
      const ra = order[a]! * K;
      for (let b = 0; b < K; b++) h[a * K + b] = hessian[ra + order[b]!]!;
      // An input that was always zero gets a unit diagonal: its weight is then rounded alone.
      if (h[a * K + a] === 0) h[a * K + a] = 1;
      h[a * K + a] = h[a * K + a]! + d * meanDiag;
    }
    const u = upperCholeskyOfInverse(h, K);
    if (u) return { u, damp: d };
  }
  return undefined;
}

/** Visiting order of the rows: as stored, or by decreasing Hessian diagonal (act-order). */
export function gptqOrder(hessian: Float64Array, K: number, actOrder: boolean): Int32Array {
  const order = Int32Array.from({ length: K }, (_, i) => i);
  if (actOrder) order.sort((a, b) => hessian[b * K + b]! - hessian[a * K + a]! || a - b);
  return order;
}

/**
 * Runs GPTQ over `w` (K x N rows, float64) with `hessian` (K x K, any positive scale), calling
 * `rounder` for every value. `align`: batches are rounded up to a multiple of it (a block size
 * whose parameters beginRow reads off the rows). Returns the damping used, or why it failed.
 */
export function gptqRound(w: WeightMatrix, hessian: Float64Array, s: GptqSettings, rounder: GptqRounder, align = 1): { damp: number } | string {
  const { k: K, n: N } = w;
  if (hessian.length !== K * K) return `the Hessian has ${hessian.length} values for ${K} inputs`;
  const order = gptqOrder(hessian, K, s.actOrder);
  const f = factor(hessian, K, order, s.damp);
  if (!f) return 'the input Hessian is not positive definite even with 1000x the damping';
  const { u } = f;
  const original = asRowsKN(w);
  const rows = new Float64Array(K * N);
  for (let a = 0; a < K; a++) rows.set(original.subarray(order[a]! * N, (order[a]! + 1) * N), a * N);
  const batch = Math.ceil(Math.max(1, Math.floor(s.batch)) / align) * align;
  const err = new Float64Array(batch * N);
  const check = s.check ?? noCheckpoint;
  for (let b0 = 0; b0 < K; b0 += batch) {
    const b1 = Math.min(K, b0 + batch);
    for (let a = b0; a < b1; a++) {
      check();
      const k = order[a]!;
      if (rounder.beginRow && !rounder.beginRow(k, rows)) return 'the error updates overflowed';
      const d = u[a * K + a]!;
      const row = a * N;
      const e = (a - b0) * N;
      for (let n = 0; n < N; n++) {
        const v = rows[row + n]!;
        err[e + n] = (v - rounder.round(k, n, v)) / d;
      }
      for (let j = a + 1; j < b1; j++) {
        const c = u[a * K + j]!;
        if (c === 0) continue;
        const rj = j * N;
        for (let n = 0; n < N; n++) rows[rj + n] = rows[rj + n]! - c * err[e + n]!;
      }
    }
    for (let j = b1; j < K; j++) {
      check();
      const rj = j * N;
      for (let a = b0; a < b1; a++) {
        const c = u[a * K + j]!;
        if (c === 0) continue;
        const e = (a - b0) * N;
        for (let n = 0; n < N; n++) rows[rj + n] = rows[rj + n]! - c * err[e + n]!;
      }
    }
  }
  return { damp: f.damp };
}
