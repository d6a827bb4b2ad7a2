import { WASM_BASE64 } from './wasm/quantize-int8-wasm';
import type { AxisLayout } from './quantize-int8';
import { ensureMemory, wasmKernel } from './wasm-kernel';

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

/**
 * Copies x into the kernel's memory and computes per-channel [min, max] (both starting at 0).
 * The returned `quantize` must be called before any other use of these kernels.
 */
export function simdRanges(x: Float32Array, layout: AxisLayout): SimdRanges | undefined {
  const k = kernels();
  if (!k) return undefined;
  const { outer, channels, inner } = layout;
  const n = x.length;
  const at = reserve(k, n, channels);
  if (!at) return undefined;
  const mem = k.memory.buffer;
  new Float32Array(mem, at.x, n).set(x);
  const lo32 = new Float32Array(mem, at.lo, channels);
  const hi32 = new Float32Array(mem, at.hi, channels);
  lo32.fill(0);
  hi32.fill(0);
  if (inner === 1) k.range_interleaved(at.x, outer, channels, at.lo, at.hi);
  else {
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < channels; c++) k.range_block(at.x + 4 * (o * channels + c) * inner, inner, at.lo + 4 * c, at.hi + 4 * c);
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
      if (inner === 1) k.quantize_interleaved(at.x, at.q, outer, channels, at.scales, at.zps);
      else {
        for (let o = 0; o < outer; o++) {
          for (let c = 0; c < channels; c++) {
            const start = (o * channels + c) * inner;
            k.quantize_block(at.x + 4 * start, at.q + start, inner, scales[c]!, zeroPoints[c]!);
          }
        }
      }
      out.set(new Int8Array(buf, at.q, n));
    },
  };
}

/** Whether the WebAssembly SIMD kernels run on this host. */
export function int8SimdAvailable(): boolean {
  return kernels() !== null;
}
