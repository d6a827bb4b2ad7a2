import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  blockGrid,
  dequantizeInt4,
  dequantizeValueInt4,
  packZeroPoints,
  quantizeInt4,
  quantizeValueInt4,
  readCode,
  type WeightMatrix,
} from '../../../src/core/methods/kernels/quantize-int4';

/** [K, N] row-major -> [N, K] row-major. */
function transpose(x: Float32Array, k: number, n: number): Float32Array {
  const out = new Float32Array(k * n);
  for (let r = 0; r < k; r++) for (let c = 0; c < n; c++) out[c * k + r] = x[r * n + c]!;
  return out;
}

const matrixCase = fc
  .record({ k: fc.integer({ min: 1, max: 70 }), n: fc.integer({ min: 1, max: 6 }), block: fc.constantFrom(16, 32, 64), symmetric: fc.boolean() })
  .chain((c) =>
    fc.record({
      ...Object.fromEntries(Object.entries(c).map(([key, v]) => [key, fc.constant(v)])),
      data: fc.float32Array({ minLength: c.k * c.n, maxLength: c.k * c.n, noNaN: true, noDefaultInfinity: true, min: -1e4, max: 1e4 }),
    }) as fc.Arbitrary<typeof c & { data: Float32Array }>,
  );

describe('int4 block quantization: worked example', () => {
  it('packs value 2i of a block into the low nibble of byte i and pads the last block with the zero point', () => {
    // K = 20, N = 1, block 16: two blocks, the second holding 4 values and 12 padding codes.
    const data = Float32Array.from({ length: 20 }, (_, k) => (k < 16 ? k - 8 : k - 16));
    const q = quantizeInt4({ data, k: 20, n: 1, transposed: false }, { blockSize: 16, symmetric: false });
    expect(q.grid).toEqual({ k: 20, n: 1, blockSize: 16, blocks: 2, blobSize: 8 });
    // Block 0 spans [-8, 7]: scale 1, zero point 8, codes 0..15 in order.
    expect(q.scales[0]).toBe(1);
    expect(q.zeroPoints[0]).toBe(8);
    expect([...q.packed.subarray(0, 8)]).toEqual([0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe]);
    // Block 1 spans [0, 3]: scale 0.2, zero point 0; values 0..3 -> codes 0, 5, 10, 15; padding = 0.
    expect(q.scales[1]).toBe(Math.fround(3 / 15));
    expect(q.zeroPoints[1]).toBe(0);
    expect([...q.packed.subarray(8, 16)]).toEqual([0x50, 0xfa, 0, 0, 0, 0, 0, 0]);
    expect([...q.packedZeroPoints!]).toEqual([0x08]);
    expect(q.maxAbsError).toBeLessThan(1e-6);
    expect(q.sqnrDb).toBeGreaterThan(100);
  });

  it('symmetric: the largest magnitude maps onto code 0 with a signed scale; the default zero point 8 is implied', () => {
    const data = Float32Array.of(4, -1, 0.5, 3.5, ...new Array<number>(12).fill(0));
    const q = quantizeInt4({ data, k: 16, n: 1, transposed: false }, { blockSize: 16, symmetric: true });
    expect(q.scales[0]).toBe(-0.5);
    expect(q.packedZeroPoints).toBeUndefined();
    // 4 / -0.5 = -8 -> 0; -1 -> 2 -> 10; 0.5 -> -1 -> 7; 3.5 -> -7 -> 1; zeros -> 8.
    expect([0, 1, 2, 3, 4].map((k) => readCode(q.packed, q.grid, k, 0))).toEqual([0, 10, 7, 1, 8]);
  });

  it('rounds ties to even and clamps to [0, 15]', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5].map((x) => quantizeValueInt4(x, 1, 8))).toEqual([8, 10, 10, 8, 6]);
    expect(quantizeValueInt4(100, 1, 8)).toBe(15);
    expect(quantizeValueInt4(-100, 1, 8)).toBe(0);
    expect(dequantizeValueInt4(0, -0.5, 8)).toBe(4);
  });

  it('packs zero points two per byte per column, block 2i low', () => {
    const grid = blockGrid(80, 2, 16); // 5 blocks -> 3 bytes per column
    const zp = Uint8Array.of(1, 2, 3, 4, 5, 15, 14, 13, 12, 11);
    expect([...packZeroPoints(zp, grid)]).toEqual([0x21, 0x43, 0x05, 0xef, 0xcd, 0x0b]);
  });

  it('rejects block sizes the operator does not take, and flags non-finite weights', () => {
    expect(() => blockGrid(32, 1, 24)).toThrow(/power of two >= 16; found 24/);
    expect(() => blockGrid(32, 1, 8)).toThrow(RangeError);
    const q = quantizeInt4({ data: Float32Array.of(1, NaN, ...new Array<number>(14).fill(0)), k: 16, n: 1, transposed: false }, { blockSize: 16, symmetric: true });
    expect(q.nonFinite).toBe(true);
  });
});

describe('int4 block quantization properties', () => {
  it('every code is the scalar round-to-nearest of its value; values come back within half a step (a full step where symmetric clips)', () => {
    fc.assert(
      fc.property(matrixCase, ({ k, n, block, symmetric, data }) => {
        const q = quantizeInt4({ data, k, n, transposed: false }, { blockSize: block, symmetric });
        expect(q.nonFinite).toBe(false);
        const { blocks } = q.grid;
        const deq = dequantizeInt4(q);
        for (let c = 0; c < n; c++) {
          for (let r = 0; r < blocks * block; r++) {
            const at = c * blocks + Math.floor(r / block);
            const s = q.scales[at]!;
            const z = q.zeroPoints[at]!;
            const code = readCode(q.packed, q.grid, r, c);
            if (r >= k) {
              expect(code).toBe(z); // padding holds the code of 0
              continue;
            }
            const x = data[r * n + c]!;
            expect(code).toBe(quantizeValueInt4(x, s, z));
            const err = Math.abs(x - deq[r * n + c]!);
            const clipped = symmetric && code === 15 && x / s > 7.5;
            expect(err).toBeLessThanOrEqual(Math.abs(s) * (clipped ? 1 : 0.5) * (1 + 1e-6) + Math.abs(x) * 1e-6 + 1e-38); // + float32 subnormal spacing
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a [N, K] (Gemm transB=1) weight gives exactly the bytes of its [K, N] transpose', () => {
    fc.assert(
      fc.property(matrixCase, ({ k, n, block, symmetric, data }) => {
        const kn: WeightMatrix = { data, k, n, transposed: false };
        const nk: WeightMatrix = { data: transpose(data, k, n), k, n, transposed: true };
        const a = quantizeInt4(kn, { blockSize: block, symmetric });
        const b = quantizeInt4(nk, { blockSize: block, symmetric });
        expect(b.packed).toEqual(a.packed);
        expect(b.scales).toEqual(a.scales);
        expect(b.packedZeroPoints).toEqual(a.packedZeroPoints);
        expect(b.maxAbsError).toBe(a.maxAbsError);
      }),
      { numRuns: 100 },
    );
  });

  it('big tensors sample their error figures, close to the exact ones', () => {
    const k = 1024;
    const n = 320;
    const data = Float32Array.from({ length: k * n }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 7)));
    const q = quantizeInt4({ data, k, n, transposed: false }, { blockSize: 32, symmetric: true });
    expect(q.sampled).toBe(true);
    const deq = dequantizeInt4(q);
    let sq = 0;
    let signal = 0;
    for (let i = 0; i < data.length; i++) {
      sq += (data[i]! - deq[i]!) ** 2;
      signal += data[i]! ** 2;
    }
    const exactDb = 10 * Math.log10(signal / sq);
    expect(Math.abs(q.sqnrDb - exactDb)).toBeLessThan(0.3);
    const t = quantizeInt4({ data: transpose(data, k, n), k, n, transposed: true }, { blockSize: 32, symmetric: true });
    expect(t.packed).toEqual(q.packed);
    expect(t.sampled).toBe(true);
    expect(Math.abs(t.sqnrDb - exactDb)).toBeLessThan(0.3);
  });
});
