import { WASM_BASE64 } from './wasm/float16-wasm';
import { ensureMemory, wasmKernel } from './wasm-kernel';

/**
 * Host side of the WebAssembly SIMD float16 kernel (wasm/float16.wat). Steps that hold a value
 * the kernel leaves alone (overflow, infinity, NaN) and the last few elements go through
 * `scalar`, the JavaScript conversion, which also counts and clamps them.
 */
interface KernelExports {
  memory: WebAssembly.Memory;
  to_half(x: number, out: number, n: number, counts: number): number;
}

const kernels = wasmKernel<KernelExports>(WASM_BASE64);

export interface HalfCounts {
  clamped: number;
  flushed: number;
  nonFinite: number;
}

/** Converts the JavaScript way: float32 values (and their bits) in, float16 bits out. */
export type ScalarHalf = (x: Float32Array, xBits: Int32Array, out: Uint16Array) => HalfCounts;

/** One step of the kernel: eight values. */
const STEP = 8;

/**
 * Float16 bits of `count` little-endian float32 values in `raw` (any alignment: the bytes are
 * copied into the kernel's memory), or undefined where the kernel cannot run.
 */
export function float16FromRawSimd(raw: Uint8Array, count: number, scalar: ScalarHalf): { bits: Uint16Array<ArrayBuffer>; counts: HalfCounts } | undefined {
  const k = kernels();
  if (!k) return undefined;
  const xAt = 0;
  const outAt = Math.ceil((4 * count) / 16) * 16;
  const countsAt = outAt + Math.ceil((2 * count) / 16) * 16;
  if (!ensureMemory(k.memory, countsAt + 16)) return undefined;
  const mem = k.memory.buffer;
  new Uint8Array(mem, xAt, 4 * count).set(raw.subarray(0, 4 * count));
  const x = new Float32Array(mem, xAt, count);
  const xBits = new Int32Array(mem, xAt, count);
  const out = new Uint16Array(mem, outAt, count);
  const flushedSeen = new Int32Array(mem, countsAt, 1);
  const counts: HalfCounts = { clamped: 0, flushed: 0, nonFinite: 0 };
  let i = 0;
  while (i < count) {
    const stop = i + k.to_half(xAt + 4 * i, outAt + 2 * i, count - i, countsAt);
    counts.flushed += flushedSeen[0]!;
    if (stop >= count) break;
    const end = Math.min(count, stop + STEP);
    const c = scalar(x.subarray(stop, end), xBits.subarray(stop, end), out.subarray(stop, end));
    counts.clamped += c.clamped;
    counts.flushed += c.flushed;
    counts.nonFinite += c.nonFinite;
    i = end;
  }
  return { bits: out.slice(), counts };
}

/** Whether the WebAssembly SIMD float16 kernel runs on this host. */
export function float16SimdAvailable(): boolean {
  return kernels() !== null;
}
