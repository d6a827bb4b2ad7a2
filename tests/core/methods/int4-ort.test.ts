/**
 * The int4 packing checked against onnxruntime-web's own MatMulNBits (WASM): the output of the
 * rewritten model must equal A times the weight we decode from its stored tensors, so a wrong
 * nibble order, scale layout or zero-point packing fails loudly. WebGPU is not testable here
 * (Node has no GPU); the WebGPU kernel reads the same layout per the contrib-op spec.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { graph, model, node, valueInfo, type AttrValue } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import type { ModelIR } from '../../../src/core/ir/model';
import { makeFloatTensor, readFloat32, tensorDims } from '../../../src/core/ir/tensor';
import { attrInt } from '../../../src/core/graph/attrs';
import { int4 } from '../../../src/core/methods/int4';
import { blockGrid, dequantizeInt4 } from '../../../src/core/methods/kernels/quantize-int4';
import type { NodeProto } from '../../../src/core/onnx/schema';
import { createNodeRuntime } from '../../../src/runtime/node';
import { randn, runModel } from './run-helpers';

const runtime = createNodeRuntime();

interface Case {
  m: number;
  k: number;
  n: number;
  block: number;
  symmetric: boolean;
  op: 'MatMul' | 'Gemm';
  transB: boolean;
  alpha: number;
  bias: boolean;
  accuracyLevel: number;
  seed: number;
}


function buildModel(c: Case): ModelIR {
  const w = makeFloatTensor('W', c.transB ? [c.n, c.k] : [c.k, c.n], randn(c.seed, c.k * c.n, 0.3));
  const inits = [w];
  let nodes: NodeProto[];
  if (c.op === 'MatMul') {
    nodes = [node('MatMul', ['a', 'W'], ['y'], {}, { name: 'mm' })];
  } else {
    const attrs: Record<string, AttrValue> = { transB: c.transB ? 1 : 0, alpha: { float: c.alpha } };
    if (c.bias) inits.push(makeFloatTensor('C', [c.n], randn(c.seed + 1, c.n, 1)));
    nodes = [node('Gemm', ['a', 'W', ...(c.bias ? ['C'] : [])], ['y'], attrs, { name: 'gemm' })];
  }
  return model(graph({ inputs: [valueInfo('a', DT.FLOAT, [c.m, c.k])], outputs: [valueInfo('y', DT.FLOAT, [c.m, c.n])], initializers: inits, nodes }), { '': 13 });
}

/** A times the weight decoded from the MatMulNBits node's stored tensors, plus the bias Add if any (float64). */
function expectedOutput(q: ModelIR, a: Float32Array, m: number): { y: Float64Array; w: Float32Array } {
  const g = q.graph!;
  const nbits = g.node.find((n) => n.opType === 'MatMulNBits')!;
  expect(nbits.domain).toBe('com.microsoft');
  const K = attrInt(nbits, 'K')!;
  const N = attrInt(nbits, 'N')!;
  expect(attrInt(nbits, 'bits')).toBe(4);
  const grid = blockGrid(K, N, attrInt(nbits, 'block_size')!);
  const byName = new Map(g.initializer.map((t) => [t.name, t]));
  const b = byName.get(nbits.input[1]!)!;
  const scales = byName.get(nbits.input[2]!)!;
  const zp = nbits.input[3] ? byName.get(nbits.input[3])! : undefined;
  expect(tensorDims(b)).toEqual([N, grid.blocks, grid.blobSize]);
  expect(tensorDims(scales)).toEqual([N, grid.blocks]);
  // Unpack the stored zero points (two per byte, block 2i in the low nibble) or take the default 8.
  const zeroPoints = new Uint8Array(N * grid.blocks).fill(8);
  if (zp) {
    const perColumn = Math.ceil(grid.blocks / 2);
    expect(tensorDims(zp)).toEqual([N, perColumn]);
    for (let n = 0; n < N; n++) {
      for (let blk = 0; blk < grid.blocks; blk++) zeroPoints[n * grid.blocks + blk] = (zp.rawData[n * perColumn + (blk >> 1)]! >> ((blk & 1) * 4)) & 0xf;
    }
  }
  const w = dequantizeInt4({ grid, packed: b.rawData, scales: readFloat32(scales), zeroPoints });
  const out = new Float64Array(m * N);
  for (let i = 0; i < m; i++) {
    for (let n = 0; n < N; n++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += a[i * K + k]! * w[k * N + n]!;
      out[i * N + n] = sum;
    }
  }
  const add = g.node.find((n) => n.opType === 'Add');
  if (add) {
    const c = readFloat32(byName.get(add.input[1]!)!);
    for (let i = 0; i < m; i++) for (let n = 0; n < N; n++) out[i * N + n] = out[i * N + n]! + c[n]!;
  }
  return { y: out, w };
}

function relL2(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < want.length; i++) {
    d += (got[i]! - want[i]!) ** 2;
    s += want[i]! ** 2;
  }
  return s === 0 ? Math.sqrt(d) : Math.sqrt(d / s);
}

/** The original weight as [K, N] times Gemm's alpha (what the decoded weight approximates). */
function originalWeight(c: Case, m: ModelIR): Float32Array {
  const w = readFloat32(m.graph!.initializer.find((t) => t.name === 'W')!);
  const out = new Float32Array(c.k * c.n);
  for (let k = 0; k < c.k; k++) for (let n = 0; n < c.n; n++) out[k * c.n + n] = c.alpha * (c.transB ? w[n * c.k + k]! : w[k * c.n + n]!);
  return out;
}

async function check(c: Case): Promise<{ vsDecoded: number; weightError: number }> {
  const original = buildModel(c);
  const out = await int4.apply(original, { block: c.block, symmetric: c.symmetric, accuracyLevel: c.accuracyLevel, minElements: 1 } as never);
  expect(out.tensors).toBe(1);
  const a = randn(c.seed + 2, c.m * c.k, 1);
  const feeds = { a: { dtype: 'float32' as const, dims: [c.m, c.k], data: a } };
  const got = (await runModel(runtime, out.model, feeds)).y!.data as Float32Array;
  const expected = expectedOutput(out.model, a, c.m);
  return { vsDecoded: relL2(got, expected.y), weightError: relL2(expected.w, originalWeight(c, original)) };
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  m: fc.integer({ min: 1, max: 3 }),
  k: fc.integer({ min: 1, max: 96 }),
  n: fc.integer({ min: 1, max: 12 }),
  block: fc.constantFrom(16, 32, 64, 128),
  symmetric: fc.boolean(),
  op: fc.constantFrom('MatMul' as const, 'Gemm' as const),
  transB: fc.boolean(),
  alpha: fc.constantFrom(1, 0.5, 2),
  bias: fc.boolean(),
  accuracyLevel: fc.constant(0),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
}).map((c) => (c.op === 'MatMul' ? { ...c, transB: false, alpha: 1, bias: false } : c));

describe('int4 in onnxruntime-web (MatMulNBits, WASM)', () => {
  it('runs each random MatMul/Gemm to A x (its decoded 4-bit weight) within 1e-4 relative', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const { vsDecoded, weightError } = await check(c);
        expect(vsDecoded).toBeLessThan(1e-4);
        // And the decoded 4-bit weight is a fair copy of the float one (a garbled one lands near 1.4).
        expect(weightError).toBeLessThan(0.2);
      }),
      { numRuns: 40 },
    );
  });

  it('odd shapes: K = 1, K one past a block, asymmetric with an odd block count', async () => {
    const base: Case = { m: 2, k: 1, n: 3, block: 16, symmetric: true, op: 'MatMul', transB: false, alpha: 1, bias: false, accuracyLevel: 0, seed: 5 };
    for (const c of [base, { ...base, k: 33, symmetric: false }, { ...base, k: 80, n: 7, symmetric: false, block: 32 }]) {
      expect((await check(c)).vsDecoded).toBeLessThan(1e-4);
    }
  });

  it('accuracy_level 4 (int8 activations inside the kernel) loads and stays close', async () => {
    const c: Case = { m: 2, k: 128, n: 16, block: 32, symmetric: true, op: 'MatMul', transB: false, alpha: 1, bias: false, accuracyLevel: 4, seed: 9 };
    const { vsDecoded } = await check(c);
    expect(vsDecoded).toBeLessThan(0.02);
  });
});
