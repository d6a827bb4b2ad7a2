import { sharedModel, type ReadonlyModelIR } from '../ir/model';
import type { TensorProto } from '../onnx/schema';
import { yieldToLoop } from '../util/abort';
import { checkpointFor } from '../util/checkpoint';
import { RecipeError } from '../util/errors';
import { CONTROL_FLOW_OPS, planHalf } from './quantize/float16-plan';
import { applyHalfPlan } from './quantize/float16-rewrite';
import { changeableNodes } from '../graph/node-patterns';
import { HalfConversionNotes, halfLayerError, toHalfTensor, type HalfTensor } from './quantize/float16-tensor';
import type { StoredWeight } from '../graph/weight-uses';
import { EXACT_STATS_LIMIT } from './kernels/float16';
import { resolveOptions } from './resolve-options';
import type { LayerError, MethodContext, MethodModule, MethodOutcome } from './types';
import { fp16Declaration, FP16_OPTIONS, type Fp16Options } from './declarations/fp16';
import { weightErrors } from './changes';

/** Yield to the event loop at least this often (ms) so cancellation and progress get through. */
const YIELD_EVERY_MS = 30;

function countOps(nodes: Iterable<{ opType: string }>): string {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.opType, (counts.get(n.opType) ?? 0) + 1);
  return [...counts].map(([op, k]) => `${k} ${op}`).join(', ');
}

async function convertModel(model: ReadonlyModelIR, o: Fp16Options, ctx: MethodContext): Promise<MethodOutcome> {
  const { onProgress } = ctx;
  const check = checkpointFor(ctx);
  check();
  const control = o.blockOps.filter((op) => CONTROL_FLOW_OPS.has(op));
  if (control.length > 0) {
    throw new RecipeError(`fp16: blockOps cannot hold ${control.join(', ')}: control-flow bodies are converted with the graph; block the operators inside them instead.`);
  }
  const cache = new Map<TensorProto, HalfTensor>();
  let lastYield = performance.now();
  const convertAll = async (weights: readonly StoredWeight[]): Promise<void> => {
    for (let i = 0; i < weights.length; i++) {
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToLoop();
        lastYield = performance.now();
      }
      check();
      const w = weights[i]!;
      onProgress?.({ kind: 'step', phase: 'fp16: converting', index: i, total: weights.length, item: w.name });
      if (!cache.has(w.tensor)) cache.set(w.tensor, toHalfTensor(w.tensor, w.tensor.name, true, check));
    }
  };
  onProgress?.({ kind: 'phase', phase: 'fp16: planning' });
  const options = { keepIO: o.keepIO, floatOps: new Set(o.blockOps), changeable: changeableNodes(o.excludeNodes, ctx.nodeScope) };
  let plan = planHalf(model, options);
  if (plan.homes.size === 0) {
    return { model: sharedModel(model), tensors: 0, warnings: ['The model has no float32 values; it is unchanged.'], changes: [] };
  }
  await convertAll(plan.weights);
  const tooWide = plan.weights.filter((w) => cache.get(w.tensor)!.conversion.clamped > 0);
  const notes = new HalfConversionNotes();
  if (tooWide.length > 0 && o.outOfRange === 'keep-float32') {
    // Those tensors stay float32 and so do the nodes reading them; the rest is planned again.
    for (const w of tooWide) notes.keep(w.name, cache.get(w.tensor)!.conversion.clamped);
    plan = planHalf(model, { ...options, floatWeights: new Set(tooWide.map((w) => w.name)) });
    await convertAll(plan.weights);
  }
  const converted = new Map<TensorProto, TensorProto>();
  const layers: LayerError[] = [];
  for (const w of plan.weights) {
    if (converted.has(w.tensor)) continue;
    const { tensor, conversion } = cache.get(w.tensor)!;
    converted.set(w.tensor, tensor);
    notes.add(w.name, conversion);
    layers.push(halfLayerError(w.name, conversion));
  }
  check();
  onProgress?.({ kind: 'phase', phase: 'fp16: rewriting graph' });
  const { model: out, casts } = applyHalfPlan(model, plan, converted);
  const warnings: string[] = [];
  warnings.push(...notes.warnings(EXACT_STATS_LIMIT));
  if (plan.floatNodes.size > 0) warnings.push(`Kept ${plan.floatNodes.size} node(s) in float32 (${countOps(plan.floatNodes)}).`);
  if (casts > 0) warnings.push(`Added ${casts} Cast node(s) between float16 and float32 values${o.keepIO ? ' (inputs and outputs stay float32)' : ''}.`);
  if (!o.keepIO) warnings.push('Inputs and outputs are float16 now: callers must feed and read float16 tensors.');
  return { model: out, tensors: converted.size, warnings, changes: weightErrors(layers) };
}

export const fp16: MethodModule<typeof FP16_OPTIONS> = {
  ...fp16Declaration,
  async apply(model, options, ctx = {}) {
    return convertModel(model, resolveOptions(fp16Declaration.id, FP16_OPTIONS, options), ctx);
  },
};
