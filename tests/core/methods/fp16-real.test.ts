import { describe, expect, it } from 'vitest';
import { applyRecipe } from '../../../src/core/recipe/apply';
import { parseRecipe } from '../../../src/core/recipe/parse';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import { DT } from '../../../src/core/ir/dtype';
import { listWeights } from '../../../src/core/ir/walk';
import { compareOutputs } from '../../../src/core/evaluate/metrics';
import { createNodeRuntime } from '../../../src/runtime/node';
import { runModel } from './run-helpers';
import { textImage } from '../../fixtures/text-images';
import { OCR_CLS, OCR_DET, OCR_REC, readOcrModel } from '../onnx/model-corpus';

const runtime = createNodeRuntime();

/**
 * fp16 and fp16-weight on a real model, all three run in onnxruntime-web on the same seeded
 * text-like image; the input file's bytes must be exactly as read afterwards.
 */
async function compare(file: string, height: number, width: number) {
  const bytes = readOcrModel(file);
  const original = bytes.slice();
  const model = decodeModel(bytes);
  const feeds = { x: textImage(3, height, width) };
  const ref = await runModel(runtime, model, feeds);
  const out: Record<string, { cosine: number; sizeRatio: number; warnings: string; halfTensors: number; floatTensors: number }> = {};
  for (const recipe of ['fp16-weight', 'fp16']) {
    const result = await applyRecipe(model, parseRecipe(recipe));
    const got = await runModel(runtime, result.model, feeds);
    const weights = listWeights(result.model);
    out[recipe] = {
      cosine: Math.min(...compareOutputs([ref], [got]).map((m) => m.cosine)),
      sizeRatio: encodeModel(result.model).byteLength / original.byteLength,
      warnings: result.steps[0]!.warnings.join(' '),
      halfTensors: weights.filter((w) => w.tensor.dataType === DT.FLOAT16).length,
      floatTensors: weights.filter((w) => w.tensor.dataType === DT.FLOAT && w.tensor.dims.reduce((n, d) => n * Number(d), 1) >= 16).length,
    };
  }
  expect(Buffer.compare(bytes, original)).toBe(0);
  return out;
}

describe('fp16 and fp16-weight on the PaddleOCR models (executed in onnxruntime-web, text-like images)', () => {
  it('cls (opset 9): cosine >= 0.9999 for both', async () => {
    const r = await compare(OCR_CLS, 48, 192);
    // Measured 1.000000 (fp16-weight) and 0.999997 (fp16).
    expect(r['fp16-weight']!.cosine).toBeGreaterThanOrEqual(0.9999);
    expect(r.fp16!.cosine).toBeGreaterThanOrEqual(0.9999);
    expect(r.fp16!.floatTensors).toBe(0);
    // A 0.6 MB model of many small tensors: names and node protos weigh more.
    expect(r['fp16-weight']!.sizeRatio).toBeLessThan(0.6);
  });

  it('det (opset 11): the first BatchNormalization variance (~1e7) stays float32, cosine >= 0.9999, file <= 51%', async () => {
    const r = await compare(OCR_DET, 160, 160);
    for (const m of ['fp16-weight', 'fp16']) {
      expect(r[m]!.warnings).toMatch(/Kept 1 tensor\(s\) float32 because they hold values beyond the float16 range .*'batch_norm_0.w_2' \(24 values\)/);
      expect(r[m]!.cosine).toBeGreaterThanOrEqual(0.9999);
      expect(r[m]!.sizeRatio).toBeLessThanOrEqual(0.51);
    }
    // Its Resize nodes run in float32 between Casts; the BatchNormalization reading the variance too.
    expect(r.fp16!.warnings).toMatch(/Kept \d+ node\(s\) in float32 \(.*Resize.*\)/);
    expect(r.fp16!.warnings).toMatch(/1 BatchNormalization/);
  });

  it('rec (opset 9): cosine >= 0.9999 for both, file <= 51%', async () => {
    const r = await compare(OCR_REC, 48, 320);
    for (const m of ['fp16-weight', 'fp16']) {
      expect(r[m]!.cosine).toBeGreaterThanOrEqual(0.9999);
      expect(r[m]!.sizeRatio).toBeLessThanOrEqual(0.51);
    }
    expect(r.fp16!.floatTensors).toBe(0);
  });
});
