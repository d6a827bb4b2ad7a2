import { describe, expect, it } from 'vitest';
import { macsAtDims } from '../../../src/core/analyze/macs-at-dims';
import { modelMacs } from '../../../src/core/analyze/model-macs';
import { shapeSkeleton } from '../../../src/core/analyze/shape-skeleton';
import { analyzeModel } from '../../../src/core/analyze/summary';
import { modelCost } from '../../../src/core/device/roofline';
import { modelInputShapes } from '../../../src/core/evaluate/inputs';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import { constantsInIf, transformerBlock, unpaddedConv5x5 } from '../../fixtures/models';
import { voiceActivity } from '../../fixtures/voice-activity';
import { OCR_DET, OCR_REC, readOcrModel } from '../onnx/model-corpus';

const DET_H = 'p2o.DynamicDimension.1';
const DET_W = 'p2o.DynamicDimension.2';

describe('MACs at the input sizes a user sets', () => {
  const det = decodeModel(readOcrModel(OCR_DET));

  it('det (fully convolutional): twice the height and width, four times the MACs, complete at both sizes', () => {
    const small = macsAtDims(det, { [DET_H]: 64, [DET_W]: 64 });
    const large = macsAtDims(det, { [DET_H]: 128, [DET_W]: 128 });
    expect(small).toMatchObject({ kind: 'counted', complete: true, impossible: [], inputShapes: { x: [1, 3, 64, 64] }, guessed: ['p2o.DynamicDimension.0=1'] });
    expect(large).toMatchObject({ kind: 'counted', complete: true, inputShapes: { x: [1, 3, 128, 128] } });
    if (small.kind !== 'counted' || large.kind !== 'counted') throw new Error('expected counts');
    expect(small.total).toBeGreaterThan(10_000_000);
    // Every Conv's output grows with H x W (strides divide 64), so the ratio is 4 up to the rounding of odd sizes.
    expect(large.total / small.total).toBeCloseTo(4, 1);
    // Only height doubled: about twice.
    const tall = macsAtDims(det, { [DET_H]: 128, [DET_W]: 64 });
    if (tall.kind !== 'counted') throw new Error('expected a count');
    expect(tall.total / small.total).toBeCloseTo(2, 1);
  });

  it('is the count a measurement at the same dims reports, and the count inspect --dim prints', () => {
    const dims = { [DET_H]: 96, [DET_W]: 160 };
    const live = macsAtDims(det, dims);
    if (live.kind !== 'counted') throw new Error('expected a count');
    const cost = modelCost(det, modelInputShapes(det, dims));
    expect(live.total).toBe(cost.macs);
    expect(live.complete).toBe(cost.macsComplete);
    const inspect = analyzeModel(det, 0, { dims: { 'p2o.DynamicDimension.0': 1, ...dims } }).macs;
    expect(inspect.total).toBe(live.total);
  });

  it('inspect --dim takes dims without a name by input and axis, as the studio fields do', () => {
    const vad = voiceActivity();
    const byAxis = analyzeModel(vad, 0, { dims: { 'input[1]': 512 } }).macs;
    // Conv: 16 channels x 129 taps per output step, 16 steps at 512 samples; head MatMul 16 x 2.
    expect(byAxis.total).toBe(16 * 129 * 16 + 16 * 2);
    const live = macsAtDims(vad, { 'input[1]': 512 });
    expect(live).toMatchObject({ kind: 'counted', total: byAxis.total, complete: true, guessed: ['input[0]=1'] });
  });

  it('the weight-less skeleton counts what the model counts, at any size, and keeps no view of the file', () => {
    const bytes = readOcrModel(OCR_REC);
    const rec = decodeModel(bytes);
    const skeleton = shapeSkeleton(rec);
    for (const w of [64, 320]) {
      const shapes = modelInputShapes(rec, { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': w });
      expect(modelMacs(skeleton, shapes)).toEqual(modelMacs(rec, shapes));
    }
    for (const t of skeleton.graph!.initializer) expect(t.rawData.buffer).not.toBe(bytes.buffer);
    // Its encoded form is a small fraction of the model's.
    expect(encodeModel(skeleton).byteLength).toBeLessThan(bytes.byteLength / 10);
    for (const m of [transformerBlock(), constantsInIf(), det]) {
      const shapes = modelInputShapes(m, {});
      expect(modelMacs(shapeSkeleton(m), shapes)).toEqual(modelMacs(m, shapes));
    }
  });

  it('sizes that make no inputs, or that the model cannot take, say so instead of counting', () => {
    expect(macsAtDims(det, { [DET_H]: -3 })).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/expected a non-negative integer/) });
    // A 5x5 Conv without padding on a 2-pixel-high image: its output height would be -2.
    const conv = unpaddedConv5x5();
    expect(macsAtDims(conv, { h: 2, w: 8 })).toMatchObject({ kind: 'counted', total: 0, complete: false, impossible: ['conv5'], guessed: [] });
    expect(macsAtDims(conv, { h: 9, w: 8 })).toMatchObject({ kind: 'counted', total: 4 * 5 * 4 * 25, complete: true, impossible: [] });
  });
});
