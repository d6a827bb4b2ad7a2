import { describe, expect, it } from 'vitest';
import { applyRecipe } from '../../../src/core/recipe/apply';
import { parseRecipe } from '../../../src/core/recipe/parse';
import { decodeModel } from '../../../src/core/onnx/decode';
import { encodeModel } from '../../../src/core/onnx/encode';
import { listNodes } from '../../../src/core/ir/walk';
import { compareOutputs } from '../../../src/core/evaluate/metrics';
import type { Feeds } from '../../../src/core/evaluate/tensor-data';
import { createNodeRuntime } from '../../../src/runtime/node';
import { runModel, sameBytes, withLogits } from './run-helpers';
import { textImage } from '../../fixtures/text-images';
import { OCR_CLS, OCR_DET, OCR_REC, readOcrModel } from '../onnx/model-corpus';

const runtime = createNodeRuntime();


/** int8-dynamic (defaults) on a real model; both run in onnxruntime-web on the same seeded text-like images. */
async function compare(file: string, height: number, width: number) {
  const bytes = readOcrModel(file);
  const original = bytes.slice();
  const { model, logits, output } = withLogits(decodeModel(bytes));
  const result = await applyRecipe(model, parseRecipe('int8-dynamic'));
  expect(sameBytes(bytes, original)).toBe(true);
  const ref: Feeds[] = [];
  const cand: Feeds[] = [];
  for (const seed of [3, 5]) {
    const feeds = { x: textImage(seed, height, width) };
    ref.push(await runModel(runtime, model, feeds));
    cand.push(await runModel(runtime, result.model, feeds));
  }
  const metrics = compareOutputs(ref, cand);
  const cosine = (name: string): number => metrics.find((m) => m.name === name)!.cosine;
  const ops = listNodes(result.model).map(({ node }) => node.opType);
  return {
    step: result.steps[0]!,
    ops,
    sizeRatio: encodeModel(result.model).byteLength / original.byteLength,
    logits: cosine(logits),
    output: cosine(output),
  };
}

const count = (ops: string[], op: string): number => ops.filter((o) => o === op).length;

describe('int8-dynamic on the PaddleOCR models (executed in onnxruntime-web, text-like images)', () => {
  it('cls (opset 9): lifted to 11, ConvInteger + MatMulInteger, cosine >= 0.99', async () => {
    const r = await compare(OCR_CLS, 48, 192);
    expect(r.step.warnings.join(' ')).toMatch(/opset from 9 to 11/);
    expect(count(r.ops, 'ConvInteger')).toBeGreaterThan(30);
    expect(count(r.ops, 'MatMulInteger')).toBe(1);
    // Measured: logits 0.99979, output 0.99995; 55% of the file (its depthwise convs stay float).
    expect(r.logits).toBeGreaterThanOrEqual(0.99);
    expect(r.output).toBeGreaterThanOrEqual(0.99);
    expect(r.sizeRatio).toBeLessThan(0.6);
  });

  it('det (opset 11): every non-grouped Conv is ConvInteger, cosine >= 0.99', async () => {
    const r = await compare(OCR_DET, 160, 160);
    expect(count(r.ops, 'ConvInteger')).toBe(48);
    expect(r.step.warnings.join(' ')).toMatch(/14 grouped\/depthwise Conv/);
    // Measured: logits 0.99981, probability map 0.99832; 32% of the file (depthwise convs stay float).
    expect(r.logits).toBeGreaterThanOrEqual(0.99);
    expect(r.output).toBeGreaterThanOrEqual(0.99);
    expect(r.sizeRatio).toBeLessThan(0.35);
  });

  it('rec (opset 9): lifted to 11, Conv and MatMul integer, cosine >= 0.99', async () => {
    const r = await compare(OCR_REC, 48, 320);
    expect(count(r.ops, 'MatMulInteger')).toBe(9);
    expect(count(r.ops, 'ConvInteger')).toBe(24);
    // Measured: logits 0.99706, output 0.99825; 29% of the file (depthwise convs stay float).
    expect(r.logits).toBeGreaterThanOrEqual(0.99);
    expect(r.output).toBeGreaterThanOrEqual(0.99);
    expect(r.sizeRatio).toBeLessThan(0.32);
  });
});
