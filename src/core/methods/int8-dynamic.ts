import { keptFloatWarning, selectWeights, type WeightScope } from './quantize/weight-selection';
import { DT } from '../ir/dtype';
import type { ModelIR, ReadonlyModelIR } from '../ir/model';
import { makeFloatTensor, makeRawTensor, readFloat32, tensorDims } from '../ir/tensor';
import type { TensorProto } from '../onnx/schema';
import { yieldToLoop } from '../util/abort';
import { checkpointFor, rowsPerCheck, type Checkpoint } from '../util/checkpoint';
import { attrFloat, attrInt } from '../graph/attrs';
import { convIntegerNodes, gemmIntegerNodes, matMulIntegerNodes, transposeNode, type QuantizedWeightNames } from './quantize/dynamic-patterns';
import { applyDynamicPlans, type DynamicNodePlan, type DynamicWeightPlan } from './quantize/dynamic-rewrite';
import { nameAllocator } from '../graph/names';
import { requireOpset } from './quantize/opset-upgrade';
import { unchangedOutcome } from './unchanged';
import { onlyReadBy, keptFloatCopyWarning, type StoredWeight, type ValueUse } from '../graph/weight-uses';
import { EXACT_STATS_LIMIT, axisLayout, quantizeInt8 } from './kernels/quantize-int8';
import { int8ToUint8 } from './kernels/quantize-uint8';
import { resolveOptions } from './resolve-options';
import type { LayerError, MethodContext, MethodModule, MethodOutcome } from './types';
import { int8DynamicDeclaration, INT8_DYNAMIC_OPTIONS, type Int8DynamicOptions } from './declarations/int8-dynamic';
import { weightErrors } from './changes';

/** DynamicQuantizeLinear appeared in ai.onnx opset 11 (MatMulInteger and ConvInteger in 10). */
const DYNAMIC_OPSET = 11;
const YIELD_EVERY_MS = 30;

/** How one reader needs its weight stored. */
interface WeightForm {
  /** Readers needing the same form share one quantized copy. */
  key: string;
  op: 'MatMul' | 'Gemm' | 'Conv';
  /** Gemm with transB = 1: the [N, K] weight is stored transposed as [K, N]. */
  transpose: boolean;
  /** Gemm's alpha, folded into the weight scale. */
  alpha: number;
}

interface Target {
  use: ValueUse;
  form: WeightForm;
}

interface Candidate {
  weight: StoredWeight;
  targets: Target[];
}

const GROUPED = 'grouped Conv';

/** The integer form this reader of a stored weight can take, or why it cannot. */
function formOf(use: ValueUse, rank: number, groupedConv: boolean): WeightForm | string {
  const n = use.node;
  switch (n.opType) {
    case 'MatMul':
      return rank === 2 ? { key: 'MatMul', op: 'MatMul', transpose: false, alpha: 1 } : `MatMul weight of rank ${rank} (expected 2)`;
    case 'Gemm': {
      if (rank !== 2) return `Gemm weight of rank ${rank} (expected 2)`;
      const transpose = (attrInt(n, 'transB') ?? 0) === 1;
      const alpha = attrFloat(n, 'alpha') ?? 1;
      return { key: `Gemm:${transpose}:${alpha}`, op: 'Gemm', transpose, alpha };
    }
    default:
      if (!groupedConv && (attrInt(n, 'group') ?? 1) > 1) return GROUPED;
      // Conv: ConvInteger as onnxruntime runs it; 2-D convolutions (4-D filters) only.
      return rank === 4 ? { key: 'Conv', op: 'Conv', transpose: false, alpha: 1 } : `Conv filter of rank ${rank} (expected 4)`;
  }
}

function findCandidates(model: ReadonlyModelIR, o: Int8DynamicOptions & WeightScope, warnings: string[]): Candidate[] {
  const out: Candidate[] = [];
  const skipped: string[] = [];
  let grouped = 0;
  for (const { weight, readers } of selectWeights(model, o, skipped)) {
    const targets: Target[] = [];
    for (const use of readers) {
      const form = formOf(use, weight.tensor.dims.length, o.groupedConv);
      if (form === GROUPED) grouped++;
      else if (typeof form === 'string') skipped.push(`'${weight.name}' for ${use.node.name || use.node.opType} (${form})`);
      else targets.push({ use, form });
    }
    if (targets.length > 0) out.push({ weight, targets });
  }
  if (grouped > 0) warnings.push(`Kept ${grouped} grouped/depthwise Conv(s) float (turn on groupedConv to quantize them).`);
  const kept = keptFloatWarning(skipped, 'weight use(s)');
  if (kept) warnings.push(kept);
  return out;
}

/** A [rows, cols] float matrix transposed to [cols, rows]. */
function transposed(x: Float32Array, rows: number, cols: number, check: Checkpoint): Float32Array {
  const out = new Float32Array(x.length);
  const every = rowsPerCheck(cols);
  for (let r = 0; r < rows; r++) {
    if (r % every === 0) check();
    const at = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = x[at + c]!;
  }
  return out;
}

interface QuantizedForm {
  tensors: [TensorProto, TensorProto, TensorProto];
  names: QuantizedWeightNames;
  layer: LayerError;
  sampled: boolean;
}

/**
 * Quantizes one weight for one form. MatMul/Gemm: [K, N] with a scale and zero point per
 * column N (MatMulInteger takes a per-column b_zero_point). Conv: per-filter scales laid out
 * [1, M, 1, 1] for the rescale Mul, and one uint8 zero point (onnxruntime's ConvInteger takes a
 * scalar w_zero_point only), so per-channel Conv weights are symmetric.
 */
function quantizeForm(weight: StoredWeight, form: WeightForm, o: Int8DynamicOptions, fresh: (base: string) => string, check: Checkpoint): QuantizedForm | undefined {
  let dims = tensorDims(weight.tensor);
  let x = readFloat32(weight.tensor, check);
  if (form.transpose) {
    x = transposed(x, dims[0]!, dims[1]!, check);
    dims = [dims[1]!, dims[0]!];
  }
  const conv = form.op === 'Conv';
  const axis = o.perChannel ? (conv ? 0 : 1) : undefined;
  const symmetric = o.symmetric || (conv && o.perChannel);
  const q8 = quantizeInt8(x, axisLayout(dims, axis), symmetric, { check });
  if (q8.nonFinite) return undefined;
  const asUint8 = conv || o.weightType === 'uint8';
  const dataType = asUint8 ? DT.UINT8 : DT.INT8;
  const q = asUint8 ? int8ToUint8(q8) : q8;
  const scales = form.alpha === 1 ? q.scales : q.scales.map((s) => Math.fround(s * form.alpha));
  const channels = axis === undefined ? [] : [dims[axis]!];
  const scaleDims = conv && axis !== undefined ? [1, dims[0]!, ...dims.slice(2).map(() => 1)] : channels;
  const zeroPointDims = conv ? [] : channels;
  const zeroPoints = conv ? q.zeroPoints.subarray(0, 1) : q.zeroPoints;
  const suffix = form.key === 'MatMul' || form.key === 'Conv' ? '' : `_${form.op.toLowerCase()}`;
  const names: QuantizedWeightNames = {
    values: fresh(`${weight.name}${suffix}_quantized`),
    scale: fresh(`${weight.name}${suffix}_scale`),
    zeroPoint: fresh(`${weight.name}${suffix}_zero_point`),
  };
  return {
    tensors: [
      makeRawTensor(names.values, dataType, dims, new Uint8Array(q.values.buffer, q.values.byteOffset, q.values.byteLength)),
      makeFloatTensor(names.scale, scaleDims, scales),
      makeRawTensor(names.zeroPoint, dataType, zeroPointDims, new Uint8Array(zeroPoints)),
    ],
    names,
    layer: { name: weight.name, maxAbsError: q.maxAbsError, meanAbsError: q.meanAbsError, sqnrDb: q.sqnrDb },
    sampled: q.sampled,
  };
}

/** The replacement of one reader, given its weight's quantized names. */
function nodePlan(target: Target, weightDims: readonly number[], w: QuantizedWeightNames, fresh: (base: string) => string): DynamicNodePlan {
  const n = target.use.node;
  const input = n.input[0]!;
  if (target.form.op === 'MatMul') return { original: n, activation: input, prelude: [], build: (a) => matMulIntegerNodes(n, a, w, fresh) };
  if (target.form.op === 'Gemm') {
    const c = n.input[2];
    const bias = c ? { name: c, beta: attrFloat(n, 'beta') ?? 1 } : undefined;
    if ((attrInt(n, 'transA') ?? 0) === 1) {
      const t = transposeNode(input, fresh);
      return { original: n, activation: t.output, prelude: [t.node], build: (a) => gemmIntegerNodes(n, a, w, bias, fresh) };
    }
    return { original: n, activation: input, prelude: [], build: (a) => gemmIntegerNodes(n, a, w, bias, fresh) };
  }
  const b = n.input[2];
  const bias = b ? { name: b, channels: weightDims[0]!, rank: weightDims.length } : undefined;
  return { original: n, activation: input, prelude: [], build: (a) => convIntegerNodes(n, a, w, bias, fresh) };
}

/** Lifts the model to the opset DynamicQuantizeLinear needs, when it is older. */
function prepareOpset(model: ReadonlyModelIR, warnings: string[]): ModelIR {
  return requireOpset(model, DYNAMIC_OPSET, 'DynamicQuantizeLinear', `int8-dynamic needs DynamicQuantizeLinear (ai.onnx opset ${DYNAMIC_OPSET} or later)`, warnings);
}

async function quantizeModel(model: ReadonlyModelIR, o: Int8DynamicOptions, ctx: MethodContext): Promise<MethodOutcome> {
  const { onProgress } = ctx;
  const check = checkpointFor(ctx);
  const warnings: string[] = [];
  check();
  onProgress?.({ kind: 'phase', phase: 'int8-dynamic: planning' });
  const work = prepareOpset(model, warnings);
  const candidates = findCandidates(work, { ...o, scope: ctx.nodeScope }, warnings);
  const fresh = nameAllocator(work);
  const weightPlans: DynamicWeightPlan[] = [];
  const nodePlans: DynamicNodePlan[] = [];
  const layers: LayerError[] = [];
  let sampled = 0;
  let lastYield = performance.now();

  for (let i = 0; i < candidates.length; i++) {
    check();
    const { weight, targets } = candidates[i]!;
    onProgress?.({ kind: 'step', phase: 'int8-dynamic: quantizing', index: i, total: candidates.length, item: weight.name });
    const forms = new Map<string, QuantizedForm | undefined>();
    for (const t of targets) {
      if (!forms.has(t.form.key)) forms.set(t.form.key, quantizeForm(weight, t.form, o, fresh, check));
    }
    if ([...forms.values()].some((f) => f === undefined)) {
      warnings.push(`Kept '${weight.name}' float: it holds NaN or infinite values.`);
      continue;
    }
    for (const t of targets) nodePlans.push(nodePlan(t, tensorDims(weight.tensor), forms.get(t.form.key)!.names, fresh));
    const quantized = [...forms.values()] as QuantizedForm[];
    const dropOriginal = onlyReadBy(weight, targets.length);
    weightPlans.push({ weight, dropOriginal, tensors: quantized.flatMap((f) => f.tensors) });
    for (const f of quantized) {
      layers.push(f.layer);
      if (f.sampled) sampled++;
    }
    if (!dropOriginal) {
      warnings.push(keptFloatCopyWarning(weight));
    } else if (weight.isGraphInput) {
      warnings.push(`'${weight.name}' was also a graph input (an overridable default); it is a quantized constant now.`);
    }
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await yieldToLoop();
      lastYield = performance.now();
    }
  }
  check();
  if (sampled > 0) warnings.push(`Error figures of ${sampled} tensor(s) over ${EXACT_STATS_LIMIT} elements come from a strided sample of each.`);
  if (weightPlans.length === 0) {
    const reason = candidates.length === 0 ? 'No operator matched (operators, size threshold or exclusions)' : 'No weight could be quantized';
    return unchangedOutcome(model, reason, warnings, layers);
  }
  onProgress?.({ kind: 'phase', phase: 'int8-dynamic: rewriting graph' });
  const out = applyDynamicPlans(work, weightPlans, nodePlans, fresh);
  return { model: out, tensors: layers.length, warnings, changes: weightErrors(layers) };
}

export const int8Dynamic: MethodModule<typeof INT8_DYNAMIC_OPTIONS> = {
  ...int8DynamicDeclaration,
  async apply(model, options, ctx = {}) {
    return quantizeModel(model, resolveOptions(int8DynamicDeclaration.id, INT8_DYNAMIC_OPTIONS, options), ctx);
  },
};
