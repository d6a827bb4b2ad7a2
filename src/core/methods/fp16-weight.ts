import { DT } from '../ir/dtype';
import type { ReadonlyModelIR } from '../ir/model';
import { elementCount, isExternal } from '../ir/tensor';
import { throwIfAborted, yieldToLoop } from '../util/abort';
import { applyCastWeightPlans, castToFloat, type CastWeightPlan } from './quantize/float16-cast-weights';
import { HalfConversionNotes, OUT_OF_RANGE_CHOICES, halfLayerError, toHalfTensor, type OutOfRange } from './quantize/float16-tensor';
import { nameAllocator } from '../graph/names';
import { changeableNodes, NODE_PATTERN_HELP, type NodeMatcher } from '../graph/node-patterns';
import { listStoredWeights, type StoredWeight } from '../graph/weight-uses';
import { EXACT_STATS_LIMIT } from './kernels/float16';
import { resolveOptions } from './resolve-options';
import { storedBytes } from './stored-bytes';
import { unchangedOutcome } from './unchanged';
import type { LayerError, MethodContext, MethodModule, MethodOutcome, OptionField } from './types';

export type Fp16WeightOptions = {
  minElements: number;
  opTypes: string[];
  excludeNodes: string[];
  outOfRange: OutOfRange;
};

export const FP16_WEIGHT_OPTIONS: readonly OptionField[] = [
  {
    kind: 'number',
    key: 'minElements',
    label: 'Minimum weight size',
    help: 'Weights with fewer elements stay float32 (a Cast node costs more than it saves on tiny tensors).',
    default: 16,
    min: 1,
    integer: true,
  },
  {
    kind: 'string-list',
    key: 'opTypes',
    label: 'Operators',
    help: 'Only weights whose every reader is one of these operators (empty: any operator).',
    default: [],
  },
  { kind: 'string-list', key: 'excludeNodes', label: 'Exclude nodes', help: `Weights read by these nodes stay float32: ${NODE_PATTERN_HELP}`, default: [], patterns: true },
  {
    kind: 'enum',
    key: 'outOfRange',
    label: 'Values beyond ±65504',
    help: "keep-float32: a tensor holding such values stays float32 (named in a warning). clamp: they become ±65504 (a warning names the tensors and counts); this changes the model's results (on PaddleOCR's detector, output cosine 0.84 against 0.99999 kept).",
    default: 'keep-float32',
    choices: OUT_OF_RANGE_CHOICES,
  },
];

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

async function convertWeights(model: ReadonlyModelIR, o: Fp16WeightOptions, ctx: MethodContext): Promise<MethodOutcome> {
  const { signal, onProgress } = ctx;
  throwIfAborted(signal);
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
    throwIfAborted(signal);
    const weight = candidates[i]!;
    onProgress?.({ kind: 'step', phase: 'fp16-weight: converting', index: i, total: candidates.length, item: weight.name });
    const { tensor: half, conversion } = toHalfTensor(weight.tensor, fresh(`${weight.name}_fp16`), true);
    if (conversion.clamped > 0 && o.outOfRange === 'keep-float32') {
      notes.keep(weight.name, conversion.clamped);
      continue;
    }
    notes.add(weight.name, conversion);
    layers.push(halfLayerError(weight.name, conversion));
    if (weight.isGraphInput) overridable.push(weight.name);
    plans.push({ weight, half, cast: castToFloat(half.name, weight.name, fresh(`${weight.name}_Cast`)), constantName: fresh(`${half.name}_const`) });
  }
  throwIfAborted(signal);
  warnings.push(...notes.warnings(EXACT_STATS_LIMIT));
  if (overridable.length > 0) {
    warnings.push(`${overridable.length} converted initializer(s) were also graph inputs (overridable defaults); they are constants now.`);
  }
  if (plans.length === 0) return unchangedOutcome(model, 'No float32 weight matched (size threshold, operators or exclusions)', warnings, layers);
  const bytesBefore = storedBytes(model);
  onProgress?.({ kind: 'phase', phase: 'fp16-weight: rewriting graph' });
  const out = applyCastWeightPlans(model, plans);
  return { model: out, tensors: plans.length, bytesBefore, bytesAfter: storedBytes(out), warnings, layers };
}

export const fp16Weight: MethodModule<Fp16WeightOptions> = {
  id: 'fp16-weight',
  label: 'Float16 weights',
  description:
    'Stores every float32 weight as float16 and casts it back to float32 when the model loads: half the download, the same float32 compute.',
  options: FP16_WEIGHT_OPTIONS,
  async apply(model, options, ctx = {}) {
    return convertWeights(model, resolveOptions('fp16-weight', FP16_WEIGHT_OPTIONS, options) as Fp16WeightOptions, ctx);
  },
};
