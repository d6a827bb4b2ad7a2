import { describe, expect, it } from 'vitest';
import { int4 } from '../../../src/core/methods/int4';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { makeFloatTensor } from '../../../src/core/ir/tensor';
import type { ModelIR } from '../../../src/core/ir/model';
import { createNodeRuntime } from '../../../src/runtime/node';
import { ops, randn, runModel, seededFeeds, worstCosine } from './run-helpers';

const runtime = createNodeRuntime();
const M = 12;
const K = 64;
const N = 48;

type Attrs = Record<string, number | { float: number }>;

/** One Gemm y = alpha * op(A) op(B) + beta * C with A fed as x ([M, K], or [K, M] when transA=1). */
function gemmModel(attrs: Attrs, bias: 'none' | 'constant' | 'input' | 'shared'): ModelIR {
  const transA = attrs.transA === 1;
  const transB = attrs.transB === 1;
  const inits = [makeFloatTensor('W', transB ? [N, K] : [K, N], randn(3, K * N))];
  const inputs = [valueInfo('x', DT.FLOAT, transA ? [K, M] : [M, K])];
  const outputs = [valueInfo('y', DT.FLOAT, [M, N])];
  const nodes = [node('Gemm', ['x', 'W', ...(bias === 'none' ? [] : ['C'])], ['y'], attrs, { name: 'gemm' })];
  if (bias === 'input') inputs.push(valueInfo('C', DT.FLOAT, [N]));
  else if (bias !== 'none') inits.push(makeFloatTensor('C', [N], randn(4, N, 1)));
  if (bias === 'shared') {
    // Another reader of C: it must keep its float copy.
    outputs.push(valueInfo('c2', DT.FLOAT, [N]));
    nodes.push(node('Relu', ['C'], ['c2'], {}, { name: 'relu' }));
  }
  return model(graph({ inputs, outputs, initializers: inits, nodes }), { '': 13 });
}

function feedsFor(m: ModelIR) {
  const shapes: Record<string, { dtype: 'float32'; dims: number[] }> = {};
  for (const v of m.graph!.input) {
    const dims = v.type!.value.case === 'tensorType' ? v.type!.value.value.shape!.dim.map((d) => Number(d.value.value)) : [];
    shapes[v.name] = { dtype: 'float32', dims };
  }
  return seededFeeds(shapes, 5);
}

describe('int4 on every Gemm form (MatMulNBits, run in onnxruntime-web against the float Gemm)', () => {
  const cases: { name: string; attrs: Attrs; bias: 'none' | 'constant' | 'input' | 'shared'; expectOps: string[] }[] = [
    { name: 'transA=1', attrs: { transA: 1 }, bias: 'constant', expectOps: ['Transpose', 'MatMulNBits', 'Add'] },
    { name: 'transA=1, transB=1, no bias', attrs: { transA: 1, transB: 1 }, bias: 'none', expectOps: ['Transpose', 'MatMulNBits'] },
    { name: 'alpha=0.5, transB=1', attrs: { alpha: { float: 0.5 }, transB: 1 }, bias: 'constant', expectOps: ['MatMulNBits', 'Add'] },
    { name: 'beta=2.5 on a constant bias (folded)', attrs: { beta: { float: 2.5 } }, bias: 'constant', expectOps: ['Constant', 'MatMulNBits', 'Add'] },
    { name: 'beta=-0.75 on a bias fed as an input (Mul)', attrs: { beta: { float: -0.75 } }, bias: 'input', expectOps: ['Constant', 'Mul', 'MatMulNBits', 'Add'] },
    { name: 'beta=3 on a bias another node reads', attrs: { beta: { float: 3 } }, bias: 'shared', expectOps: ['Constant', 'MatMulNBits', 'Add', 'Relu'] },
    {
      name: 'transA=1, transB=1, alpha=1.5, beta=0.5',
      attrs: { transA: 1, transB: 1, alpha: { float: 1.5 }, beta: { float: 0.5 } },
      bias: 'constant',
      expectOps: ['Transpose', 'Constant', 'MatMulNBits', 'Add'],
    },
  ];
  for (const c of cases) {
    it(`${c.name}: cosine >= 0.99 vs the float model, same outputs otherwise`, async () => {
      const m = gemmModel(c.attrs, c.bias);
      const out = await int4.apply(m, { block: 32 } as never);
      expect(out.tensors).toBe(1);
      expect(ops(out.model)).toEqual(c.expectOps);
      expect(out.warnings.join(' ')).not.toMatch(/Kept/);
      const names = out.model.graph!.initializer.map((t) => t.name);
      // A constant bias only this Gemm read is replaced by its scaled copy; a shared one stays.
      if (c.bias === 'constant') expect(names.includes('C')).toBe(!('beta' in c.attrs));
      if (c.bias === 'shared') expect(names).toContain('C');
      const feeds = feedsFor(m);
      const ref = await runModel(runtime, m, feeds);
      const got = await runModel(runtime, out.model, feeds);
      const cos = worstCosine(ref, got);
      console.log(`int4 block 32, Gemm ${c.name}: cosine ${cos.toFixed(6)}`);
      expect(cos).toBeGreaterThanOrEqual(0.99);
      if (c.bias === 'shared') expect(got.c2!.data).toEqual(ref.c2!.data);
    });
  }

  it('beta is honoured, not dropped: the same Gemm with beta=1 differs from the reference by the bias term', async () => {
    const m = gemmModel({ beta: { float: 4 } }, 'constant');
    const plain = gemmModel({}, 'constant');
    const feeds = feedsFor(m);
    const ref = await runModel(runtime, m, feeds);
    const quantized = await runModel(runtime, (await int4.apply(m, {} as never)).model, feeds);
    const wrongBeta = await runModel(runtime, plain, feeds);
    expect(worstCosine(ref, quantized)).toBeGreaterThan(worstCosine(ref, wrongBeta));
  });
});
