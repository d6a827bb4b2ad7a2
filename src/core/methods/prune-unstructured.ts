import { editModel } from '../graph/edit-session';
import { GraphIndex } from '../graph/graph-index';
import { sharedModel, type ReadonlyModelIR } from '../ir/model';
import { makeFloatTensor, readFloat32, tensorDims } from '../ir/tensor';
import { yieldToLoop } from '../util/abort';
import { checkpointFor, CHECK_EVERY, type Checkpoint } from '../util/checkpoint';
import { UnsupportedModelError } from '../util/errors';
import type { LayerChange } from './changes';
import { calibrationOrSynthetic } from './calibration/calibration-feeds';
import {
  ACTIVATION_SAMPLES,
  PRUNE_UNSTRUCTURED_OPTIONS,
  pruneUnstructuredDeclaration,
  type PruneUnstructuredOptions,
} from './declarations/prune-unstructured';
import { collectChannelNorms, type NormRequest } from './prune/activation-norms';
import { activationChannelAxis, reductionLayout, type ReductionLayout } from './prune/reduction-layout';
import { activationKeys, magnitudeHistogram, magnitudeKeys, thresholdFor, zeroBelow, zeroNofM, zeroSmallestMagnitudes, type ScoreKeys } from './prune/score-select';
import { keptFloatWarning, selectWeights, type SelectedWeight } from './quantize/weight-selection';
import { resolveOptions } from './resolve-options';
import { unchangedOutcome } from './unchanged';
import type { MethodContext, MethodModule, MethodOutcome } from './types';

const SYNTHETIC_SEED = 1;

function countZeros(values: Float32Array, check: Checkpoint): number {
  let zeros = 0;
  for (let start = 0; start < values.length; start += CHECK_EVERY) {
    check();
    const end = Math.min(values.length, start + CHECK_EVERY);
    for (let k = start; k < end; k++) if (values[k] === 0) zeros++;
  }
  return zeros;
}

interface Target {
  selected: SelectedWeight;
  values: Float32Array;
  layout: ReductionLayout;
  /** Activations (reader input 0) whose channel norms score this weight; empty for magnitude. */
  activations: NormRequest[];
}

function patternOf(o: PruneUnstructuredOptions): { n: number; m: number } | undefined {
  if (o.pattern === 'none') return undefined;
  const [n, m] = o.pattern.split(':').map(Number);
  return { n: n!, m: m! };
}

/** The weights this step prunes, with the reasons others stay dense. */
function planTargets(model: ReadonlyModelIR, o: PruneUnstructuredOptions, ctx: MethodContext, warnings: string[]): Target[] {
  const skipped: string[] = [];
  const index = new GraphIndex(model);
  const main = model.graph;
  const pattern = patternOf(o);
  const out: Target[] = [];
  for (const selected of selectWeights(model, { ...o, scope: ctx.nodeScope }, skipped)) {
    const { weight, readers } = selected;
    if (weight.isGraphOutput || readers.length !== weight.uses.length) {
      skipped.push(`'${weight.name}' (also read by other operators or a graph output)`);
      continue;
    }
    const dims = tensorDims(weight.tensor);
    const layouts = readers.map((r) => reductionLayout(r.node, dims));
    const layout = layouts[0];
    if (!layout || layouts.some((l) => l?.form !== layout.form)) {
      skipped.push(`'${weight.name}' (weight form not understood or readers disagree)`);
      continue;
    }
    if (pattern && layout.length % pattern.m !== 0) {
      skipped.push(`'${weight.name}' (reduction length ${layout.length} is not a multiple of ${pattern.m})`);
      continue;
    }
    const activations: NormRequest[] = [];
    if (o.criterion === 'activation') {
      for (const r of readers) {
        const axis = activationChannelAxis(r.node);
        const inMain = index.scopeOfNode(r.node)?.graph === main;
        if (axis && inMain && r.node.input[0]) activations.push({ tensor: r.node.input[0], axis });
      }
      if (activations.length !== readers.length) {
        warnings.push(`'${weight.name}' is scored by magnitude: its input activation cannot be measured (inside a subgraph or a transposed Gemm input).`);
        activations.length = 0;
      }
    }
    out.push({ selected, values: readFloat32(weight.tensor, checkpointFor(ctx)), layout, activations });
  }
  const kept = keptFloatWarning(skipped, 'weight(s)', 'dense');
  if (kept) warnings.push(kept);
  return out;
}

/** Sums the readers' squared channel norms (one reader: its norms); undefined when any is missing or the channel counts differ. */
function combinedNorms(t: Target, norms: Map<string, Float64Array>): Float64Array | undefined {
  let sum: Float64Array | undefined;
  for (const a of t.activations) {
    const n = norms.get(a.tensor);
    if (!n || n.length !== t.layout.inputChannels) return undefined;
    sum ??= new Float64Array(n.length);
    for (let c = 0; c < n.length; c++) sum[c]! += n[c]! * n[c]!;
  }
  return sum?.map(Math.sqrt);
}

/**
 * How each target is scored: after the activation norms (when asked for) are measured, keysOf(i)
 * gives target i's keys. Magnitude keys go into one reused buffer unless `keep` (a global
 * threshold reads them all at once).
 */
async function scorer(model: ReadonlyModelIR, targets: readonly Target[], ctx: MethodContext, warnings: string[], keep: boolean): Promise<(i: number, high?: Uint32Array) => ScoreKeys> {
  const requests = targets.flatMap((t) => t.activations);
  let norms = new Map<string, Float64Array>();
  if (requests.length > 0) {
    if (!ctx.openModel) {
      throw new UnsupportedModelError('prune-unstructured with criterion=activation runs the model on calibration samples; this host gave no way to run it (MethodContext.openModel). Use criterion=magnitude.');
    }
    const { inputs, synthetic } = calibrationOrSynthetic(sharedModel(model), ctx, ACTIVATION_SAMPLES, SYNTHETIC_SEED);
    norms = await collectChannelNorms(sharedModel(model), requests, inputs, ctx.openModel, ctx);
    const source = !synthetic ? `${inputs.length} given sample(s)` : `${inputs.length} seeded synthetic sample(s) (give samples: random inputs are a poor stand-in for images or audio)`;
    warnings.push(`Activation-aware scores from ${source}.`);
  }
  // Made on first use: the per-layer magnitude path reads the values' bits and never needs it.
  let buffer: Uint32Array | undefined;
  const reused = (): Uint32Array | undefined => (keep ? undefined : (buffer ??= new Uint32Array(Math.max(...targets.map((t) => t.values.length)))));
  const check = checkpointFor(ctx);
  return (i, high) => {
    const t = targets[i]!;
    if (t.activations.length === 0) return magnitudeKeys(t.values, reused(), high, check);
    const n = combinedNorms(t, norms);
    if (n) return activationKeys(t.values, t.layout, n, check);
    warnings.push(`'${t.selected.weight.name}' is scored by magnitude: the runtime gave no float32 values of its input activation.`);
    return magnitudeKeys(t.values, reused(), high, check);
  };
}

async function prune(model: ReadonlyModelIR, o: PruneUnstructuredOptions, ctx: MethodContext): Promise<MethodOutcome> {
  const { onProgress } = ctx;
  const check = checkpointFor(ctx);
  const warnings: string[] = [];
  check();
  onProgress?.({ kind: 'phase', phase: 'prune-unstructured: planning' });
  const targets = planTargets(model, o, ctx, warnings);
  if (targets.length === 0) return unchangedOutcome(model, 'No weights matched (operators, size threshold or exclusions)', warnings);
  const pattern = patternOf(o);
  const isGlobal = !pattern && o.scope === 'global';
  const keysOf = await scorer(model, targets, ctx, warnings, isGlobal);
  check();
  const total = targets.reduce((s, t) => s + t.values.length, 0);
  const allKeys = isGlobal ? targets.map((_, i) => keysOf(i)) : [];
  const global = isGlobal ? thresholdFor(allKeys, Math.round(o.sparsity * total), undefined, check) : undefined;
  let globalTies = global?.ties ?? 0;
  const pruned: { target: Target; values: Float32Array<ArrayBuffer>; zeros: number }[] = [];
  const histogram = new Uint32Array(65536);
  for (const [i, target] of targets.entries()) {
    check();
    onProgress?.({ kind: 'step', phase: 'prune-unstructured: pruning', index: i, total: targets.length, item: target.selected.weight.name });
    const out = new Float32Array(target.values.length);
    if (!isGlobal && !pattern && target.activations.length === 0) {
      // Per layer by magnitude: the keys are the values' own bits, read where needed.
      magnitudeHistogram(target.values, histogram, check);
      pruned.push({ target, values: out, zeros: zeroSmallestMagnitudes(out, target.values, Math.round(o.sparsity * out.length), histogram, check) });
      await yieldToLoop();
      continue;
    }
    const high = isGlobal || pattern || target.activations.length > 0 ? undefined : new Uint32Array(65536);
    const keys = isGlobal ? allKeys[i]! : keysOf(i, high);
    let zeros: number | undefined;
    if (pattern) {
      out.set(target.values);
      zeroNofM(out, keys, target.layout, pattern.n, pattern.m, check);
    } else if (global) {
      const r = zeroBelow(out, target.values, keys, global, globalTies, check);
      globalTies = r.ties;
      zeros = r.zeros;
    } else {
      const t = thresholdFor([keys], Math.round(o.sparsity * out.length), high, check);
      zeros = zeroBelow(out, target.values, keys, t, t.ties, check).zeros;
    }
    zeros ??= countZeros(out, check);
    pruned.push({ target, values: out, zeros });
    await yieldToLoop();
  }
  const changes: LayerChange[] = [];
  const result = editModel(model, (session) => {
    for (const { target, values, zeros } of pruned) {
      const { weight } = target.selected;
      changes.push({ kind: 'sparsity', name: weight.name, zeros, elements: values.length });
      const constantName = weight.constantIndex === undefined ? '' : weight.graph.node[weight.constantIndex]!.name;
      session.replaceStored(weight, makeFloatTensor(weight.name, tensorDims(weight.tensor), values), constantName);
    }
  });
  if (o.sparsity > 0 && !pattern) warnings.push('Zeros keep the tensors dense: the file and the compute stay the same size; the gzipped download shrinks.');
  return { model: result, tensors: pruned.length, warnings, changes };
}

export const pruneUnstructured: MethodModule<typeof PRUNE_UNSTRUCTURED_OPTIONS> = {
  ...pruneUnstructuredDeclaration,
  async apply(model, options, ctx = {}) {
    return prune(model, resolveOptions(pruneUnstructuredDeclaration.id, PRUNE_UNSTRUCTURED_OPTIONS, options), ctx);
  },
};
