/**
 * `npm run bench` section for pruning, side by side in one run: prune throughput on the synthetic
 * model as ratios to a copy of its bytes; on the PaddleOCR detector the parameters, MACs and gzip
 * size each prune step leaves, and onnxruntime-web WASM latency (one thread, interleaved rounds)
 * of fp32 against the pruned forms, with their output cosine. It prints; it never asserts.
 */
import { pathToFileURL } from 'node:url';
import { decodeModel } from '../../src/core/onnx/decode';
import { encodeModel } from '../../src/core/onnx/encode';
import { applyRecipe, parseRecipe, type Recipe } from '../../src/core/recipe';
import { getMethod } from '../../src/core/methods/registry';
import type { ModelIR } from '../../src/core/ir/model';
import type { Feeds } from '../../src/core/evaluate/tensor-data';
import { compareTensors } from '../../src/core/evaluate/metrics';
import { createNodeRuntime } from '../../src/runtime/node';
import { OCR_DET, readOcrModel } from '../core/onnx/model-corpus';
import { textImage } from '../fixtures/text-images';
import { exposeGc, median, timeInRounds, timeSessionsInRounds } from './measure';
import { formatBenchTable } from './report-table';
import { syntheticModel } from './synthetic-model';
import { benchDetectorAccuracy } from './pruning-det-accuracy';

const DET_FORMS = ['prune-channels:ratio=0.3', 'prune-channels:ratio=0.3+int8-dynamic', 'prune-unstructured:sparsity=0.5', 'prune-unstructured:sparsity=0.5,scope=global'];
/** Issue targets on the detector. */
const PARAMS_TARGET = 0.7;
const LATENCY_TARGET = 0.8;
const GZIP_TARGET = 0.75;

function apply(model: ModelIR, recipe: Recipe) {
  const [step] = recipe.steps;
  return getMethod(step!.method).apply(model, step!.options);
}

const verdict = (ok: boolean): string => (ok ? 'PASS' : 'MISS');

async function benchThroughput(rounds: number, gc: () => void): Promise<void> {
  const bytes = encodeModel(syntheticModel());
  const model = decodeModel(bytes);
  const unstructured = parseRecipe('prune-unstructured:sparsity=0.5');
  const channels = parseRecipe('prune-channels:ratio=0.3');
  const cut = await apply(model, channels);
  process.stdout.write(`\nPruning throughput, synthetic model (${(bytes.byteLength / 1e6).toFixed(1)} MB; prune-channels cuts ${cut.changes.length} layer(s))\nrounds:`);
  const operations = [
    { operation: 'copy (bytes.slice)', run: () => bytes.slice() },
    { operation: 'prune-unstructured 50% (apply)', target: 5, run: () => apply(model, unstructured) },
    { operation: 'prune-channels 0.3 (apply)', target: 10, run: () => apply(model, channels) },
  ];
  const times = await timeInRounds(operations, rounds, gc, (round) => process.stdout.write(round === 0 ? ' warm-up' : ` ${round}`));
  process.stdout.write('\n\n');
  const rows = operations.map((op, i) => ({ operation: op.operation, ms: median(times[i]!), target: op.target }));
  console.log(formatBenchTable(rows, rows[0]!.ms, bytes.byteLength));
}

async function benchDetector(rounds: number): Promise<void> {
  const runtime = createNodeRuntime();
  const model = decodeModel(readOcrModel(OCR_DET));
  const feeds: Feeds = { x: textImage(3, 320, 320) };
  const forms: { label: string; model: ModelIR; params: number; macs: number; gzip: number }[] = [];
  const base = await applyRecipe(model, parseRecipe('prune-channels:ratio=0'));
  const totals = base.steps[0]!.before;
  forms.push({ label: 'fp32', model, params: 1, macs: 1, gzip: 1 });
  for (const recipe of DET_FORMS) {
    const r = await applyRecipe(model, parseRecipe(recipe));
    // Parameters and MACs after the prune step (the MAC count leaves out integer Convs); gzip of the whole recipe.
    const pruned = r.steps[0]!.after;
    const gzip = r.steps.at(-1)!.after.gzipBytes;
    forms.push({ label: recipe, model: r.model, params: pruned.parameters / totals.parameters, macs: pruned.macs / totals.macs, gzip: gzip / totals.gzipBytes });
  }
  const sessions = [];
  for (const f of forms) sessions.push(await runtime.createSession(encodeModel(f.model), { backend: 'wasm', threads: 1 }));
  const reference = await sessions[0]!.run(feeds);
  const name = Object.keys(reference)[0]!;
  const cosines: number[] = [];
  for (const s of sessions) cosines.push(compareTensors(name, reference[name]!, (await s.run(feeds))[name]!).cosine);
  process.stdout.write(`\nPaddleOCR det, input 1x3x320x320, WASM 1 thread: pruned forms against fp32 (interleaved rounds)\nrounds:`);
  const times = await timeSessionsInRounds(sessions, feeds, rounds);
  const fp32 = median(times[0]!);
  for (const [i, f] of forms.entries()) {
    const ms = median(times[i]!);
    console.log(
      `${f.label}: params ${f.params.toFixed(3)}x, MACs ${f.macs.toFixed(3)}x, gzip ${f.gzip.toFixed(3)}x, median ${ms.toFixed(1)} ms (${(ms / fp32).toFixed(3)}x fp32), output cosine ${cosines[i]!.toFixed(4)}`,
    );
  }
  const channels = forms[1]!;
  const channelsMs = median(times[1]!) / fp32;
  console.log(`prune-channels 0.3: params ${channels.params.toFixed(3)}x (target <= ${PARAMS_TARGET}x): ${verdict(channels.params <= PARAMS_TARGET)}; latency ${channelsMs.toFixed(3)}x (target <= ${LATENCY_TARGET}x): ${verdict(channelsMs <= LATENCY_TARGET)}`);
  console.log(`prune-unstructured 50%: gzip ${forms[3]!.gzip.toFixed(3)}x (target <= ${GZIP_TARGET}x): ${verdict(forms[3]!.gzip <= GZIP_TARGET)}`);
  for (const s of sessions) await s.release();
}

type Section = 'throughput' | 'detector' | 'accuracy';

/** Every section, or only the one named. */
export async function benchPruning(rounds: number, gc: () => void, only?: Section): Promise<void> {
  if (!only || only === 'throughput') await benchThroughput(rounds, gc);
  gc();
  if (!only || only === 'detector') await benchDetector(rounds);
  gc();
  if (!only || only === 'accuracy') await benchDetectorAccuracy(rounds);
}

// Run alone: npx tsx tests/bench/pruning.ts [--only throughput|detector|accuracy] [--rounds N]
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string): string | undefined => {
    const at = process.argv.indexOf(`--${name}`);
    return at >= 0 ? process.argv[at + 1] : undefined;
  };
  const only = arg('only') as Section | undefined;
  const rounds = Number(arg('rounds') ?? 5);
  benchPruning(Number.isInteger(rounds) && rounds > 0 ? rounds : 5, exposeGc(), only).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
