import { keptFloatWarning, selectWeights, type WeightScope } from './quantize/weight-selection';
import { node } from '../ir/build';
import { DT } from '../ir/dtype';
import { sharedModel, type ModelIR, type ReadonlyModelIR } from '../ir/model';
import { makeFloatTensor, makeRawTensor, readFloat32, tensorDims } from '../ir/tensor';
import type { NodeProto } from '../onnx/schema';
import { yieldToLoop } from '../util/abort';
import { checkpointFor } from '../util/checkpoint';
import { UnsupportedModelError } from '../util/errors';
import { attrInt } from '../graph/attrs';
import { applyDequantizePlans, type DequantizePlan } from './quantize/dequantize-rewrite';
import { nameAllocator } from '../graph/names';
import { defaultOpset, withDefaultOpset } from '../graph/opset';
import { opsetLiftNote, upgradeOpset } from './quantize/opset-upgrade';
import { unchangedOutcome } from './unchanged';
import { onlyReadBy, keptFloatCopyWarning, type StoredWeight, type ValueUse } from '../graph/weight-uses';
import { EXACT_STATS_LIMIT, axisLayout, dequantizeInt8, quantizeInt8 } from './kernels/quantize-int8';
import { int8ToUint8 } from './kernels/quantize-uint8';
import { correctBiases, type BiasTarget } from './quantize/bias-correction';
import { resolveOptions } from './resolve-options';
import type { LayerError, MethodContext, MethodModule, MethodOutcome } from './types';
import { int8WeightDeclaration, INT8_WEIGHT_OPTIONS, type Int8WeightOptions } from './declarations/int8-weight';
import { weightErrors } from './changes';
import { weightHessians } from './distill/gptq-int4-plan';
import { gptqInt8 } from './distill/gptq-int8';
import { convInputHessians, type GptqConv } from './distill/conv-input-hessians';

/** Opset of the per-axis DequantizeLinear, and of the first (per-tensor) one. */
const PER_AXIS_OPSET = 13;
const PER_TENSOR_OPSET = 10;
/** Yield to the event loop at least this often (ms) so cancellation and progress get through. */
const YIELD_EVERY_MS = 30;

function channelAxis(use: ValueUse, rank: number): number | undefined {
  switch (use.node.opType) {
    case 'Conv':
      return rank >= 2 ? 0 : undefined;
    case 'ConvTranspose':
      return rank >= 2 ? 1 : undefined;
    case 'Gemm':
      return rank === 2 ? ((attrInt(use.node, 'transB') ?? 0) === 1 ? 0 : 1) : undefined;
    default: // MatMul: B is [..., K, N]; output channels are N
      return rank >= 2 ? rank - 1 : undefined;
  }
}

interface Candidate {
  weight: StoredWeight;
  targets: ValueUse[];
  axis: number | undefined;
}

/** Picks the opset the rewrite will use, converting the model up when it must. */
function prepareOpset(model: ReadonlyModelIR, wantPerChannel: boolean, warnings: string[]): { model: ModelIR; perChannel: boolean } {
  const current = defaultOpset(model);
  if (current === undefined) return { model: withDefaultOpset(model, wantPerChannel ? PER_AXIS_OPSET : PER_TENSOR_OPSET), perChannel: wantPerChannel };
  if (wantPerChannel) {
    if (current >= PER_AXIS_OPSET) return { model: sharedModel(model), perChannel: true };
    const up = upgradeOpset(model, PER_AXIS_OPSET);
    if (up.ok) {
      warnings.push(opsetLiftNote(current, PER_AXIS_OPSET, 'per-channel DequantizeLinear', up.converted));
      return { model: up.model, perChannel: true };
    }
    warnings.push(`Per-channel scales need opset ${PER_AXIS_OPSET} and this opset-${current} model cannot be lifted (${up.reasons.join('; ')}); used one scale per tensor instead.`);
  }
  if (current >= PER_TENSOR_OPSET) return { model: sharedModel(model), perChannel: false };
  const up = upgradeOpset(model, PER_TENSOR_OPSET);
  if (!up.ok) {
    throw new UnsupportedModelError(
      `int8-weight needs DequantizeLinear (ai.onnx opset ${PER_TENSOR_OPSET} or later); this model uses opset ${current} and cannot be lifted: ${up.reasons.join('; ')}.`,
    );
  }
  warnings.push(opsetLiftNote(current, PER_TENSOR_OPSET, 'DequantizeLinear'));
  return { model: up.model, perChannel: false };
}

function findCandidates(model: ReadonlyModelIR, o: Int8WeightOptions & WeightScope, perChannel: boolean, warnings: string[]): Candidate[] {
  const skipped: string[] = [];
  const out = selectWeights(model, o, skipped).map(({ weight, readers }) => ({
    weight,
    targets: readers,
    axis: perChannel ? channelAxis(readers[0]!, weight.tensor.dims.length) : undefined,
  }));
  const kept = keptFloatWarning(skipped);
  if (kept) warnings.push(kept);
  return out;
}

async function quantizeModel(model: ReadonlyModelIR, o: Int8WeightOptions, ctx: MethodContext): Promise<MethodOutcome> {
  const { onProgress } = ctx;
  const check = checkpointFor(ctx);
  const warnings: string[] = [];
  check();
  onProgress?.({ kind: 'phase', phase: 'int8-weight: planning' });
  const prepared = prepareOpset(model, o.perChannel, warnings);
  const work = prepared.model;
  const candidates = findCandidates(work, { ...o, scope: ctx.nodeScope }, prepared.perChannel, warnings);
  const fresh = nameAllocator(work);
  const plans: DequantizePlan[] = [];
  const layers: LayerError[] = [];
  const overridable: string[] = [];
  const biasTargets: BiasTarget[] = [];
  let sampled = 0;
  const gptq = o.algorithm === 'gptq' ? await planGptq(work, candidates, ctx, warnings) : undefined;
  let lastYield = performance.now();

  for (let i = 0; i < candidates.length; i++) {
    check();
    const { weight, targets, axis } = candidates[i]!;
    onProgress?.({ kind: 'step', phase: 'int8-weight: quantizing', index: i, total: candidates.length, item: weight.name });
    const dims = tensorDims(weight.tensor);
    const original = readFloat32(weight.tensor, check);
    const layout = axisLayout(dims, axis);
    const hessian = gptq?.get(weight.name);
    let q8 = hessian ? gptqInt8(gptqMatrix(dims, targets[0]!, original), axis !== undefined, o.symmetric, hessian, { damp: o.damp, batch: o.blockSize, actOrder: o.actOrder, check }) : undefined;
    if (typeof q8 === 'string') {
      warnings.push(`Rounded '${weight.name}' to nearest instead of GPTQ: ${q8}.`);
      q8 = undefined;
    }
    q8 ??= quantizeInt8(original, layout, o.symmetric, { check });
    if (q8.nonFinite) {
      warnings.push(`Kept '${weight.name}' float: it holds NaN or infinite values.`);
      continue;
    }
    const replaceOriginal = onlyReadBy(weight, targets.length);
    if (replaceOriginal && weight.isGraphInput) overridable.push(weight.name);
    const paramDims = axis === undefined ? [] : [dims[axis]!];
    const qName = fresh(`${weight.name}_quantized`);
    const sName = fresh(`${weight.name}_scale`);
    const zName = fresh(`${weight.name}_zero_point`);
    const outName = replaceOriginal ? weight.name : fresh(`${weight.name}_dequantized`);
    const dq: NodeProto = node('DequantizeLinear', [qName, sName, zName], [outName], axis === undefined ? {} : { axis }, {
      name: fresh(`${weight.name}_DequantizeLinear`),
    });
    // Bias correction reads the int8 codes: before the uint8 shift, which reuses their buffers.
    if (o.biasCorrection) {
      const dequantized = dequantizeInt8(q8, layout, check);
      for (const t of targets) biasTargets.push({ reader: t.node, original, dequantized, dims });
    }
    const q = o.weightType === 'uint8' ? int8ToUint8(q8) : q8;
    const storedType = o.weightType === 'uint8' ? DT.UINT8 : DT.INT8;
    plans.push({
      weight,
      replaceOriginal,
      retarget: replaceOriginal ? [] : targets,
      quantized: makeRawTensor(qName, storedType, dims, new Uint8Array(q.values.buffer, q.values.byteOffset, q.values.byteLength)),
      scale: makeFloatTensor(sName, paramDims, q.scales),
      zeroPoint: makeRawTensor(zName, storedType, paramDims, new Uint8Array(q.zeroPoints.buffer, q.zeroPoints.byteOffset, q.zeroPoints.byteLength)),
      dequantize: dq,
      constantNames: [fresh(`${qName}_const`), fresh(`${sName}_const`), fresh(`${zName}_const`)],
    });
    if (q.sampled) sampled++;
    layers.push({ name: weight.name, maxAbsError: q.maxAbsError, meanAbsError: q.meanAbsError, sqnrDb: q.sqnrDb });
    if (!replaceOriginal) {
      warnings.push(keptFloatCopyWarning(weight));
    }
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await yieldToLoop();
      lastYield = performance.now();
    }
  }
  check();
  if (sampled > 0) warnings.push(`Error figures of ${sampled} tensor(s) over ${EXACT_STATS_LIMIT} elements come from a strided sample of each.`);
  if (overridable.length > 0) {
    warnings.push(`${overridable.length} quantized initializer(s) were also graph inputs (overridable defaults); they are constants now.`);
  }
  if (plans.length === 0) {
    const reason = candidates.length === 0 ? 'No weights matched (operators, size threshold or exclusions)' : 'No weight could be quantized';
    return unchangedOutcome(model, reason, warnings, layers);
  }
  onProgress?.({ kind: 'phase', phase: 'int8-weight: rewriting graph' });
  let out = applyDequantizePlans(work, plans);
  if (biasTargets.length > 0) {
    const corrected = await correctBiases(work, out, biasTargets, ctx, fresh);
    out = corrected.model;
    warnings.push(...corrected.warnings);
  }
  return { model: out, tensors: plans.length, warnings, changes: weightErrors(layers) };
}

const transB = (use: ValueUse): boolean => use.node.opType === 'Gemm' && (attrInt(use.node, 'transB') ?? 0) === 1;

/** A 2-D MatMul/Gemm weight as GPTQ's K x N matrix, in the orientation its reader uses; a Conv's [M, C, kh, kw] as [N=M, K=C·kh·kw] stored transposed. */
function gptqMatrix(dims: readonly number[], use: ValueUse, data: Float32Array): { data: Float32Array; k: number; n: number; transposed: boolean } {
  if (use.node.opType === 'Conv') return { data, k: dims.slice(1).reduce((a, b) => a * b, 1), n: dims[0]!, transposed: true };
  const [rows, cols] = dims as [number, number];
  return transB(use) ? { data, k: cols, n: rows, transposed: true } : { data, k: rows, n: cols, transposed: false };
}

/**
 * GPTQ's input Hessian of each candidate it can take (a 2-D weight read only by MatMul/Gemm, all
 * in one orientation), by weight name; the rest are rounded to nearest, with a warning.
 */
async function planGptq(model: ReadonlyModelIR, candidates: readonly Candidate[], ctx: MethodContext, warnings: string[]): Promise<Map<string, Float64Array>> {
  const weights = [];
  const convs: GptqConv[] = [];
  const skipped: string[] = [];
  const main = new Set(model.graph?.node ?? []);
  for (const { weight, targets } of candidates) {
    const dims = tensorDims(weight.tensor);
    if (targets.length === 1 && targets[0]!.node.opType === 'Conv' && dims.length === 4 && main.has(targets[0]!.node)) {
      convs.push({ name: weight.name, dims, node: targets[0]!.node });
      continue;
    }
    const linear = dims.length === 2 && targets.every((t) => t.node.opType === 'MatMul' || t.node.opType === 'Gemm');
    if (!linear || targets.some((t) => transB(t) !== transB(targets[0]!))) {
      skipped.push(`'${weight.name}' (${linear ? 'read in two orientations' : `read by ${targets[0]!.node.opType}`})`);
      continue;
    }
    const k = gptqMatrix(dims, targets[0]!, new Float32Array(0)).k;
    weights.push({ name: weight.name, k, readers: targets.map((t) => ({ node: t.node, transA: t.node.opType === 'Gemm' && (attrInt(t.node, 'transA') ?? 0) === 1 })) });
  }
  if (skipped.length > 0) warnings.push(`GPTQ takes 2-D MatMul/Gemm weights and group-1 Conv weights read by one Conv; rounded ${skipped.length} other weight(s) to nearest: ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', ...' : ''}.`);
  const r = await weightHessians(model, weights, ctx, 'int8-weight (gptq)');
  const c = await convInputHessians(model, convs, ctx, 'int8-weight (gptq)');
  // Both measure on the same samples: a warning about them is said once.
  for (const w of [...r.warnings, ...c.warnings]) if (!warnings.includes(w)) warnings.push(w);
  return new Map([...r.hessians, ...c.hessians]);
}

export const int8Weight: MethodModule<typeof INT8_WEIGHT_OPTIONS> = {
  ...int8WeightDeclaration,
  async apply(model, options, ctx = {}) {
    return quantizeModel(model, resolveOptions(int8WeightDeclaration.id, INT8_WEIGHT_OPTIONS, options), ctx);
  },
};
