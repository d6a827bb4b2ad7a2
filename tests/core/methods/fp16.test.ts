import { describe, expect, it } from 'vitest';
import { fp16 } from '../../../src/core/methods/fp16';
import { getMethod, methods } from '../../../src/core/methods/registry';
import { declaredElemType, inferElemTypes } from '../../../src/core/graph/elem-types';
import { encodeModel } from '../../../src/core/onnx/encode';
import { decodeModel } from '../../../src/core/onnx/decode';
import { attr, graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { patch } from '../../../src/core/ir/edit';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../../src/core/ir/fp16';
import { makeFloatTensor, makeInt64Tensor, makeRawTensor, readFloat32 } from '../../../src/core/ir/tensor';
import { listGraphs, listNodes, listWeights } from '../../../src/core/ir/walk';
import type { NodeProto } from '../../../src/core/onnx/schema';
import type { Progress } from '../../../src/core/util/progress';
import type { ModelIR } from '../../../src/core/ir/model';
import type { Feeds } from '../../../src/core/evaluate/tensor-data';
import { createNodeRuntime } from '../../../src/runtime/node';
import { constantsInIf, convBnRelu, mlp, mlpWithExternalData, transformerBlock } from '../../fixtures/models';
import { randn, runModel, seededFeeds, worstCosine } from './run-helpers';
import { layerErrors } from '../../../src/core/methods/changes';
import { storedBytes } from '../../../src/core/methods/stored-bytes';

const runtime = createNodeRuntime();


const elemTypeOf = (m: ModelIR): Map<string, number> => inferElemTypes(m);
const floatTypes = new Set<number>([DT.FLOAT, DT.FLOAT16]);

/** For every node: the element types of its float inputs and outputs in the converted model. */
function floatSlotTypes(m: ModelIR, n: NodeProto): number[] {
  const types = elemTypeOf(m);
  return [...n.input, ...n.output].filter((v) => v !== '').map((v) => types.get(v) ?? 0).filter((t) => floatTypes.has(t));
}

type Shapes = Parameters<typeof seededFeeds>[0];

const fixtures: { name: string; build: () => ModelIR; shapes: Shapes }[] = [
  { name: 'mlp', build: () => mlp(), shapes: { x: { dtype: 'float32', dims: [3, 64] } } },
  { name: 'convBnRelu', build: () => convBnRelu(), shapes: { image: { dtype: 'float32', dims: [1, 3, 16, 16] } } },
  { name: 'transformerBlock', build: () => transformerBlock(), shapes: { x: { dtype: 'float32', dims: [1, 6, 32] } } },
  {
    name: 'mlpWithExternalData',
    build: () => {
      const { model: m, files } = mlpWithExternalData();
      return decodeModel(encodeModel(m), { externalFiles: files });
    },
    shapes: { x: { dtype: 'float32', dims: [2, 64] } },
  },
];

/** Conv -> Resize (blocked) -> ReduceMean -> TopK (blocked) + Range (blocked), a Cast to float and a ConstantOfShape. */
function blockedOpsModel(): ModelIR {
  const scalar = (name: string, v: number) => node('Constant', [], [name], { value: makeFloatTensor(name, [], Float32Array.of(v)) }, { name });
  return model(
    graph({
      name: 'blocked',
      inputs: [valueInfo('x', DT.FLOAT, [1, 4, 8, 8])],
      outputs: [valueInfo('y', DT.FLOAT, [1, 2]), valueInfo('y2', DT.FLOAT, [1, 2])],
      initializers: [
        makeFloatTensor('W', [4, 4, 3, 3], randn(1, 144, 0.3)),
        makeFloatTensor('scales', [4], Float32Array.of(1, 1, 2, 2)),
        makeInt64Tensor('k', [1], [2]),
        makeInt64Tensor('shape', [2], [1, 2]),
        makeFloatTensor('half', [], Float32Array.of(0.5)),
      ],
      nodes: [
        node('Conv', ['x', 'W'], ['c'], { pads: [1, 1, 1, 1] }, { name: 'conv' }),
        node('Resize', ['c', '', 'scales'], ['r'], { mode: 'linear' }, { name: 'resize' }),
        node('ReduceMean', ['r'], ['m'], { axes: [2, 3], keepdims: 0 }, { name: 'mean' }),
        node('TopK', ['m', 'k'], ['vals', 'idx'], {}, { name: 'topk' }),
        scalar('start', 0),
        scalar('limit', 2),
        scalar('delta', 1),
        node('Range', ['start', 'limit', 'delta'], ['rg'], {}, { name: 'range' }),
        node('Add', ['vals', 'rg'], ['y1'], {}, { name: 'add_range' }),
        node('ConstantOfShape', ['shape'], ['cs'], { value: makeFloatTensor('cs_value', [1], Float32Array.of(0.25)) }, { name: 'fill' }),
        node('Add', ['y1', 'cs'], ['y'], {}, { name: 'add_fill' }),
        node('Cast', ['idx'], ['idxf'], { to: DT.FLOAT }, { name: 'cast_idx' }),
        node('Mul', ['idxf', 'half'], ['y2'], {}, { name: 'scale_idx' }),
      ],
    }),
    { '': 13 },
  );
}

/** A Loop carrying a float state through MatMul + Tanh three times, its weight a Constant in the body. */
function loopModel(): ModelIR {
  const body = graph({
    name: 'body',
    inputs: [valueInfo('i', DT.INT64, []), valueInfo('cond_in', DT.BOOL, []), valueInfo('s', DT.FLOAT, [1, 8])],
    outputs: [valueInfo('cond_out', DT.BOOL, []), valueInfo('s_next', DT.FLOAT, [1, 8])],
    nodes: [
      node('Constant', [], ['Wb'], { value: makeFloatTensor('Wb', [8, 8], randn(4, 64, 0.4)) }, { name: 'body_w' }),
      node('MatMul', ['s', 'Wb'], ['t'], {}, { name: 'body_mm' }),
      node('Add', ['t', 'bias'], ['tb'], {}, { name: 'body_bias' }), // 'bias' is an outer-scope initializer
      node('Tanh', ['tb'], ['s_next'], {}, { name: 'body_tanh' }),
      node('Identity', ['cond_in'], ['cond_out'], {}, { name: 'body_cond' }),
    ],
  });
  const loop = patch(node('Loop', ['M', 'cond', 'x'], ['y'], {}, { name: 'loop' }), { attribute: [attr('body', body)] });
  return model(
    graph({
      name: 'looped',
      inputs: [valueInfo('x', DT.FLOAT, [1, 8])],
      outputs: [valueInfo('y', DT.FLOAT, [1, 8])],
      initializers: [makeInt64Tensor('M', [], [3]), makeRawTensor('cond', DT.BOOL, [], Uint8Array.of(1)), makeFloatTensor('bias', [8], randn(5, 8, 0.1))],
      nodes: [loop],
    }),
    { '': 13 },
  );
}

describe('fp16 on the fixtures', () => {
  it('is registered', () => {
    expect(methods.map((m) => m.id)).toContain('fp16');
    expect(getMethod('fp16')).toBe(fp16);
  });

  for (const f of fixtures) {
    it(`${f.name}: float16 weights and activations, float32 IO by boundary Casts, cosine >= 0.9999, input untouched`, async () => {
      const m = f.build();
      const before = encodeModel(m).slice();
      const out = await fp16.apply(m, {} as never);
      expect(encodeModel(m)).toEqual(before);
      expect(layerErrors(out.changes)).toHaveLength(out.tensors);
      expect(listWeights(out.model).filter((w) => w.tensor.dataType === DT.FLOAT)).toEqual([]);
      for (const l of layerErrors(out.changes)) expect(l.sqnrDb).toBeGreaterThan(60);
      const g = out.model.graph!;
      const types = elemTypeOf(out.model);
      // keepIO: declared float32 IO; each input read only through a Cast to float16, each output written by a Cast to float32.
      for (const v of [...g.input, ...g.output]) expect(declaredElemType(v)).toBe(DT.FLOAT);
      for (const v of g.input) {
        const readers = g.node.filter((n) => n.input.includes(v.name));
        expect(readers.map((n) => [n.opType, Number(n.attribute[0]!.i)])).toEqual([['Cast', DT.FLOAT16]]);
      }
      for (const v of g.output) expect(g.node.find((n) => n.output.includes(v.name))).toMatchObject({ opType: 'Cast' });
      const inner = g.node.filter((n) => n.opType !== 'Cast');
      for (const n of inner) for (const v of [...n.input, ...n.output]) if (v && floatTypes.has(types.get(v) ?? 0)) expect(types.get(v)).toBe(DT.FLOAT16);
      expect(storedBytes(out.model) / storedBytes(m)).toBeLessThanOrEqual(0.5);
      if (f.name.startsWith('mlp')) expect(encodeModel(out.model).byteLength / before.byteLength).toBeLessThanOrEqual(0.51);
      const feeds = seededFeeds(f.shapes);
      const cos = worstCosine(await runModel(runtime, m, feeds), await runModel(runtime, out.model, feeds));
      expect(cos).toBeGreaterThanOrEqual(0.9999);
    });
  }

  it('keeps block-listed ops (Resize, TopK, Range) in float32 with Casts around them; Cast/ConstantOfShape retyped', async () => {
    const m = blockedOpsModel();
    const out = await fp16.apply(m, {} as never);
    const byName = new Map(out.model.graph!.node.map((n) => [n.name, n]));
    for (const name of ['resize', 'topk', 'range']) {
      const slots = floatSlotTypes(out.model, byName.get(name)!);
      expect(slots.length).toBeGreaterThan(0);
      expect(slots.every((t) => t === DT.FLOAT)).toBe(true);
    }
    for (const name of ['conv', 'mean', 'add_range', 'add_fill', 'scale_idx']) {
      expect(floatSlotTypes(out.model, byName.get(name)!).every((t) => t === DT.FLOAT16)).toBe(true);
    }
    // Resize's scales and Range's scalars are read only by float32 nodes: they stay float32, no Cast.
    const stored = new Map(listWeights(out.model).map((w) => [w.name, w.tensor.dataType]));
    expect([stored.get('scales'), stored.get('start'), stored.get('W'), stored.get('half')]).toEqual([DT.FLOAT, DT.FLOAT, DT.FLOAT16, DT.FLOAT16]);
    expect(Number(byName.get('cast_idx')!.attribute.find((a) => a.name === 'to')!.i)).toBe(DT.FLOAT16);
    expect(byName.get('fill')!.attribute.find((a) => a.name === 'value')!.t!.dataType).toBe(DT.FLOAT16);
    expect(out.warnings.join(' ')).toMatch(/Kept 3 node\(s\) in float32 \(1 Resize, 1 TopK, 1 Range\)/);
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [1, 4, 8, 8] } });
    const ref = await runModel(runtime, m, feeds);
    const got = await runModel(runtime, out.model, feeds);
    expect(worstCosine(ref, got)).toBeGreaterThanOrEqual(0.9999);
    expect(got.y2!.data).toEqual(ref.y2!.data); // the TopK indices survive exactly

    // An emptied block list converts them too (onnxruntime-web runs them in float16); Resize's scales stay float32 by spec.
    const all = await fp16.apply(m, { blockOps: [] } as never);
    const allNodes = new Map(all.model.graph!.node.map((n) => [n.name, n]));
    expect(floatSlotTypes(all.model, allNodes.get('topk')!).every((t) => t === DT.FLOAT16)).toBe(true);
    expect(elemTypeOf(all.model).get(allNodes.get('resize')!.input[2]!)).toBe(DT.FLOAT);
    expect(floatSlotTypes(all.model, allNodes.get('range')!).every((t) => t === DT.FLOAT)).toBe(true); // Range has no float16 form
    expect(worstCosine(ref, await runModel(runtime, all.model, feeds))).toBeGreaterThanOrEqual(0.999);
  });

  it('blockOps keeps any listed operator float32; control flow in it is a RecipeError', async () => {
    const m = transformerBlock();
    const out = await fp16.apply(m, { blockOps: ['Softmax', 'LayerNormalization'] } as never);
    const nodes = out.model.graph!.node.filter((n) => n.opType === 'Softmax' || n.opType === 'LayerNormalization');
    expect(nodes).toHaveLength(3);
    for (const n of nodes) expect(floatSlotTypes(out.model, n).every((t) => t === DT.FLOAT)).toBe(true);
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [1, 6, 32] } });
    expect(worstCosine(await runModel(runtime, m, feeds), await runModel(runtime, out.model, feeds))).toBeGreaterThanOrEqual(0.9999);
    await expect(fp16.apply(m, { blockOps: ['Loop'] } as never)).rejects.toMatchObject({ name: 'RecipeError', message: expect.stringContaining('Loop') });
  });

  it('keepIO=false: float16 inputs and outputs, no boundary Casts, same results', async () => {
    const m = mlp();
    const out = await fp16.apply(m, { keepIO: false } as never);
    const g = out.model.graph!;
    for (const v of [...g.input, ...g.output]) expect(declaredElemType(v)).toBe(DT.FLOAT16);
    expect(g.node.some((n) => n.opType === 'Cast')).toBe(false);
    expect(out.warnings.join(' ')).toMatch(/feed and read float16/);
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [3, 64] } });
    const x = feeds.x!.data as Float32Array;
    const halfFeeds: Feeds = { x: { dtype: 'float16', dims: [3, 64], data: Uint16Array.from(x, (v) => float32ToFloat16Bits(v)) } };
    const got = await runModel(runtime, out.model, halfFeeds);
    expect(got.y!.dtype).toBe('float16');
    const y = Float32Array.from(got.y!.data as Uint16Array, (h) => float16BitsToFloat32(h));
    expect(worstCosine(await runModel(runtime, m, feeds), { y: { dtype: 'float32', dims: got.y!.dims, data: y } })).toBeGreaterThanOrEqual(0.9999);
  });

  it('converts If branches: Constant weights inside both become float16, each branch still right', async () => {
    const m = constantsInIf();
    const out = await fp16.apply(m, {} as never);
    expect(listWeights(out.model).filter((w) => w.tensor.dataType === DT.FLOAT16).map((w) => w.graphPath)).toEqual(['/branch.then_branch', '/branch.else_branch']);
    for (const { graph: sub, path } of listGraphs(out.model)) if (path) expect(declaredElemType(sub.output[0]!)).toBe(DT.FLOAT16);
    for (const flag of [0, 1]) {
      const feeds = { ...seededFeeds({ x: { dtype: 'float32', dims: [1, 16] } }), flag: { dtype: 'bool' as const, dims: [], data: Uint8Array.of(flag) } };
      expect(worstCosine(await runModel(runtime, m, feeds), await runModel(runtime, out.model, feeds))).toBeGreaterThanOrEqual(0.9999);
    }
  });

  it('converts a Loop body: float16 carried state, body Constant and outer-scope weight', async () => {
    const m = loopModel();
    const out = await fp16.apply(m, {} as never);
    const body = listGraphs(out.model).find((v) => v.path !== '')!.graph;
    expect(declaredElemType(body.input[2]!)).toBe(DT.FLOAT16);
    expect(declaredElemType(body.output[1]!)).toBe(DT.FLOAT16);
    expect(new Map(listWeights(out.model).map((w) => [w.name, w.tensor.dataType]))).toEqual(
      new Map([['M', DT.INT64], ['cond', DT.BOOL], ['bias', DT.FLOAT16], ['Wb', DT.FLOAT16]]),
    );
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [1, 8] } });
    expect(worstCosine(await runModel(runtime, m, feeds), await runModel(runtime, out.model, feeds))).toBeGreaterThanOrEqual(0.9999);
  });

  it('takes nodes listed out of topological order', async () => {
    const base = mlp();
    const m = patch(base, { graph: patch(base.graph!, { node: [...base.graph!.node].reverse() }) });
    const out = await fp16.apply(m, {} as never);
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [3, 64] } });
    expect(worstCosine(await runModel(runtime, base, feeds), await runModel(runtime, out.model, feeds))).toBeGreaterThanOrEqual(0.9999);
  });

  it('keeps a tensor beyond ±65504 and its readers float32 by default; clamps on request; both named in warnings', async () => {
    const wide = randn(2, 256, 1);
    wide[5] = 2e5;
    const m = model(
      graph({
        inputs: [valueInfo('x', DT.FLOAT, [1, 256])],
        outputs: [valueInfo('y', DT.FLOAT, [1, 256])],
        initializers: [makeFloatTensor('wide', [256], wide), makeFloatTensor('narrow', [256], randn(3, 256))],
        nodes: [node('Mul', ['x', 'wide'], ['h'], {}, { name: 'mul' }), node('Add', ['h', 'narrow'], ['y'], {}, { name: 'add' })],
      }),
    );
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [1, 256] } });
    const ref = await runModel(runtime, m, feeds);
    const kept = await fp16.apply(m, {} as never);
    expect(kept.warnings.join(' ')).toMatch(/Kept 1 tensor\(s\) float32 .*'wide' \(1 value\)/);
    expect(kept.warnings.join(' ')).toMatch(/Kept 1 node\(s\) in float32 \(1 Mul\)/);
    expect(new Map(listWeights(kept.model).map((w) => [w.name, w.tensor.dataType]))).toEqual(new Map([['wide', DT.FLOAT], ['narrow', DT.FLOAT16]]));
    expect(worstCosine(ref, await runModel(runtime, kept.model, feeds))).toBeGreaterThanOrEqual(0.9999);

    const clamped = await fp16.apply(m, { outOfRange: 'clamp' } as never);
    expect(clamped.warnings.join(' ')).toMatch(/Clamped values outside the float16 range to ±65504 in 1 tensor\(s\): 'wide' \(1 value\)/);
    expect(readFloat32(listWeights(clamped.model).find((w) => w.name === 'wide')!.tensor)[5]).toBe(65504);
  });

  it('refuses sequence values with a typed error that names them', async () => {
    const m = model(
      graph({
        inputs: [valueInfo('x', DT.FLOAT, [2])],
        outputs: [valueInfo('y', DT.FLOAT, [4])],
        nodes: [node('SequenceConstruct', ['x', 'x'], ['seq'], {}, { name: 'pack' }), node('ConcatFromSequence', ['seq'], ['y'], { axis: 0 }, { name: 'cat' })],
      }),
    );
    await expect(fp16.apply(m, {} as never)).rejects.toMatchObject({ name: 'UnsupportedModelError', message: expect.stringContaining('SequenceConstruct') });
  });

  it('reports progress per tensor and stops on abort', async () => {
    const events: Progress[] = [];
    await fp16.apply(transformerBlock(), {} as never, { onProgress: (p) => events.push(p) });
    expect(events.filter((e) => e.kind === 'step')).toHaveLength(13);
    const ac = new AbortController();
    ac.abort();
    await expect(fp16.apply(transformerBlock(), {} as never, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(listNodes(transformerBlock()).length).toBe(18);
  });
});
