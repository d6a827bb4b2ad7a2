import { node } from '../ir/build';
import { DT } from '../ir/dtype';
import type { ModelIR, ReadonlyModelIR } from '../ir/model';
import { elementCount, isExternal, makeFloatTensor, makeRawTensor, readFloat32, tensorDims } from '../ir/tensor';
import type { NodeProto } from '../onnx/schema';
import { yieldToLoop } from '../util/abort';
import { checkpointFor } from '../util/checkpoint';
import { UnsupportedModelError } from '../util/errors';
import type { TensorRange } from './calibration/calibrators';
import { collectRanges } from './calibration/collect-ranges';
import { calibrationOrSynthetic } from './calibration/calibration-feeds';
import { attrInt } from '../graph/attrs';
import { applyDequantizePlans, type DequantizePlan } from './quantize/dequantize-rewrite';
import { nameAllocator } from '../graph/names';
import { requireOpset } from './quantize/opset-upgrade';
import { changeableNodes } from '../graph/node-patterns';
import { planQdqModel, type QdqTarget } from './quantize/qdq-plan';
import { insertActivationQdq, uint8Params, type ActivationQdq } from './quantize/qdq-rewrite';
import { onlyReadBy, type StoredWeight } from '../graph/weight-uses';
import { GraphIndex } from '../graph/graph-index';
import { axisLayout, quantizeInt8 } from './kernels/quantize-int8';
import { resolveOptions } from './resolve-options';
import { unchangedOutcome } from './unchanged';
import type { LayerError, MethodContext, MethodModule, MethodOutcome } from './types';
import { int8StaticDeclaration, INT8_STATIC_OPTIONS, type Int8StaticOptions } from './declarations/int8-static';
import { weightErrors } from './changes';

const QDQ_OPSET = 13;
const CALIBRATION_SEED = 20240611;
const INT32_MAX = 2147483647;

/** The method cannot run: the host gave it no way to execute the model. */
export class CalibrationUnavailableError extends UnsupportedModelError {}

function prepareOpset(model: ReadonlyModelIR, warnings: string[]): ModelIR {
  return requireOpset(model, QDQ_OPSET, 'QDQ', `int8-static needs per-axis QuantizeLinear/DequantizeLinear (ai.onnx opset ${QDQ_OPSET})`, warnings);
}

function weightAxis(n: NodeProto, rank: number): number | undefined {
  if (n.opType === 'Conv') return rank >= 2 ? 0 : undefined;
  if (n.opType === 'Gemm') return rank === 2 ? ((attrInt(n, 'transB') ?? 0) === 1 ? 0 : 1) : undefined;
  return rank >= 2 ? rank - 1 : undefined;
}

interface QuantizedWeight {
  scales: Float32Array;
  axis: number | undefined;
}

/** Int32 bias with scale = input scale x weight scale (per channel) and zero point 0, or undefined when it does not fit. */
function biasPlan(
  bias: StoredWeight,
  inputScale: number,
  w: QuantizedWeight,
  fresh: (base: string) => string,
): DequantizePlan | undefined {
  if (bias.tensor.dataType !== DT.FLOAT || isExternal(bias.tensor) || bias.uses.length !== 1 || bias.isGraphOutput) return undefined;
  const dims = tensorDims(bias.tensor);
  const values = readFloat32(bias.tensor);
  const perChannel = w.scales.length > 1;
  if (dims.length !== 1 || (perChannel && dims[0] !== w.scales.length)) return undefined;
  const scales = new Float32Array(perChannel ? w.scales.length : 1);
  for (let c = 0; c < scales.length; c++) scales[c] = Math.fround(inputScale * w.scales[c]!);
  const q = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const s = scales[perChannel ? i : 0]!;
    if (!(s > 0)) return undefined;
    const r = Math.round(values[i]! / s);
    if (!(Math.abs(r) <= INT32_MAX)) return undefined;
    q[i] = r;
  }
  const paramDims = perChannel ? [scales.length] : [];
  const qName = fresh(`${bias.name}_quantized`);
  const sName = fresh(`${bias.name}_scale`);
  const zName = fresh(`${bias.name}_zero_point`);
  return {
    weight: bias,
    replaceOriginal: true,
    retarget: [],
    quantized: makeRawTensor(qName, DT.INT32, dims, new Uint8Array(q.buffer)),
    scale: makeFloatTensor(sName, paramDims, scales),
    zeroPoint: makeRawTensor(zName, DT.INT32, paramDims, new Uint8Array(new Int32Array(scales.length).buffer)),
    dequantize: node('DequantizeLinear', [qName, sName, zName], [bias.name], perChannel ? { axis: 0 } : {}, { name: fresh(`${bias.name}_DequantizeLinear`) }),
    constantNames: [fresh(`${qName}_const`), fresh(`${sName}_const`), fresh(`${zName}_const`)],
  };
}

async function quantizeStatic(model: ReadonlyModelIR, o: Int8StaticOptions, ctx: MethodContext): Promise<MethodOutcome> {
  const { signal, onProgress, openModel } = ctx;
  const check = checkpointFor(ctx);
  if (!openModel) {
    throw new CalibrationUnavailableError(
      'int8-static calibrates by running the model, so the host must provide MethodContext.openModel (a runtime); none was given.',
    );
  }
  const warnings: string[] = [];
  check();
  onProgress?.({ kind: 'phase', phase: 'int8-static: planning' });
  const work = prepareOpset(model, warnings);
  const graph = work.graph;
  if (!graph) throw new UnsupportedModelError('The model has no graph; expected a main graph to quantize.');
  const grouped = (n: NodeProto): boolean => !o.groupedConv && n.opType === 'Conv' && (attrInt(n, 'group') ?? 1) > 1;
  const graphIndex = new GraphIndex(work);
  const plan = planQdqModel(graphIndex, o.opTypes, changeableNodes(o.excludeNodes, ctx.nodeScope), o.quantizeOutputs, grouped);
  if (plan.left > 0) warnings.push(`Kept ${plan.left} grouped/depthwise Conv(s) float (turn on groupedConv to quantize them).`);
  if (plan.unmeasurable > 0) warnings.push(`Kept ${plan.unmeasurable} operator(s) inside subgraphs float: they read activations made inside the subgraph, whose ranges cannot be measured.`);
  if (plan.targets.length === 0) return unchangedOutcome(model, 'No operator matched (op types or exclusions)', warnings);

  // The host may give more samples than the option asks for (the CLI hands over a whole folder).
  const { inputs, synthetic } = calibrationOrSynthetic(work, ctx, o.samples, CALIBRATION_SEED);
  if (inputs.length === 0) throw new UnsupportedModelError('int8-static got an empty list of calibration inputs; expected at least one sample.');
  const ranges = await collectRanges(work, plan.activations, inputs, openModel, { calibrator: o.calibrator, percentile: o.percentile, ...(signal && { signal }), ...(onProgress && { onProgress }) });
  const params = new Map<string, ActivationQdq>();
  for (const name of plan.activations) {
    const r: TensorRange | undefined = ranges.get(name);
    if (r) params.set(name, { tensor: name, ...uint8Params(r.min, r.max) });
  }
  const skippedActs = plan.activations.length - params.size;
  if (skippedActs > 0) warnings.push(`${skippedActs} activation(s) were not float32 at run time and stay unquantized.`);

  // Weights: int8 symmetric, per output channel, once per stored tensor.
  onProgress?.({ kind: 'phase', phase: 'int8-static: quantizing weights' });
  const fresh = nameAllocator(work);
  const stored = new Map(graphIndex.storedWeights().map((w) => [w.name, w]));
  const byWeight = new Map<string, QdqTarget[]>();
  for (const t of plan.targets) {
    if (t.weightInput === undefined) continue;
    const name = t.node.input[t.weightInput]!;
    if (!stored.has(name)) continue;
    byWeight.set(name, [...(byWeight.get(name) ?? []), t]);
  }
  const plans: DequantizePlan[] = [];
  const layers: LayerError[] = [];
  const quantizedWeights = new Map<string, QuantizedWeight>();
  let lastYield = performance.now();
  let index = 0;
  for (const [name, targets] of byWeight) {
    check();
    onProgress?.({ kind: 'step', phase: 'int8-static: weights', index: index++, total: byWeight.size, item: name });
    const weight = stored.get(name)!;
    if (weight.tensor.dataType !== DT.FLOAT || isExternal(weight.tensor) || elementCount(weight.tensor) < o.minElements) continue;
    const dims = tensorDims(weight.tensor);
    const axes = new Set(targets.map((t) => weightAxis(t.node, dims.length)));
    const axis = o.perChannel && axes.size === 1 ? [...axes][0] : undefined;
    const q = quantizeInt8(readFloat32(weight.tensor, check), axisLayout(dims, axis), true, { check });
    if (q.nonFinite) {
      warnings.push(`Kept '${name}' float: it holds NaN or infinite values.`);
      continue;
    }
    const targetNodes = new Set(targets.map((t) => t.node));
    const readers = weight.uses.filter((u) => u.inputIndex === 1 && targetNodes.has(u.node));
    const replaceOriginal = onlyReadBy(weight, readers.length);
    const paramDims = axis === undefined ? [] : [dims[axis]!];
    const qName = fresh(`${name}_quantized`);
    const sName = fresh(`${name}_scale`);
    const zName = fresh(`${name}_zero_point`);
    const outName = replaceOriginal ? name : fresh(`${name}_dequantized`);
    plans.push({
      weight,
      replaceOriginal,
      retarget: replaceOriginal ? [] : readers,
      quantized: makeRawTensor(qName, DT.INT8, dims, new Uint8Array(q.values.buffer)),
      scale: makeFloatTensor(sName, paramDims, q.scales),
      zeroPoint: makeRawTensor(zName, DT.INT8, paramDims, new Uint8Array(q.zeroPoints.buffer)),
      dequantize: node('DequantizeLinear', [qName, sName, zName], [outName], axis === undefined ? {} : { axis }, { name: fresh(`${name}_DequantizeLinear`) }),
      constantNames: [fresh(`${qName}_const`), fresh(`${sName}_const`), fresh(`${zName}_const`)],
    });
    quantizedWeights.set(name, { scales: q.scales, axis });
    layers.push({ name, maxAbsError: q.maxAbsError, meanAbsError: q.meanAbsError, sqnrDb: q.sqnrDb });
    if (performance.now() - lastYield > 30) {
      await yieldToLoop();
      lastYield = performance.now();
    }
  }

  // Biases: int32 with scale = input scale x weight scale, zero point 0 (one per Conv/Gemm).
  let biases = 0;
  for (const t of plan.targets) {
    if (t.biasInput === undefined || t.weightInput === undefined) continue;
    const w = quantizedWeights.get(t.node.input[t.weightInput]!);
    const input = params.get(t.node.input[0]!);
    const bias = stored.get(t.node.input[t.biasInput]!);
    if (!w || !input || !bias) continue;
    const p = biasPlan(bias, input.scale, w, fresh);
    if (p) {
      plans.push(p);
      biases++;
    }
  }
  check();
  onProgress?.({ kind: 'phase', phase: 'int8-static: rewriting graph' });
  const withWeights = applyDequantizePlans(work, plans);
  const out = insertActivationQdq(withWeights, [...params.values()], fresh);
  warnings.push(
    `${o.calibrator} calibration on ${inputs.length} ${synthetic ? 'seeded synthetic' : 'given'} sample(s); QDQ on ${params.size} activation(s) around ${plan.targets.length} operator(s), ${quantizedWeights.size} int8 weight(s), ${biases} int32 bias(es).`,
  );
  return { model: out, tensors: plans.length, warnings, changes: weightErrors(layers) };
}

export const int8Static: MethodModule<typeof INT8_STATIC_OPTIONS> = {
  ...int8StaticDeclaration,
  async apply(model, options, ctx = {}) {
    return quantizeStatic(model, resolveOptions(int8StaticDeclaration.id, INT8_STATIC_OPTIONS, options), ctx);
  },
};
