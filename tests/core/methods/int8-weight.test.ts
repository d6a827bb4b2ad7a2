import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { OperatorSetIdProtoSchema } from '../../../src/core/onnx/schema';
import { patch } from '../../../src/core/ir/edit';
import { int8Weight } from '../../../src/core/methods/int8-weight';
import { getMethod, methods } from '../../../src/core/methods/registry';
import { encodeModel } from '../../../src/core/onnx/encode';
import { decodeModel } from '../../../src/core/onnx/decode';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { makeFloatTensor, makeInt64Tensor } from '../../../src/core/ir/tensor';
import { listWeights } from '../../../src/core/ir/walk';
import type { Progress } from '../../../src/core/util/progress';
import type { ModelIR } from '../../../src/core/ir/model';
import { createNodeRuntime } from '../../../src/runtime/node';
import { bigConv, bigMlp, constantsInIf, convBnRelu, mlp, mlpWithExternalData, transformerBlock } from '../../fixtures/models';
import { applyRecipe } from '../../../src/core/recipe/apply';
import { parseRecipe } from '../../../src/core/recipe/parse';
import { ops, randn, runModel, seededFeeds, worstCosine } from './run-helpers';
import { layerErrors } from '../../../src/core/methods/changes';
import { storedBytes } from '../../../src/core/methods/stored-bytes';

const runtime = createNodeRuntime();



type Shapes = Parameters<typeof seededFeeds>[0];

const fixtures: { name: string; build: () => ModelIR; shapes: Shapes; maxSizeRatio: number }[] = [
  { name: 'mlp', build: () => mlp(), shapes: { x: { dtype: 'float32', dims: [3, 64] } }, maxSizeRatio: 0.3 },
  { name: 'convBnRelu', build: () => convBnRelu(), shapes: { image: { dtype: 'float32', dims: [1, 3, 16, 16] } }, maxSizeRatio: 0.8 },
  { name: 'transformerBlock', build: () => transformerBlock(), shapes: { x: { dtype: 'float32', dims: [1, 6, 32] } }, maxSizeRatio: 0.4 },
  {
    name: 'mlpWithExternalData',
    build: () => {
      const { model: m, files } = mlpWithExternalData();
      return decodeModel(encodeModel(m), { externalFiles: files });
    },
    shapes: { x: { dtype: 'float32', dims: [2, 64] } },
    maxSizeRatio: 0.3,
  },
];

describe('int8-weight on the fixtures', () => {
  it('is registered', () => {
    expect(methods.map((m) => m.id)).toContain('int8-weight');
    expect(getMethod('int8-weight')).toBe(int8Weight);
    expect(() => getMethod('nope')).toThrow(expect.objectContaining({ name: 'RecipeError', message: expect.stringContaining('int8-weight') }));
  });

  for (const f of fixtures) {
    it(`${f.name}: runs in onnxruntime-web with cosine >= 0.999 and leaves the input untouched`, async () => {
      const m = f.build();
      const before = encodeModel(m).slice();
      const out = await int8Weight.apply(m, {} as never);
      expect(encodeModel(m)).toEqual(before);
      expect(out.tensors).toBeGreaterThan(0);
      expect(layerErrors(out.changes)).toHaveLength(out.tensors);
      for (const l of layerErrors(out.changes)) expect(l.sqnrDb).toBeGreaterThan(30);
      expect(storedBytes(out.model)).toBeLessThan(storedBytes(m));
      const feeds = seededFeeds(f.shapes);
      const cos = worstCosine(await runModel(runtime, m, feeds), await runModel(runtime, out.model, feeds));
      expect(cos).toBeGreaterThanOrEqual(0.999);
      const ratio = encodeModel(out.model).byteLength / before.byteLength;
      // Weight-dominated models shrink toward 25%; names, scales, biases and norms stay as they were.
      expect(ratio).toBeLessThanOrEqual(f.maxSizeRatio);
      expect(ops(out.model).filter((o) => o === 'DequantizeLinear')).toHaveLength(out.tensors);
    });
  }

  it('constantsInIf: quantizes the Constant weights of both branches, each branch still right', async () => {
    const m = constantsInIf();
    const out = await int8Weight.apply(m, {} as never);
    expect(out.tensors).toBe(2);
    const int8 = listWeights(out.model).filter((w) => w.tensor.dataType === DT.INT8 && w.tensor.dims.length === 2);
    expect(int8.map((w) => w.graphPath).sort()).toEqual(['/branch.else_branch', '/branch.then_branch']);
    for (const flag of [0, 1]) {
      const feeds = { ...seededFeeds({ x: { dtype: 'float32', dims: [1, 16] } }), flag: { dtype: 'bool' as const, dims: [], data: Uint8Array.of(flag) } };
      expect(worstCosine(await runModel(runtime, m, feeds), await runModel(runtime, out.model, feeds))).toBeGreaterThanOrEqual(0.999);
    }
  });

  it('quantizes a shared weight once and keeps a float copy where others read it', async () => {
    const w = makeFloatTensor('W', [32, 32], randn(1, 1024));
    const m = model(
      graph({
        inputs: [valueInfo('x', DT.FLOAT, [32, 32])],
        outputs: [valueInfo('y', DT.FLOAT, [32, 32]), valueInfo('W', DT.FLOAT, [32, 32])],
        initializers: [w],
        nodes: [
          node('MatMul', ['x', 'W'], ['a'], {}, { name: 'mm1' }),
          node('MatMul', ['a', 'W'], ['b'], {}, { name: 'mm2' }),
          node('Add', ['b', 'W'], ['y'], {}, { name: 'add' }),
        ],
      }),
      { '': 13 },
    );
    const out = await int8Weight.apply(m, {} as never);
    expect(out.tensors).toBe(1);
    expect(ops(out.model).filter((o) => o === 'DequantizeLinear')).toHaveLength(1);
    const g = out.model.graph!;
    expect(g.initializer.map((t) => t.name)).toContain('W');
    const byName = new Map(g.node.map((n) => [n.name, n]));
    expect(byName.get('mm1')!.input[1]).toBe('W_dequantized');
    expect(byName.get('mm2')!.input[1]).toBe('W_dequantized');
    expect(byName.get('add')!.input[1]).toBe('W');
    expect(out.warnings.join(' ')).toContain('float copy');
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [32, 32] } });
    const ref = await runModel(runtime, m, feeds);
    const got = await runModel(runtime, out.model, feeds);
    expect(got.W!.data).toEqual(ref.W!.data);
    expect(worstCosine(ref, got)).toBeGreaterThanOrEqual(0.999);
  });

  it('uses the output-channel axis of each operator', async () => {
    const m = model(
      graph({
        inputs: [valueInfo('x', DT.FLOAT, [1, 48])],
        outputs: [valueInfo('y', DT.FLOAT, [1, 40])],
        initializers: [makeFloatTensor('gB', [64, 48], randn(2, 64 * 48)), makeFloatTensor('mB', [64, 40], randn(3, 64 * 40))],
        nodes: [node('Gemm', ['x', 'gB'], ['h'], { transB: 1 }, { name: 'g' }), node('MatMul', ['h', 'mB'], ['y'], {}, { name: 'm' })],
      }),
      { '': 13 },
    );
    const out = await int8Weight.apply(m, {} as never);
    const dq = out.model.graph!.node.filter((n) => n.opType === 'DequantizeLinear');
    const axes = Object.fromEntries(dq.map((n) => [n.output[0], Number(n.attribute.find((a) => a.name === 'axis')!.i)]));
    expect(axes).toEqual({ gB: 0, mB: 1 });
    const scales = new Map(out.model.graph!.initializer.map((t) => [t.name, t.dims.map(Number)]));
    expect(scales.get('gB_scale')).toEqual([64]);
    expect(scales.get('mB_scale')).toEqual([40]);
  });

  it('honours perChannel=false, minElements, opTypes and excludeNodes', async () => {
    const m = transformerBlock();
    const perTensor = await int8Weight.apply(m, { perChannel: false } as never);
    expect(perTensor.model.graph!.node.filter((n) => n.opType === 'DequantizeLinear').every((n) => n.attribute.length === 0)).toBe(true);
    expect((await int8Weight.apply(m, { minElements: 2048 } as never)).tensors).toBe(2);
    expect((await int8Weight.apply(m, { excludeNodes: ['attn.q_proj', 'mlp.fc1'] } as never)).tensors).toBe(4);
    expect((await int8Weight.apply(mlp(), { opTypes: ['Gemm'] } as never)).tensors).toBe(1);
    await expect(int8Weight.apply(m, { opTypes: ['Relu'] } as never)).rejects.toMatchObject({ name: 'RecipeError' });
    await expect(int8Weight.apply(m, { bogus: 1 } as never)).rejects.toMatchObject({ name: 'RecipeError' });
  });

  it('hands back the input model itself, opset unchanged, when no weight qualifies', async () => {
    const old = patch(mlp(), { opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: 11n })] });
    const r = await int8Weight.apply(old, { minElements: 1_000_000 } as never);
    expect(r.tensors).toBe(0);
    expect(r.model).toBe(old);
    expect(r.warnings.join(' ')).toMatch(/unchanged/);
    expect(r.warnings.join(' ')).not.toMatch(/Raised the ai.onnx opset/);
  });

  it('lifts an opset-9 model to 13, converting Slice/Clip/Squeeze/Softmax, and keeps its outputs', async () => {
    const m = model(
      graph({
        inputs: [valueInfo('x', DT.FLOAT, [1, 4, 64])],
        outputs: [valueInfo('y', DT.FLOAT, [1, 2, 32])],
        initializers: [makeFloatTensor('W', [64, 32], randn(4, 64 * 32))],
        nodes: [
          node('MatMul', ['x', 'W'], ['h'], {}, { name: 'mm' }),
          node('Clip', ['h'], ['c'], { min: { float: -0.5 }, max: { float: 0.6 } }, { name: 'clip' }),
          node('Slice', ['c'], ['s'], { starts: [1], ends: [3], axes: [1] }, { name: 'slice' }),
          node('Unsqueeze', ['s'], ['u'], { axes: [0] }, { name: 'unsq' }),
          node('Squeeze', ['u'], ['q'], { axes: [0] }, { name: 'sq' }),
          node('Softmax', ['q'], ['y'], { axis: 1 }, { name: 'softmax' }),
        ],
      }),
      { '': 9 },
      4,
    );
    const out = await int8Weight.apply(m, {} as never);
    expect(Number(out.model.opsetImport[0]!.version)).toBe(13);
    expect(Number(out.model.irVersion)).toBeGreaterThanOrEqual(7);
    expect(out.warnings.join(' ')).toMatch(/opset from 9 to 13/);
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [1, 4, 64] } });
    expect(worstCosine(await runModel(runtime, m, feeds), await runModel(runtime, out.model, feeds))).toBeGreaterThanOrEqual(0.999);
  });

  it('falls back to per-tensor scales when an opset-10 model cannot be lifted', async () => {
    const m = model(
      graph({
        inputs: [valueInfo('x', DT.FLOAT, [1, 8, 4, 4])],
        outputs: [valueInfo('y', DT.FLOAT, [1, 8, 8, 8])],
        initializers: [makeFloatTensor('W', [8, 8, 3, 3], randn(5, 576)), makeFloatTensor('scales', [4], Float32Array.of(1, 1, 2, 2))],
        nodes: [
          node('Conv', ['x', 'W'], ['c'], { pads: [1, 1, 1, 1] }, { name: 'conv' }),
          node('Resize', ['c', 'scales'], ['y'], { mode: 'nearest' }, { name: 'resize' }),
        ],
      }),
      { '': 10 },
      5,
    );
    const out = await int8Weight.apply(m, {} as never);
    expect(Number(out.model.opsetImport[0]!.version)).toBe(10);
    expect(out.warnings.join(' ')).toMatch(/Resize.*one scale per tensor/);
    const dq = out.model.graph!.node.find((n) => n.opType === 'DequantizeLinear')!;
    expect(dq.attribute).toHaveLength(0);
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [1, 8, 4, 4] } });
    expect(worstCosine(await runModel(runtime, m, feeds), await runModel(runtime, out.model, feeds))).toBeGreaterThanOrEqual(0.999);
  });

  it('refuses an opset-9 model it cannot lift with a typed error', async () => {
    const m = model(
      graph({
        inputs: [valueInfo('x', DT.FLOAT, [1, 64])],
        outputs: [valueInfo('y', DT.FLOAT, [1, 32])],
        initializers: [makeFloatTensor('W', [64, 32], randn(6, 2048)), makeInt64Tensor('unused', [1], [1])],
        nodes: [node('MatMul', ['x', 'W'], ['h'], {}, { name: 'mm' }), node('Upsample', ['h'], ['y'], {}, { name: 'up' })],
      }),
      { '': 9 },
    );
    await expect(int8Weight.apply(m, {} as never)).rejects.toMatchObject({ name: 'UnsupportedModelError', message: expect.stringContaining('Upsample') });
  });

  it('reports progress per tensor and stops on abort', async () => {
    const events: Progress[] = [];
    await int8Weight.apply(transformerBlock(), {} as never, { onProgress: (p) => events.push(p) });
    const steps = events.filter((e) => e.kind === 'step');
    expect(steps).toHaveLength(6);
    expect(steps.map((s) => (s.kind === 'step' ? s.index : -1))).toEqual([0, 1, 2, 3, 4, 5]);
    const ac = new AbortController();
    ac.abort();
    await expect(int8Weight.apply(transformerBlock(), {} as never, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('weight-dominated models shrink to <= 26% of the fp32 file, in int8 and in uint8', async () => {
    for (const m of [bigMlp(), bigConv()]) {
      for (const weightType of ['int8', 'uint8']) {
        const out = await applyRecipe(m, parseRecipe(`int8-weight:weight-type=${weightType}`));
        expect(encodeModel(out.model).byteLength / encodeModel(m).byteLength).toBeLessThanOrEqual(0.26);
      }
    }
  });
});
