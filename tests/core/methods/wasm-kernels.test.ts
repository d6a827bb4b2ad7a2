import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript build script without type declarations
import { KERNELS, assemble, generatedPath, generatedSource } from '../../../scripts/build-wasm-kernels.mjs';

import { int8SimdAvailable } from '../../../src/core/methods/kernels/quantize-int8-simd';
import { float16SimdAvailable } from '../../../src/core/methods/kernels/float16-simd';

describe('WebAssembly kernels', () => {
  it('run here (Node 20 has WebAssembly SIMD), so the SIMD tests exercise them', () => {
    expect(int8SimdAvailable()).toBe(true);
    expect(float16SimdAvailable()).toBe(true);
  });

  it('the committed modules are exactly what their .wat sources assemble to', async () => {
    for (const wat of KERNELS as string[]) {
      const expected = generatedSource(wat, await assemble(wat));
      expect(readFileSync(generatedPath(wat), 'utf8'), `${wat}: run node scripts/build-wasm-kernels.mjs`).toBe(expected);
    }
  });
});
