/**
 * float32 -> float16 conversion of whole tensors: the bit pattern of every element in one
 * tight typed-array loop, rounding half to even exactly like `float32ToFloat16Bits` in
 * ir/fp16.ts, plus the error figures of the conversion. The normal range is a bit trick
 * (re-bias the exponent, add 0xfff plus the kept LSB, shift: carries into the exponent are the
 * correct rounding); subnormal results, overflow, infinities and NaN take a slower branch.
 */

import { float16FromRawSimd } from './float16-simd';
import { copyFloat32 } from '../../ir/tensor';
import { CHECK_EVERY, noCheckpoint, type Checkpoint } from '../../util/checkpoint';

/** The result of converting one tensor. */
export interface Float16Conversion {
  /** float16 bit patterns, one per element. */
  bits: Uint16Array<ArrayBuffer>;
  /** Finite values beyond the float16 range (|x| >= 65520, which rounds to infinity): saturated to ±65504 when clamping, else ±Inf. */
  clamped: number;
  /** Non-zero values too small for float16 (|x| <= 2^-25) that became ±0. */
  flushed: number;
  /** NaN or infinite inputs (kept as float16 NaN / infinity). */
  nonFinite: number;
  maxAbsError: number;
  meanAbsError: number;
  /** 10*log10(sum x^2 / sum (x - half(x))^2) over finite inputs; Infinity when exact. */
  sqnrDb: number;
  /** True when the error figures come from a strided sample (tensors over EXACT_STATS_LIMIT elements). */
  sampled: boolean;
}

/** Bits of float32 2^-14, the smallest normal float16. */
const MIN_NORMAL = 0x38800000;
/** Bits of float32 65520: from here on round-half-to-even gives infinity. */
const OVERFLOW = 0x477ff000;
const INF = 0x7f800000;
const NORMAL_SPAN = OVERFLOW - MIN_NORMAL;
/** (127 - 15) << 23: moves a float32 exponent to the float16 bias. */
const REBIAS = 0x38000000;
const HALF_MAX = 0x7bff;
const HALF_INF = 0x7c00;
const HALF_QNAN_BIT = 0x200;
/** Adding and subtracting 1.5 * 2^52 rounds a double to the nearest integer, ties to even. */
const RNE_MAGIC = 6755399441055744;
const TWO_POW_24 = 16777216;

interface SpecialCounts {
  clamped: number;
  flushed: number;
  nonFinite: number;
}

/**
 * Writes the float16 bits of `x` into `out` (same length). `xBits` must view the same memory as
 * `x` (as Int32Array: V8 keeps int32 loads in registers, while uint32 values >= 2^31, every
 * negative float, would become heap numbers). With `clamp`, finite values beyond the float16 range saturate to ±65504 instead of
 * becoming infinite. Returns how many values took each special case. `check` runs every CHECK_EVERY
 * elements and may throw to stop mid-tensor.
 */
export function float32ToFloat16Into(x: Float32Array, xBits: Int32Array, out: Uint16Array, clamp: boolean, check: Checkpoint = noCheckpoint): SpecialCounts {
  const n = x.length;
  const overflowBits = clamp ? HALF_MAX : HALF_INF;
  let clamped = 0;
  let flushed = 0;
  let nonFinite = 0;
  for (let start = 0; start < n; start += CHECK_EVERY) {
    check();
    const end = Math.min(n, start + CHECK_EVERY);
    for (let i = start; i < end; i++) {
      const b = xBits[i]!;
      const a = b & 0x7fffffff;
      const sign = (b >>> 16) & 0x8000;
      // One unsigned compare for MIN_NORMAL <= a < OVERFLOW.
      if ((a - MIN_NORMAL) >>> 0 < NORMAL_SPAN) {
        out[i] = sign | ((a - REBIAS + 0xfff + ((a >>> 13) & 1)) >>> 13);
      } else if (a < MIN_NORMAL) {
        // A float16 subnormal (or zero): |x| * 2^24 is exact in a double; round it half to even.
        const v = x[i]!;
        const m = (v < 0 ? -v : v) * TWO_POW_24 + RNE_MAGIC - RNE_MAGIC;
        if (m === 0 && a !== 0) flushed++;
        out[i] = sign | m;
      } else if (a < INF) {
        clamped++;
        out[i] = sign | overflowBits;
      } else {
        nonFinite++;
        out[i] = sign | HALF_INF | (a > INF ? HALF_QNAN_BIT : 0);
      }
    }
  }
  return { clamped, flushed, nonFinite };
}

/** 2^(e - 25) for float16 exponent fields e = 0..31: a normal half is (1024 + mantissa) * this. */
const HALF_SCALE = Float64Array.from({ length: 32 }, (_, e) => 2 ** (e - 25));

/** The value of a float16 bit pattern (exact in a double). */
export function float16Value(h: number): number {
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  const v = e === 0 ? m * 2 ** -24 : e === 0x1f ? (m ? NaN : Infinity) : (1024 + m) * HALF_SCALE[e]!;
  return h & 0x8000 ? -v : v;
}

/** Tensors up to this many elements get exact error figures; bigger ones a strided sample of about SAMPLE_SIZE elements. */
export const EXACT_STATS_LIMIT = 1 << 18;
const SAMPLE_SIZE = 1 << 16;

interface ErrorFigures {
  maxAbsError: number;
  meanAbsError: number;
  sqnrDb: number;
  sampled: boolean;
}

/** Error figures over every element, or every stride-th one above EXACT_STATS_LIMIT; `at(i)` reads input i. */
function errorFigures(n: number, at: (i: number) => number, bits: Uint16Array): ErrorFigures {
  const stride = n > EXACT_STATS_LIMIT ? Math.ceil(n / SAMPLE_SIZE) : 1;
  let abs = 0;
  let max = 0;
  let sq = 0;
  let signal = 0;
  let count = 0;
  for (let i = 0; i < n; i += stride) {
    const v = at(i);
    if (v - v !== 0) continue; // NaN or infinite: no error figure
    const e = v - float16Value(bits[i]!);
    const a = e < 0 ? -e : e;
    abs += a;
    if (a > max) max = a;
    sq += e * e;
    signal += v * v;
    count++;
  }
  return { maxAbsError: max, meanAbsError: count === 0 ? 0 : abs / count, sqnrDb: sq === 0 ? Infinity : 10 * Math.log10(signal / sq), sampled: stride > 1 };
}

/** Big tensors through the WebAssembly SIMD kernel, when it runs here; undefined otherwise. */
function simdConversion(raw: Uint8Array, count: number, clamp: boolean, at: (i: number) => number, simd: boolean, check: Checkpoint): Float16Conversion | undefined {
  if (!simd || count <= EXACT_STATS_LIMIT) return undefined;
  const done = float16FromRawSimd(raw, count, (x, xBits, out) => float32ToFloat16Into(x, xBits, out, clamp), check);
  return done && { bits: done.bits, ...done.counts, ...errorFigures(count, at, done.bits) };
}

/** How the conversions run: `simd: false` keeps them on the JavaScript loops; `check` is called every CHECK_EVERY elements or so and may throw (AbortError). */
export interface Float16Options {
  simd?: boolean;
  check?: Checkpoint;
}

/** Converts float32 values to float16 bit patterns with error figures; see float32ToFloat16Into. */
export function convertToFloat16(x: Float32Array, clamp: boolean, options: Float16Options = {}): Float16Conversion {
  const check = options.check ?? noCheckpoint;
  const viaSimd = simdConversion(new Uint8Array(x.buffer, x.byteOffset, x.byteLength), x.length, clamp, (i) => x[i]!, options.simd !== false, check);
  if (viaSimd) return viaSimd;
  const bits = new Uint16Array(x.length);
  const xBits = new Int32Array(x.buffer, x.byteOffset, x.length);
  const counts = float32ToFloat16Into(x, xBits, bits, clamp, check);
  return { bits, ...counts, ...errorFigures(x.length, (i) => x[i]!, bits) };
}

/** Elements per chunk when the source bytes are not 4-byte aligned (64 KB: stays in cache). */
const CHUNK = 1 << 14;

/**
 * Converts `count` little-endian float32 values stored in `raw` (a tensor's raw_data, often at an
 * odd offset inside the model file). Aligned bytes are read in place; unaligned ones pass through
 * a small aligned scratch buffer chunk by chunk instead of being copied whole.
 */
export function convertRawToFloat16(raw: Uint8Array, count: number, clamp: boolean, options: Float16Options = {}): Float16Conversion {
  if (raw.byteLength < count * 4) throw new RangeError(`Expected ${count * 4} bytes of float32 data; found ${raw.byteLength}.`);
  if (raw.byteOffset % 4 === 0) return convertToFloat16(new Float32Array(raw.buffer, raw.byteOffset, count), clamp, options);
  const check = options.check ?? noCheckpoint;
  const view = new DataView(raw.buffer, raw.byteOffset, count * 4);
  const viaSimd = simdConversion(raw, count, clamp, (i) => view.getFloat32(i * 4, true), options.simd !== false, check);
  if (viaSimd) return viaSimd;
  if (count <= EXACT_STATS_LIMIT) return convertToFloat16(copyFloat32(raw, count, check), clamp, { check });
  const bits = new Uint16Array(count);
  const scratch = new Float32Array(CHUNK);
  const scratchBits = new Int32Array(scratch.buffer);
  const scratchBytes = new Uint8Array(scratch.buffer);
  const totals: SpecialCounts = { clamped: 0, flushed: 0, nonFinite: 0 };
  for (let start = 0; start < count; start += CHUNK) {
    const len = Math.min(CHUNK, count - start);
    scratchBytes.set(raw.subarray(start * 4, (start + len) * 4));
    const c = float32ToFloat16Into(scratch.subarray(0, len), scratchBits.subarray(0, len), bits.subarray(start, start + len), clamp, check);
    totals.clamped += c.clamped;
    totals.flushed += c.flushed;
    totals.nonFinite += c.nonFinite;
  }
  return { bits, ...totals, ...errorFigures(count, (i) => view.getFloat32(i * 4, true), bits) };
}
