import { sharedModel, type ModelIR, type ReadonlyModelIR } from '../../ir/model';
import { EditSession } from '../../graph/edit-session';
import { makeFloatTensor, readFloat32, tensorDims } from '../../ir/tensor';
import { DT } from '../../ir/dtype';
import type { NodeProto, TensorProto } from '../../onnx/schema';
import { UnsupportedModelError } from '../../util/errors';
import { collectChannelMeans, type ChannelMeanRequest } from '../calibration/channel-means';
import { calibrationOrSynthetic } from '../calibration/calibration-feeds';
import type { MethodContext } from '../types';
import { attrFloat, attrInt } from '../../graph/attrs';
import { BIAS_CORRECTION_SAMPLES } from '../declarations/int8-weight';

/**
 * Bias correction: rounding a layer's weights shifts the mean of its outputs by
 * -(W' - W) E[x] per output channel, and that shift adds up through a deep network. Folding the
 * negated shift into the layer's bias removes it (Nagel et al., "Data-Free Quantization", 2019,
 * with E[x] measured on calibration samples). Conv and Gemm carry a bias; MatMul has none.
 */
export interface BiasTarget {
  /** The Conv or Gemm in the main graph, as it reads the weight. */
  reader: NodeProto;
  original: Float32Array;
  /** What the DequantizeLinear gives back, in the same layout as `original`. */
  dequantized: Float32Array;
  dims: readonly number[];
}

/** Which activation's channel means a target needs, or why it cannot be corrected. */
export function meanRequest(reader: NodeProto): ChannelMeanRequest | string {
  const x = reader.input[0];
  if (!x) return 'no data input';
  if (reader.opType === 'Conv') return { tensor: x, axis: 'second' };
  if (reader.opType === 'Gemm') return (attrInt(reader, 'transA') ?? 0) === 0 ? { tensor: x, axis: 'last' } : 'Gemm with transA';
  return reader.opType === 'MatMul' ? 'MatMul has no bias input' : `${reader.opType} is not corrected (Conv and Gemm only)`;
}

/** The per-output-channel amount to add to the bias, from the weight error and the input's channel means. */
export function biasShift(t: BiasTarget, mean: Float64Array): Float32Array | string {
  const { reader, original, dequantized, dims } = t;
  if (reader.opType === 'Conv') {
    const [outC, groupC] = dims as [number, number];
    const group = attrInt(reader, 'group') ?? 1;
    if (mean.length !== groupC * group) return `input has ${mean.length} channels, weight expects ${groupC * group}`;
    const kernel = original.length / (outC * groupC);
    const perGroup = outC / group;
    const shift = new Float32Array(outC);
    for (let o = 0; o < outC; o++) {
      const first = Math.floor(o / perGroup) * groupC;
      let acc = 0;
      for (let i = 0; i < groupC; i++) {
        const base = (o * groupC + i) * kernel;
        let err = 0;
        for (let k = 0; k < kernel; k++) err += dequantized[base + k]! - original[base + k]!;
        acc += err * mean[first + i]!;
      }
      shift[o] = -acc;
    }
    return shift;
  }
  const transB = (attrInt(reader, 'transB') ?? 0) === 1;
  const [rows, cols] = dims as [number, number];
  const [k, n] = transB ? [cols, rows] : [rows, cols];
  if (mean.length !== k) return `input has ${mean.length} features, weight expects ${k}`;
  const alpha = attrFloat(reader, 'alpha') ?? 1;
  const beta = attrFloat(reader, 'beta') ?? 1;
  if (beta === 0) return 'Gemm with beta 0 ignores its bias';
  const shift = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let i = 0; i < k; i++) {
      const at = transB ? j * k + i : i * n + j;
      acc += (dequantized[at]! - original[at]!) * mean[i]!;
    }
    shift[j] = (-alpha * acc) / beta;
  }
  return shift;
}

/** The bias the node reads now: its values and shape, zeros when it has none, or why it cannot be changed. */
function currentBias(stored: ReadonlyMap<string, TensorProto>, reader: NodeProto, channels: number): { values: Float32Array; dims: number[] } | string {
  const name = reader.input[2];
  if (!name) return { values: new Float32Array(channels), dims: [channels] };
  const tensor = stored.get(name);
  if (!tensor) return `bias '${name}' is computed, not stored`;
  if (tensor.dataType !== DT.FLOAT) return `bias '${name}' is not float32`;
  const values = readFloat32(tensor);
  if (values.length !== channels) return `bias '${name}' has ${values.length} values for ${channels} channels`;
  return { values, dims: tensorDims(tensor) };
}

/**
 * Gives each main-graph node named by its first output in `shifts` a new float32 bias (old
 * bias + shift) as an initializer, and drops old biases nothing reads any more. Returns the new
 * model and, per skipped node, why.
 */
export function applyBiasShifts(model: ReadonlyModelIR, shifts: ReadonlyMap<string, Float32Array>, fresh: (base: string) => string): { model: ModelIR; corrected: number; skipped: string[] } {
  const session = new EditSession(model);
  const main = session.index.scopes[0]!;
  const stored = new Map([...main.stored].map(([name, w]) => [name, w.tensor]));
  const skipped: string[] = [];
  const replaced = new Map<string, number>();
  let corrected = 0;
  for (const n of main.graph.node) {
    const shift = n.output[0] !== undefined ? shifts.get(n.output[0]) : undefined;
    if (!shift) continue;
    const bias = currentBias(stored, n, shift.length);
    if (typeof bias === 'string') {
      skipped.push(`${n.name || n.output[0]} (${bias})`);
      continue;
    }
    const t = makeFloatTensor(fresh(`${n.input[2] || n.output[0]}_bias_corrected`), bias.dims, Float32Array.from(bias.values, (v, i) => v + shift[i]!));
    session.addInitializer(main.graph, t);
    corrected++;
    const old = n.input[2];
    if (old) replaced.set(old, (replaced.get(old) ?? 0) + 1);
    session.setInput(n, 2, t.name);
  }
  // An old bias goes when the rewired slots were all its readers (subgraph reads and graph outputs
  // count); one that is also a graph input stays, as the overridable default it is.
  for (const [name, moved] of replaced) {
    const w = session.index.stored(name, main);
    if (!w || w.graph !== main.graph || w.isGraphOutput || w.isGraphInput || w.uses.length > moved) continue;
    if (w.constantIndex === undefined) session.removeInitializer(main.graph, name);
    else session.removeNode(main.graph.node[w.constantIndex]!);
  }
  return { model: session.commit(), corrected, skipped };
}

/** Seed of the synthetic inputs used when the host gives no calibration samples. */
const SYNTHETIC_SEED = 20261126;

/**
 * Measures the channel means of each target's input on the float model (calibration samples, or
 * seeded synthetic inputs when none are given) and folds each target's bias shift into the
 * quantized model. Targets outside the main graph are skipped: their inputs cannot be exposed.
 */
export async function correctBiases(
  floatModel: ReadonlyModelIR,
  quantized: ReadonlyModelIR,
  targets: readonly BiasTarget[],
  ctx: MethodContext,
  fresh: (base: string) => string,
): Promise<{ model: ModelIR; warnings: string[] }> {
  if (!ctx.openModel) {
    throw new UnsupportedModelError('Bias correction measures activations by running the model, so the host must provide MethodContext.openModel (a runtime); none was given.');
  }
  const main = new Set(floatModel.graph?.node ?? []);
  const skipped: string[] = [];
  const usable: { target: BiasTarget; request: ChannelMeanRequest }[] = [];
  for (const target of targets) {
    const request = main.has(target.reader) ? meanRequest(target.reader) : 'inside a subgraph';
    if (typeof request === 'string') skipped.push(`${target.reader.name || target.reader.output[0]} (${request})`);
    else usable.push({ target, request });
  }
  const { inputs, synthetic } = calibrationOrSynthetic(sharedModel(floatModel), ctx, BIAS_CORRECTION_SAMPLES, SYNTHETIC_SEED);
  const options = { ...(ctx.signal && { signal: ctx.signal }), ...(ctx.onProgress && { onProgress: ctx.onProgress }) };
  const means = usable.length > 0 ? await collectChannelMeans(sharedModel(floatModel), usable.map((u) => u.request), inputs, ctx.openModel, options) : new Map<string, Float64Array>();
  const shifts = new Map<string, Float32Array>();
  for (const { target, request } of usable) {
    const mean = means.get(request.tensor);
    const shift = mean ? biasShift(target, mean) : `no float32 values for '${request.tensor}'`;
    if (typeof shift === 'string') skipped.push(`${target.reader.name || target.reader.output[0]} (${shift})`);
    else shifts.set(target.reader.output[0]!, shift);
  }
  const applied = applyBiasShifts(quantized, shifts, fresh);
  skipped.push(...applied.skipped);
  const source = !synthetic ? `${inputs.length} given sample(s)` : `${inputs.length} seeded synthetic sample(s) (a poor stand-in for images or audio: give samples)`;
  const warnings = [`Bias correction on ${applied.corrected} layer(s), activation means from ${source}.`];
  if (skipped.length > 0) warnings.push(`No bias correction for ${skipped.length} layer(s): ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', ...' : ''}.`);
  return { model: applied.model, warnings };
}
