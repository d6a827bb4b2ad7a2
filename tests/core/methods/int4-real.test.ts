import { runAll, withLogits } from './run-helpers';
import { describe, expect, it } from 'vitest';
import { compareOutputs } from '../../../src/core/evaluate/metrics';
import type { Feeds } from '../../../src/core/evaluate/tensor-data';
import { int4 } from '../../../src/core/methods/int4';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import { createNodeRuntime } from '../../../src/runtime/node';
import { textImage } from '../../fixtures/text-images';
import { OCR_REC, readOcrModel } from '../onnx/model-corpus';
import { layerErrors } from '../../../src/core/methods/changes';

const runtime = createNodeRuntime();

describe('int4 on the PaddleOCR recognizer (executed in onnxruntime-web, text-like 48x320 images)', () => {
  it('turns its 9 MatMul weights (attention, MLP, the 6625-class head) into MatMulNBits: logits cosine >= 0.998', async () => {
    const bytes = readOcrModel(OCR_REC);
    const copy = bytes.slice();
    const { model, logits, output } = withLogits(decodeModel(bytes));
    const out = await int4.apply(model, {} as never);
    // The input's weights are views into the file bytes: they must be exactly as read.
    expect(bytes).toEqual(copy);
    expect(out.tensors).toBe(9);
    expect(layerErrors(out.changes).map((l) => l.name)).toContain('linear_85.w_0');
    for (const l of layerErrors(out.changes)) expect(l.sqnrDb).toBeGreaterThan(15);
    const inputs: Feeds[] = [3, 5].map((seed) => ({ x: textImage(seed, 48, 320) }));
    const ref = await runAll(runtime, model, inputs);
    const cand = await runAll(runtime, out.model, inputs);
    const metrics = compareOutputs(ref, cand);
    const cosine = (name: string): number => metrics.find((m) => m.name === name)!.cosine;
    // Only the MatMul weights shrink (about 30% of the file; the convolutions stay float).
    expect(encodeModel(out.model).byteLength / bytes.byteLength).toBeLessThan(0.7);
    // Measured: logits 0.9993, softmax output 0.986 (the peaked 6625-way softmax magnifies small
    // logit shifts; zero points (symmetric=false) reach 0.997 there, int8-weight 0.998).
    expect(cosine(logits)).toBeGreaterThanOrEqual(0.998);
    expect(cosine(output)).toBeGreaterThanOrEqual(0.98);
  }, 900_000);
});
