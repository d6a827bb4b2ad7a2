import { DT } from '../ir/dtype';
import type { ReadonlyModelIR } from '../ir/model';
import { elementCount, isExternal } from '../ir/tensor';
import { yieldToLoop } from '../util/abort';
import { checkpointFor } from '../util/checkpoint';
import { applyCastWeightPlans, castToFloat, type CastWeightPlan } from './quantize/float16-cast-weights';
import { HalfConversionNotes, halfLayerError, toHalfTensor } from './quantize/float16-tensor';
import { nameAllocator } from '../graph/names';
import { defaultOpset, withDefaultOpset } from '../graph/opset';
import { UnsupportedModelError } from '../util/errors';
import { changeableNodes, type NodeMatcher } from '../graph/node-patterns';
import { listStoredWeights, type StoredWeight } from '../graph/weight-uses';
import { EXACT_STATS_LIMIT } from './kernels/float16';
import { resolveOptions } from './resolve-options';
import { unchangedOutcome } from './unchanged';
import type { LayerError, MethodContext, MethodModule, MethodOutcome } from './types';
import { fp16WeightDeclaration, FP16_WEIGHT_OPTIONS, type Fp16WeightOptions } from './declarations/fp16-weight';
import { weightErrors } from './changes';

/** Yield to the event loop at least this often (ms) so cancellation and progress get through. */
const YIELD_EVERY_MS = 30;

function qualifies(weight: StoredWeight, o: Fp16WeightOptions, changeable: NodeMatcher, skipped: string[]): boolean {
  if (weight.tensor.dataType !== DT.FLOAT || elementCount(weight.tensor) < o.minElements || weight.uses.length === 0) return false;
  const ops = new Set(o.opTypes);
  if (weight.uses.some((u) => !changeable(u.node.name) || (ops.size > 0 && !ops.has(u.node.opType)))) return false;
  if (isExternal(weight.tensor)) {
    skipped.push(`'${weight.name}' (external data not loaded)`);
    return false;
  }
  return true;
}

/** Cast's numeric `to` attribute (and onnxruntime's oldest Cast kernel) arrive with ai.onnx opset 6. */
const CAST_OPSET = 6;

/** The model with an ai.onnx opset its new Casts are valid in; older opsets are refused. */
function withCastOpset(model: ReadonlyModelIR): ReadonlyModelIR {
  const opset = defaultOpset(model);
  if (opset === undefined) return withDefaultOpset(model, CAST_OPSET);
  if (opset < CAST_OPSET) {
    throw new UnsupportedModelError(
      `fp16-weight adds Cast nodes with a numeric 'to', which needs ai.onnx opset ${CAST_OPSET} or later (onnxruntime runs no older Cast); this model uses opset ${opset}.`,
    );
  }
  return model;
}

async function convertWeights(model: ReadonlyModelIR, o: Fp16WeightOptions, ctx: MethodContext): Promise<MethodOutcome> {
  const { onProgress } = ctx;
  const check = checkpointFor(ctx);
  check();
  onProgress?.({ kind: 'phase', phase: 'fp16-weight: planning' });
  const warnings: string[] = [];
  const skipped: string[] = [];
  const changeable = changeableNodes(o.excludeNodes, ctx.nodeScope);
  const candidates = listStoredWeights(model).filter((w) => qualifies(w, o, changeable, skipped));
  if (skipped.length > 0) warnings.push(`Kept ${skipped.length} weight(s) float32: ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', ...' : ''}.`);
  const fresh = nameAllocator(model);
  const notes = new HalfConversionNotes();
  const plans: CastWeightPlan[] = [];
  const layers: LayerError[] = [];
  const overridable: string[] = [];
  let lastYield = performance.now();
  for (let i = 0; i < candidates.length; i++) {
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await yieldToLoop();
      lastYield = performance.now();
    }
    check();
    const weight = candidates[i]!;
    onProgress?.({ kind: 'step', phase: 'fp16-weight: converting', index: i, total: candidates.length, item: weight.name });
    const { tensor: half, conversion } = toHalfTensor(weight.tensor, fresh(`${weight.name}_fp16`), true, check);
    if (conversion.clamped > 0 && o.outOfRange === 'keep-float32') {
      notes.keep(weight.name, conversion.clamped);
      continue;
    }
    notes.add(weight.name, conversion);
    layers.push(halfLayerError(weight.name, conversion));
    if (weight.isGraphInput) overridable.push(weight.name);
    plans.push({ weight, half, cast: castToFloat(half.name, weight.name, fresh(`${weight.name}_Cast`)), constantName: fresh(`${half.name}_const`) });
  }
  check();
  warnings.push(...notes.warnings(EXACT_STATS_LIMIT));
  if (overridable.length > 0) {
    warnings.push(`${overridable.length} converted initializer(s) were also graph inputs (overridable defaults); they are constants now.`);
  }
  if (plans.length === 0) return unchangedOutcome(model, 'No float32 weight matched (size threshold, operators or exclusions)', warnings, layers);
  onProgress?.({ kind: 'phase', phase: 'fp16-weight: rewriting graph' });
  const out = applyCastWeightPlans(withCastOpset(model), plans);
  return { model: out, tensors: plans.length, warnings, changes: weightErrors(layers) };
}

export const fp16Weight: MethodModule<typeof FP16_WEIGHT_OPTIONS> = {
  ...fp16WeightDeclaration,
  async apply(model, options, ctx = {}) {
    return convertWeights(model, resolveOptions(fp16WeightDeclaration.id, FP16_WEIGHT_OPTIONS, options), ctx);
  },
};
