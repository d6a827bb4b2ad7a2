/**
 * GPTQ for MatMulNBits' 4-bit blocks (the algorithm is in gptq-core.ts). The stored format is
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
import { gptqRound, type GptqSettings } from './gptq-core';

export type { GptqSettings } from './gptq-core';

export interface GptqInt4Result {
  params: Int4BlockParams;
  /** MatMulNBits' B layout, uint8 [N, blocks, blobSize]. */
  packed: Uint8Array<ArrayBuffer>;
  /** The damping fraction used (raised when the first did not give a positive-definite H). */
  damp: number;
}

/** Scale and zero point of block `b` of every column from the current (error-updated) rows, in stored order. */
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
 * layer's input). Without act-order each block's parameters come from its rows as they stand
 * when the block starts (already corrected by earlier errors; batches then hold whole blocks, so
 * the batch size does not change them); with act-order the rows are visited out of block order,
 * so the parameters come from the original weight.
 */
export function gptqInt4(w: WeightMatrix, blockSize: number, symmetric: boolean, hessian: Float64Array, s: GptqSettings): GptqInt4Result | string {
  const grid = blockGrid(w.k, w.n, blockSize);
  const { k: K, n: N, blocks, blobSize } = grid;
  const params: Int4BlockParams = s.actOrder
    ? rangeBlockParams(w, grid, symmetric)
    : { scales: new Float32Array(N * blocks), zeroPoints: new Uint8Array(N * blocks), finite: true };
  if (!params.finite) return 'the weight holds NaN or infinite values';
  const codes = new Uint8Array(K * N);
  const r = gptqRound(
    w,
    hessian,
    s,
    {
      beginRow: s.actOrder
        ? undefined
        : (k, rows) => {
            return k % blockSize !== 0 || blockParamsNow(rows, grid, k / blockSize, symmetric, params);
          },
      round: (k, n, v) => {
        const at = n * blocks + ((k / blockSize) | 0);
        const sc = params.scales[at]!;
        const z = params.zeroPoints[at]!;
        const q = quantizeValueInt4(v, sc, z);
        codes[k * N + n] = q;
        return dequantizeValueInt4(q, sc, z);
      },
    },
    s.actOrder ? 1 : blockSize,
  );
  if (typeof r === 'string') return r;
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
  return { params, packed, damp: r.damp };
}
