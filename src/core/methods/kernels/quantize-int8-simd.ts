import { WASM_BASE64 } from './wasm/quantize-int8-wasm';
import type { AxisLayout } from './quantize-int8';
import { ensureMemory, wasmKernel } from './wasm-kernel';
import { CHECK_EVERY, rowsPerCheck, type Checkpoint } from '../../util/checkpoint';

/**
 * Host side of the WebAssembly SIMD int8 kernels (wasm/quantize-int8.wat): per-channel ranges and
 * QuantizeLinear for big tensors, several times faster than scalar JavaScript. Returns undefined
 * where WebAssembly SIMD is unavailable or the tensor is too big for its memory, and the caller
 * falls back to the JavaScript loops (which stay the reference).
 */
interface KernelExports {
  memory: WebAssembly.Memory;
  range_interleaved(x: number, rows: number, channels: number, lo: number, hi: number): void;
  range_block(x: number, count: number, lo: number, hi: number): void;
  quantize_interleaved(x: number, q: number, rows: number, channels: number, scales: number, zps: number): void;
  quantize_block(x: number, q: number, count: number, s: number, z: number): void;
}

const kernels = wasmKernel<KernelExports>(WASM_BASE64);

/** Tensors whose working set would pass this stay on the JavaScript path (wasm32 memory is at most 4 GiB). */
const MAX_WORKING_BYTES = 2 ** 31;

const align = (n: number): number => Math.ceil(n / 16) * 16;

interface Regions {
  x: number;
  q: number;
  lo: number;
  hi: number;
  scales: number;
  zps: number;
}

function reserve(k: KernelExports, n: number, channels: number): Regions | undefined {
  const x = 0;
  const q = align(x + 4 * n);
  const lo = align(q + n);
  const hi = lo + align(4 * channels);
  const scales = hi + align(4 * channels);
  const zps = scales + align(4 * channels);
  const end = zps + align(4 * channels);
  return ensureMemory(k.memory, end, MAX_WORKING_BYTES) ? { x, q, lo, hi, scales, zps } : undefined;
}

export interface SimdRanges {
  lo: Float64Array;
  hi: Float64Array;
  /** Whether x held NaN or an infinity (they propagate into the ranges). */
  nonFinite: boolean;
  /** Quantizes with the given per-channel parameters, writing into `out`. */
  quantize(scales: Float32Array, zeroPoints: Int8Array, out: Int8Array): void;
}

/** Elements per kernel call: the kernels run several times faster than JavaScript, so a checkpoint every 4 x CHECK_EVERY keeps about the same interval in time. */
const SIMD_CHECK_EVERY = 4 * CHECK_EVERY;

/** Calls `run(from, to)` over [0, count) in pieces of about `every`, with a checkpoint before each. */
function inPieces(count: number, every: number, check: Checkpoint, run: (from: number, to: number) => void): void {
  for (let from = 0; from < count; from += every) {
    check();
    run(from, Math.min(count, from + every));
  }
}

/**
 * Copies x into the kernel's memory and computes per-channel [min, max] (both starting at 0).
 * The returned `quantize` must be called before any other use of these kernels. Every call into
 * the kernel (and every copy) covers about SIMD_CHECK_EVERY elements, with `check` before each.
 */
export function simdRanges(x: Float32Array, layout: AxisLayout, check: Checkpoint): SimdRanges | undefined {
  const k = kernels();
  if (!k) return undefined;
  const { outer, channels, inner } = layout;
  const n = x.length;
  const at = reserve(k, n, channels);
  if (!at) return undefined;
  const mem = k.memory.buffer;
  const xIn = new Float32Array(mem, at.x, n);
  // Plain copies run faster still: 16 checks' worth of elements per piece.
  inPieces(n, 16 * CHECK_EVERY, check, (from, to) => xIn.set(x.subarray(from, to), from));
  const lo32 = new Float32Array(mem, at.lo, channels);
  const hi32 = new Float32Array(mem, at.hi, channels);
  lo32.fill(0);
  hi32.fill(0);
  const rows = rowsPerCheck(channels) * 4;
  if (inner === 1) inPieces(outer, rows, check, (from, to) => k.range_interleaved(at.x + 4 * from * channels, to - from, channels, at.lo, at.hi));
  else {
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < channels; c++) {
        const block = at.x + 4 * (o * channels + c) * inner;
        inPieces(inner, SIMD_CHECK_EVERY, check, (from, to) => k.range_block(block + 4 * from, to - from, at.lo + 4 * c, at.hi + 4 * c));
      }
    }
  }
  const lo = Float64Array.from(lo32);
  const hi = Float64Array.from(hi32);
  let nonFinite = false;
  for (let c = 0; c < channels; c++) if (!Number.isFinite(lo[c]!) || !Number.isFinite(hi[c]!)) nonFinite = true;
  return {
    lo,
    hi,
    nonFinite,
    quantize(scales, zeroPoints, out) {
      const buf = k.memory.buffer;
      new Float32Array(buf, at.scales, channels).set(scales);
      new Int32Array(buf, at.zps, channels).set(zeroPoints);
      if (inner === 1) {
        inPieces(outer, rows, check, (from, to) => k.quantize_interleaved(at.x + 4 * from * channels, at.q + from * channels, to - from, channels, at.scales, at.zps));
      } else {
        for (let o = 0; o < outer; o++) {
          for (let c = 0; c < channels; c++) {
            const start = (o * channels + c) * inner;
            inPieces(inner, SIMD_CHECK_EVERY, check, (from, to) => k.quantize_block(at.x + 4 * (start + from), at.q + start + from, to - from, scales[c]!, zeroPoints[c]!));
          }
        }
      }
      const q = new Int8Array(buf, at.q, n);
      inPieces(n, 16 * CHECK_EVERY, check, (from, to) => out.set(q.subarray(from, to), from));
    },
  };
}

/** Whether the WebAssembly SIMD kernels run on this host. */
export function int8SimdAvailable(): boolean {
  return kernels() !== null;
}
