import { describe, expect, it } from 'vitest';
import { int8Dynamic } from '../../../src/core/methods/int8-dynamic';
import { getMethod, methods } from '../../../src/core/methods/registry';
import { encodeModel } from '../../../src/core/onnx/encode';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { makeFloatTensor, tensorDims } from '../../../src/core/ir/tensor';
import { listNodes, listWeights } from '../../../src/core/ir/walk';
import type { Progress } from '../../../src/core/util/progress';
import type { ModelIR } from '../../../src/core/ir/model';
import { createNodeRuntime } from '../../../src/runtime/node';
import { bigConv, bigMlp, constantsInIf, convBnRelu, mlp, transformerBlock } from '../../fixtures/models';
import { ops, randn, runModel, sameBytes, seededFeeds, worstCosine } from './run-helpers';
import { layerErrors } from '../../../src/core/methods/changes';
import { storedBytes } from '../../../src/core/methods/stored-bytes';

const runtime = createNodeRuntime();



function count(m: ModelIR, op: string): number {
  return ops(m).filter((o) => o === op).length;
}

function weight(m: ModelIR, name: string) {
  const w = listWeights(m).find((x) => x.name === name);
  if (!w) throw new Error(`no weight '${name}'`);
  return w.tensor;
}


type Shapes = Parameters<typeof seededFeeds>[0];

async function cosineVsOriginal(original: ModelIR, quantized: ModelIR, shapes: Shapes, seed = 7): Promise<number> {
  const feeds = seededFeeds(shapes, seed);
  return worstCosine(await runModel(runtime, original, feeds), await runModel(runtime, quantized, feeds));
}

const fixtures: { name: string; build: () => ModelIR; shapes: Shapes; options: Record<string, unknown>; integerOps: number }[] = [
  { name: 'mlp', build: () => mlp(), shapes: { x: { dtype: 'float32', dims: [3, 64] } }, options: {}, integerOps: 2 },
  { name: 'transformerBlock', build: () => transformerBlock(), shapes: { x: { dtype: 'float32', dims: [1, 6, 32] } }, options: {}, integerOps: 6 },
  // minElements 1: the 1x1 conv (32 weights, no bias) is converted too.
  { name: 'convBnRelu', build: () => convBnRelu(), shapes: { image: { dtype: 'float32', dims: [1, 3, 16, 16] } }, options: { minElements: 1 }, integerOps: 2 },
  { name: 'bigMlp', build: () => bigMlp(), shapes: { x: { dtype: 'float32', dims: [4, 256] } }, options: {}, integerOps: 2 },
  { name: 'bigConv', build: () => bigConv(), shapes: { image: { dtype: 'float32', dims: [1, 64, 10, 10] } }, options: {}, integerOps: 2 },
];

describe('int8-dynamic on the fixtures (executed in onnxruntime-web)', () => {
  it('is registered and declared CPU only', () => {
    expect(methods.map((m) => m.id)).toContain('int8-dynamic');
    expect(getMethod('int8-dynamic')).toBe(int8Dynamic);
    expect(int8Dynamic.backends).toEqual(['wasm']);
    expect(int8Dynamic.description).toMatch(/CPU only/);
  });

  for (const f of fixtures) {
    it(`${f.name}: integer ops, cosine >= 0.99, input untouched`, async () => {
      const m = f.build();
      const before = encodeModel(m).slice();
      const out = await int8Dynamic.apply(m, f.options as never);
      expect(sameBytes(encodeModel(m), before)).toBe(true);
      expect(count(out.model, 'MatMulInteger') + count(out.model, 'ConvInteger')).toBe(f.integerOps);
      expect(out.tensors).toBe(f.integerOps);
      expect(layerErrors(out.changes)).toHaveLength(f.integerOps);
      for (const l of layerErrors(out.changes)) expect(l.sqnrDb).toBeGreaterThan(30);
      // Every quantized operator reads its activation through a DynamicQuantizeLinear.
      expect(count(out.model, 'DynamicQuantizeLinear')).toBeGreaterThan(0);
      expect(storedBytes(out.model)).toBeLessThan(storedBytes(m));
      expect(await cosineVsOriginal(m, out.model, f.shapes)).toBeGreaterThanOrEqual(0.99);
    });
  }

  it('weight-dominated models shrink to <= 26% of the fp32 file', async () => {
    for (const m of [bigMlp(), bigConv()]) {
      const out = await int8Dynamic.apply(m, {} as never);
      const ratio = encodeModel(out.model).byteLength / encodeModel(m).byteLength;
      expect(ratio).toBeLessThanOrEqual(0.26);
    }
  });

  it('matches the ONNX arithmetic exactly: DynamicQuantizeLinear, MatMulInteger with per-column zero points, rescale', async () => {
    const K = 32;
    const N = 5;
    const w = randn(41, K * N, 0.3);
    const m = model(
      graph({
        inputs: [valueInfo('x', DT.FLOAT, [2, K])],
        outputs: [valueInfo('y', DT.FLOAT, [2, N])],
        initializers: [makeFloatTensor('W', [K, N], w)],
        nodes: [node('MatMul', ['x', 'W'], ['y'], {}, { name: 'mm' })],
      }),
    );
    const out = await int8Dynamic.apply(m, {} as never);
    const wq = new Int8Array(weight(out.model, 'W_quantized').rawData.slice().buffer);
    const ws = new Float32Array(weight(out.model, 'W_scale').rawData.slice().buffer);
    const wz = new Int8Array(weight(out.model, 'W_zero_point').rawData.slice().buffer);
    expect(ws).toHaveLength(N);
    expect(new Set(wz).size).toBeGreaterThan(1); // asymmetric per column
    const feeds = seededFeeds({ x: { dtype: 'float32', dims: [2, K] } }, 9);
    const x = feeds.x!.data as Float32Array;
    // DynamicQuantizeLinear per the spec: range widened to include 0, uint8, round half to even.
    const rne = (v: number): number => {
      const r = Math.round(v);
      return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
    };
    const lo = Math.min(0, ...x);
    const hi = Math.max(0, ...x);
    const xs = Math.fround((hi - lo) / 255);
    const xz = Math.min(255, Math.max(0, rne(-lo / xs)));
    const xq = Array.from(x, (v) => Math.min(255, Math.max(0, rne(Math.fround(v / xs)) + xz)));
    const got = (await runModel(runtime, out.model, feeds)).y!.data as Float32Array;
    for (let r = 0; r < 2; r++) {
      for (let c = 0; c < N; c++) {
        let acc = 0;
        for (let k = 0; k < K; k++) acc += (xq[r * K + k]! - xz) * (wq[k * N + c]! - wz[c]!);
        const expected = acc * Math.fround(xs * ws[c]!);
        expect(Math.abs(got[r * N + c]! - expected)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(expected)));
      }
    }
  });

  it('Gemm: transA, transB, alpha and beta are carried over', async () => {
    const m = model(
      graph({
        inputs: [valueInfo('x', DT.FLOAT, [32, 3])],
        outputs: [valueInfo('y', DT.FLOAT, [3, 16])],
        initializers: [makeFloatTensor('W', [16, 32], randn(51, 512, 0.3)), makeFloatTensor('C', [16], randn(52, 16, 0.5))],
        nodes: [node('Gemm', ['x', 'W', 'C'], ['y'], { transA: 1, transB: 1, alpha: { float: 0.7 }, beta: { float: -1.5 } }, { name: 'gemm' })],
      }),
    );
    const out = await int8Dynamic.apply(m, {} as never);
    expect(ops(out.model)).toEqual(expect.arrayContaining(['Transpose', 'DynamicQuantizeLinear', 'MatMulInteger', 'Add']));
    expect(tensorDims(weight(out.model, 'W_gemm_quantized'))).toEqual([32, 16]);
    expect(await cosineVsOriginal(m, out.model, { x: { dtype: 'float32', dims: [32, 3] } })).toBeGreaterThanOrEqual(0.999);
  });

  it('weightType and perChannel choose the stored form; Conv filters are always uint8 with one zero point', async () => {
    const u8 = await int8Dynamic.apply(mlp(), { weightType: 'uint8', perChannel: false } as never);
    expect(weight(u8.model, 'fc2.weight_quantized').dataType).toBe(DT.UINT8);
    expect(tensorDims(weight(u8.model, 'fc2.weight_scale'))).toEqual([]);
    expect(await cosineVsOriginal(mlp(), u8.model, { x: { dtype: 'float32', dims: [3, 64] } })).toBeGreaterThanOrEqual(0.99);

    const i8 = await int8Dynamic.apply(mlp(), {} as never);
    expect(weight(i8.model, 'fc2.weight_quantized').dataType).toBe(DT.INT8);
    expect(tensorDims(weight(i8.model, 'fc2.weight_zero_point'))).toEqual([32]);

    const conv = await int8Dynamic.apply(bigConv(), { weightType: 'int8' } as never);
    expect(weight(conv.model, 'c1.w_quantized').dataType).toBe(DT.UINT8);
    expect(tensorDims(weight(conv.model, 'c1.w_scale'))).toEqual([1, 64, 1, 1]);
    const zp = weight(conv.model, 'c1.w_zero_point');
    expect(tensorDims(zp)).toEqual([]);
    expect(zp.rawData[0]).toBe(128); // symmetric: per-filter scales share the middle zero point
  });

  it('grouped (depthwise) Convs stay float unless groupedConv is on', async () => {
    const m = model(
      graph({
        inputs: [valueInfo('x', DT.FLOAT, [1, 16, 8, 8])],
        outputs: [valueInfo('y', DT.FLOAT, [1, 16, 8, 8])],
        initializers: [makeFloatTensor('dw', [16, 1, 3, 3], randn(61, 144, 0.3)), makeFloatTensor('dwb', [16], randn(62, 16, 0.1))],
        nodes: [node('Conv', ['x', 'dw', 'dwb'], ['y'], { group: 16, kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'dwconv' })],
      }),
    );
    const off = await int8Dynamic.apply(m, {} as never);
    expect(off.model).toBe(m);
    expect(off.warnings.join(' ')).toMatch(/1 grouped\/depthwise Conv/);
    const on = await int8Dynamic.apply(m, { groupedConv: true } as never);
    expect(count(on.model, 'ConvInteger')).toBe(1);
    expect(await cosineVsOriginal(m, on.model, { x: { dtype: 'float32', dims: [1, 16, 8, 8] } })).toBeGreaterThanOrEqual(0.99);
  });

  it('shares one quantized weight and one activation quantizer; keeps the float weight for other readers', async () => {
    const m = model(
      graph({
        inputs: [valueInfo('x', DT.FLOAT, [32, 32])],
        outputs: [valueInfo('y', DT.FLOAT, [32, 32])],
        initializers: [makeFloatTensor('W', [32, 32], randn(71, 1024, 0.2))],
        nodes: [
          node('MatMul', ['x', 'W'], ['a'], {}, { name: 'mm1' }),
          node('MatMul', ['x', 'W'], ['b'], {}, { name: 'mm2' }),
          node('Add', ['a', 'b'], ['s'], {}, { name: 'sum' }),
          node('Add', ['s', 'W'], ['y'], {}, { name: 'plus_w' }),
        ],
      }),
    );
    const out = await int8Dynamic.apply(m, {} as never);
    expect(out.tensors).toBe(1);
    expect(count(out.model, 'MatMulInteger')).toBe(2);
    expect(count(out.model, 'DynamicQuantizeLinear')).toBe(1);
    expect(out.model.graph!.initializer.map((t) => t.name)).toContain('W');
    expect(out.warnings.join(' ')).toMatch(/'W' is also read by other operators/);
    expect(await cosineVsOriginal(m, out.model, { x: { dtype: 'float32', dims: [32, 32] } })).toBeGreaterThanOrEqual(0.99);
  });

  it('excludeNodes and opTypes leave operators float', async () => {
    const out = await int8Dynamic.apply(transformerBlock(), { excludeNodes: ['attn.q_proj'], opTypes: ['MatMul'] } as never);
    expect(count(out.model, 'MatMulInteger')).toBe(5);
    expect(listNodes(out.model).some(({ node: n }) => n.name === 'attn.q_proj' && n.opType === 'MatMul')).toBe(true);
    const none = await int8Dynamic.apply(mlp(), { opTypes: ['Conv'] } as never);
    expect(none.model).toEqual(mlp());
    expect(none.tensors).toBe(0);
    expect(none.warnings.join(' ')).toMatch(/unchanged/);
  });

  it('constantsInIf: Constant weights inside both If branches, each branch still right', async () => {
    const m = constantsInIf();
    const out = await int8Dynamic.apply(m, { minElements: 1 } as never);
    expect(out.tensors).toBe(2);
    const quantized = listWeights(out.model).filter((w) => w.tensor.dataType === DT.INT8 && w.tensor.dims.length === 2);
    expect(quantized.map((w) => w.graphPath).sort()).toEqual(['/branch.else_branch', '/branch.then_branch']);
    expect(listWeights(out.model).some((w) => w.tensor.dataType === DT.FLOAT && w.tensor.dims.length === 2)).toBe(false);
    for (const flag of [0, 1]) {
      const feeds = { ...seededFeeds({ x: { dtype: 'float32', dims: [1, 16] } }), flag: { dtype: 'bool' as const, dims: [], data: Uint8Array.of(flag) } };
      const cos = worstCosine(await runModel(runtime, m, feeds), await runModel(runtime, out.model, feeds));
      expect(cos).toBeGreaterThanOrEqual(0.99);
    }
  });

  it('lifts an opset-9 model to 11 for DynamicQuantizeLinear and refuses one it cannot lift', async () => {
    const m = model(
      graph({
        inputs: [valueInfo('x', DT.FLOAT, [1, 4, 64])],
        outputs: [valueInfo('y', DT.FLOAT, [1, 2, 32])],
        initializers: [makeFloatTensor('W', [64, 32], randn(81, 2048))],
        nodes: [
          node('MatMul', ['x', 'W'], ['h'], {}, { name: 'mm' }),
          node('Clip', ['h'], ['c'], { min: { float: -0.5 }, max: { float: 0.6 } }, { name: 'clip' }),
          node('Slice', ['c'], ['y'], { starts: [1], ends: [3], axes: [1] }, { name: 'slice' }),
        ],
      }),
      { '': 9 },
      4,
    );
    const out = await int8Dynamic.apply(m, {} as never);
    expect(Number(out.model.opsetImport[0]!.version)).toBe(11);
    expect(out.warnings.join(' ')).toMatch(/opset from 9 to 11/);
    expect(await cosineVsOriginal(m, out.model, { x: { dtype: 'float32', dims: [1, 4, 64] } })).toBeGreaterThanOrEqual(0.99);

    const stuck = model(
      graph({
        inputs: [valueInfo('x', DT.FLOAT, [1, 64])],
        outputs: [valueInfo('y', DT.FLOAT, [1, 32])],
        initializers: [makeFloatTensor('W', [64, 32], randn(82, 2048))],
        nodes: [node('MatMul', ['x', 'W'], ['h'], {}, { name: 'mm' }), node('Upsample', ['h'], ['y'], {}, { name: 'up' })],
      }),
      { '': 9 },
    );
    await expect(int8Dynamic.apply(stuck, {} as never)).rejects.toMatchObject({ name: 'UnsupportedModelError', message: expect.stringContaining('Upsample') });
  });

  it('rejects unknown options and reports progress per weight; stops on abort', async () => {
    await expect(int8Dynamic.apply(mlp(), { weightType: 'int4' } as never)).rejects.toMatchObject({ name: 'RecipeError' });
    const events: Progress[] = [];
    await int8Dynamic.apply(transformerBlock(), {} as never, { onProgress: (p) => events.push(p) });
    const steps = events.filter((e) => e.kind === 'step');
    expect(steps.map((s) => (s.kind === 'step' ? s.index : -1))).toEqual([0, 1, 2, 3, 4, 5]);
    const ac = new AbortController();
    ac.abort();
    await expect(int8Dynamic.apply(transformerBlock(), {} as never, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
