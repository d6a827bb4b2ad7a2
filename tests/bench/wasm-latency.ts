/**
 * `npm run bench` section: onnxruntime-web WASM latency (one thread) of the fp32 model against
 * its quantized forms, on the real conv-heavy model (PaddleOCR det) and the transformer-like one
 * (PaddleOCR rec), side by side in one run. All sessions are loaded first; then rounds interleave
 * the variants (each round: one untimed run, then `runsPerRound` timed runs per variant), so
 * background load hits every variant alike. Prints medians, speedups over fp32 and the output
 * cosine of each form; it never asserts.
 */
import { decodeModel } from '../../src/core/onnx/decode';
import { encodeModel } from '../../src/core/onnx/encode';
import type { ModelIR } from '../../src/core/ir/model';
import { applyRecipe, parseRecipe } from '../../src/core/recipe';
import type { Feeds } from '../../src/core/evaluate/tensor-data';
import { compareTensors } from '../../src/core/evaluate/metrics';
import { modelOpener } from '../../src/runtime/calibrate';
import { createNodeRuntime } from '../../src/runtime/node';
import type { ModelSession, Runtime } from '../../src/runtime/types';
import { OCR_DET, OCR_REC, readOcrModel } from '../core/onnx/model-corpus';
import { textImage } from '../fixtures/text-images';
import { median, timeSessionsInRounds } from './measure';
import { speedRatioInterval, speedVerdict } from '../../src/core/evaluate/ratio-interval';

/** Each quantized form measured: a label and the recipe that makes it. */
export interface LatencyForm {
  label: string;
  recipe: string;
}

export const LATENCY_FORMS: LatencyForm[] = [
  { label: 'int8-weight (DequantizeLinear, float compute)', recipe: 'int8-weight' },
  { label: 'int8-dynamic (defaults: grouped Convs float)', recipe: 'int8-dynamic' },
  { label: 'int8-dynamic groupedConv=true', recipe: 'int8-dynamic:groupedConv=true' },
  { label: 'int8-dynamic perChannel=false', recipe: 'int8-dynamic:perChannel=false' },
  { label: 'int8-dynamic weightType=uint8', recipe: 'int8-dynamic:weightType=uint8' },
  { label: 'int8-static QDQ (defaults: percentile, per-channel, inputs)', recipe: 'int8-static' },
  { label: 'int8-static QDQ perChannel=false', recipe: 'int8-static:perChannel=false' },
  { label: 'int8-static QDQ quantizeOutputs=true (full QLinear pattern)', recipe: 'int8-static:quantizeOutputs=true' },
];

/** Text-like images int8-static calibrates on (other seeds than the timed input). */
const CALIBRATION_SEEDS = [11, 12, 13, 14];

/** The fastest form on the conv model must beat fp32 by this factor (issue target). */
const CONV_TARGET = 1.3;

interface Variant {
  label: string;
  bytes: number;
  session: ModelSession;
  cosine: number;
  times: number[];
}

async function load(runtime: Runtime, label: string, model: ModelIR, feeds: Feeds, reference: Feeds | undefined): Promise<Variant> {
  const bytes = encodeModel(model);
  const session = await runtime.createSession(bytes, { backend: 'wasm', threads: 1 });
  const out = await session.run(feeds);
  const name = Object.keys(out)[0]!;
  return { label, bytes: bytes.byteLength, session, cosine: reference ? compareTensors(name, reference[name]!, out[name]!).cosine : 1, times: [] };
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padLeft = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** Measures one model's variants; returns the best speedup of a quantized form over fp32. */
async function benchModel(runtime: Runtime, title: string, file: string, height: number, width: number, rounds: number, runsPerRound: number): Promise<number> {
  const model = decodeModel(readOcrModel(file));
  const feeds: Feeds = { x: textImage(3, height, width) };
  const fp32 = await load(runtime, 'fp32', model, feeds, undefined);
  const reference = await fp32.session.run(feeds);
  const variants = [fp32];
  const calibrationInputs: Feeds[] = CALIBRATION_SEEDS.map((seed) => ({ x: textImage(seed, height, width) }));
  const openModel = modelOpener(runtime, { threads: 1 });
  const calibration: string[] = [];
  for (const form of LATENCY_FORMS) {
    const t0 = performance.now();
    const { model: quantized } = await applyRecipe(model, parseRecipe(form.recipe), { openModel, calibrationInputs });
    if (form.recipe.startsWith('int8-static')) {
      calibration.push(`${form.label}: ${((performance.now() - t0) / calibrationInputs.length).toFixed(0)} ms per calibration sample (whole method / samples)`);
    }
    variants.push(await load(runtime, form.label, quantized, feeds, reference));
  }
  process.stdout.write(`\n${title}, input 1x3x${height}x${width}, WASM ${fp32.session.threads ?? 1} thread(s)\nrounds:`);
  const times = await timeSessionsInRounds(variants.map((v) => v.session), feeds, rounds, runsPerRound);
  variants.forEach((v, i) => v.times.push(...times[i]!));
  const base = median(fp32.times);
  const header = ['form', 'median ms', 'min ms', 'speedup', '95% interval', 'file', 'output cosine'];
  const rows = variants.map((v) => {
    const ms = median(v.times);
    // Run k of every form sits in the same round, so the bootstrap resamples the runs in pairs.
    const iv = v === fp32 ? null : speedRatioInterval(fp32.times, v.times, { paired: true });
    const interval = iv ? `${iv.low.toFixed(2)}-${iv.high.toFixed(2)}x${speedVerdict(iv) === 'same' ? ' (same)' : ''}` : '';
    return [v.label, ms.toFixed(1), Math.min(...v.times).toFixed(1), `${(base / ms).toFixed(2)}x`, interval, `${((v.bytes / fp32.bytes) * 100).toFixed(0)}%`, v.cosine.toFixed(5)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? pad(c, widths[i]!) : padLeft(c, widths[i]!))).join('  ');
  console.log([line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n'));
  const slower = variants.filter((v) => v !== fp32 && median(v.times) > base);
  if (slower.length > 0) console.log(`slower than fp32: ${slower.map((v) => v.label).join('; ')}`);
  for (const c of calibration) console.log(c);
  for (const v of variants) await v.session.release();
  return Math.max(...variants.filter((v) => v !== fp32).map((v) => base / median(v.times)));
}

/** The section: det (conv-heavy) with the target, then rec (conv + MatMul, transformer-like neck). */
export async function benchWasmLatency(rounds: number): Promise<void> {
  const runtime = createNodeRuntime();
  console.log('\nonnxruntime-web WASM latency, 1 thread: fp32 vs int8 forms (medians of interleaved timed runs; cosine of the first output vs fp32)');
  const det = await benchModel(runtime, 'PaddleOCR det (conv model)', OCR_DET, 320, 320, rounds, 3);
  const verdict = det >= CONV_TARGET ? 'PASS' : 'MISS';
  console.log(`fastest int8 form on the conv model: ${det.toFixed(2)}x fp32 (target >= ${CONV_TARGET}x): ${verdict}`);
  await benchModel(runtime, 'PaddleOCR rec (transformer-like model)', OCR_REC, 48, 320, rounds, 3);
}
