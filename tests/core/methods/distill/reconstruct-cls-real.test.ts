import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../../src/core/onnx/decode';
import { applyRecipe } from '../../../../src/core/recipe/apply';
import { parseRecipe } from '../../../../src/core/recipe/parse';
import { createTeacher } from '../../../../src/core/recipe/teacher';
import { createNodeRuntime } from '../../../../src/runtime/node';
import { modelOpener } from '../../../../src/runtime/calibrate';
import type { ModelIR } from '../../../../src/core/ir/model';
import { orientationSamples } from '../../../fixtures/text-orientation';
import { OCR_CLS, readOcrModel } from '../../onnx/model-corpus';
import { runAll, withLogits } from '../run-helpers';

const runtime = createNodeRuntime();
const openModel = modelOpener(runtime);

/** Lines 0-23 calibrate, lines 24-79 evaluate: disjoint texts, each upright and turned. */
const calibration = orientationSamples(0, 24);
const evaluation = orientationSamples(24, 80);
/** The larger calibration set of the ratio-0.5 case: lines 0-23 and 80-279, still disjoint from the evaluation. */
const largeCalibration = [...calibration, ...orientationSamples(80, 280)];

interface Scored {
  accuracy: number;
  logits: Float32Array[];
}

async function score(model: ModelIR, logits: string): Promise<Scored> {
  const outs = await runAll(runtime, model, evaluation.map((s) => s.feeds));
  const rows = outs.map((o) => o[logits]!.data as Float32Array);
  const right = rows.filter((l, i) => (l[1]! > l[0]! ? 1 : 0) === evaluation[i]!.label).length;
  return { accuracy: right / rows.length, logits: rows };
}

/** SQNR (dB) of the candidate's logits against the original's over the evaluation set. */
function sqnr(ref: Scored, cand: Scored): number {
  let signal = 0;
  let noise = 0;
  ref.logits.forEach((r, i) => r.forEach((v, j) => ((signal += v * v), (noise += (v - cand.logits[i]![j]!) ** 2))));
  return 10 * Math.log10(signal / noise);
}

describe('reconstruct after prune-channels on the PaddleOCR direction classifier (onnxruntime-web, rendered labelled text lines)', () => {
  it('recovers at least half the accuracy channel pruning lost and raises the logits SQNR by 3 dB', async () => {
    const { model, logits } = withLogits(decodeModel(readOcrModel(OCR_CLS)));
    const ctx = { openModel, calibrationInputs: calibration.map((s) => s.feeds) };
    const prune = 'prune-channels:ratio=0.3,importance=activation';
    const teacher = createTeacher(model, openModel);
    try {
      const pruned = await applyRecipe(model, parseRecipe(prune), ctx);
      const refitted = await applyRecipe(model, parseRecipe(`${prune}+reconstruct:samples=48`), { ...ctx, teacher });
      const original = await score(model, logits);
      const a = await score(pruned.model, logits);
      const b = await score(refitted.model, logits);
      const figures = `accuracy ${original.accuracy.toFixed(3)} -> pruned ${a.accuracy.toFixed(3)} -> refitted ${b.accuracy.toFixed(3)}; logits SQNR ${sqnr(original, a).toFixed(2)} -> ${sqnr(original, b).toFixed(2)} dB`;
      console.info(`[reconstruct cls] ${evaluation.length} held-out lines: ${figures}`);
      // Measured (112 held-out images, 48 calibration images): accuracy 0.813 -> 0.482 -> 0.670 (57% of the
      // loss back), logits SQNR 0.01 -> 3.54 dB; with importance=l1 the same ratio leaves 0.50 after pruning. At ratio 0.5 (either importance) the pruned classifier says
      // one class for everything (0.500) and the refit does not bring it back (0.500-0.509, SQNR below 2 dB).
      // Also tried at ratio 0.5 (importance=activation, the same 48/112 split): layers=downstream (refits the
      // final MatMul and its bias Add too) 0.491, SQNR -1.57 dB (the 200-input classifier overfits 48 samples);
      // with tuneLambda 0.491, 0.85 dB; calibration augmented 4x (the 48 images shifted by +-12 px, dimmed to 0.8)
      // with layers=downstream 0.563 (20% of the loss back), -0.36 dB, changed layers only 0.500, 1.00 dB.
      // The pruned net's logit margin is the same for both classes (0.29 / 0.29); after the refit it differs
      // (1.9 / 3.1 against the original's -3.4 / 6.1) but stays on one side. What ratio 0.5 needs is more
      // calibration lines and the downstream layers refitted too: the test below.
      expect(original.accuracy - a.accuracy).toBeGreaterThan(0.15);
      expect(b.accuracy - a.accuracy).toBeGreaterThanOrEqual(0.5 * (original.accuracy - a.accuracy));
      expect(sqnr(original, b)).toBeGreaterThan(sqnr(original, a) + 3);
      expect(refitted.steps[1]!.changes.length).toBeGreaterThan(40);
    } finally {
      await teacher.release();
    }
  }, 900_000);

  it('at ratio 0.5, with 448 calibration images and the downstream layers refitted, recovers at least half the loss and 3 dB', async () => {
    const { model, logits } = withLogits(decodeModel(readOcrModel(OCR_CLS)));
    const ctx = { openModel, calibrationInputs: largeCalibration.map((s) => s.feeds) };
    const prune = 'prune-channels:ratio=0.5,importance=activation';
    const teacher = createTeacher(model, openModel);
    try {
      const pruned = await applyRecipe(model, parseRecipe(prune), ctx);
      const refitted = await applyRecipe(model, parseRecipe(`${prune}+reconstruct:samples=${largeCalibration.length},layers=downstream`), { ...ctx, teacher });
      const original = await score(model, logits);
      const a = await score(pruned.model, logits);
      const b = await score(refitted.model, logits);
      const figures = `accuracy ${original.accuracy.toFixed(3)} -> pruned ${a.accuracy.toFixed(3)} -> refitted ${b.accuracy.toFixed(3)}; logits SQNR ${sqnr(original, a).toFixed(2)} -> ${sqnr(original, b).toFixed(2)} dB`;
      console.info(`[reconstruct cls 0.5] ${largeCalibration.length} calibration, ${evaluation.length} held-out images: ${figures}`);
      // Measured: accuracy 0.813 -> 0.464 -> 0.795 (95% of the loss back), logits SQNR -0.01 -> 3.56 dB; the
      // changed layers alone (layers=changed) 0.652 (54%), +1.67 dB; with tuneLambda 0.786, +3.41 dB;
      // with lines 80-179 only (248 images) 0.500 -> 0.705 (66%), +3.16 dB.
      expect(original.accuracy - a.accuracy).toBeGreaterThan(0.15);
      expect(b.accuracy - a.accuracy).toBeGreaterThanOrEqual(0.5 * (original.accuracy - a.accuracy));
      expect(sqnr(original, b)).toBeGreaterThan(sqnr(original, a) + 3);
    } finally {
      await teacher.release();
    }
  }, 1_800_000);
});
