import { describe, expect, it } from 'vitest';
import { createEvalWorkerApi } from '../../workers/eval-api';
import { modelWorkerApi } from '../../workers/model-api';
import type { SampleSettings } from '../../src/core/evaluate/loaders/sample-settings';
import type { SampleFile } from '../../workers/eval-api';
import { readSampleSet } from '../../workers/sample-input';
import { spreadSubset } from '../../src/core/methods/calibration/spread-subset';
import { decodeImageNode } from '../../src/cli/image-decoder';
import { encodeModel } from '../../src/core/onnx/encode';
import { createNodeRuntime } from '../../src/runtime/node';
import { modelOpener } from '../../src/runtime/calibrate';
import { tinyImageClassifier } from '../fixtures/samples-models';
import { npyBytes, pngBytes, seededPixels, typedBytes } from '../fixtures/samples';

const runtime = createNodeRuntime();
const api = createEvalWorkerApi({ runtime: async () => runtime, defaultThreads: async () => 1, decodeImage: decodeImageNode });
const classifier = encodeModel(tinyImageClassifier());
const input = (bytes: Uint8Array) => ({ model: bytes as Uint8Array<ArrayBuffer>, external: {} });
const settings: SampleSettings = { image: { preset: 'none' }, classes: { mode: 'auto' } };

const file = (path: string, bytes: Uint8Array): SampleFile => ({ path, blob: new Blob([bytes as Uint8Array<ArrayBuffer>]) });
const png = (seed: number, size = 8) => pngBytes(size, size, seededPixels(size, size, seed));

/** 12 images in folders 0..5, two each, plus a stray text file. */
function classFolders(labels = ['0', '1', '2', '3', '4', '5']): SampleFile[] {
  return [...labels.flatMap((l, i) => [file(`${l}/a.png`, png(i * 2 + 1)), file(`${l}/b.png`, png(i * 2 + 2, 12))]), file('0/notes.txt', new Uint8Array([65]))];
}

describe('sample sets in the worker', () => {
  it('reads a folder per class: count, shapes, labels and the files it did not use', async () => {
    const info = await api.inspectSamples(input(classifier), { files: classFolders(), settings });
    expect(info.count).toBe(12);
    expect(info.kinds).toEqual({ image: 12 });
    expect(info.shapes).toEqual({ image: [[1, 3, 8, 8]] });
    expect(info.ignored).toEqual(['0/notes.txt']);
    expect(info.labelled).toMatchObject({ source: 'class folders', mapping: 'indices', output: 'logits', classCount: 6 });
    expect(info.labelled!.classes.map((c) => [c.label, c.index, c.count])).toEqual([0, 1, 2, 3, 4, 5].map((i) => [String(i), i, 2]));
  });

  it('reports an unknown label with its file instead of skipping it', async () => {
    const files = classFolders(['0', '1', '9']);
    await expect(api.inspectSamples(input(classifier), { files, settings })).rejects.toMatchObject({
      name: 'SampleFormatError',
      message: expect.stringMatching(/'9' \(9\/a\.png\).*index below 6/),
    });
  });

  it('maps names through a class list, and labels from a file,label CSV beside the files', async () => {
    const files = [file('set/x.png', png(1)), file('set/y.png', png(2)), file('set/labels.csv', new TextEncoder().encode('file,label\nx.png,cat\ny.png,dog\n'))];
    const info = await api.inspectSamples(input(classifier), { files, settings: { ...settings, classes: { mode: 'list', names: ['dog', 'cat'] } } });
    expect(info.labelled).toMatchObject({ source: 'set/labels.csv', mapping: 'class-list' });
    expect(info.labelled!.classes.map((c) => [c.label, c.index])).toEqual([
      ['dog', 0],
      ['cat', 1],
    ]);
  });

  it('names the file that does not fit the input', async () => {
    const npy = npyBytes('<f4', [1, 3, 4, 4], typedBytes(new Float32Array(48)));
    await expect(api.inspectSamples(input(classifier), { files: [file('bad.npy', npy)], settings })).rejects.toMatchObject({
      name: 'SampleFormatError',
      message: expect.stringMatching(/^bad\.npy: .*\[1, 3, 4, 4\].*expects \[N, 3, 8, 8\]/),
    });
  });

  it('spreads a capped subset over the whole set', () => {
    expect(spreadSubset([0, 1, 2, 3, 4, 5, 6, 7], 4)).toEqual([0, 2, 4, 6]);
    expect(spreadSubset([0, 1], 4)).toEqual([0, 1]);
  });
});

describe('evaluation in the worker (Node runtime)', () => {
  it('compares a variant with the original on labelled samples: metrics, agreement and accuracy of both', async () => {
    const variant = await modelWorkerApi.compress(input(classifier), { steps: [{ method: 'int8-weight', options: { minElements: 1 } }] });
    const result = await api.evaluate(input(classifier), [input(variant.bytes), input(classifier)], { files: classFolders(), settings }, { seed: 1, syntheticSamples: 2 });
    expect(result.inputs).toEqual({ kind: 'samples', count: 12, of: 12, labelled: true });
    const [quantized, same] = result.candidates;
    if (!quantized?.ok || !same?.ok) throw new Error('both candidates should run');
    const out = quantized.evaluation.outputs[0]!;
    expect(out.name).toBe('logits');
    expect(out.cosine).toBeGreaterThan(0.99);
    expect(out.cosine).toBeLessThan(1);
    expect(out.sqnrDb).toBeGreaterThan(20);
    expect(out.top1Agreement).toBeGreaterThanOrEqual(0.75);
    expect(out.top5Agreement).toBeDefined();
    const acc = quantized.evaluation.accuracy!;
    expect(acc.samples).toBe(12);
    expect(acc.reference).toBeGreaterThanOrEqual(0);
    expect(acc.reference).toBeLessThanOrEqual(100);
    expect(acc.dropPoints).toBeCloseTo(acc.reference - acc.candidate, 9);
    // The original against itself: identical outputs, no drop.
    expect(same.evaluation.outputs[0]!.sqnrDb).toBe(Infinity);
    expect(same.evaluation.accuracy!.dropPoints).toBe(0);
  });

  it('falls back to seeded synthetic inputs without samples, and says so', async () => {
    const result = await api.evaluate(input(classifier), [input(classifier)], null, { seed: 3, syntheticSamples: 2 });
    expect(result.inputs).toEqual({ kind: 'synthetic', count: 2, seed: 3, shapes: { image: [1, 3, 8, 8] } });
    expect(result.candidates[0]).toMatchObject({ ok: true, evaluation: { samples: 2 } });
  });

  it('reports a candidate that cannot run without sinking the others', async () => {
    const result = await api.evaluate(input(classifier), [input(new Uint8Array([1, 2, 3])), input(classifier)], null, { seed: 3, syntheticSamples: 1 });
    expect(result.candidates[0]).toMatchObject({ ok: false });
    expect(result.candidates[1]).toMatchObject({ ok: true });
  });

  it('runs the per-layer debugger on at most maxSamples samples, in graph order', async () => {
    const variant = await modelWorkerApi.compress(input(classifier), { steps: [{ method: 'int8-weight', options: { minElements: 1 } }] });
    const result = await api.perLayer(input(classifier), input(variant.bytes), { files: classFolders(), settings }, { seed: 1, syntheticSamples: 2, maxSamples: 4 });
    expect(result.inputs).toEqual({ kind: 'samples', count: 4, of: 12, labelled: true });
    expect(result.layers.map((l) => l.opType)).toEqual(['Sub', 'Conv', 'Relu', 'GlobalAveragePool', 'Reshape', 'Gemm'].filter((op) => result.layers.some((l) => l.opType === op)));
    expect(result.layers.length).toBeGreaterThanOrEqual(3);
    const conv = result.layers.find((l) => l.opType === 'Conv')!;
    expect(Number.isFinite(conv.sqnrDb)).toBe(true);
    expect(conv.sqnrDb).toBeGreaterThan(15);
  });
});

describe('calibration on the user samples (model worker API)', () => {
  const openModel = modelOpener(runtime);

  it('calibrates int8-static on the samples, at most the step\'s sample count, spread over the classes', async () => {
    const recipe = { steps: [{ method: 'int8-static', options: { samples: 4, minElements: 1 } }] };
    const result = await modelWorkerApi.compress(input(classifier), recipe, undefined, openModel, { request: { files: classFolders(), settings }, decodeImage: decodeImageNode });
    expect(result.calibration).toEqual({ kind: 'samples', count: 4, of: 12 });
    expect(result.steps[0]!.warnings.join(' ')).toMatch(/on 4 given sample/);
  });

  it('uses the seeded synthetic inputs without samples, and says so; no calibration note for methods that do not calibrate', async () => {
    const recipe = { steps: [{ method: 'int8-static', options: { samples: 3, minElements: 1 } }] };
    const synthetic = await modelWorkerApi.compress(input(classifier), recipe, undefined, openModel);
    expect(synthetic.calibration).toEqual({ kind: 'synthetic', count: 3 });
    expect(synthetic.steps[0]!.warnings.join(' ')).toMatch(/on 3 seeded synthetic sample/);
    const weightOnly = await modelWorkerApi.compress(input(classifier), { steps: [{ method: 'int8-weight', options: {} }] }, undefined, openModel, {
      request: { files: classFolders(), settings },
      decodeImage: decodeImageNode,
    });
    expect(weightOnly.calibration).toBeUndefined();
  });

  it('int8-weight with bias correction also reads the samples (and overrides that calibrate count too)', async () => {
    const samples = { request: { files: classFolders(), settings }, decodeImage: decodeImageNode };
    const corrected = await modelWorkerApi.compress(input(classifier), { steps: [{ method: 'int8-weight', options: { minElements: 1, biasCorrection: true } }] }, undefined, openModel, samples);
    expect(corrected.calibration).toEqual({ kind: 'samples', count: 12, of: 12 });
    expect(corrected.steps[0]!.warnings.join(' ')).toMatch(/activation means from 12 given sample/);
    const viaOverride = await modelWorkerApi.compress(
      input(classifier),
      { steps: [{ method: 'fp16-weight', options: {} }], overrides: [{ nodes: '*', method: 'int8-static', options: { samples: 5, minElements: 1 } }] },
      undefined,
      openModel,
      samples,
    );
    expect(viaOverride.calibration).toEqual({ kind: 'samples', count: 5, of: 12 });
  });

  it('reads the same feeds as the CLI loaders would (shapes from the input, labels in path order)', async () => {
    const { decodeModel } = await import('../../src/core/onnx/decode');
    const set = await readSampleSet(decodeModel(classifier), { files: classFolders(['2', '1']), settings }, decodeImageNode);
    expect(set.labels).toEqual([1, 1, 2, 2]);
    expect(set.samples.every((s) => s.image!.dims.join() === '1,3,8,8')).toBe(true);
  });
});
