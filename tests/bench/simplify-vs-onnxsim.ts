/**
 * `simplify` beside onnx-simplifier's WebAssembly build (the onnxsim npm package, a
 * devDependency for this comparison only) on the PaddleOCR models, bytes in to bytes out for
 * both, in interleaved rounds: nodes left (subgraph nodes counted) and median time.
 */
import { simplify as onnxsim } from 'onnxsim';
import { decodeModel } from '../../src/core/onnx/decode';
import { encodeModel } from '../../src/core/onnx/encode';
import { listNodes } from '../../src/core/ir/walk';
import { simplify } from '../../src/core/methods/simplify';
import { constantRunner } from '../../src/runtime/constant-runner';
import { createNodeRuntime } from '../../src/runtime/node';
import { OCR_CLS, OCR_DET, OCR_REC, readOcrModel } from '../core/onnx/model-corpus';
import { median, timeInRounds } from './measure';

const MODELS = { 'PP-OCR cls': OCR_CLS, 'PP-OCRv4 det': OCR_DET, 'PP-OCRv4 rec': OCR_REC };

// As the CLI runs it: with onnxruntime-web for constant subgraphs the core does not evaluate.
const runtime = createNodeRuntime();
const runConstants = constantRunner(async () => runtime);

async function ours(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return encodeModel((await simplify.apply(decodeModel(bytes), {}, { runConstants })).model);
}

async function theirs(bytes: Uint8Array): Promise<Uint8Array> {
  // onnxsim prints an op-count table on every call; the bench keeps its own output readable.
  const log = console.log;
  console.log = () => undefined;
  try {
    return (await onnxsim(bytes)).model;
  } finally {
    console.log = log;
  }
}

// onnxsim hands back a view that may sit on any buffer; the decoder takes a plain one.
const nodes = (bytes: Uint8Array): number => listNodes(decodeModel(new Uint8Array(bytes))).length;

export async function benchSimplify(rounds: number, gc: () => void): Promise<void> {
  console.log('\nsimplify vs onnxsim 0.7.3 (WebAssembly), bytes in -> bytes out; nodes include subgraph nodes');
  console.log('model         | nodes | simplify nodes | onnxsim nodes | simplify ms | onnxsim ms');
  for (const [label, file] of Object.entries(MODELS)) {
    const bytes = readOcrModel(file);
    const [a, b] = [await ours(bytes), await theirs(bytes)];
    const times = await timeInRounds(
      [
        { operation: 'simplify', run: () => ours(bytes) },
        { operation: 'onnxsim', run: () => theirs(bytes) },
      ],
      rounds,
      gc,
    );
    const cells = [label.padEnd(13), String(nodes(bytes)).padStart(5), String(nodes(a)).padStart(14), String(nodes(b)).padStart(13), median(times[0]!).toFixed(0).padStart(11), median(times[1]!).toFixed(0).padStart(10)];
    console.log(cells.join(' | '));
  }
}
