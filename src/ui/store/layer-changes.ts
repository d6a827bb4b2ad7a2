import type { LayerChange } from '../../core/methods/changes';
import { formatCount } from '../../core/util/format';
import type { StepReport } from '../services/types';

/** What a variant's steps did to one layer, gathered from their StepReport changes (later steps win). */
export interface LayerChangeView {
  /** Signal-to-noise of the stored weight against what the step before left, in dB (Infinity: exact); the lowest over the steps. */
  weightSqnrDb?: number;
  sparsity?: { zeros: number; elements: number };
  channels?: { before: number; after: number };
  /** Rank kept of the full rank, with the layer's parameters and its weight (and, whitened, output) SQNR when the step gave them. */
  rank?: { before: number; after: number; paramsBefore?: number; paramsAfter?: number; sqnrDb?: number; outputSqnrDb?: number };
  /** The layer's output SQNR against the original's before and after a refitting step (reconstruct), in dB. */
  refit?: { beforeDb: number; afterDb: number };
  /** Op types of the nodes simplify folded into the layer's node (BatchNormalization, a per-channel Mul...). */
  folded?: string[];
  /** The methods that changed the layer, in order. */
  methods: string[];
}

/**
 * True when `change` is about the layer whose weight is `weight` (of `params` elements, when known)
 * and which the nodes `nodes` read. A rank change names its node, whose bias the node reads too:
 * it concerns only the tensor with the factored weight's element count.
 */
function concerns(change: LayerChange, weight: string, nodes: readonly string[], params?: number): boolean {
  if (change.kind === 'node-folded') return change.into !== undefined && nodes.includes(change.into);
  if (change.name === weight) return true;
  if (!nodes.includes(change.name)) return false;
  return change.kind !== 'rank' || params === undefined || change.paramsBefore === undefined || change.paramsBefore === params;
}

/**
 * Per layer, what `steps` changed: weight error, sparsity, channels kept and rank. A layer no step
 * names is absent (the variant left it as it was). `params`, the tensor's element count, tells a
 * factored weight from the bias its node also reads.
 */
export function layerChangeOf(steps: readonly StepReport[], weight: string, nodes: readonly string[], params?: number): LayerChangeView | null {
  let view: LayerChangeView | null = null;
  for (const step of steps) {
    for (const c of step.changes) {
      if (!concerns(c, weight, nodes, params)) continue;
      const v: LayerChangeView = (view ??= { methods: [] });
      if (!v.methods.includes(step.method)) v.methods.push(step.method);
      switch (c.kind) {
        case 'weight-error':
          v.weightSqnrDb = Math.min(v.weightSqnrDb ?? Infinity, c.sqnrDb);
          if (c.outputSqnrDb) v.refit = { beforeDb: c.outputSqnrDb.before, afterDb: c.outputSqnrDb.after };
          break;
        case 'sparsity':
          v.sparsity = { zeros: c.zeros, elements: c.elements };
          break;
        case 'channels-removed':
          v.channels = { before: v.channels?.before ?? c.before, after: c.after };
          break;
        case 'rank':
          v.rank = {
            before: c.before,
            after: c.after,
            ...(c.paramsBefore !== undefined && c.paramsAfter !== undefined && { paramsBefore: c.paramsBefore, paramsAfter: c.paramsAfter }),
            ...(c.sqnrDb !== undefined && { sqnrDb: c.sqnrDb }),
            ...(c.outputSqnrDb !== undefined && { outputSqnrDb: c.outputSqnrDb }),
          };
          break;
        case 'node-folded':
          if (!v.folded?.includes(c.opType)) v.folded = [...(v.folded ?? []), c.opType];
          break;
        default:
          break;
      }
    }
  }
  return view;
}

const db = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(1)} dB` : 'exact');

/** `rank 30 of 50 (10.0 k → 7500 params, SQNR 10.0 dB)`: the figures in brackets only where the step gave them. */
function describeRank(r: NonNullable<LayerChangeView['rank']>): string {
  const details = [
    ...(r.paramsBefore !== undefined && r.paramsAfter !== undefined ? [`${formatCount(r.paramsBefore)} → ${formatCount(r.paramsAfter)} params`] : []),
    ...(r.sqnrDb !== undefined ? [`SQNR ${db(r.sqnrDb)}`] : []),
    ...(r.outputSqnrDb !== undefined ? [`output SQNR ${db(r.outputSqnrDb)}`] : []),
  ];
  return `rank ${r.after} of ${r.before}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

/** The parts of a layer's change as short labelled figures, e.g. `SQNR 38.2 dB`, `50.0% zeros`, `channels 64 → 45`, `rank 12 of 64`, `BatchNormalization folded in`. */
export function describeLayerChange(v: LayerChangeView): string[] {
  const parts: string[] = [];
  if (v.weightSqnrDb !== undefined) parts.push(Number.isFinite(v.weightSqnrDb) ? `SQNR ${db(v.weightSqnrDb)}` : 'exact');
  if (v.sparsity) parts.push(`${v.sparsity.elements > 0 ? ((100 * v.sparsity.zeros) / v.sparsity.elements).toFixed(1) : '0.0'}% zeros`);
  if (v.channels) parts.push(`channels ${v.channels.before} → ${v.channels.after}`);
  if (v.rank) parts.push(describeRank(v.rank));
  if (v.refit) parts.push(`output SQNR ${db(v.refit.beforeDb)} → ${db(v.refit.afterDb)} refitted`);
  if (v.folded) parts.push(`${v.folded.join(', ')} folded in`);
  return parts.length > 0 ? parts : [`changed by ${v.methods.join(', ')}`];
}

/**
 * A node pattern matching exactly these node names: the name itself for one, an anchored
 * alternation (`/^(?:a|b)$/`) for several, so an override from a layer table touches those nodes only.
 */
export function nodesPattern(nodes: readonly string[]): string {
  if (nodes.length === 1) return nodes[0]!;
  const escaped = nodes.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return `/^(?:${escaped.join('|')})$/`;
}

/**
 * Per node, the output SQNR before and after a refitting step (reconstruct) changed the weight it
 * reads, from the steps' changes and the weight table's readers: what the per-layer error table
 * shows beside each activation.
 */
export function refitsByNode(steps: readonly StepReport[], layers: readonly { name: string; nodes?: readonly string[] }[]): Map<string, { beforeDb: number; afterDb: number }> {
  const byNode = new Map<string, { beforeDb: number; afterDb: number }>();
  for (const step of steps) {
    for (const c of step.changes) {
      if (c.kind !== 'weight-error' || !c.outputSqnrDb) continue;
      const nodes = layers.find((l) => l.name === c.name)?.nodes ?? [];
      for (const n of nodes) byNode.set(n, { beforeDb: c.outputSqnrDb.before, afterDb: c.outputSqnrDb.after });
    }
  }
  return byNode;
}
