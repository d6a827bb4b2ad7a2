import { describe, expect, it } from 'vitest';
import { fp16Weight } from '../../../src/core/methods/fp16-weight';
import { getMethod, methods } from '../../../src/core/methods/registry';
import { encodeModel } from '../../../src/core/onnx/encode';
import { decodeModel } from '../../../src/core/onnx/decode';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { makeFloatTensor, readFloat32 } from '../../../src/core/ir/tensor';
import { listNodes, listWeights } from '../../../src/core/ir/walk';
import type { Progress } from '../../../src/core/util/progress';
import type { ModelIR } from '../../../src/core/ir/model';
import { createNodeRuntime } from '../../../src/runtime/node';
import { constantsInIf, convBnRelu, mlp, mlpWithExternalData, transformerBlock } from '../../fixtures/models';
import { randn, runModel, seededFeeds, worstCosine } from './run-helpers';
import { layerErrors } from '../../../src/core/methods/changes';
import { storedBytes } from '../../../src/core/methods/stored-bytes';

const runtime = createNodeRuntime();


type Shapes = Parameters<typeof seededFeeds>[0];

const fixtures: { name: string; build: () => ModelIR; shapes: Shapes; maxSizeRatio: number }[] = [
  { name: 'mlp', build: () => mlp(), shapes: { x: { dtype: 'float32', dims: [3, 64] } }, maxSizeRatio: 0.51 },
  // Small models: names, node protos and the Cast nodes weigh more next to a few hundred weights.
  { name: 'convBnRelu', build: () => convBnRelu(), shapes: { image: { dtype: 'float32', dims: [1, 3, 16, 16] } }, maxSizeRatio: 0.8 },
  { name: 'transformerBlock', build: () => transformerBlock(), shapes: { x: { dtype: 'float32', dims: [1, 6, 32] } }, maxSizeRatio: 0.55 },
  {
    name: 'mlpWithExternalData',
    build: () => {
      const { model: m, files } = mlpWithExternalData();
      return decodeModel(encodeModel(m), { externalFiles: files });
    },
    shapes: { x: { dtype: 'float32', dims: [2, 64] } },
    maxSizeRatio: 0.51,
  },
];

describe('fp16-weight on the fixtures', () => {
  it('is registered', () => {
    expect(methods.map((m) => m.id)).toContain('fp16-weight');
    expect(getMethod('fp16-weight')).toBe(fp16Weight);
  });

  for (const f of fixtures) {
    it(`${f.name}: float16 storage with a Cast to float32 per weight, cosine >= 0.9999 in onnxruntime-web, input untouched`, async () => {
      const m = f.build();
      const before = encodeModel(m).slice();
      const out = await fp16Weight.apply(m, {} as never);
      expect(encodeModel(m)).toEqual(before);
      expect(out.tensors).toBeGreaterThan(0);
      expect(layerErrors(out.changes)).toHaveLength(out.tensors);
      for (const l of layerErrors(out.changes)) {
        expect(l.sqnrDb).toBeGreaterThan(60);
        expect(l.maxAbsError).toBeLessThan(1e-3);
      }
      const half = listWeights(out.model).filter((w) => w.tensor.dataType === DT.FLOAT16);
      expect(half).toHaveLength(out.tensors);
      const casts = listNodes(out.model).filter(({ node: n }) => n.opType === 'Cast');
      expect(casts).toHaveLength(out.tensors);
      for (const { node: c } of casts) expect(Number(c.attribute.find((a) => a.name === 'to')!.i)).toBe(DT.FLOAT);
      // Weights under minElements (convBnRelu's 8-channel norm parameters) stay float32.
      expect(storedBytes(out.model) / storedBytes(m)).toBeLessThanOrEqual(f.name === 'convBnRelu' ? 0.6 : 0.501);
      const feeds = seededFeeds(f.shapes);
      const cos = worstCosine(await runModel(runtime, m, feeds), await runModel(runtime, out.model, feeds));
      expect(cos).toBeGreaterThanOrEqual(0.9999);
      expect(encodeModel(out.model).byteLength / before.byteLength).toBeLessThanOrEqual(f.maxSizeRatio);
    });
  }

  it('constantsInIf: converts the Constant weights inside both branches', async () => {
    const m = constantsInIf();
    const out = await fp16Weight.apply(m, {} as never);
    expect(out.tensors).toBe(2);
    const half = listWeights(out.model).filter((w) => w.tensor.dataType === DT.FLOAT16);
    expect(half.map((w) => [w.graphPath, w.source])).toEqual([
      ['/branch.then_branch', 'constant'],
      ['/branch.else_branch', 'constant'],
    ]);
    for (const flag of [0, 1]) {
      const feeds = { ...seededFeeds({ x: { dtype: 'float32', dims: [1, 16] } }), flag: { dtype: 'bool' as const, dims: [], data: Uint8Array.of(flag) } };
      expect(worstCosine(await runModel(runtime, m, feeds), await runModel(runtime, out.model, feeds))).toBeGreaterThanOrEqual(0.9999);
    }
  });

  it('converts a shared weight once: every reader, a graph output too, reads the one Cast', async () => {
    const m = model(
      graph({
        inputs: [valueInfo('x', DT.FLOAT, [32, 32])],
        outputs: [valueInfo('y', DT.FLOAT, [32, 32]), valueInfo('W', DT.FLOAT, [32, 32])],
        initializers: [makeFloatTensor('W', [32, 32], randn(1, 1024))],
        nodes: [node('MatMul', ['x', 'W'], ['a'], {}, { name: 'mm1' }), node('MatMul', ['a', 'W'], ['b'], {}, { name: 'mm2' }), node('Add', ['b', 'W'], ['y'], {}, { name: 'add' })],
      }),
    );
    const out = await fp16Weight.apply(m, {} as never);
    expect(out.tensors).toBe(1);
    const g = out.model.graph!;
    expect(g.initializer.map((t) => [t.name, t.dataType])).toEqual([['W_fp16', DT.FLOAT16]]);
    expect(g.node[0]!).toMatchObject({ opType: 'Cast', input: ['W_fp16'], output: ['W'] });
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [32, 32] } });
    const ref = await runModel(runtime, m, feeds);
    const got = await runModel(runtime, out.model, feeds);
    expect(got.W!.dtype).toBe('float32');
    expect(worstCosine(ref, got)).toBeGreaterThanOrEqual(0.9999);
  });

  it('keeps a tensor with values beyond ±65504 float32 by default, and clamps it on request, naming tensor and count', async () => {
    const big = randn(2, 256, 1);
    big[3] = 1e6;
    big[7] = -7e4;
    const m = model(
      graph({
        inputs: [valueInfo('x', DT.FLOAT, [1, 256])],
        outputs: [valueInfo('y', DT.FLOAT, [1, 256])],
        initializers: [makeFloatTensor('wide', [256], big), makeFloatTensor('narrow', [256], randn(3, 256))],
        nodes: [node('Mul', ['x', 'wide'], ['h'], {}, { name: 'mul' }), node('Add', ['h', 'narrow'], ['y'], {}, { name: 'add' })],
      }),
    );
    const kept = await fp16Weight.apply(m, {} as never);
    expect(kept.tensors).toBe(1);
    expect(kept.warnings.join(' ')).toMatch(/Kept 1 tensor\(s\) float32 .*'wide' \(2 values\)/);
    expect(listWeights(kept.model).find((w) => w.name === 'wide')!.tensor.dataType).toBe(DT.FLOAT);

    const clamped = await fp16Weight.apply(m, { outOfRange: 'clamp' } as never);
    expect(clamped.tensors).toBe(2);
    expect(clamped.warnings.join(' ')).toMatch(/Clamped values outside the float16 range to ±65504 in 1 tensor\(s\): 'wide' \(2 values\)/);
    const wide = readFloat32(listWeights(clamped.model).find((w) => w.name === 'wide_fp16')!.tensor);
    expect([wide[3], wide[7]]).toEqual([65504, -65504]);
    expect(layerErrors(clamped.changes).find((l) => l.name === 'wide')!.maxAbsError).toBe(1e6 - 65504);
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [1, 256] } });
    const got = await runModel(runtime, clamped.model, feeds);
    expect(Array.from(got.y!.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it('honours minElements, opTypes and excludeNodes; unknown options are a RecipeError', async () => {
    const m = transformerBlock();
    const all = await fp16Weight.apply(m, {} as never);
    expect(all.tensors).toBe(12); // every float32 weight but the 1-element scale
    expect((await fp16Weight.apply(m, { minElements: 1 } as never)).tensors).toBe(13);
    expect((await fp16Weight.apply(m, { minElements: 1024 } as never)).tensors).toBe(6);
    expect((await fp16Weight.apply(m, { opTypes: ['MatMul'] } as never)).tensors).toBe(6);
    expect((await fp16Weight.apply(m, { excludeNodes: ['attn.q_proj', 'ln1'] } as never)).tensors).toBe(9);
    const none = await fp16Weight.apply(m, { opTypes: ['Conv'] } as never);
    expect(none.model).toBe(m);
    expect(none.warnings.join(' ')).toMatch(/unchanged/);
    await expect(fp16Weight.apply(m, { bogus: 1 } as never)).rejects.toMatchObject({ name: 'RecipeError' });
    await expect(fp16Weight.apply(m, { outOfRange: 'wrap' } as never)).rejects.toMatchObject({ name: 'RecipeError' });
  });

  it('reports progress per tensor and stops on abort', async () => {
    const events: Progress[] = [];
    await fp16Weight.apply(mlp(), {} as never, { onProgress: (p) => events.push(p) });
    expect(events.filter((e) => e.kind === 'step').map((s) => (s.kind === 'step' ? s.item : ''))).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    const ac = new AbortController();
    ac.abort();
    await expect(fp16Weight.apply(mlp(), {} as never, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('fp16-weight and old opsets', () => {
  /** y = x · w with a 8×4 weight, importing the given ai.onnx opsets. */
  const matmul = (opsets: Record<string, number>) =>
    model(
      graph({
        name: 'old',
        inputs: [valueInfo('x', DT.FLOAT, [1, 8])],
        outputs: [valueInfo('y', DT.FLOAT, [1, 4])],
        initializers: [makeFloatTensor('w', [8, 4], Float32Array.from({ length: 32 }, (_, i) => Math.cos(i)))],
        nodes: [node('MatMul', ['x', 'w'], ['y'], {}, { name: 'fc' })],
      }),
      opsets,
      3,
    );

  it('refuses an opset-1 model with a typed error instead of emitting a Cast its opset cannot read', async () => {
    const input = matmul({ '': 1 });
    const before = encodeModel(input);
    await expect(fp16Weight.apply(input, {})).rejects.toMatchObject({ name: 'UnsupportedModelError', message: expect.stringMatching(/opset 6 or later.*uses opset 1/) });
    expect(encodeModel(input)).toEqual(before);
  });

  it('runs an opset-6 model and gives its Cast the numeric to attribute', async () => {
    const out = await fp16Weight.apply(matmul({ '': 6 }), {});
    const cast = listNodes(out.model).find(({ node: n }) => n.opType === 'Cast')!.node;
    expect(cast.attribute[0]).toMatchObject({ name: 'to', i: BigInt(DT.FLOAT) });
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [1, 8] } }, 3);
    const a = await runModel(runtime, matmul({ '': 6 }), feeds);
    const b = await runModel(runtime, out.model, feeds);
    expect(worstCosine(a, b)).toBeGreaterThan(0.9999);
  });
});
