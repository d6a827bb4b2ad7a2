import { describe, expect, it } from 'vitest';
import { compareDecisions, topK } from '../../../src/core/evaluate/agreement';
import { labelAccuracy } from '../../../src/core/evaluate/accuracy';
import { evaluateOutputs } from '../../../src/core/evaluate/evaluation';
import { outputLayout } from '../../../src/core/evaluate/output-kind';
import { OutputMismatchError } from '../../../src/core/evaluate/metrics';
import type { Feeds, TensorData } from '../../../src/core/evaluate/tensor-data';

const f32 = (dims: number[], values: number[]): TensorData => ({ dtype: 'float32', dims, data: Float32Array.from(values) });
const one = (name: string, t: TensorData): Feeds => ({ [name]: t });

describe('outputLayout', () => {
  it.each([
    [[10], 'classifier', 0],
    [[1, 1000], 'classifier', 1],
    [[4, 1000, 1, 1], 'classifier', 1],
    [[1, 1, 6625], 'classifier', 2],
    [[1, 40, 6625], 'dense-classes', 2],
    [[1, 21, 64, 64], 'dense-classes', 1],
    [[1, 1, 160, 160], 'map', 1],
    [[1, 1], 'values', undefined],
    [[1, 8, 1], 'values', undefined],
    [[], 'values', undefined],
  ])('%j is %s', (dims, kind, axis) => {
    expect(outputLayout(dims)).toEqual(axis === undefined ? { kind } : { kind, classAxis: axis });
  });
});

describe('topK', () => {
  it('orders the largest first, keeps the lower index on ties and skips NaN and -Infinity', () => {
    const v = [0.1, 0.9, NaN, 0.9, -Infinity, 0.5, 0.2];
    expect(topK((i) => v[i]!, 0, 1, v.length, 3)).toEqual([1, 3, 5]);
    expect(topK((i) => v[i]!, 0, 1, v.length, 10)).toEqual([1, 3, 5, 6, 0]);
    expect(topK(() => NaN, 0, 1, 4, 1)).toEqual([]);
    // strided: column 1 of a 3x2 matrix
    const m = [0, 5, 1, 7, 2, 6];
    expect(topK((i) => m[i]!, 1, 2, 3, 2)).toEqual([1, 2]);
  });
});

describe('compareDecisions', () => {
  it('computes top-1 and top-5 agreement of classifier rows by hand', () => {
    // 3 rows of 6 classes. ref tops: 0, 5, 2. cand: row0 top 0 (agree); row1 top 4, 5 second (top-5 only);
    // row2 ranks class 2 last of 6 (neither).
    const ref = f32([3, 6], [9, 1, 1, 1, 1, 1, /**/ 0, 0, 0, 0, 1, 2, /**/ 0, 0, 5, 1, 1, 1]);
    const cand = f32([3, 6], [9, 1, 1, 1, 1, 1, /**/ 0, 0, 0, 0, 3, 2, /**/ 6, 5, -1, 4, 3, 2]);
    const [d] = compareDecisions([one('p', ref)], [one('p', cand)]);
    expect(d).toEqual({ name: 'p', kind: 'classifier', top1Agreement: 1 / 3, top5Agreement: 2 / 3, positions: 3 });
  });

  it('pools samples, and omits top-5 for 5 classes or fewer', () => {
    const a = (v: number[]): Feeds => one('p', f32([1, 3], v));
    const [d] = compareDecisions([a([1, 0, 0]), a([0, 1, 0])], [a([1, 0, 0]), a([1, 0, 0])]);
    expect(d).toEqual({ name: 'p', kind: 'classifier', top1Agreement: 0.5, positions: 2 });
  });

  it('computes argmax agreement and mean IoU for dense class outputs', () => {
    // [1, 2 classes, 1, 4 positions]: ref argmax [0, 0, 1, 1], cand argmax [0, 1, 1, 1]
    const ref = f32([1, 2, 1, 4], [1, 1, 0, 0, /**/ 0, 0, 1, 1]);
    const cand = f32([1, 2, 1, 4], [1, 0, 0, 0, /**/ 0, 1, 1, 1]);
    const [d] = compareDecisions([one('seg', ref)], [one('seg', cand)]);
    // class 0: I 1, U 2 -> 0.5; class 1: I 2, U 3 -> 2/3
    expect(d).toMatchObject({ kind: 'dense-classes', argmaxAgreement: 0.75, positions: 4 });
    expect(d!.meanIou).toBeCloseTo((0.5 + 2 / 3) / 2, 12);
    // per-timestep classes on the last axis: [1, T=2, C=3]
    const [t] = compareDecisions([one('ctc', f32([1, 2, 3], [0, 1, 0, 1, 0, 0]))], [one('ctc', f32([1, 2, 3], [0, 1, 0, 0, 0, 1]))]);
    expect(t).toMatchObject({ kind: 'dense-classes', argmaxAgreement: 0.5 });
  });

  it('computes the IoU of thresholded single-channel maps, 1 when both are empty', () => {
    const ref = f32([1, 1, 2, 3], [0.9, 0.8, 0.1, 0.6, 0.2, 0.0]);
    const cand = f32([1, 1, 2, 3], [0.7, 0.4, 0.6, 0.6, 0.1, 0.0]);
    // ref > 0.5: {0, 1, 3}; cand > 0.5: {0, 2, 3}; I = 2, U = 4
    expect(compareDecisions([one('m', ref)], [one('m', cand)])[0]).toEqual({ name: 'm', kind: 'map', iou: 0.5, positions: 6 });
    expect(compareDecisions([one('m', ref)], [one('m', cand)], { threshold: 0.65 })[0]!.iou).toBeCloseTo(1 / 2, 12); // {0,1} vs {0}
    const zeros = f32([1, 1, 2, 2], [0, 0, 0, 0]);
    expect(compareDecisions([one('m', zeros)], [one('m', zeros)])[0]!.iou).toBe(1);
  });

  it('reports NaN rows as disagreement instead of crashing, and leaves other outputs alone', () => {
    const ref = f32([2, 3], [NaN, NaN, NaN, 0, 1, 0]);
    const cand = f32([2, 3], [1, 0, 0, 0, NaN, 2]);
    expect(compareDecisions([one('p', ref)], [one('p', cand)])[0]).toMatchObject({ top1Agreement: 0 });
    expect(compareDecisions([one('e', f32([1, 1], [3]))], [one('e', f32([1, 1], [4]))])[0]).toEqual({ name: 'e', kind: 'values' });
  });
});

describe('labelAccuracy', () => {
  const row = (v: number[]): Feeds => one('logits', f32([1, v.length], v));
  const six = (top: number, second: number): number[] => Array.from({ length: 6 }, (_, i) => (i === top ? 2 : i === second ? 1 : 0));

  it('gives top-1 and top-5 accuracy of both models in percent and the drop in points', () => {
    const ref = [row(six(0, 1)), row(six(1, 2)), row(six(2, 3)), row(six(3, 4))];
    const cand = [row(six(0, 1)), row(six(2, 1)), row(six(3, 2)), row(six(3, 4))];
    const labels = [0, 1, 2, 5];
    const acc = labelAccuracy(ref, cand, labels);
    // ref top-1 hits: 0, 1, 2 -> 75%; cand top-1 hits: 0 -> 25%. Label 5 ranks 6th (last, value 0 ties: index order) in both.
    expect(acc).toMatchObject({ output: 'logits', samples: 4, reference: 75, candidate: 25, dropPoints: 50 });
    expect(acc.top5).toEqual({ reference: 75, candidate: 75, dropPoints: 0 });
  });

  it('refuses labels that are not indices, counts that differ and multi-row outputs', () => {
    expect(() => labelAccuracy([row([1, 0])], [row([1, 0])], [2])).toThrow(/Label 2 of sample 0 is not an index of output 'logits' \(2 classes\)/);
    expect(() => labelAccuracy([row([1, 0])], [row([1, 0])], [0, 1])).toThrow(OutputMismatchError);
    const batch = one('logits', f32([2, 3], [1, 0, 0, 0, 1, 0]));
    expect(() => labelAccuracy([batch], [batch], [0])).toThrow(/2 rows per sample; labels need one row/);
    expect(() => labelAccuracy([one('emb', f32([1, 1], [1]))], [one('emb', f32([1, 1], [1]))], [0])).toThrow(/No output is classifier-shaped/);
  });
});

describe('evaluateOutputs', () => {
  it('merges numeric metrics and decisions per output, and adds accuracy with labels', () => {
    const ref = [{ p: f32([1, 3], [3, 1, 0]), e: f32([2], [1, 1]) }];
    const cand = [{ p: f32([1, 3], [1, 3, 0]), e: f32([2], [1, 1]) }];
    const r = evaluateOutputs(ref, cand, { labels: [0] });
    expect(r.samples).toBe(1);
    expect(r.outputs[0]).toMatchObject({ name: 'p', kind: 'classifier', top1Agreement: 0, elements: 3 });
    expect(r.outputs[0]!.sqnrDb).toBeCloseTo(10 * Math.log10(10 / 8), 12);
    expect(r.outputs[1]).toMatchObject({ name: 'e', kind: 'classifier', top1Agreement: 1, cosine: 1 });
    expect(r.accuracy).toMatchObject({ reference: 100, candidate: 0, dropPoints: 100 });
  });
});
