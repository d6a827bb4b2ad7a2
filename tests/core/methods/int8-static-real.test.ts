import { describe, expect, it } from 'vitest';
import { applyRecipe } from '../../../src/core/recipe/apply';
import { parseRecipe } from '../../../src/core/recipe/parse';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import { compareOutputs } from '../../../src/core/evaluate/metrics';
import type { Feeds } from '../../../src/core/evaluate/tensor-data';
import { listNodes } from '../../../src/core/ir/walk';
import { patch } from '../../../src/core/ir/edit';
import { valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import { createNodeRuntime } from '../../../src/runtime/node';
import { modelOpener } from '../../../src/runtime/calibrate';
import { runAll, runModel, withLogits } from './run-helpers';
import { textImage } from '../../fixtures/text-images';
import { OCR_CLS, OCR_DET, OCR_REC, readOcrModel } from '../onnx/model-corpus';
import { ctcText, textLines } from '../../fixtures/ocr-text';

const runtime = createNodeRuntime();

describe('int8-static on PaddleOCR cls (executed in onnxruntime-web, text-like images)', () => {
  it('default calibrator (percentile), calibrated on 4 text images, evaluated on 3 others: logits and output cosine >= 0.99, input untouched', async () => {
    const bytes = readOcrModel(OCR_CLS);
    const original = bytes.slice();
    const decoded = decodeModel(bytes);
    // The input of the final Softmax (the logits) is compared too: 2-class probabilities hide or exaggerate errors.
    const g = decoded.graph!;
    const logits = g.node.find((n) => n.output.includes(g.output[0]!.name))!.input[0]!;
    const model = patch(decoded, { graph: patch(g, { output: [...g.output, valueInfo(logits, DT.FLOAT, undefined)] }) });
    const calibrationInputs: Feeds[] = [1, 2, 3, 4].map((seed) => ({ x: textImage(seed, 48, 192) }));
    const phases = new Set<string>();
    const result = await applyRecipe(model, parseRecipe('int8-static'), {
      openModel: modelOpener(runtime),
      calibrationInputs,
      onProgress: (p) => p.kind === 'step' && phases.add(p.phase),
    });
    expect(Buffer.from(bytes).equals(Buffer.from(original))).toBe(true);
    expect(phases.has('calibration')).toBe(true);
    const step = result.steps[0]!;
    expect(step.warnings.join(' ')).toMatch(/opset from 9 to 13/);
    const qdq = listNodes(result.model).filter((n) => n.node.opType === 'QuantizeLinear').length;
    expect(qdq).toBeGreaterThan(30);
    const ref: Feeds[] = [];
    const cand: Feeds[] = [];
    for (const seed of [11, 12, 13]) {
      const feeds = { x: textImage(seed, 48, 192) };
      ref.push(await runModel(runtime, model, feeds));
      cand.push(await runModel(runtime, result.model, feeds));
    }
    const metrics = compareOutputs(ref, cand);
    const size = encodeModel(result.model).byteLength / original.byteLength;
    console.log(`int8-static PaddleOCR cls: cosine ${metrics.map((m) => `${m.name} ${m.cosine.toFixed(5)}`).join(', ')}, size ${(size * 100).toFixed(1)}%, ${qdq} QuantizeLinear, ${step.ms.toFixed(0)} ms`);
    // Measured: logits 0.9956, output 0.9912 (minmax: 0.9931 / 0.9852, entropy 0.909 / 0.926).
    expect(metrics.map((m) => m.name)).toContain(logits);
    for (const m of metrics) expect(m.cosine).toBeGreaterThanOrEqual(0.99);
  });

  it('rec on rendered text lines: calibrated on 8 lines, held-out output cosine >= 0.99 with grouped Convs kept float (the default)', async () => {
    const { model, output } = withLogits(decodeModel(readOcrModel(OCR_REC)));
    const lines = textLines();
    const ctx = { openModel: modelOpener(runtime), calibrationInputs: lines.slice(0, 8).map((l) => l.feeds) };
    const result = await applyRecipe(model, parseRecipe('int8-static'), ctx);
    expect(result.steps[0]!.warnings.join(' ')).toMatch(/Kept 14 grouped\/depthwise Conv\(s\) float/);
    const ref: Feeds[] = [];
    const cand: Feeds[] = [];
    for (const l of lines.slice(8)) {
      ref.push(await runModel(runtime, model, l.feeds));
      cand.push(await runModel(runtime, result.model, l.feeds));
    }
    // Measured: 0.99230 held out (0.97774 with groupedConv=true, whose depthwise inputs lose ~20 dB at once).
    const cosine = compareOutputs(ref, cand).find((m) => m.name === output)!.cosine;
    expect(cosine).toBeGreaterThanOrEqual(0.99);
    const same = cand.filter((o, i) => ctcText(o[output]!) === ctcText(ref[i]![output]!)).length;
    expect(same).toBeGreaterThanOrEqual(5);
  });

  it('det on seeded text-like pages: calibrated on 4, two others keep logits and probability-map cosine >= 0.99', async () => {
    const { model, logits, output } = withLogits(decodeModel(readOcrModel(OCR_DET)));
    const calibrationInputs: Feeds[] = [21, 22, 23, 24].map((seed) => ({ x: textImage(seed, 160, 160) }));
    const result = await applyRecipe(model, parseRecipe('int8-static'), { openModel: modelOpener(runtime), calibrationInputs });
    const pages = [3, 5].map((seed) => ({ x: textImage(seed, 160, 160) }));
    const ref = await runAll(runtime, model, pages);
    const cand = await runAll(runtime, result.model, pages);
    const metrics = compareOutputs(ref, cand);
    console.log(`int8-static PaddleOCR det: ${metrics.map((m) => `${m.name} ${m.cosine.toFixed(5)}`).join(', ')}`);
    expect(metrics.find((m) => m.name === logits)!.cosine).toBeGreaterThanOrEqual(0.99);
    expect(metrics.find((m) => m.name === output)!.cosine).toBeGreaterThanOrEqual(0.99);
  });
});
