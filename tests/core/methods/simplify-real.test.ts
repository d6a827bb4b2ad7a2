import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../src/core/onnx/decode';
import { listNodes } from '../../../src/core/ir/walk';
import type { ModelIR } from '../../../src/core/ir/model';
import { synthesizeModelInputs } from '../../../src/core/evaluate/inputs';
import type { Feeds } from '../../../src/core/evaluate/tensor-data';
import { simplify } from '../../../src/core/methods/simplify';
import { createNodeRuntime } from '../../../src/runtime/node';
import { constantRunner } from '../../../src/runtime/constant-runner';
import { encodeModel } from '../../../src/core/onnx/encode';
import { constantsInIf, convBnRelu, mlp, transformerBlock, bigConv, bigMlp } from '../../fixtures/models';
import { tinyImageClassifier } from '../../fixtures/samples-models';
import { OCR_CLS, OCR_DET, OCR_REC, readOcrModel } from '../onnx/model-corpus';
import { runModel } from './run-helpers';

const runtime = createNodeRuntime();

/**
 * Largest |a - b| over every output, relative to the largest |a| (at least 1e-2: PaddleOCR's
 * detector gives values near 1e-6 on noise, where float rounding alone is a large share).
 */
function relativeError(ref: Feeds, got: Feeds): number {
  let err = 0;
  let scale = 0;
  for (const [name, t] of Object.entries(ref)) {
    const c = got[name];
    if (!c) throw new Error(`simplified model lacks output '${name}'`);
    expect(c.dims).toEqual(t.dims);
    const a = t.data as ArrayLike<number>;
    const b = c.data as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) {
      err = Math.max(err, Math.abs(Number(a[i]) - Number(b[i])));
      scale = Math.max(scale, Math.abs(Number(a[i])));
    }
  }
  return err / Math.max(scale, 1e-2);
}

async function checkSame(model: ModelIR): Promise<{ before: number; after: number; error: number }> {
  const bytes = encodeModel(model);
  // As the worker and the CLI run it: with the runtime for constant subgraphs the core does not evaluate.
  const { model: out } = await simplify.apply(model, {}, { runConstants: constantRunner(async () => runtime) });
  expect(encodeModel(model)).toEqual(bytes);
  const [feeds] = synthesizeModelInputs(model, { seed: 11, count: 1 });
  const kept = Object.fromEntries(Object.entries(feeds!).filter(([k]) => out.graph!.input.some((v) => v.name === k)));
  const ref = await runModel(runtime, model, feeds!);
  const got = await runModel(runtime, out, kept);
  return { before: listNodes(model).length, after: listNodes(out).length, error: relativeError(ref, got) };
}

const FIXTURES: Record<string, () => ModelIR> = { mlp, convBnRelu, transformerBlock, constantsInIf, bigMlp, bigConv, tinyImageClassifier: () => tinyImageClassifier() };
const REAL = { cls: OCR_CLS, det: OCR_DET, rec: OCR_REC };
/** Nodes onnxsim 0.7.3 leaves on each (the figures; `npm run bench` runs it beside simplify). */
const ONNXSIM_NODES: Record<string, number> = { cls: 180, det: 297, rec: 377 };

describe('simplify keeps outputs on every fixture and the PaddleOCR models', () => {
  for (const [name, make] of Object.entries(FIXTURES)) {
    it(name, async () => {
      const r = await checkSame(make());
      expect(r.error).toBeLessThan(1e-5);
      expect(r.after).toBeLessThanOrEqual(r.before);
    }, 600_000);
  }
  for (const [name, file] of Object.entries(REAL)) {
    it(`paddleocr ${name}`, async () => {
      const r = await checkSame(decodeModel(readOcrModel(file)));
      console.log(`paddleocr ${name}: ${r.before} -> ${r.after} nodes, relative error ${r.error.toExponential(2)}`);
      expect(r.error).toBeLessThan(1e-4);
      expect(r.after).toBeLessThanOrEqual(ONNXSIM_NODES[name]!);
    }, 900_000);
  }
});
