/**
 * `npm run bench`: codec and int8-weight throughput on a synthetic ~200 MB fp32 model,
 * measured side by side in one run as ratios to copying the same bytes once, plus the codec
 * on a real model with hundreds of small tensors. It prints; it never asserts (timings are
 * not tested). Usage: npm run bench [-- --rounds N]
 */
import os from 'node:os';
import { decodeModel } from '../../src/core/onnx/decode';
import { encodeModel } from '../../src/core/onnx/encode';
import { listWeights } from '../../src/core/ir/walk';
import { applyRecipe, parseRecipe, type Recipe } from '../../src/core/recipe';
import { getMethod } from '../../src/core/methods/registry';
import type { ModelIR } from '../../src/core/ir/model';
import { modelTotals } from '../../src/core/recipe/totals';
import { OCR_REC, readOcrModel } from '../core/onnx/model-corpus';
import { exposeGc, median, timeInRounds, type TimedOperation } from './measure';
import { formatBenchTable } from './report-table';
import { syntheticModel } from './synthetic-model';
import { benchWasmLatency } from './wasm-latency';
import { benchPruning } from './pruning';
import { benchSimplify } from './simplify-vs-onnxsim';
import { benchLowRank } from './low-rank';
import { benchAttentionHeads } from './attention-heads';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function printTable(title: string, bytes: Uint8Array, operations: TimedOperation[], rounds: number, gc: () => void): Promise<void> {
  process.stdout.write(`\n${title}\nrounds:`);
  const times = await timeInRounds(operations, rounds, gc, (round) => process.stdout.write(round === 0 ? ' warm-up' : ` ${round}`));
  process.stdout.write('\n\n');
  const rows = operations.map((op, i) => ({ operation: op.operation, ms: median(times[i]!), target: op.target }));
  console.log(formatBenchTable(rows, rows[0]!.ms, bytes.byteLength));
  console.log(`\nall runs (ms): ${operations.map((op, i) => `${op.operation}: ${times[i]!.map((t) => t.toFixed(0)).join(', ')}`).join('; ')}`);
}

/** One recipe's single step run by its method, without the totals applyRecipe measures around it. */
function apply(model: ModelIR, recipe: Recipe) {
  const [step] = recipe.steps;
  return getMethod(step!.method).apply(model, step!.options);
}

/** The ~200 MB synthetic model: copy, decode, encode and int8-weight, with the issue's targets. */
async function benchSynthetic(rounds: number, gc: () => void): Promise<void> {
  const start = performance.now();
  const bytes = encodeModel(syntheticModel());
  gc();
  const model = decodeModel(bytes);
  console.log(
    `\nsynthetic model: ${mb(bytes.byteLength)}, ${listWeights(model).length} fp32 tensors (MatMul 1024x1024 stack + Convs), built in ${(performance.now() - start).toFixed(0)} ms`,
  );
  console.log(`re-encode of the decoded model is byte-identical: ${sameBytes(encodeModel(model), bytes) ? 'yes' : 'NO'}`);

  const recipe = parseRecipe('int8-weight');
  const fp16WeightRecipe = parseRecipe('fp16-weight');
  const fp16Recipe = parseRecipe('fp16');
  const dynamicRecipe = parseRecipe('int8-dynamic');
  const int4Recipe = parseRecipe('int4');
  await printTable(
    'Synthetic fp32 model',
    bytes,
    [
      { operation: 'copy (bytes.slice)', run: () => bytes.slice() },
      { operation: 'decode', target: 0.5, run: () => decodeModel(bytes) },
      { operation: 'encode (decoded model)', target: 3, run: () => encodeModel(model) },
      // The methods alone (the issue's targets); applyRecipe adds the step totals measured below.
      { operation: 'int8-weight (apply)', target: 4, run: () => apply(model, recipe) },
      { operation: 'fp16-weight (apply)', target: 3, run: () => apply(model, fp16WeightRecipe) },
      { operation: 'fp16 (apply)', target: 3, run: () => apply(model, fp16Recipe) },
      { operation: 'int8-dynamic (apply)', target: 4, run: () => apply(model, dynamicRecipe) },
      { operation: 'int4 block 32 (apply)', target: 8, run: () => apply(model, int4Recipe) },
      { operation: 'step totals (encode, gzip, MACs)', run: () => modelTotals(model, encodeModel(model)) },
    ],
    rounds,
    gc,
  );
  const quantized = await applyRecipe(model, recipe);
  const int8Bytes = quantized.bytes.byteLength;
  console.log(
    `int8-weight: ${quantized.steps[0]?.tensors ?? 0} tensors quantized; file ${mb(bytes.byteLength)} -> ${mb(int8Bytes)} (${((int8Bytes / bytes.byteLength) * 100).toFixed(1)}%)`,
  );
  const int4Model = await applyRecipe(model, int4Recipe);
  const int4Bytes = int4Model.bytes.byteLength;
  console.log(
    `int4: ${int4Model.steps[0]?.tensors ?? 0} MatMul weights as MatMulNBits (Convs stay fp32); file ${mb(bytes.byteLength)} -> ${mb(int4Bytes)} (${((int4Bytes / bytes.byteLength) * 100).toFixed(1)}%)`,
  );
  for (const [name, r] of [['fp16-weight', fp16WeightRecipe], ['fp16', fp16Recipe]] as const) {
    const converted = await applyRecipe(model, r);
    const size = converted.bytes.byteLength;
    console.log(`${name}: ${converted.steps[0]?.tensors ?? 0} tensors converted; file ${mb(bytes.byteLength)} -> ${mb(size)} (${((size / bytes.byteLength) * 100).toFixed(1)}%)`);
  }
}

/** A real model with hundreds of small tensors, where per-message work matters more than bytes. */
async function benchRealModel(rounds: number, gc: () => void): Promise<void> {
  const rec = readOcrModel(OCR_REC);
  const recModel = decodeModel(rec);
  await printTable(
    `Real model: PaddleOCR rec (${mb(rec.byteLength)}, ${listWeights(recModel).length} Constant-node weights; informational, no targets)`,
    rec,
    [
      { operation: 'copy (bytes.slice)', run: () => rec.slice() },
      { operation: 'decode', run: () => decodeModel(rec) },
      { operation: 'encode (decoded model)', run: () => encodeModel(recModel) },
    ],
    rounds * 2,
    gc,
  );
}

async function main(): Promise<void> {
  const rounds = option('rounds', 5);
  const gc = exposeGc();
  console.log(`Featherweight bench: Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.availableParallelism()}`);
  console.log(`medians of ${rounds} interleaved rounds after a warm-up; MB = 10^6 bytes of the model file; x copy = time / time of bytes.slice()`);
  await benchSynthetic(rounds, gc);
  gc();
  await benchRealModel(rounds, gc);
  gc();
  await benchWasmLatency(rounds);
  gc();
  await benchPruning(rounds, gc);
  gc();
  await benchSimplify(rounds, gc);
  gc();
  await benchLowRank(rounds);
  gc();
  await benchAttentionHeads(rounds);
  console.log(`\npeak RSS ${mb(process.resourceUsage().maxRSS * 1024)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
