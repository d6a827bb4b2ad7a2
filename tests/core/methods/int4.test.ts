import { describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import type { ModelIR } from '../../../src/core/ir/model';
import { makeFloatTensor } from '../../../src/core/ir/tensor';
import { listNodes, listWeights } from '../../../src/core/ir/walk';
import { int4 } from '../../../src/core/methods/int4';
import { getMethod, methods } from '../../../src/core/methods/registry';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import { applyRecipe, parseRecipe } from '../../../src/core/recipe';
import type { Progress } from '../../../src/core/util/progress';
import { createNodeRuntime } from '../../../src/runtime/node';
import { constantsInIf, mlp, mlpWithExternalData, transformerBlock } from '../../fixtures/models';
import { randn, runModel, seededFeeds, worstCosine } from './run-helpers';
import { layerErrors } from '../../../src/core/methods/changes';
import { storedBytes } from '../../../src/core/methods/stored-bytes';

const runtime = createNodeRuntime();


const ops = (m: ModelIR): string[] => listNodes(m).map(({ node: n }) => n.opType);

/** x[2, 512] -> 3 x (MatMul 512x512 + bias + Relu): about 3 MB of weights, so the file size is the weights. */
function wideMlp(): ModelIR {
  const d = 512;
  const inits = [];
  const nodes = [];
  let x = 'x';
  for (let i = 0; i < 3; i++) {
    inits.push(makeFloatTensor(`w${i}`, [d, d], randn(20 + i, d * d, 1 / Math.sqrt(d))), makeFloatTensor(`b${i}`, [d], randn(40 + i, d, 0.05)));
    nodes.push(node('MatMul', [x, `w${i}`], [`m${i}`], {}, { name: `fc${i}` }), node('Add', [`m${i}`, `b${i}`], [`a${i}`], {}, { name: `fc${i}.bias` }));
    nodes.push(node('Relu', [`a${i}`], [i === 2 ? 'y' : `h${i}`], {}, { name: `fc${i}.relu` }));
    x = `h${i}`;
  }
  return model(graph({ inputs: [valueInfo('x', DT.FLOAT, ['batch', d])], outputs: [valueInfo('y', DT.FLOAT, ['batch', d])], initializers: inits, nodes }), { '': 13 });
}

type Shapes = Parameters<typeof seededFeeds>[0];

const fixtures: { name: string; build: () => ModelIR; shapes: Shapes; tensors: number }[] = [
  { name: 'mlp (Gemm transB=1 + bias, MatMul)', build: () => mlp(), shapes: { x: { dtype: 'float32', dims: [3, 64] } }, tensors: 2 },
  { name: 'transformerBlock (6 MatMul projections, 3-D activations)', build: () => transformerBlock(), shapes: { x: { dtype: 'float32', dims: [1, 6, 32] } }, tensors: 6 },
  {
    name: 'mlpWithExternalData (loaded)',
    build: () => {
      const { model: m, files } = mlpWithExternalData();
      return decodeModel(encodeModel(m), { externalFiles: files });
    },
    shapes: { x: { dtype: 'float32', dims: [2, 64] } },
    tensors: 2,
  },
];

describe('int4 on the fixtures (block 32, executed in onnxruntime-web)', () => {
  it('is registered and reachable from the recipe grammar', async () => {
    expect(methods.map((m) => m.id)).toContain('int4');
    expect(getMethod('int4')).toBe(int4);
    const r = await applyRecipe(mlp(), parseRecipe('int4:block=32,symmetric=true'));
    expect(r.steps[0]!.tensors).toBe(2);
  });

  for (const f of fixtures) {
    it(`${f.name}: output cosine >= 0.99, input untouched, per-layer figures`, async () => {
      const m = f.build();
      const before = encodeModel(m).slice();
      const out = await int4.apply(m, {} as never);
      expect(encodeModel(m)).toEqual(before);
      expect(out.tensors).toBe(f.tensors);
      expect(layerErrors(out.changes)).toHaveLength(f.tensors);
      for (const l of layerErrors(out.changes)) {
        expect(l.sqnrDb).toBeGreaterThan(15);
        expect(l.maxAbsError).toBeGreaterThan(0);
        expect(l.meanAbsError).toBeLessThan(l.maxAbsError);
      }
      expect(ops(out.model).filter((o) => o === 'MatMulNBits')).toHaveLength(f.tensors);
      expect(out.model.opsetImport.find((o) => o.domain === 'com.microsoft')?.version).toBe(1n);
      const left = new Set(listWeights(out.model).map((w) => w.name));
      expect(listWeights(m).filter((w) => w.tensor.dims.length === 2 && left.has(w.name))).toEqual([]);
      expect(storedBytes(out.model)).toBeLessThan(storedBytes(m) * 0.2);
      const feeds = seededFeeds(f.shapes);
      const cos = worstCosine(await runModel(runtime, m, feeds), await runModel(runtime, out.model, feeds));
      expect(cos).toBeGreaterThanOrEqual(0.99);
    });
  }

  it('a weight-dominated model shrinks to <= 16% of its fp32 file (symmetric) and stays close', async () => {
    const m = wideMlp();
    const bytes = encodeModel(m).byteLength;
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [2, 512] } });
    const ref = await runModel(runtime, m, feeds);
    const sym = await int4.apply(m, {} as never);
    const asym = await int4.apply(m, { symmetric: false } as never);
    // 4 bits + a float32 scale per 32 weights = 5 bits per weight: 15.6% before names and biases.
    expect(encodeModel(sym.model).byteLength / bytes).toBeLessThanOrEqual(0.16);
    expect(encodeModel(asym.model).byteLength / bytes).toBeLessThanOrEqual(0.175);
    const cs = worstCosine(ref, await runModel(runtime, sym.model, feeds));
    const ca = worstCosine(ref, await runModel(runtime, asym.model, feeds));
    // Measured 0.989 (symmetric) and 0.990 (zero points): three stacked layers of unstructured
    // Gaussian weights, each at about 21 dB weight SQNR, the hardest case for 4 bits.
    expect(cs).toBeGreaterThanOrEqual(0.985);
    expect(ca).toBeGreaterThanOrEqual(0.985);
    const at128 = await int4.apply(m, { block: 128 } as never);
    expect(encodeModel(at128.model).byteLength).toBeLessThan(encodeModel(sym.model).byteLength);
  });

  it('constantsInIf: quantizes the Constant weights inside both branches, each branch still right', async () => {
    const m = constantsInIf();
    const out = await int4.apply(m, { block: 16 } as never);
    expect(out.tensors).toBe(2);
    const packed = listWeights(out.model).filter((w) => w.tensor.dataType === DT.UINT8 && w.tensor.dims.length === 3);
    expect(packed.map((w) => [w.graphPath, w.source])).toEqual([
      ['/branch.then_branch', 'constant'],
      ['/branch.else_branch', 'constant'],
    ]);
    expect(listWeights(out.model).filter((w) => w.name === 'then_w' || w.name === 'else_w')).toHaveLength(0);
    for (const flag of [0, 1]) {
      const feeds = { ...seededFeeds({ x: { dtype: 'float32', dims: [1, 16] } }), flag: { dtype: 'bool' as const, dims: [], data: Uint8Array.of(flag) } };
      expect(worstCosine(await runModel(runtime, m, feeds), await runModel(runtime, out.model, feeds))).toBeGreaterThanOrEqual(0.99);
    }
  });

  it('quantizes a shared weight once, and once per orientation; a float copy stays where others read it', async () => {
    const w = makeFloatTensor('W', [64, 64], randn(1, 64 * 64));
    const m = model(
      graph({
        inputs: [valueInfo('x', DT.FLOAT, [64, 64])],
        outputs: [valueInfo('y', DT.FLOAT, [64, 64])],
        initializers: [w],
        nodes: [
          node('MatMul', ['x', 'W'], ['a'], {}, { name: 'mm1' }),
          node('MatMul', ['a', 'W'], ['b'], {}, { name: 'mm2' }),
          node('Gemm', ['b', 'W'], ['c'], { transB: 1, alpha: { float: 0.5 } }, { name: 'gemm_t' }),
          node('Add', ['c', 'W'], ['y'], {}, { name: 'add' }),
        ],
      }),
      { '': 13 },
    );
    const out = await int4.apply(m, {} as never);
    expect(out.tensors).toBe(1);
    expect(layerErrors(out.changes).map((l) => l.name)).toEqual(['W_kn', 'W_nk']);
    const g = out.model.graph!;
    const byName = new Map(g.node.map((n) => [n.name, n]));
    expect(byName.get('mm1')!.opType).toBe('MatMulNBits');
    expect(byName.get('mm1')!.input.slice(1)).toEqual(byName.get('mm2')!.input.slice(1));
    expect(byName.get('gemm_t')!.input[1]).toBe('W_nk_Q4');
    expect(byName.get('gemm_t')!.input[2]).toBe('W_nk_alpha_scales');
    expect(byName.get('add')!.input[1]).toBe('W');
    expect(g.initializer.map((t) => t.name).sort()).toEqual(['W', 'W_kn_Q4', 'W_kn_scales', 'W_nk_Q4', 'W_nk_alpha_scales']);
    expect(out.warnings.join(' ')).toContain('float copy');
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [64, 64] } });
    expect(worstCosine(await runModel(runtime, m, feeds), await runModel(runtime, out.model, feeds))).toBeGreaterThanOrEqual(0.99);
  });

  it('rewrites Gemm with bias as MatMulNBits + Add, transA=1 with a Transpose and beta folded into a constant bias', async () => {
    const gemm = (name: string, attrs: Record<string, number | { float: number }>, bias = true) =>
      node('Gemm', ['x', `${name}.w`, ...(bias ? [`${name}.b`] : [])], [`${name}.y`], attrs, { name });
    const inits = ['g1', 'g2', 'g3', 'g4'].flatMap((n, i) => [makeFloatTensor(`${n}.w`, [32, 32], randn(10 + i, 1024)), makeFloatTensor(`${n}.b`, [32], randn(20 + i, 32))]);
    const m = model(
      graph({
        // Square, so that transA=1 is a valid product too.
        inputs: [valueInfo('x', DT.FLOAT, [32, 32])],
        outputs: ['g1', 'g2', 'g3', 'g4'].map((n) => valueInfo(`${n}.y`, DT.FLOAT, [32, 32])),
        initializers: inits,
        nodes: [gemm('g1', {}), gemm('g2', { transB: 1, alpha: { float: 2 } }, false), gemm('g3', { beta: { float: 0.5 } }), gemm('g4', { transA: 1 })],
      }),
      { '': 13 },
    );
    const out = await int4.apply(m, { block: 16, symmetric: false } as never);
    expect(out.tensors).toBe(4);
    expect(out.model.graph!.node.map((n) => n.opType)).toEqual(['MatMulNBits', 'Add', 'MatMulNBits', 'Constant', 'MatMulNBits', 'Add', 'Transpose', 'MatMulNBits', 'Add']);
    expect(out.model.graph!.node[0]!.input).toHaveLength(4); // zero points when asymmetric
    expect(out.model.graph!.initializer.map((t) => t.name)).not.toContain('g3.b'); // folded into the Constant
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [32, 32] } });
    expect(worstCosine(await runModel(runtime, m, feeds), await runModel(runtime, out.model, feeds))).toBeGreaterThanOrEqual(0.99);
  });

  it('honours block, accuracyLevel, minElements, opTypes and excludeNodes; rejects a block size MatMulNBits does not take', async () => {
    const m = transformerBlock();
    const at64 = await int4.apply(m, { block: 64, accuracyLevel: 4 } as never);
    const nbits = at64.model.graph!.node.find((n) => n.opType === 'MatMulNBits')!;
    const attrs = Object.fromEntries(nbits.attribute.map((a) => [a.name, Number(a.i)]));
    expect(attrs).toEqual({ K: 32, N: 32, bits: 4, block_size: 64, accuracy_level: 4 });
    expect((await int4.apply(m, { minElements: 2048 } as never)).tensors).toBe(2);
    expect((await int4.apply(m, { excludeNodes: ['attn.q_proj', 'mlp.fc1'] } as never)).tensors).toBe(4);
    expect((await int4.apply(mlp(), { opTypes: ['Gemm'] } as never)).tensors).toBe(1);
    await expect(int4.apply(m, { block: 48 } as never)).rejects.toMatchObject({ name: 'RecipeError', message: expect.stringMatching(/16, 32, 64, 128, 256; found 48/) });
    await expect(int4.apply(m, { opTypes: ['Conv'] } as never)).rejects.toMatchObject({ name: 'RecipeError' });
  });

  it('hands back the input model itself when no weight qualifies, and keeps MatMuls whose input is 1-D', async () => {
    const m = mlp();
    const r = await int4.apply(m, { minElements: 1_000_000 } as never);
    expect(r.model).toBe(m);
    expect(r.warnings.join(' ')).toMatch(/unchanged/);
    const vec = model(
      graph({
        inputs: [valueInfo('v', DT.FLOAT, [64])],
        outputs: [valueInfo('y', DT.FLOAT, [32])],
        initializers: [makeFloatTensor('W', [64, 32], randn(3, 2048))],
        nodes: [node('MatMul', ['v', 'W'], ['y'], {}, { name: 'mv' })],
      }),
    );
    const rv = await int4.apply(vec, {} as never);
    expect(rv.tensors).toBe(0);
    expect(rv.warnings.join(' ')).toMatch(/rank 1/);
  });

  it('reports progress per tensor and stops on abort', async () => {
    const seen: Progress[] = [];
    await int4.apply(transformerBlock(), {} as never, { onProgress: (p) => seen.push(p) });
    expect(seen.filter((p) => p.kind === 'step')).toHaveLength(6);
    const ac = new AbortController();
    ac.abort();
    await expect(int4.apply(transformerBlock(), {} as never, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
