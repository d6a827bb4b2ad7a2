import { describe, expect, it } from 'vitest';
import { countMacs } from '../../../src/core/analyze/macs';
import { inferShapes } from '../../../src/core/graph/shapes';
import type { ModelIR } from '../../../src/core/ir/model';
import { decodeModel } from '../../../src/core/onnx/decode';
import { applyRecipe } from '../../../src/core/recipe/apply';
import { parseRecipe } from '../../../src/core/recipe/parse';
import { createNodeRuntime } from '../../../src/runtime/node';
import { textImage } from '../../fixtures/text-images';
import { OCR_REC, readOcrModel } from '../onnx/model-corpus';
import { cosine, runAll, sameBytes, withLogits } from './run-helpers';

const runtime = createNodeRuntime();
const HEIGHT = 48;
const WIDTH = 320;
/** PP-OCRv4 rec's two SVTR blocks: width 120 in 8 heads of 15, over a sequence of WIDTH / 8 columns. */
const WIDTH_C = 120;
const HEAD_DIM = 15;
const SEQ = WIDTH / 8;

const macsAt = (m: ModelIR): number => countMacs(m.graph!, inferShapes(m.graph!, new Map([['x', [1, 3, HEIGHT, WIDTH]]]))).total;

async function pruneHeads(heads: number) {
  const bytes = readOcrModel(OCR_REC);
  const original = bytes.slice();
  const { model, logits } = withLogits(decodeModel(bytes));
  const result = await applyRecipe(model, parseRecipe(`prune-channels:ratio=0,heads=${heads}`));
  expect(sameBytes(bytes, original)).toBe(true);
  const lines = [3, 5, 8].map((seed) => ({ x: textImage(seed, HEIGHT, WIDTH) }));
  const ref = await runAll(runtime, model, lines);
  const cand = await runAll(runtime, result.model, lines);
  let worst = 1;
  for (const [k, feeds] of ref.entries()) {
    for (const [name, t] of Object.entries(feeds)) expect(cand[k]![name]!.dims).toEqual(t.dims);
    worst = Math.min(worst, cosine(feeds[logits]!.data as Float32Array, cand[k]![logits]!.data as Float32Array));
  }
  return { model, result, step: result.steps[0]!, logits: worst };
}

// Measured (3 text-like lines 48x320, onnxruntime-web WASM): heads 0.25 keeps 6 of 8 heads per block,
// parameters 0.9892x, MACs at 48x320 0.9981x, logits cosine 0.974; heads 0.5 keeps 4: 0.9785x, 0.9962x,
// 0.969. Attention is under 1% of this model's compute (a sequence of 40), so heads buy little here;
// one-thread latency (npm run bench, on a loaded machine) moved within the run-to-run spread: 0.92-1.06x
// against 0.99-1.04x for fp32 timed against itself.
describe('prune-channels heads on PP-OCRv4 rec (its fused-QKV SVTR blocks, executed in onnxruntime-web)', () => {
  it.each([
    [0.25, 6],
    [0.5, 4],
  ])('heads=%s: both blocks keep %s of 8 heads, same output shapes, params and MACs drop by exactly the cut', async (heads, kept) => {
    const r = await pruneHeads(heads);
    expect(r.step.changes).toEqual(
      ['p2o.MatMul.0', 'p2o.MatMul.12'].map((name) => ({ kind: 'channels-removed', name, before: 3 * WIDTH_C, after: 3 * kept * HEAD_DIM })),
    );
    const removed = 2 * (8 - kept);
    // Per head: its 3 x 15 QKV columns (120 weights each, plus a bias) and 15 output-projection rows of 120.
    expect(r.step.before.parameters - r.step.after.parameters).toBe(removed * (3 * HEAD_DIM * (WIDTH_C + 1) + HEAD_DIM * WIDTH_C));
    // Per head over the sequence: QKV and output projection, then QK^T and attention x V.
    expect(macsAt(r.model) - macsAt(r.result.model)).toBe(removed * (SEQ * WIDTH_C * 3 * HEAD_DIM + SEQ * HEAD_DIM * WIDTH_C + 2 * SEQ * SEQ * HEAD_DIM));
    expect(r.logits).toBeGreaterThan(0.95);
    // The attention blocks' own channel groups (read by the Reshape into heads) are not listed as left.
    expect(r.step.warnings.join(' ')).not.toMatch(/p2o\.MatMul\.0 \(360 channels\)/);
  });

  it('heads=0.25 stays closer to the original than 0.5', async () => {
    const quarter = await pruneHeads(0.25);
    const half = await pruneHeads(0.5);
    expect(quarter.logits).toBeGreaterThan(half.logits);
  });
});
