import { describe, expect, it } from 'vitest';
import { applyRecipe } from '../../../src/core/recipe/apply';
import { parseRecipe } from '../../../src/core/recipe/parse';
import { decodeModel } from '../../../src/core/onnx/decode';
import { compareOutputs } from '../../../src/core/evaluate/metrics';
import type { Feeds } from '../../../src/core/evaluate/tensor-data';
import { graph, model as buildModel, node, valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { makeFloatTensor } from '../../../src/core/ir/tensor';
import { create } from '@bufbuild/protobuf';
import { AttributeProtoSchema, AttributeProto_AttributeType } from '../../../src/core/onnx/schema';
import { applyBiasShifts, biasShift, meanRequest } from '../../../src/core/methods/quantize/bias-correction';
import { BIAS_CORRECTION_SAMPLES } from '../../../src/core/methods/declarations/int8-weight';
import type { OpenModel } from '../../../src/core/methods/types';
import { mlp } from '../../fixtures/models';
import { createNodeRuntime } from '../../../src/runtime/node';
import { modelOpener } from '../../../src/runtime/calibrate';
import { runModel, sameBytes, withLogits } from './run-helpers';
import { ctcText, textLines, textPages } from '../../fixtures/ocr-text';
import { OCR_DET, OCR_REC, readOcrModel } from '../onnx/model-corpus';
import { seededRandom } from '../../../src/core/util/random';

const runtime = createNodeRuntime();
const openModel = modelOpener(runtime);

describe('biasShift (hand-computed)', () => {
  it('Conv: minus the weight error summed over each kernel, times the input channel mean', () => {
    // 2 output channels, 2 input channels, 1x2 kernels; error per (o, i): sums 0.1, -0.2 / 0.3, 0
    const original = Float32Array.of(1, 1, 1, 1, 1, 1, 1, 1);
    const dequantized = Float32Array.of(1.05, 1.05, 0.9, 0.9, 1.3, 1, 1, 1);
    const shift = biasShift({ reader: node('Conv', ['x', 'w'], ['y']), original, dequantized, dims: [2, 2, 1, 2] }, Float64Array.of(2, 5));
    expect(shift).toBeInstanceOf(Float32Array);
    const s = shift as Float32Array;
    expect(s[0]).toBeCloseTo(-(0.1 * 2 + -0.2 * 5), 5);
    expect(s[1]).toBeCloseTo(-(0.3 * 2), 5);
  });

  it('grouped Conv reads the means of its own group', () => {
    const original = new Float32Array(2);
    const dequantized = Float32Array.of(0.5, -1);
    const s = biasShift({ reader: node('Conv', ['x', 'w'], ['y'], { group: 2 }), original, dequantized, dims: [2, 1, 1, 1] }, Float64Array.of(4, 3)) as Float32Array;
    expect([...s]).toEqual([-2, 3]);
  });

  it('Gemm with transB, alpha and beta: -alpha * (dB^T mean) / beta', () => {
    // B is [N=2, K=2] with transB; error rows (per n): [0.1, 0], [0, -0.1]
    const original = new Float32Array(4);
    const dequantized = Float32Array.of(0.1, 0, 0, -0.1);
    const s = biasShift({ reader: node('Gemm', ['x', 'b', 'c'], ['y'], { transB: 1, alpha: { float: 2 }, beta: { float: 0.5 } }), original, dequantized, dims: [2, 2] }, Float64Array.of(3, 7)) as Float32Array;
    expect(s[0]).toBeCloseTo((-2 * 0.3) / 0.5, 5);
    expect(s[1]).toBeCloseTo((-2 * -0.7) / 0.5, 5);
  });

  it('says which readers it leaves: MatMul has no bias, ConvTranspose (which has one) is not corrected', () => {
    expect(meanRequest(node('MatMul', ['x', 'w'], ['y']))).toBe('MatMul has no bias input');
    expect(meanRequest(node('ConvTranspose', ['x', 'w', 'b'], ['y']))).toMatch(/ConvTranspose is not corrected/);
  });

  it('says why when the means do not fit the weight', () => {
    const r = biasShift({ reader: node('Conv', ['x', 'w'], ['y']), original: new Float32Array(4), dequantized: new Float32Array(4), dims: [2, 2, 1, 1] }, new Float64Array(3));
    expect(r).toMatch(/3 channels, weight expects 2/);
  });
});

describe('applyBiasShifts', () => {
  it('keeps a replaced bias that a subgraph of a graphs-valued attribute outputs', () => {
    const sub = graph({ name: 'body', nodes: [], inputs: [], outputs: [valueInfo('c', DT.FLOAT, [2])] });
    const holder = node('Custom', [], ['z'], {}, { domain: 'example.custom' });
    holder.attribute.push(create(AttributeProtoSchema, { name: 'bodies', type: AttributeProto_AttributeType.GRAPHS, graphs: [sub] }));
    const m = buildModel(
      graph({
        name: 'g',
        nodes: [node('Gemm', ['x', 'w', 'c'], ['y']), holder],
        inputs: [valueInfo('x', DT.FLOAT, [1, 2])],
        outputs: [valueInfo('y', DT.FLOAT, [1, 2]), valueInfo('z', DT.FLOAT, [2])],
        initializers: [makeFloatTensor('w', [2, 2], Float32Array.of(1, 0, 0, 1)), makeFloatTensor('c', [2], Float32Array.of(1, 2))],
      }),
    );
    const r = applyBiasShifts(m, new Map([['y', Float32Array.of(0.5, 0.5)]]), (base) => base);
    expect(r.corrected).toBe(1);
    expect(r.model.graph!.initializer.map((t) => t.name)).toContain('c');
  });
});

describe('int8-weight bias correction, executed in onnxruntime-web', () => {
  it('mlp on inputs whose mean is far from zero: the Gemm bias absorbs the error mean (output SQNR up)', async () => {
    const rnd = seededRandom(11);
    const sample = (): Feeds => ({ x: { dtype: 'float32', dims: [8, 64], data: Float32Array.from({ length: 512 }, () => 3 + rnd.normal() * 0.5) } });
    const calibrationInputs = [sample(), sample(), sample(), sample()];
    const evalInputs = [sample(), sample()];
    const model = mlp();
    const plain = await applyRecipe(model, parseRecipe('int8-weight:symmetric=true'));
    const corrected = await applyRecipe(model, parseRecipe('int8-weight:symmetric=true,bias-correction=true'), { openModel, calibrationInputs });
    expect(corrected.steps[0]!.warnings.join(' ')).toMatch(/Bias correction on 1 layer\(s\), activation means from 4 given sample/);
    expect(corrected.steps[0]!.warnings.join(' ')).toMatch(/fc2 \(MatMul has no bias input\)/);
    const ref: Feeds[] = [];
    const a: Feeds[] = [];
    const b: Feeds[] = [];
    for (const f of evalInputs) {
      ref.push(await runModel(runtime, model, f));
      a.push(await runModel(runtime, plain.model, f));
      b.push(await runModel(runtime, corrected.model, f));
    }
    const before = compareOutputs(ref, a)[0]!.sqnrDb;
    const after = compareOutputs(ref, b)[0]!.sqnrDb;
    expect(after).toBeGreaterThan(before + 1);
  });

  it('without a runtime it is a typed error that says why', async () => {
    await expect(applyRecipe(mlp(), parseRecipe('int8-weight:bias-correction=true'))).rejects.toThrow(/openModel/);
  });

  it(`runs at most ${BIAS_CORRECTION_SAMPLES} of the given samples, spread over them (a host may hand over a whole folder)`, async () => {
    const given: Feeds[] = Array.from({ length: 2 * BIAS_CORRECTION_SAMPLES }, (_, i) => ({ x: { dtype: 'float32', dims: [1, 64], data: new Float32Array(64).fill(i) } }));
    const ran: Feeds[] = [];
    const counting: OpenModel = async (bytes) => {
      const session = await openModel(bytes);
      return { run: (feeds, names) => (ran.push(feeds), session.run(feeds, names)), release: () => session.release() };
    };
    const r = await applyRecipe(mlp(), parseRecipe('int8-weight:bias-correction=true'), { openModel: counting, calibrationInputs: given });
    expect(ran.map((f) => given.indexOf(f))).toEqual(Array.from({ length: BIAS_CORRECTION_SAMPLES }, (_, i) => 2 * i));
    expect(r.steps[0]!.warnings.join(' ')).toMatch(new RegExp(`activation means from ${BIAS_CORRECTION_SAMPLES} given sample`));
  });

  it('PaddleOCR rec on rendered text lines: calibrated on 8 lines, held-out output cosine >= 0.999 and every held-out line reads as the original reads it', async () => {
    const bytes = readOcrModel(OCR_REC);
    const original = bytes.slice();
    const { model, logits, output } = withLogits(decodeModel(bytes));
    const lines = textLines();
    const calibrationInputs = lines.slice(0, 8).map((l) => l.feeds);
    const heldOut = lines.slice(8);
    const plain = await applyRecipe(model, parseRecipe('int8-weight'));
    const corrected = await applyRecipe(model, parseRecipe('int8-weight:bias-correction=true'), { openModel, calibrationInputs });
    expect(sameBytes(bytes, original)).toBe(true);
    const ref: Feeds[] = [];
    const a: Feeds[] = [];
    const b: Feeds[] = [];
    for (const l of heldOut) {
      ref.push(await runModel(runtime, model, l.feeds));
      a.push(await runModel(runtime, plain.model, l.feeds));
      b.push(await runModel(runtime, corrected.model, l.feeds));
    }
    const cos = (cand: Feeds[], name: string) => compareOutputs(ref, cand).find((m) => m.name === name)!.cosine;
    // Measured: plain 0.99733 (logits 0.99863), corrected 0.99927 (logits 0.99971).
    expect(cos(b, output)).toBeGreaterThanOrEqual(0.999);
    expect(cos(b, logits)).toBeGreaterThan(cos(a, logits));
    expect(cos(b, output)).toBeGreaterThan(cos(a, output));
    const readRef = ref.map((o) => ctcText(o[output]!));
    expect(b.map((o) => ctcText(o[output]!))).toEqual(readRef);
    // The original model reads the rendered lines (nearly) right: the probe is real text.
    const exact = heldOut.filter((l, i) => readRef[i] === l.text).length;
    expect(exact).toBeGreaterThanOrEqual(6);
  });

  it('PaddleOCR det on rendered pages: calibrated on 2 pages, the 2 others keep probability-map cosine >= 0.999', async () => {
    const { model, output } = withLogits(decodeModel(readOcrModel(OCR_DET)));
    const pages = textPages();
    const plain = await applyRecipe(model, parseRecipe('int8-weight'));
    const corrected = await applyRecipe(model, parseRecipe('int8-weight:bias-correction=true'), { openModel, calibrationInputs: pages.slice(0, 2) });
    const ref: Feeds[] = [];
    const a: Feeds[] = [];
    const b: Feeds[] = [];
    for (const feeds of pages.slice(2)) {
      ref.push(await runModel(runtime, model, feeds));
      a.push(await runModel(runtime, plain.model, feeds));
      b.push(await runModel(runtime, corrected.model, feeds));
    }
    const cos = (cand: Feeds[]) => compareOutputs(ref, cand).find((m) => m.name === output)!.cosine;
    // Measured: plain 0.99826, corrected 0.99917.
    expect(cos(b)).toBeGreaterThanOrEqual(0.999);
    expect(cos(b)).toBeGreaterThan(cos(a));
  });
});
