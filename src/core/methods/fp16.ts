import { sharedModel, type ReadonlyModelIR } from '../ir/model';
import type { TensorProto } from '../onnx/schema';
import { throwIfAborted, yieldToLoop } from '../util/abort';
import { RecipeError } from '../util/errors';
import { CONTROL_FLOW_OPS, FLOAT32_ONLY_OPS, planHalf } from './quantize/float16-plan';
import { applyHalfPlan } from './quantize/float16-rewrite';
import { changeableNodes, NODE_PATTERN_HELP } from '../graph/node-patterns';
import { HalfConversionNotes, OUT_OF_RANGE_CHOICES, halfLayerError, toHalfTensor, type HalfTensor, type OutOfRange } from './quantize/float16-tensor';
import type { StoredWeight } from '../graph/weight-uses';
import { EXACT_STATS_LIMIT } from './kernels/float16';
import { resolveOptions } from './resolve-options';
import { storedBytes } from './stored-bytes';
import type { LayerError, MethodContext, MethodModule, MethodOutcome, OptionField } from './types';

export type Fp16Options = {
  keepIO: boolean;
  blockOps: string[];
  excludeNodes: string[];
  outOfRange: OutOfRange;
};

/**
 * Numerically fragile operators kept in float32 by default: coordinate arithmetic (Resize,
 * Upsample, RoiAlign, Range), index selection that float16 ties would reorder (TopK,
 * NonMaxSuppression), running sums that overflow or lose precision (CumSum), and random
 * generators. Every other standard operator loads and runs in onnxruntime-web's WASM backend with
 * float16 tensors (measured on onnxruntime-web 1.30 for ~90 operators; it casts internally where it
 * lacks a float16 kernel), so none is blocked for lack of support.
 */
export const DEFAULT_BLOCK_OPS: readonly string[] = [
  'Resize', 'Upsample', 'RoiAlign', 'Range', 'TopK', 'NonMaxSuppression', 'CumSum',
  'RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli',
];

export const FP16_OPTIONS: readonly OptionField[] = [
  {
    kind: 'boolean',
    key: 'keepIO',
    label: 'Keep float32 inputs and outputs',
    help: 'Cast the model inputs to float16 and its outputs back to float32, so callers feed and read float32 as before.',
    default: true,
  },
  {
    kind: 'string-list',
    key: 'blockOps',
    label: 'Operators kept in float32',
    help: `Run in float32 with Casts around them. Always float32 as well: custom-domain operators and ${[...FLOAT32_ONLY_OPS].join(', ')}.`,
    default: DEFAULT_BLOCK_OPS,
  },
  { kind: 'string-list', key: 'excludeNodes', label: 'Nodes kept in float32', help: `Run in float32 with Casts around them: ${NODE_PATTERN_HELP}`, default: [], patterns: true },
  {
    kind: 'enum',
    key: 'outOfRange',
    label: 'Stored values beyond ±65504',
    // onnxruntime's Python float16 converter clamps: on PaddleOCR det (a BatchNorm variance beyond 65504) its output cosine was 0.84, ours 0.99999.
    help: "keep-float32: a tensor holding such values stays float32, and so do the nodes reading it (named in a warning). clamp: they become ±65504 (a warning names the tensors and counts); this changes the model's results: clamping one BatchNorm variance took PaddleOCR's detector to output cosine 0.84, against 0.99999 kept.",
    default: 'keep-float32',
    choices: OUT_OF_RANGE_CHOICES,
  },
];

/** Yield to the event loop at least this often (ms) so cancellation and progress get through. */
const YIELD_EVERY_MS = 30;

function countOps(nodes: Iterable<{ opType: string }>): string {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.opType, (counts.get(n.opType) ?? 0) + 1);
  return [...counts].map(([op, k]) => `${k} ${op}`).join(', ');
}

async function convertModel(model: ReadonlyModelIR, o: Fp16Options, ctx: MethodContext): Promise<MethodOutcome> {
  const { signal, onProgress } = ctx;
  throwIfAborted(signal);
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
      throwIfAborted(signal);
      const w = weights[i]!;
      onProgress?.({ kind: 'step', phase: 'fp16: converting', index: i, total: weights.length, item: w.name });
      if (!cache.has(w.tensor)) cache.set(w.tensor, toHalfTensor(w.tensor, w.tensor.name, true));
    }
  };
  onProgress?.({ kind: 'phase', phase: 'fp16: planning' });
  const options = { keepIO: o.keepIO, floatOps: new Set(o.blockOps), changeable: changeableNodes(o.excludeNodes, ctx.nodeScope) };
  let plan = planHalf(model, options);
  if (plan.homes.size === 0) {
    const bytes = storedBytes(model);
    return { model: sharedModel(model), tensors: 0, bytesBefore: bytes, bytesAfter: bytes, warnings: ['The model has no float32 values; it is unchanged.'], layers: [] };
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
  throwIfAborted(signal);
  onProgress?.({ kind: 'phase', phase: 'fp16: rewriting graph' });
  const { model: out, casts } = applyHalfPlan(model, plan, converted);
  const warnings: string[] = [];
  warnings.push(...notes.warnings(EXACT_STATS_LIMIT));
  if (plan.floatNodes.size > 0) warnings.push(`Kept ${plan.floatNodes.size} node(s) in float32 (${countOps(plan.floatNodes)}).`);
  if (casts > 0) warnings.push(`Added ${casts} Cast node(s) between float16 and float32 values${o.keepIO ? ' (inputs and outputs stay float32)' : ''}.`);
  if (!o.keepIO) warnings.push('Inputs and outputs are float16 now: callers must feed and read float16 tensors.');
  return { model: out, tensors: converted.size, bytesBefore: storedBytes(model), bytesAfter: storedBytes(out), warnings, layers };
}

export const fp16: MethodModule<Fp16Options> = {
  id: 'fp16',
  label: 'Float16',
  description:
    'Weights and compute in float16: stored tensors and activations become float16, with float32 inputs and outputs by Casts at the boundary and numerically fragile operators kept in float32.',
  options: FP16_OPTIONS,
  async apply(model, options, ctx = {}) {
    return convertModel(model, resolveOptions('fp16', FP16_OPTIONS, options) as Fp16Options, ctx);
  },
};
