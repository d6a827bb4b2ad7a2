/**
 * Block-wise 4-bit weight quantization in the layout of onnxruntime's com.microsoft.MatMulNBits:
 * the weight is a K x N matrix (K inputs, N outputs) quantized in blocks of `blockSize` values
 * along K, one float32 scale (and, when asymmetric, one 4-bit zero point) per block.
 *
 * Stored form (facts from the contrib-op spec):
 * - B: uint8 [N, blocks, blockSize / 2]; within a block, value 2i sits in the low nibble of byte i
 *   and value 2i + 1 in its high nibble. A last block that runs past K is padded (with the code of 0).
 * - scales: float32, N * blocks values, column n's blocks contiguous.
 * - zero_points: uint8 [N, ceil(blocks / 2)], packed like B (block 2i low nibble); absent means 8.
 * Dequantized weight = (code - zero_point) * scale.
 *
 * The work is three replaceable stages: block parameters (scale, zero point) from each block's
 * range, code assignment (round to nearest here; an error-compensating method such as GPTQ or
 * HQQ supplies its own {@link Int4CodeAssigner} or parameters), and error figures measured from
 * what was actually stored.
 */
import { EXACT_STATS_LIMIT, roundHalfToEven } from './quantize-int8';
import { CHECK_EVERY, noCheckpoint, rowsPerCheck, type Checkpoint } from '../../util/checkpoint';

/** A float32 weight seen as K x N: `[K, N]` row-major (MatMul B) or, when `transposed`, `[N, K]` (Gemm transB=1). */
export interface WeightMatrix {
  data: Float32Array;
  k: number;
  n: number;
  transposed: boolean;
}

/** How K is cut into blocks. */
export interface BlockGrid {
  k: number;
  n: number;
  blockSize: number;
  /** ceil(K / blockSize): blocks per output column. */
  blocks: number;
  /** Bytes per block: blockSize / 2. */
  blobSize: number;
}

/** Per-block parameters, indexed [n * blocks + b]. */
export interface Int4BlockParams {
  scales: Float32Array<ArrayBuffer>;
  /** One code 0..15 per block (8 everywhere when symmetric). */
  zeroPoints: Uint8Array<ArrayBuffer>;
  /** False when the weight holds NaN or an infinity: nothing computed from it may be used. */
  finite: boolean;
}

/**
 * Writes the 4-bit code of every weight (padding included) into `packed` (zero-filled, laid out
 * as MatMulNBits' B), given the block parameters. Round-to-nearest is {@link roundToNearest}.
 * `check` is to be called every CHECK_EVERY values or so (it throws to stop mid-tensor).
 */
export type Int4CodeAssigner = (w: WeightMatrix, grid: BlockGrid, params: Int4BlockParams, packed: Uint8Array, check: Checkpoint) => void;

export interface Int4Quantized {
  grid: BlockGrid;
  symmetric: boolean;
  /** uint8 [N, blocks, blobSize]. */
  packed: Uint8Array<ArrayBuffer>;
  /** float32 [N * blocks]. */
  scales: Float32Array<ArrayBuffer>;
  /** Unpacked zero point per block (8 when symmetric). */
  zeroPoints: Uint8Array<ArrayBuffer>;
  /** uint8 [N, ceil(blocks / 2)] for the zero_points input; undefined when symmetric (the runtime's default 8). */
  packedZeroPoints: Uint8Array<ArrayBuffer> | undefined;
  maxAbsError: number;
  meanAbsError: number;
  /** 10*log10(sum w^2 / sum (w - dequant)^2); Infinity when exact. */
  sqnrDb: number;
  nonFinite: boolean;
  /** True when the error figures come from a strided sample (tensors over EXACT_STATS_LIMIT elements). */
  sampled: boolean;
}

const QMAX = 15;
/** The zero point MatMulNBits assumes when the zero_points input is absent (2^(bits-1)). */
export const INT4_DEFAULT_ZERO_POINT = 8;
const RNE_MAGIC = 6755399441055744;
/** As in the int8 kernel: quotients this close to a rounding tie are redone with the exact float32 division. */
const NEAR_TIE = 0.5 - 1e-4;
const SAMPLE_SIZE = 1 << 16;

export function blockGrid(k: number, n: number, blockSize: number): BlockGrid {
  if (!(blockSize >= 16 && (blockSize & (blockSize - 1)) === 0)) {
    throw new RangeError(`Block size must be a power of two >= 16; found ${blockSize}.`);
  }
  const blocks = Math.ceil(k / blockSize);
  return { k, n, blockSize, blocks, blobSize: blockSize / 2 };
}

/** Scale and zero point of one block from its range [lo, hi] (lo <= 0 <= hi). */
function paramsFromRange(lo: number, hi: number, symmetric: boolean, scales: Float32Array, zeroPoints: Uint8Array, at: number): void {
  if (symmetric) {
    // As onnxruntime's quantizer: the value of largest magnitude maps exactly onto code 0 (-8 before
    // the +8 offset), so the scale may be negative; the other side reaches +7 and clips its last
    // half step. This spends all 16 codes instead of 15.
    const extreme = -lo >= hi ? lo : hi;
    const s = Math.fround(extreme / -8);
    scales[at] = s === 0 || !Number.isFinite(s) ? 1 : s;
    zeroPoints[at] = INT4_DEFAULT_ZERO_POINT;
    return;
  }
  let s = Math.fround((hi - lo) / QMAX);
  if (!(s > 0) || !Number.isFinite(s)) s = 1; // all-zero block: any scale is exact
  const z = roundHalfToEven(-lo / s);
  scales[at] = s;
  zeroPoints[at] = z < 0 ? 0 : z > QMAX ? QMAX : z;
}

/** Block parameters from each block's [min, max] (widened to include 0, so 0 is representable). */
export function rangeBlockParams(w: WeightMatrix, grid: BlockGrid, symmetric: boolean, check: Checkpoint = noCheckpoint): Int4BlockParams {
  const { k: K, n: N, blockSize, blocks } = grid;
  const { data } = w;
  if (data.length !== K * N) throw new RangeError(`A ${K}x${N} weight needs ${K * N} values; found ${data.length}.`);
  const scales = new Float32Array(N * blocks);
  const zeroPoints = new Uint8Array(N * blocks);
  // The plain sum is NaN or infinite exactly when some value is (float32 values cannot overflow a double sum).
  let total = 0;
  if (w.transposed) {
    const rows = rowsPerCheck(K);
    for (let n = 0; n < N; n++) {
      if (n % rows === 0) check();
      const row = n * K;
      for (let b = 0; b < blocks; b++) {
        let lo = 0;
        let hi = 0;
        const end = Math.min(K, (b + 1) * blockSize);
        for (let k = b * blockSize; k < end; k++) {
          const v = data[row + k]!;
          total += v;
          if (v < lo) lo = v;
          else if (v > hi) hi = v;
        }
        paramsFromRange(lo, hi, symmetric, scales, zeroPoints, n * blocks + b);
      }
    }
  } else {
    const lo = new Float64Array(N);
    const hi = new Float64Array(N);
    const rows = rowsPerCheck(N);
    for (let b = 0; b < blocks; b++) {
      lo.fill(0);
      hi.fill(0);
      const end = Math.min(K, (b + 1) * blockSize);
      for (let k = b * blockSize; k < end; k++) {
        if (k % rows === 0) check();
        const row = k * N;
        for (let n = 0; n < N; n++) {
          const v = data[row + n]!;
          total += v;
          if (v < lo[n]!) lo[n] = v;
          else if (v > hi[n]!) hi[n] = v;
        }
      }
      for (let n = 0; n < N; n++) paramsFromRange(lo[n]!, hi[n]!, symmetric, scales, zeroPoints, n * blocks + b);
    }
  }
  return { scales, zeroPoints, finite: Number.isFinite(total) };
}

/** The 4-bit code of one value: round half to even of x / scale, plus the zero point, clamped to [0, 15]. */
export function quantizeValueInt4(x: number, scale: number, zeroPoint: number): number {
  const q = roundHalfToEven(Math.fround(x / scale)) + zeroPoint;
  return q < 0 ? 0 : q > QMAX ? QMAX : q;
}

export function dequantizeValueInt4(code: number, scale: number, zeroPoint: number): number {
  return Math.fround((code - zeroPoint) * scale);
}

/** One code by round to nearest: multiply by the reciprocal, redo near-ties with the exact division. */
function rtnCode(v: number, inv: number, s: number, z: number): number {
  const r = v * inv;
  let q = r + RNE_MAGIC - RNE_MAGIC;
  const d = r - q;
  if (d > NEAR_TIE || d < -NEAR_TIE) q = Math.fround(v / s) + RNE_MAGIC - RNE_MAGIC;
  q += z;
  return q < 0 ? 0 : q > QMAX ? QMAX : q;
}

/** Round to nearest (ties to even) with the block's scale; padding past K gets the code of 0 (the zero point). */
export const roundToNearest: Int4CodeAssigner = (w, grid, params, packed, check) => {
  const { k: K, n: N, blockSize, blocks, blobSize } = grid;
  const { data } = w;
  const { scales, zeroPoints } = params;
  const columnBytes = blocks * blobSize;
  if (w.transposed) {
    const rows = rowsPerCheck(K);
    for (let n = 0; n < N; n++) {
      if (n % rows === 0) check();
      const row = n * K;
      for (let b = 0; b < blocks; b++) {
        const at = n * blocks + b;
        const s = scales[at]!;
        const inv = 1 / s;
        const z = zeroPoints[at]!;
        const start = b * blockSize;
        const out = n * columnBytes + b * blobSize;
        for (let j = 0; j < blockSize; j += 2) {
          const k = start + j;
          const lo = k < K ? rtnCode(data[row + k]!, inv, s, z) : z;
          const hi = k + 1 < K ? rtnCode(data[row + k + 1]!, inv, s, z) : z;
          packed[out + (j >> 1)] = lo | (hi << 4);
        }
      }
    }
    return;
  }
  // [K, N]: two rows of a block at a time (the low and high nibbles of the same bytes), n innermost
  // so reads are contiguous; the block's bytes of all N columns (N * blobSize) stay in cache.
  const inv = new Float64Array(N);
  const scl = new Float64Array(N);
  const zp = new Float64Array(N);
  // Two rows per step below.
  const steps = Math.max(1, Math.floor(CHECK_EVERY / (2 * Math.max(1, N))));
  for (let b = 0; b < blocks; b++) {
    for (let n = 0; n < N; n++) {
      const s = scales[n * blocks + b]!;
      scl[n] = s;
      inv[n] = 1 / s;
      zp[n] = zeroPoints[n * blocks + b]!;
    }
    for (let j = 0; j < blockSize; j += 2) {
      const k = b * blockSize + j;
      if ((k >> 1) % steps === 0) check();
      const out = b * blobSize + (j >> 1);
      if (k + 1 < K) {
        const row0 = k * N;
        const row1 = row0 + N;
        for (let n = 0, at = out; n < N; n++, at += columnBytes) {
          const s = scl[n]!;
          const i = inv[n]!;
          const z = zp[n]!;
          packed[at] = rtnCode(data[row0 + n]!, i, s, z) | (rtnCode(data[row1 + n]!, i, s, z) << 4);
        }
      } else {
        // The last row (K odd) and padding: codes of 0 (the zero point) past K.
        for (let n = 0, at = out; n < N; n++, at += columnBytes) {
          const z = zp[n]!;
          packed[at] = (k < K ? rtnCode(data[k * N + n]!, inv[n]!, scl[n]!, z) : z) | (z << 4);
        }
      }
    }
  }
};

/** The code of element (k, n) read back from MatMulNBits' B layout. */
export function readCode(packed: Uint8Array, grid: BlockGrid, k: number, n: number): number {
  const b = (k / grid.blockSize) | 0;
  const j = k - b * grid.blockSize;
  const byte = packed[(n * grid.blocks + b) * grid.blobSize + (j >> 1)]!;
  return (j & 1) === 0 ? byte & 0xf : byte >> 4;
}

/** Zero points packed two per byte along the blocks of each column: uint8 [N, ceil(blocks / 2)]. */
export function packZeroPoints(zeroPoints: Uint8Array, grid: BlockGrid): Uint8Array<ArrayBuffer> {
  const { n: N, blocks } = grid;
  const perColumn = Math.ceil(blocks / 2);
  const out = new Uint8Array(N * perColumn);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < blocks; b++) {
      const at = n * perColumn + (b >> 1);
      out[at] = out[at]! | (zeroPoints[n * blocks + b]! << ((b & 1) * 4));
    }
  }
  return out;
}

/** The weight the runtime will use, as a [K, N] row-major float32 matrix (MatMul's B). */
export function dequantizeInt4(q: { grid: BlockGrid; packed: Uint8Array; scales: Float32Array; zeroPoints: Uint8Array }): Float32Array<ArrayBuffer> {
  const { grid, packed, scales, zeroPoints } = q;
  const { k: K, n: N, blocks } = grid;
  const out = new Float32Array(K * N);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const at = n * blocks + ((k / grid.blockSize) | 0);
      out[k * N + n] = dequantizeValueInt4(readCode(packed, grid, k, n), scales[at]!, zeroPoints[at]!);
    }
  }
  return out;
}

interface ErrorFigures {
  maxAbsError: number;
  meanAbsError: number;
  sqnrDb: number;
  sampled: boolean;
}

/** Running error sums. */
interface ErrorSums {
  abs: number;
  max: number;
  sq: number;
  signal: number;
  count: number;
}

function addError(acc: ErrorSums, v: number, code: number, s: number, z: number): void {
  const e = v - Math.fround((code - z) * s);
  const a = e < 0 ? -e : e;
  acc.abs += a;
  if (a > acc.max) acc.max = a;
  acc.sq += e * e;
  acc.signal += v * v;
  acc.count++;
}

/**
 * Error of the stored weight against the original, read back from the packed codes: every value
 * up to EXACT_STATS_LIMIT elements, above that an even spread of whole blocks of rows ([K, N]) or
 * whole columns ([N, K]) of about SAMPLE_SIZE values, walked in storage order so it stays cheap.
 */
function errorFigures(w: WeightMatrix, grid: BlockGrid, params: Int4BlockParams, packed: Uint8Array): ErrorFigures {
  const { k: K, n: N, blocks, blockSize, blobSize } = grid;
  const { data } = w;
  const { scales, zeroPoints } = params;
  const columnBytes = blocks * blobSize;
  const exact = K * N <= EXACT_STATS_LIMIT;
  const acc: ErrorSums = { abs: 0, max: 0, sq: 0, signal: 0, count: 0 };
  if (w.transposed) {
    const take = exact ? N : Math.min(N, Math.max(1, Math.round(SAMPLE_SIZE / K)));
    for (let c = 0; c < take; c++) {
      const n = exact ? c : Math.floor((c * N) / take);
      for (let k = 0; k < K; k++) {
        const b = (k / blockSize) | 0;
        const j = k - b * blockSize;
        const code = (packed[n * columnBytes + b * blobSize + (j >> 1)]! >> ((j & 1) * 4)) & 0xf;
        addError(acc, data[n * K + k]!, code, scales[n * blocks + b]!, zeroPoints[n * blocks + b]!);
      }
    }
  } else {
    const take = exact ? blocks : Math.min(blocks, Math.max(1, Math.round(SAMPLE_SIZE / (blockSize * N))));
    for (let c = 0; c < take; c++) {
      const b = exact ? c : Math.floor((c * blocks) / take);
      const end = Math.min(K, (b + 1) * blockSize);
      for (let k = b * blockSize; k < end; k++) {
        const j = k - b * blockSize;
        const shift = (j & 1) * 4;
        for (let n = 0; n < N; n++) {
          const code = (packed[n * columnBytes + b * blobSize + (j >> 1)]! >> shift) & 0xf;
          addError(acc, data[k * N + n]!, code, scales[n * blocks + b]!, zeroPoints[n * blocks + b]!);
        }
      }
    }
  }
  return {
    maxAbsError: acc.max,
    meanAbsError: acc.count === 0 ? 0 : acc.abs / acc.count,
    sqnrDb: acc.sq === 0 ? Infinity : 10 * Math.log10(acc.signal / acc.sq),
    sampled: acc.count < K * N,
  };
}

export interface QuantizeInt4Options {
  blockSize: number;
  symmetric: boolean;
  /** Called every CHECK_EVERY values or so; throws (AbortError) to stop mid-tensor. */
  check?: Checkpoint;
  /** Replaces round-to-nearest (e.g. an error-compensating method). */
  assignCodes?: Int4CodeAssigner;
  /** Replaces the min/max block parameters (e.g. a method that searches scales). */
  blockParams?: (w: WeightMatrix, grid: BlockGrid, symmetric: boolean, check: Checkpoint) => Int4BlockParams;
}

/** Quantizes a K x N float32 weight to MatMulNBits' 4-bit block form. Check `nonFinite` on the result. */
export function quantizeInt4(w: WeightMatrix, options: QuantizeInt4Options): Int4Quantized {
  const grid = blockGrid(w.k, w.n, options.blockSize);
  const { symmetric } = options;
  const check = options.check ?? noCheckpoint;
  const params = (options.blockParams ?? rangeBlockParams)(w, grid, symmetric, check);
  const packed = new Uint8Array(grid.n * grid.blocks * grid.blobSize);
  const base = { grid, symmetric, packed, scales: params.scales, zeroPoints: params.zeroPoints };
  if (!params.finite) {
    return { ...base, packedZeroPoints: undefined, maxAbsError: NaN, meanAbsError: NaN, sqnrDb: NaN, nonFinite: true, sampled: false };
  }
  (options.assignCodes ?? roundToNearest)(w, grid, params, packed, check);
  const errors = errorFigures(w, grid, params, packed);
  return { ...base, packedZeroPoints: symmetric ? undefined : packZeroPoints(params.zeroPoints, grid), ...errors, nonFinite: false };
}
