/**
 * `npm run bench` section for low-rank factorization on the PaddleOCR recognizer: for plain SVD and
 * whitened (data-aware) factorization at the same ranks, the time to factor, file size,
 * parameters, MACs, the onnxruntime-web WASM latency (one thread, interleaved rounds) against
 * fp32, and the logits' cosine and SQNR on held-out text-like lines. It prints; it never asserts.
 */
import { decodeModel } from '../../src/core/onnx/decode';
import { encodeModel } from '../../src/core/onnx/encode';
import type { ModelIR } from '../../src/core/ir/model';
import { applyRecipe, parseRecipe } from '../../src/core/recipe';
import { compareOutputs } from '../../src/core/evaluate/metrics';
import { modelOpener } from '../../src/runtime/calibrate';
import { createNodeRuntime } from '../../src/runtime/node';
import { OCR_REC, readOcrModel } from '../core/onnx/model-corpus';
import { withLogits } from '../core/methods/run-helpers';
import { textImage } from '../fixtures/text-images';
import { median, timeSessionsInRounds } from './measure';

const RECIPES = [
  'low-rank:rank=ratio,ratio=0.75',
  'low-rank:rank=ratio,ratio=0.75,whiten=true,samples=8',
  'low-rank:rank=ratio,ratio=0.5',
  'low-rank:rank=ratio,ratio=0.5,whiten=true,samples=8',
  'low-rank:energy=0.95',
];
const HEIGHT = 48;
const WIDTH = 320;
const CALIBRATION_SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const HELD_OUT_SEEDS = [101, 102, 103, 104];

interface Form {
  label: string;
  model: ModelIR;
  applyMs: number;
  bytes: number;
  params: number;
  macs: number;
  cosine: number;
  sqnrDb: number;
  layers: number;
}

export async function benchLowRank(rounds: number): Promise<void> {
  const runtime = createNodeRuntime();
  const { model, logits } = withLogits(decodeModel(readOcrModel(OCR_REC)));
  const page = (seed: number) => ({ x: textImage(seed, HEIGHT, WIDTH) });
  const calibrationInputs = CALIBRATION_SEEDS.map(page);
  const held = HELD_OUT_SEEDS.map(page);
  const openModel = modelOpener(runtime);
  const refSession = await runtime.createSession(encodeModel(model), { backend: 'wasm', threads: 1 });
  const reference = [];
  for (const f of held) reference.push(await refSession.run(f));
  await refSession.release();

  console.log(`\nLow-rank factorization, PaddleOCR rec (input 1x3x${HEIGHT}x${WIDTH}; fidelity of the logits on ${held.length} held-out lines; whiten calibrates on ${calibrationInputs.length} others)`);
  const fp32Bytes = encodeModel(model).byteLength;
  const forms: Form[] = [{ label: 'fp32', model, applyMs: 0, bytes: fp32Bytes, params: 1, macs: 1, cosine: 1, sqnrDb: Infinity, layers: 0 }];
  for (const recipe of RECIPES) {
    const start = performance.now();
    const r = await applyRecipe(model, parseRecipe(recipe), { openModel, calibrationInputs });
    const applyMs = performance.now() - start;
    const step = r.steps[0]!;
    const session = await runtime.createSession(r.bytes, { backend: 'wasm', threads: 1 });
    const outs = [];
    for (const f of held) outs.push(await session.run(f));
    await session.release();
    const metric = compareOutputs(reference, outs).find((m) => m.name === logits)!;
    forms.push({
      label: recipe,
      model: r.model,
      applyMs,
      bytes: r.bytes.byteLength,
      params: step.after.parameters / step.before.parameters,
      macs: step.after.macs / step.before.macs,
      cosine: metric.cosine,
      sqnrDb: metric.sqnrDb,
      layers: step.changes.filter((c) => c.kind === 'rank').length,
    });
  }

  const sessions = [];
  for (const f of forms) sessions.push(await runtime.createSession(encodeModel(f.model), { backend: 'wasm', threads: 1 }));
  const feeds = page(7);
  process.stdout.write('WASM 1 thread, interleaved rounds:');
  const times = await timeSessionsInRounds(sessions, feeds, rounds);
  const fp32Ms = median(times[0]!);
  for (const [i, f] of forms.entries()) {
    const ms = median(times[i]!);
    const factored = i === 0 ? '' : `${f.layers} layers factored in ${(f.applyMs / 1000).toFixed(1)} s; `;
    console.log(
      `${f.label}: ${factored}file ${(f.bytes / 1e6).toFixed(2)} MB (${(f.bytes / fp32Bytes).toFixed(3)}x), params ${f.params.toFixed(3)}x, MACs ${f.macs.toFixed(3)}x, ` +
        `median ${ms.toFixed(1)} ms (${(ms / fp32Ms).toFixed(3)}x fp32), logits cosine ${f.cosine.toFixed(4)}, SQNR ${Number.isFinite(f.sqnrDb) ? f.sqnrDb.toFixed(1) : 'exact'} dB`,
    );
  }
  for (const s of sessions) await s.release();
}
