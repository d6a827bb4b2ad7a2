import type { WasmFeatures } from './profile';

/**
 * The smallest modules that use each feature, assembled by hand: the magic and version, a type
 * section, one function, and a code section whose body uses the feature. WebAssembly.validate
 * accepts them only where the engine has the feature.
 */
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** A module with one function of type `type` (the type section's bytes) whose body is `body` (locals excluded). */
function moduleWith(typeSection: number[], body: number[], memorySection: number[] = []): Uint8Array {
  const fn = [0x00, ...body, 0x0b]; // no locals, the body, end
  const code = [0x01, fn.length, ...fn];
  return Uint8Array.from([
    ...HEADER,
    0x01, typeSection.length, ...typeSection, // type section
    0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
    ...memorySection,
    0x0a, code.length, ...code, // code section
  ]);
}

/** () -> v128: v128.const of zeros. */
const SIMD = moduleWith([0x01, 0x60, 0x00, 0x01, 0x7b], [0xfd, 0x0c, ...new Array<number>(16).fill(0)]);

/** () -> v128: three f32x4.splat of 0, then f32x4.relaxed_madd (0xfd 0x85 0x02). */
const RELAXED_SIMD = moduleWith(
  [0x01, 0x60, 0x00, 0x01, 0x7b],
  [0x43, 0, 0, 0, 0, 0xfd, 0x13, 0x43, 0, 0, 0, 0, 0xfd, 0x13, 0x43, 0, 0, 0, 0, 0xfd, 0x13, 0xfd, 0x85, 0x02],
);

/** () -> (): a shared memory (limits flag 3: shared, min 1, max 1) and i32.atomic.load of address 0, dropped. */
const THREADS = moduleWith([0x01, 0x60, 0x00, 0x00], [0x41, 0x00, 0xfe, 0x10, 0x02, 0x00, 0x1a], [0x05, 0x04, 0x01, 0x03, 0x01, 0x01]);

export const WASM_FEATURE_MODULES = { simd: SIMD, relaxedSimd: RELAXED_SIMD, threads: THREADS } as const;

/** Which features `validate` (WebAssembly.validate by default) accepts; false where it throws. */
export function detectWasmFeatures(validate: (bytes: Uint8Array) => boolean = (b) => WebAssembly.validate(b as Uint8Array<ArrayBuffer>)): WasmFeatures {
  const check = (bytes: Uint8Array): boolean => {
    try {
      return validate(bytes);
    } catch {
      return false;
    }
  };
  return { simd: check(SIMD), threads: check(THREADS), relaxedSimd: check(RELAXED_SIMD) };
}
