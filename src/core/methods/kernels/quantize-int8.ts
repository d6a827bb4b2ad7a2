/**
 * Int8 quantization kernel: the arithmetic of ONNX QuantizeLinear
 * (y = saturate(round_half_to_even(x / scale) + zero_point), saturated to [-128, 127])
 * with scales per channel along one axis. Tight typed-array loops, two passes over the
 * weights (range per channel, then quantize + error figures), no per-element allocation.
 */

import { simdRanges } from './quantize-int8-simd';
import { CHECK_EVERY, noCheckpoint, type Checkpoint } from '../../util/checkpoint';

/** A tensor seen as [outer, channels, inner]: the quantization axis is the middle one. */
export interface AxisLayout {
  outer: number;
  channels: number;
  inner: number;
}

export interface Int8Quantized {
  values: Int8Array<ArrayBuffer>;
  /** One float32 scale per channel. */
  scales: Float32Array<ArrayBuffer>;
  /** One int8 zero point per channel (all zero when symmetric). */
  zeroPoints: Int8Array<ArrayBuffer>;
  maxAbsError: number;
  meanAbsError: number;
  /** 10*log10(sum x^2 / sum (x - dequant(q))^2); Infinity when exact, -Infinity when all x are 0 but the error is not. */
  sqnrDb: number;
  /** True when x held NaN or an infinity: the result is then meaningless and must not be used. */
  nonFinite: boolean;
  /** True when the error figures come from a strided sample (tensors over EXACT_STATS_LIMIT elements). */
  sampled: boolean;
}

const QMIN = -128;
const QMAX = 127;
/** Adding and subtracting 1.5 * 2^52 rounds a double to the nearest integer, ties to even (|x| < 2^51). */
const RNE_MAGIC = 6755399441055744;

/** Round half to even, as ONNX QuantizeLinear rounds. */
export function roundHalfToEven(x: number): number {
  if (!(Math.abs(x) < 2 ** 51)) return x; // already integral, infinite or NaN
  return x + RNE_MAGIC - RNE_MAGIC;
}

/** One value through QuantizeLinear for int8 output: float32 division, round half to even, saturate. */
export function quantizeValueInt8(x: number, scale: number, zeroPoint: number): number {
  const r = roundHalfToEven(Math.fround(x / scale)) + zeroPoint;
  return r > QMAX ? QMAX : r < QMIN ? QMIN : r;
}

/** Every value as DequantizeLinear gives it back: (q - zero point of its channel) * scale, in float32. */
export function dequantizeInt8(q: Pick<Int8Quantized, 'values' | 'scales' | 'zeroPoints'>, { channels, inner }: AxisLayout, check: Checkpoint = noCheckpoint): Float32Array {
  const out = new Float32Array(q.values.length);
  for (let start = 0; start < out.length; start += CHECK_EVERY) {
    check();
    const end = Math.min(out.length, start + CHECK_EVERY);
    for (let i = start; i < end; i++) {
      const c = Math.floor(i / inner) % channels;
      out[i] = dequantizeValueInt8(q.values[i]!, q.scales[c]!, q.zeroPoints[c]!);
    }
  }
  return out;
}

/** DequantizeLinear: (q - zero_point) * scale in float32. */
export function dequantizeValueInt8(q: number, scale: number, zeroPoint: number): number {
  return Math.fround((q - zeroPoint) * scale);
}

/** The layout for quantizing along `axis` of `dims`; axis undefined means one channel (per tensor). */
export function axisLayout(dims: readonly number[], axis: number | undefined): AxisLayout {
  const total = dims.reduce((n, d) => n * d, 1);
  if (axis === undefined) return { outer: 1, channels: 1, inner: total };
  const outer = dims.slice(0, axis).reduce((n, d) => n * d, 1);
  const channels = dims[axis] ?? 1;
  return { outer, channels, inner: channels === 0 || outer === 0 ? 0 : total / (outer * channels) };
}

/**
 * Per-channel [min, max] in one pass (both start at 0, since 0 must be representable).
 * Two loop shapes: channels innermost (inner === 1, e.g. MatMul B along N) or contiguous blocks.
 */
function channelRanges(x: Float32Array, { outer, channels, inner }: AxisLayout, check: Checkpoint): { lo: Float64Array; hi: Float64Array; total: number } {
  const lo = new Float64Array(channels);
  const hi = new Float64Array(channels);
  // The plain sum is NaN or infinite exactly when some value is (float32 values cannot overflow a double sum).
  let total = 0;
  if (inner === 1) {
    // Flat loop with a wrapping channel counter (see quantizeInterleavedFast).
    let c = 0;
    for (let start = 0; start < x.length; start += CHECK_EVERY) {
      check();
      const end = Math.min(x.length, start + CHECK_EVERY);
      for (let i = start; i < end; i++) {
        const v = x[i]!;
        total += v;
        if (v < lo[c]!) lo[c] = v;
        else if (v > hi[c]!) hi[c] = v;
        if (++c === channels) c = 0;
      }
    }
    return { lo, hi, total };
  }
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      let mn = lo[c]!;
      let mx = hi[c]!;
      const blockEnd = (o * channels + c + 1) * inner;
      for (let start = blockEnd - inner; start < blockEnd; start += CHECK_EVERY) {
        check();
        const end = Math.min(blockEnd, start + CHECK_EVERY);
        for (let i = start; i < end; i++) {
          const v = x[i]!;
          total += v;
          if (v < mn) mn = v;
          else if (v > mx) mx = v;
        }
      }
      lo[c] = mn;
      hi[c] = mx;
    }
  }
  return { lo, hi, total };
}

/** Scale and zero point of each channel from its range (0 always representable). */
function channelParams(lo: Float64Array, hi: Float64Array, symmetric: boolean): { scales: Float32Array<ArrayBuffer>; zeroPoints: Int8Array<ArrayBuffer> } {
  const n = lo.length;
  const scales = new Float32Array(n);
  const zeroPoints = new Int8Array(n);
  for (let c = 0; c < n; c++) {
    const mn = lo[c]!;
    const mx = hi[c]!;
    let s: number;
    let z = 0;
    if (symmetric) {
      s = Math.fround(Math.max(-mn, mx) / QMAX);
    } else {
      s = Math.fround((mx - mn) / (QMAX - QMIN));
      if (s > 0) z = quantizeValueInt8(0, 1, roundHalfToEven(QMIN - mn / s));
    }
    if (!(s > 0) || !Number.isFinite(s)) s = 1; // all-zero channel (or underflow): any positive scale is exact
    scales[c] = s;
    zeroPoints[c] = z;
  }
  return { scales, zeroPoints };
}

/** Running error sums for one tensor. */
interface ErrorSums {
  abs: number;
  max: number;
  sq: number;
  signal: number;
}

/**
 * Quantizes every value with its channel's scale and zero point, accumulating error figures.
 * One loop for both layouts: the channel advances every `inner` values and wraps after `channels`.
 */
function quantizeExact(x: Float32Array, out: Int8Array, { channels, inner }: AxisLayout, scales: Float32Array, zeroPoints: Int8Array, acc: ErrorSums, check: Checkpoint): void {
  let abs = 0;
  let max = 0;
  let sq = 0;
  let signal = 0;
  let c = 0;
  let k = 0;
  for (let start = 0; start < x.length; start += CHECK_EVERY) {
    check();
    const end = Math.min(x.length, start + CHECK_EVERY);
    for (let i = start; i < end; i++) {
      const v = x[i]!;
      const s = scales[c]!;
      const z = zeroPoints[c]!;
      let q = Math.fround(v / s) + RNE_MAGIC - RNE_MAGIC + z;
      q = q > QMAX ? QMAX : q < QMIN ? QMIN : q;
      out[i] = q;
      const e = v - Math.fround((q - z) * s);
      const a = e < 0 ? -e : e;
      abs += a;
      if (a > max) max = a;
      sq += e * e;
      signal += v * v;
      if (++k === inner) {
        k = 0;
        if (++c === channels) c = 0;
      }
    }
  }
  acc.abs = abs;
  acc.max = max;
  acc.sq = sq;
  acc.signal = signal;
}

/**
 * Multiplying by 1/scale instead of dividing is much faster but can differ from float32
 * x / scale in the last bit. That only matters when the quotient sits within this distance
 * of a rounding tie (|x / scale| <= 128 here, so the relative error of ~1e-7 stays far below it);
 * such values are redone with the exact division.
 */
const NEAR_TIE = 0.5 - 1e-4;

/** Quantizes x[start, end) with one scale/zero point, no error figures (the fast path for big tensors). */
function quantizeBlockFast(x: Float32Array, out: Int8Array, start: number, end: number, s: number, z: number, check: Checkpoint): void {
  const inv = 1 / s;
  for (let from = start; from < end; from += CHECK_EVERY) {
    check();
    const to = Math.min(end, from + CHECK_EVERY);
    for (let i = from; i < to; i++) {
      const v = x[i]!;
      const r = v * inv;
      let q = r + RNE_MAGIC - RNE_MAGIC;
      const d = r - q;
      if (d > NEAR_TIE || d < -NEAR_TIE) q = Math.fround(v / s) + RNE_MAGIC - RNE_MAGIC;
      q += z;
      out[i] = q > QMAX ? QMAX : q < QMIN ? QMIN : q;
    }
  }
}

function quantizeInterleavedFast(x: Float32Array, out: Int8Array, scales: Float32Array, zeroPoints: Int8Array, check: Checkpoint): void {
  const channels = scales.length;
  const inv = new Float64Array(channels);
  for (let c = 0; c < channels; c++) inv[c] = 1 / scales[c]!;
  // One flat loop with a wrapping channel counter: V8 keeps this far tighter than nested row/column loops.
  let c = 0;
  for (let start = 0; start < x.length; start += CHECK_EVERY) {
    check();
    const end = Math.min(x.length, start + CHECK_EVERY);
    for (let i = start; i < end; i++) {
      const v = x[i]!;
      const r = v * inv[c]!;
      let q = r + RNE_MAGIC - RNE_MAGIC;
      const d = r - q;
      if (d > NEAR_TIE || d < -NEAR_TIE) q = Math.fround(v / scales[c]!) + RNE_MAGIC - RNE_MAGIC;
      q += zeroPoints[c]!;
      out[i] = q > QMAX ? QMAX : q < QMIN ? QMIN : q;
      if (++c === channels) c = 0;
    }
  }
}

/** Error figures from every `stride`-th element of an already quantized tensor. */
function sampleErrors(x: Float32Array, q: Int8Array, layout: AxisLayout, scales: Float32Array, zeroPoints: Int8Array, stride: number, acc: ErrorSums): number {
  const { channels, inner } = layout;
  let count = 0;
  for (let i = 0; i < x.length; i += stride, count++) {
    const c = ((i / inner) | 0) % channels;
    const v = x[i]!;
    const e = v - Math.fround((q[i]! - zeroPoints[c]!) * scales[c]!);
    const a = e < 0 ? -e : e;
    acc.abs += a;
    if (a > acc.max) acc.max = a;
    acc.sq += e * e;
    acc.signal += v * v;
  }
  return count;
}

/** Tensors up to this many elements (1 MB of float32) get exact error figures; bigger ones a strided sample of about SAMPLE_SIZE (65k) elements, since computing them in the quantization loop doubles its cost. */
export const EXACT_STATS_LIMIT = 1 << 18;
const SAMPLE_SIZE = 1 << 16;

/**
 * Quantizes `x` (laid out as `layout`) to int8 with one scale per channel. When `symmetric`,
 * zero points are 0 and scale = max|x| / 127; otherwise the channel's [min, max] (widened to
 * include 0) maps onto [-128, 127]. Check `nonFinite` on the result. `check` is called every
 * CHECK_EVERY elements or so and may throw (AbortError) to stop mid-tensor.
 */
export function quantizeInt8(x: Float32Array, layout: AxisLayout, symmetric: boolean, options: { simd?: boolean; check?: Checkpoint } = {}): Int8Quantized {
  const { outer, channels, inner } = layout;
  const check = options.check ?? noCheckpoint;
  const n = outer * channels * inner;
  if (n !== x.length) throw new RangeError(`Layout ${outer}x${channels}x${inner} does not match ${x.length} values.`);
  const big = n > EXACT_STATS_LIMIT;
  const simd = big && options.simd !== false ? simdRanges(x, layout, check) : undefined;
  const js = simd ? undefined : channelRanges(x, layout, check);
  const { lo, hi } = simd ?? js!;
  const nonFinite = simd ? simd.nonFinite : !Number.isFinite(js!.total);
  const { scales, zeroPoints } = channelParams(lo, hi, symmetric);
  const values = new Int8Array(n);
  const acc: ErrorSums = { abs: 0, max: 0, sq: 0, signal: 0 };
  let counted = n;
  if (big) {
    // Error figures in the same loop cost as much as the quantization itself; big tensors sample them.
    if (simd) simd.quantize(scales, zeroPoints, values);
    else if (inner === 1) quantizeInterleavedFast(x, values, scales, zeroPoints, check);
    else {
      for (let o = 0; o < outer; o++) {
        for (let c = 0; c < channels; c++) {
          const start = (o * channels + c) * inner;
          quantizeBlockFast(x, values, start, start + inner, scales[c]!, zeroPoints[c]!, check);
        }
      }
    }
    counted = sampleErrors(x, values, layout, scales, zeroPoints, Math.ceil(n / SAMPLE_SIZE), acc);
  } else {
    quantizeExact(x, values, layout, scales, zeroPoints, acc, check);
  }
  const sqnrDb = acc.sq === 0 ? Infinity : 10 * Math.log10(acc.signal / acc.sq);
  return { values, scales, zeroPoints, maxAbsError: acc.max, meanAbsError: counted === 0 ? 0 : acc.abs / counted, sqnrDb, nonFinite, sampled: counted < n };
}
