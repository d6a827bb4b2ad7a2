import type { EditSession } from '../../graph/edit-session';
import { nameAllocator } from '../../graph/names';
import type { StoredWeight } from '../../graph/weight-uses';
import { DT } from '../../ir/dtype';
import type { ReadonlyModelIR } from '../../ir/model';
import { makeRawTensor, readFloat32, readIntegers, tensorDims } from '../../ir/tensor';
import type { GraphProto, NodeProto } from '../../onnx/schema';
import { RecipeError } from '../../util/errors';
import type { LayerChange } from '../changes';
import type { ChannelMap } from '../types';
import type { AttentionBlock } from './attention-heads';
import type { ShapeEntry } from './attention-shape-entries';
import { channelsToKeep, sliceNorms } from './channel-cut';

const label = (n: NodeProto): string => n.name || n.output[0] || n.opType;

/** One axis of one stored tensor to keep only some indices of. */
export interface HeadWeightCut {
  weight: StoredWeight;
  axis: number;
  keep: number[];
}

/** What removing heads asks of the model: weight cuts, shape entries to rewrite, and what to report. */
export interface HeadPlan {
  cuts: HeadWeightCut[];
  shapes: { entry: ShapeEntry; value: number }[];
  values: Set<string>;
  changes: LayerChange[];
  channelMaps: ChannelMap[];
  /** Blocks left as they are, with the reason. */
  left: string[];
  /** Head projections of blocks that were cut (their channel groups need no listing). */
  projections: Set<NodeProto>;
}

export interface HeadPlanOptions {
  ratio: number;
  importance: 'l1' | 'l2';
  /** Whether a node's heads may change (excludeNodes and the recipe's per-layer scope). */
  changeable: (nodeName: string) => boolean;
  /** Whether another part of the step already cuts this weight along this axis. */
  taken: (weight: StoredWeight, axis: number) => boolean;
  /** Activation-aware importance per block, when measured. */
  measured?: ReadonlyMap<AttentionBlock, Float64Array>;
}

/** How many of `heads` stay when `ratio` of them go. */
export function keptHeads(heads: number, ratio: number): number {
  return heads - Math.floor(ratio * heads + 1e-9);
}

/** A projection's column indices for the given heads: [parts, heads, dim] row-major. */
export function projectionColumns(parts: number, heads: number, dim: number, keep: readonly number[]): number[] {
  const cols: number[] = [];
  for (let p = 0; p < parts; p++) for (const h of keep) for (let j = 0; j < dim; j++) cols.push((p * heads + h) * dim + j);
  return cols;
}

/** Norm of each head's weights: its Q/K/V columns and its output-projection rows (l2 squared, so parts add). */
export function headNorms(block: AttentionBlock, kind: 'l1' | 'l2'): Float64Array {
  const total = new Float64Array(block.heads);
  const add = (w: StoredWeight, axis: number, per: (index: number) => number): void => {
    const norms = sliceNorms(readFloat32(w.tensor), tensorDims(w.tensor), axis, kind);
    for (let c = 0; c < norms.length; c++) total[per(c)]! += norms[c]!;
  };
  for (const p of block.projections) add(p.weight, p.axis, (c) => Math.floor(c / p.headDim) % block.heads);
  for (const o of block.outputs) add(o.weight, o.axis, (c) => Math.floor(c / o.headDim));
  return total;
}

/**
 * Chooses the heads each attention block keeps and what that cuts. A block that cannot be cut
 * (blocked, excluded, or a tensor another cut of this step already takes) is left and listed.
 */
export function planHeadCuts(blocks: readonly AttentionBlock[], o: HeadPlanOptions): HeadPlan {
  const plan: HeadPlan = { cuts: [], shapes: [], values: new Set(), changes: [], channelMaps: [], left: [], projections: new Set() };
  for (const b of blocks) {
    const names = b.projections.map((p) => label(p.node)).join(', ') || 'attention';
    const members = [...b.projections.map((p) => p.node), ...b.outputs.map((x) => x.node)];
    const excluded = members.filter((n) => !o.changeable(label(n)));
    const tensors: [StoredWeight, number][] = [...b.projections.flatMap((p): [StoredWeight, number][] => [[p.weight, p.axis], ...(p.bias ? [[p.bias, 0] as [StoredWeight, number]] : [])]), ...b.outputs.map((x): [StoredWeight, number] => [x.weight, x.axis])];
    const clash = tensors.filter(([w, axis]) => o.taken(w, axis));
    const reason =
      b.blocked ??
      (excluded.length > 0 ? `${excluded.map(label).join(', ')} excluded` : clash.length > 0 ? `${clash.map(([w]) => `'${w.name}'`).join(', ')} already cut by a channel group` : undefined);
    if (reason) {
      plan.left.push(b.heads > 0 ? `${names} (${b.heads} heads): ${reason}` : reason);
      continue;
    }
    const kept = keptHeads(b.heads, o.ratio);
    if (kept < 1) throw new RecipeError(`prune-channels: heads ${o.ratio} would remove all ${b.heads} attention heads of ${names}; expected a ratio that keeps at least one.`);
    if (kept === b.heads) continue;
    const keep = channelsToKeep(o.measured?.get(b) ?? headNorms(b, o.importance), kept);
    for (const p of b.projections) {
      const cols = projectionColumns(p.parts, b.heads, p.headDim, keep);
      plan.cuts.push({ weight: p.weight, axis: p.axis, keep: cols });
      if (p.bias) plan.cuts.push({ weight: p.bias, axis: 0, keep: cols });
      const before = p.parts * b.heads * p.headDim;
      plan.changes.push({ kind: 'channels-removed', name: label(p.node), before, after: cols.length });
      plan.channelMaps.push({ node: label(p.node), kept: cols });
      plan.projections.add(p.node);
    }
    for (const x of b.outputs) plan.cuts.push({ weight: x.weight, axis: x.axis, keep: projectionColumns(1, b.heads, x.headDim, keep) });
    for (const s of b.shapeEdits) plan.shapes.push({ entry: s.entry, value: kept * s.per });
    b.values.forEach((v) => plan.values.add(v));
  }
  return plan;
}

function intTensor(name: string, dataType: number, dims: readonly number[], values: readonly number[]) {
  if (dataType === DT.INT64) {
    const a = new BigInt64Array(values.map((v) => BigInt(v)));
    return makeRawTensor(name, DT.INT64, dims, new Uint8Array(a.buffer));
  }
  const a = Int32Array.from(values);
  return makeRawTensor(name, DT.INT32, dims, new Uint8Array(a.buffer));
}

/**
 * Rewrites the shape entries: in place where every reader of the stored constant (through its
 * Casts) is one of the rewritten entries and they agree, else as a new constant per reading slot
 * (the original stays for whoever else reads it).
 */
export function applyShapeEdits(session: EditSession, model: ReadonlyModelIR, graph: GraphProto, edits: readonly { entry: ShapeEntry; value: number }[]): void {
  const index = session.index;
  const main = index.scope(graph);
  // By name: each look-up of a stored tensor gives its own record.
  const byStored = new Map<string, { entry: ShapeEntry; value: number }[]>();
  for (const e of edits) byStored.set(e.entry.stored.name, [...(byStored.get(e.entry.stored.name) ?? []), e]);
  const fresh = nameAllocator(model);
  for (const list of byStored.values()) {
    const stored = list[0]!.entry.stored;
    const values = readIntegers(stored.tensor);
    const wanted = new Map<number, number>();
    let agree = true;
    for (const { entry, value } of list) {
      if (wanted.has(entry.at) && wanted.get(entry.at) !== value) agree = false;
      wanted.set(entry.at, value);
    }
    const exclusive = list.every(({ entry }) => entry.chain.every((c) => index.consumers(c.output[0]!, main).length === 1));
    const firstReaders = new Set(list.map(({ entry }) => entry.chain[0] ?? entry.consumer));
    const allMine = !stored.isGraphOutput && stored.uses.every((u) => firstReaders.has(u.node));
    if (agree && exclusive && allMine) {
      const next = values.map((v, k) => wanted.get(k) ?? v);
      const constantName = stored.constantIndex === undefined ? '' : stored.graph.node[stored.constantIndex]!.name;
      session.replaceStored(stored, intTensor(stored.name, stored.tensor.dataType, tensorDims(stored.tensor), next), constantName);
      continue;
    }
    const bySlot = new Map<string, { entry: ShapeEntry; values: number[] }>();
    for (const { entry, value } of list) {
      const key = `${label(entry.consumer)}\n${entry.slot}`;
      const cur = bySlot.get(key) ?? { entry, values: [...values] };
      cur.values[entry.at] = value;
      bySlot.set(key, cur);
    }
    for (const { entry, values: next } of bySlot.values()) {
      const name = fresh(`${stored.name}_heads`);
      session.addInitializer(graph, intTensor(name, entry.dtype, [next.length], next));
      session.setInput(entry.consumer, entry.slot, name);
    }
  }
}
