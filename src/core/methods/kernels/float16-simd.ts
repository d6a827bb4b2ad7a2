import { WASM_BASE64 } from './wasm/float16-wasm';
import { ensureMemory, wasmKernel } from './wasm-kernel';
import { CHECK_EVERY, type Checkpoint } from '../../util/checkpoint';

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
/** Elements per kernel call between two checkpoints (a multiple of STEP; the kernel is several times faster than JavaScript). */
const SIMD_CHECK_EVERY = 4 * CHECK_EVERY;
/** Elements per piece of a plain copy between two checkpoints. */
const COPY_CHECK_EVERY = 16 * CHECK_EVERY;

/**
 * Float16 bits of `count` little-endian float32 values in `raw` (any alignment: the bytes are
 * copied into the kernel's memory), or undefined where the kernel cannot run. `check` runs before
 * every piece of about SIMD_CHECK_EVERY elements (copies included) and may throw to stop.
 */
export function float16FromRawSimd(raw: Uint8Array, count: number, scalar: ScalarHalf, check: Checkpoint): { bits: Uint16Array<ArrayBuffer>; counts: HalfCounts } | undefined {
  const k = kernels();
  if (!k) return undefined;
  const xAt = 0;
  const outAt = Math.ceil((4 * count) / 16) * 16;
  const countsAt = outAt + Math.ceil((2 * count) / 16) * 16;
  if (!ensureMemory(k.memory, countsAt + 16)) return undefined;
  const mem = k.memory.buffer;
  const xIn = new Uint8Array(mem, xAt, 4 * count);
  for (let from = 0; from < 4 * count; from += 4 * COPY_CHECK_EVERY) {
    check();
    xIn.set(raw.subarray(from, Math.min(4 * count, from + 4 * COPY_CHECK_EVERY)), from);
  }
  const x = new Float32Array(mem, xAt, count);
  const xBits = new Int32Array(mem, xAt, count);
  const out = new Uint16Array(mem, outAt, count);
  const flushedSeen = new Int32Array(mem, countsAt, 1);
  const counts: HalfCounts = { clamped: 0, flushed: 0, nonFinite: 0 };
  let i = 0;
  let nextCheck = 0;
  while (i < count) {
    if (i >= nextCheck) {
      check();
      nextCheck = i + SIMD_CHECK_EVERY;
    }
    // i and nextCheck stay multiples of STEP, so the kernel stops short of `limit` only at a special value or the tail.
    const limit = Math.min(count, nextCheck);
    const stop = i + k.to_half(xAt + 4 * i, outAt + 2 * i, limit - i, countsAt);
    counts.flushed += flushedSeen[0]!;
    if (stop >= count) break;
    if (stop >= limit) {
      i = stop;
      continue;
    }
    const end = Math.min(count, stop + STEP);
    const c = scalar(x.subarray(stop, end), xBits.subarray(stop, end), out.subarray(stop, end));
    counts.clamped += c.clamped;
    counts.flushed += c.flushed;
    counts.nonFinite += c.nonFinite;
    i = end;
  }
  const bits = new Uint16Array(count);
  for (let from = 0; from < count; from += COPY_CHECK_EVERY) {
    check();
    bits.set(out.subarray(from, Math.min(count, from + COPY_CHECK_EVERY)), from);
  }
  return { bits, counts };
}

/** Whether the WebAssembly SIMD float16 kernel runs on this host. */
export function float16SimdAvailable(): boolean {
  return kernels() !== null;
}
