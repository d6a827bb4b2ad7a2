/**
 * `npm run bench` section for attention-head pruning on PP-OCRv4 rec (two fused-QKV SVTR blocks
 * of 8 heads): parameters and MACs at 48x320 of each heads ratio, onnxruntime-web WASM latency (one
 * thread, interleaved rounds) against fp32, and the logits cosine. A second fp32 session times
 * the original against itself, so the spread of the ratios shows. It prints; it never asserts.
 */
import { countMacs } from '../../src/core/analyze/macs';
import { inferShapes } from '../../src/core/graph/shapes';
import type { ModelIR } from '../../src/core/ir/model';
import { decodeModel } from '../../src/core/onnx/decode';
import { encodeModel } from '../../src/core/onnx/encode';
import { applyRecipe, parseRecipe } from '../../src/core/recipe';
import { compareTensors } from '../../src/core/evaluate/metrics';
import { createNodeRuntime } from '../../src/runtime/node';
import { OCR_REC, readOcrModel } from '../core/onnx/model-corpus';
import { withLogits } from '../core/methods/run-helpers';
import { textImage } from '../fixtures/text-images';
import { median, timeSessionsInRounds } from './measure';

const FORMS = ['prune-channels:ratio=0,heads=0.25', 'prune-channels:ratio=0,heads=0.5'];

const macsAt = (m: ModelIR): number => countMacs(m.graph!, inferShapes(m.graph!, new Map([['x', [1, 3, 48, 320]]]))).total;

export async function benchAttentionHeads(rounds: number): Promise<void> {
  const runtime = createNodeRuntime();
  const { model, logits } = withLogits(decodeModel(readOcrModel(OCR_REC)));
  const base = (await applyRecipe(model, parseRecipe('prune-channels:ratio=0'))).steps[0]!.before.parameters;
  const forms: { label: string; model: ModelIR; params: number }[] = [{ label: 'fp32', model, params: base }];
  for (const recipe of FORMS) {
    const r = await applyRecipe(model, parseRecipe(recipe));
    forms.push({ label: recipe, model: r.model, params: r.steps[0]!.after.parameters });
  }
  forms.push({ label: 'fp32 (second session)', model, params: base });
  const feeds = { x: textImage(3, 48, 320) };
  const sessions = [];
  for (const f of forms) sessions.push(await runtime.createSession(encodeModel(f.model), { backend: 'wasm', threads: 1 }));
  const reference = await sessions[0]!.run(feeds);
  const cosines: number[] = [];
  for (const s of sessions) cosines.push(compareTensors(logits, reference[logits]!, (await s.run(feeds))[logits]!).cosine);
  process.stdout.write(`\nPP-OCRv4 rec, input 1x3x48x320, WASM 1 thread: attention heads removed against fp32 (interleaved rounds)\nrounds:`);
  const times = await timeSessionsInRounds(sessions, feeds, rounds);
  const fp32 = median(times[0]!);
  const macs = macsAt(model);
  for (const [i, f] of forms.entries()) {
    const ms = median(times[i]!);
    console.log(
      `${f.label}: params ${(f.params / base).toFixed(4)}x, MACs ${(macsAt(f.model) / macs).toFixed(4)}x, median ${ms.toFixed(1)} ms (${(ms / fp32).toFixed(3)}x fp32), logits cosine ${cosines[i]!.toFixed(4)}`,
    );
  }
  for (const s of sessions) await s.release();
}
