/**
 * GPTQ (Frantar et al., 2022) for MatMulNBits' 4-bit blocks: the K input rows of a K x N weight
 * are quantized one after another and each row's rounding error is spread over the rows not yet
 * quantized, weighted by the inverse of the layer's input Hessian H = Σ xᵀx, so the layer's
 * output on inputs like the calibration ones moves as little as possible. The stored format is
 * exactly round-to-nearest's: this module only chooses the block parameters and the codes.
 */
import {
  blockGrid,
  dequantizeValueInt4,
  quantizeValueInt4,
  rangeBlockParams,
  type BlockGrid,
  type Int4BlockParams,
  type WeightMatrix,
} from '../kernels/quantize-int4';
import { upperCholeskyOfInverse } from './spd-linear-algebra';

export interface GptqSettings {
  /** Added to H's diagonal as a fraction of its mean diagonal, so H is safely invertible. */
  damp: number;
  /** Rows whose error updates are applied to the rest of the matrix together (lazy batch updates; same result up to float64 summation order). Rounded up to whole blocks without act-order. */
  batch: number;
  /** Quantize rows in order of decreasing H diagonal (the most active inputs first). */
  actOrder: boolean;
}

export interface GptqInt4Result {
  params: Int4BlockParams;
  /** MatMulNBits' B layout, uint8 [N, blocks, blobSize]. */
  packed: Uint8Array<ArrayBuffer>;
  /** The damping fraction used (raised when the first did not give a positive-definite H). */
  damp: number;
}

/** How many times the damping is raised tenfold before giving up on a layer. */
const DAMP_RETRIES = 3;

/** The weight as a float64 K x N row-major copy, whatever its stored orientation. */
function asRowsKN(w: WeightMatrix): Float64Array {
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
function factor(hessian: Float64Array, K: number, perm: Int32Array, damp: number): { u: Float64Array; damp: number } | undefined {
  let meanDiag = 0;
  for (let i = 0; i < K; i++) meanDiag += hessian[i * K + i]!;
  meanDiag = meanDiag / K || 1;
  for (let attempt = 0, d = damp; attempt <= DAMP_RETRIES; attempt++, d *= 10) {
    const h = new Float64Array(K * K);
    for (let a = 0; a < K; a++) {
      const ra = perm[a]! * K;
      for (let b = 0; b < K; b++) h[a * K + b] = hessian[ra + perm[b]!]!;
      // An input that was always zero gets a unit diagonal: its weight is then rounded alone.
      if (h[a * K + a] === 0) h[a * K + a] = 1;
      h[a * K + a] = h[a * K + a]! + d * meanDiag;
    }
    const u = upperCholeskyOfInverse(h, K);
    if (u) return { u, damp: d };
  }
  return undefined;
}

function orderOf(hessian: Float64Array, K: number, actOrder: boolean): Int32Array {
  const perm = Int32Array.from({ length: K }, (_, i) => i);
  if (actOrder) perm.sort((a, b) => hessian[b * K + b]! - hessian[a * K + a]! || a - b);
  return perm;
}

/** Scale and zero point of block `b` of every column from the current (error-updated) rows. */
function blockParamsNow(rows: Float64Array, grid: BlockGrid, b: number, symmetric: boolean, params: Int4BlockParams): boolean {
  const { k: K, n: N, blockSize, blocks } = grid;
  const start = b * blockSize;
  const count = Math.min(K, start + blockSize) - start;
  const sub = Float32Array.from(rows.subarray(start * N, (start + count) * N));
  const p = rangeBlockParams({ data: sub, k: count, n: N, transposed: false }, blockGrid(count, N, blockSize), symmetric);
  for (let n = 0; n < N; n++) {
    params.scales[n * blocks + b] = p.scales[n]!;
    params.zeroPoints[n * blocks + b] = p.zeroPoints[n]!;
  }
  return p.finite;
}

/**
 * GPTQ codes and block parameters of one weight, or why not. `hessian` is K x K (H = Σ xᵀx of the
 * layer's input, any positive scale). Without act-order each block's parameters come from its
 * rows as they stand when the block starts (already corrected by earlier errors); with act-order
 * the rows are visited out of block order, so the parameters come from the original weight.
 */
export function gptqInt4(w: WeightMatrix, blockSize: number, symmetric: boolean, hessian: Float64Array, s: GptqSettings): GptqInt4Result | string {
  const grid = blockGrid(w.k, w.n, blockSize);
  const { k: K, n: N, blocks, blobSize } = grid;
  if (hessian.length !== K * K) return `the Hessian has ${hessian.length} values for ${K} inputs`;
  const perm = orderOf(hessian, K, s.actOrder);
  const f = factor(hessian, K, perm, s.damp);
  if (!f) return 'the input Hessian is not positive definite even with 1000x the damping';
  const { u } = f;
  const rows = asRowsKN(w);
  // Permuted rows: row a of `wp` is input perm[a].
  const wp = new Float64Array(K * N);
  for (let a = 0; a < K; a++) wp.set(rows.subarray(perm[a]! * N, (perm[a]! + 1) * N), a * N);
  const params: Int4BlockParams = s.actOrder
    ? rangeBlockParams(w, grid, symmetric)
    : { scales: new Float32Array(N * blocks), zeroPoints: new Uint8Array(N * blocks), finite: true };
  if (!params.finite) return 'the weight holds NaN or infinite values';
  const codes = new Uint8Array(K * N);
  // Without act-order a block's parameters are read off its rows when it starts, so batches hold
  // whole blocks: every row of the block has then received all earlier updates, whatever the batch.
  const batch = s.actOrder ? Math.max(1, Math.floor(s.batch)) : Math.ceil(Math.max(1, s.batch) / blockSize) * blockSize;
  const err = new Float64Array(batch * N);
  for (let b0 = 0; b0 < K; b0 += batch) {
    const b1 = Math.min(K, b0 + batch);
    for (let a = b0; a < b1; a++) {
      const k = perm[a]!;
      const b = (k / blockSize) | 0;
      if (!s.actOrder && k === b * blockSize && !blockParamsNow(wp, grid, b, symmetric, params)) return 'the error updates overflowed';
      const d = u[a * K + a]!;
      const row = a * N;
      const e = (a - b0) * N;
      for (let n = 0; n < N; n++) {
        const at = n * blocks + b;
        const sc = params.scales[at]!;
        const z = params.zeroPoints[at]!;
        const v = wp[row + n]!;
        const q = quantizeValueInt4(v, sc, z);
        codes[k * N + n] = q;
        err[e + n] = (v - dequantizeValueInt4(q, sc, z)) / d;
      }
      for (let j = a + 1; j < b1; j++) {
        const c = u[a * K + j]!;
        if (c === 0) continue;
        const rj = j * N;
        for (let n = 0; n < N; n++) wp[rj + n] = wp[rj + n]! - c * err[e + n]!;
      }
    }
    for (let j = b1; j < K; j++) {
      const rj = j * N;
      for (let a = b0; a < b1; a++) {
        const c = u[a * K + j]!;
        if (c === 0) continue;
        const e = (a - b0) * N;
        for (let n = 0; n < N; n++) wp[rj + n] = wp[rj + n]! - c * err[e + n]!;
      }
    }
  }
  const packed = new Uint8Array(N * blocks * blobSize);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < blocks; b++) {
      const z = params.zeroPoints[n * blocks + b]!;
      const out = (n * blocks + b) * blobSize;
      for (let j = 0; j < blockSize; j += 2) {
        const k = b * blockSize + j;
        const lo = k < K ? codes[k * N + n]! : z;
        const hi = k + 1 < K ? codes[(k + 1) * N + n]! : z;
        packed[out + (j >> 1)] = lo | (hi << 4);
      }
    }
  }
  return { params, packed, damp: f.damp };
}
