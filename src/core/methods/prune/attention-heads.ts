import { attrInt, attrInts, isDefaultDomain } from '../../graph/attrs';
import { GraphIndex, type GraphScope } from '../../graph/graph-index';
import { inferShapes } from '../../graph/shapes';
import { topologicalOrder } from '../../graph/topo-order';
import { DT } from '../../ir/dtype';
import type { ReadonlyModelIR } from '../../ir/model';
import { elementCount, isExternal, readIntegers, tensorDims } from '../../ir/tensor';
import type { NodeProto } from '../../onnx/schema';
import type { StoredWeight } from '../../graph/weight-uses';
import { defaultOpset } from '../../graph/opset';
import { shapeEntry, type ShapeEntry } from './attention-shape-entries';

/** A Q, K, V (or fused QKV) projection: weight columns laid out as [parts, heads, headDim]. */
export interface HeadProjection {
  node: NodeProto;
  weight: StoredWeight;
  /** The weight's output-feature axis (1 for MatMul [K, N], 0 for Gemm with transB). */
  axis: number;
  bias?: StoredWeight;
  /** 3 for a fused QKV projection, 1 for a separate one. */
  parts: number;
  headDim: number;
}

/** An output projection reading the heads merged back: its input rows are [heads, headDim]. */
export interface HeadOutput {
  node: NodeProto;
  weight: StoredWeight;
  /** The weight's input-feature axis (0 for MatMul [K, N], 1 for Gemm with transB). */
  axis: number;
  headDim: number;
}

/** A shape entry that holds the head count (`per` 1) or heads x headDim (`per` headDim). */
export interface HeadShapeEdit {
  entry: ShapeEntry;
  /** What the entry holds per head: the new value is kept heads times this. */
  per: number;
}

/** One multi-head attention block: cutting head i cuts it in every member at once. */
export interface AttentionBlock {
  heads: number;
  projections: HeadProjection[];
  outputs: HeadOutput[];
  shapeEdits: HeadShapeEdit[];
  /** Values whose shape changes (their value_info must go). */
  values: Set<string>;
  /** Why the block is left as it is; undefined when its heads can be cut. */
  blocked?: string;
}

interface Block {
  heads: number;
  projections: HeadProjection[];
  outputs: HeadOutput[];
  shapeEdits: HeadShapeEdit[];
  values: Set<string>;
  blocked: string[];
  softmax: boolean;
}

/** What a value is, seen from its block: projected features, a tensor with a head axis, or heads merged back into features. */
type State =
  | { kind: 'features'; block: number; features: number; projection: HeadProjection }
  | { kind: 'heads'; block: number; rank: number; head: number; dim?: { axis: number; length: number } }
  | { kind: 'merged'; block: number; headDim: number };

const PASS = new Set(['Identity', 'Dropout', 'Cast']);
const ELEMENTWISE = new Set(['Add', 'Sub', 'Mul', 'Div']);
const nodeLabel = (n: NodeProto): string => `${n.opType} '${n.name || n.output[0]}'`;
const normAxis = (a: number, rank: number): number => (a < 0 ? a + rank : a);

/**
 * Finds the multi-head attention blocks of the main graph by following the head axis from each
 * projection: MatMul/Gemm (+ bias Add) -> Reshape [.., heads, dim] or [.., 3, heads, dim] ->
 * Transpose, Slice/Gather/Squeeze/Split on other axes, scaling by a constant -> MatMul (QK^T) ->
 * Softmax over another axis -> MatMul (V) -> Transpose -> Reshape [.., heads x dim] -> output
 * MatMul/Gemm. Every value on the way must be read only by such ops; anything else blocks the
 * block with the reason. Only blocks with a Softmax are attention and come back.
 */
export function attentionBlocks(model: ReadonlyModelIR): AttentionBlock[] {
  const index = new GraphIndex(model);
  const graph = index.model.graph!;
  const main = index.scope(graph);
  const opset = defaultOpset(model) ?? 1;
  const lengths = shapeLengths(main);
  let probed: Map<string, number[]>[] | undefined;
  const probes = (): Map<string, number[]>[] => (probed ??= [shapesWithUnknownDimsAt(main, 2), shapesWithUnknownDimsAt(main, 3)]);
  const parent: number[] = [];
  const blocks = new Map<number, Block>();
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
    return x;
  };
  const blockOf = (id: number): Block => blocks.get(find(id))!;
  const merge = (a: number, b: number): number => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return ra;
    const x = blocks.get(ra)!;
    const y = blocks.get(rb)!;
    parent[rb] = ra;
    if (x.heads !== y.heads) x.blocked.push(`couples ${x.heads} and ${y.heads} heads`);
    x.projections.push(...y.projections);
    x.outputs.push(...y.outputs);
    x.shapeEdits.push(...y.shapeEdits);
    y.values.forEach((v) => x.values.add(v));
    x.blocked.push(...y.blocked);
    x.softmax ||= y.softmax;
    blocks.delete(rb);
    return ra;
  };
  const states = new Map<string, State>();
  const lost = new Map<string, Set<number>>();
  const set = (value: string, s: State): void => {
    states.set(value, s);
    blockOf(s.block).values.add(value);
  };
  const ownFloat = (name: string | undefined): StoredWeight | undefined => {
    const w = name ? index.stored(name, main) : undefined;
    if (!w || w.tensor.dataType !== DT.FLOAT || isExternal(w.tensor) || w.isGraphOutput || w.uses.length !== 1) return undefined;
    return w;
  };
  const axesOf = (n: NodeProto, slot: number): number[] | undefined => {
    const fromAttr = attrInts(n, 'axes');
    if (fromAttr) return fromAttr;
    const t = n.input[slot] ? index.stored(n.input[slot]!, main)?.tensor : undefined;
    return t && (t.dataType === DT.INT64 || t.dataType === DT.INT32) ? readIntegers(t) : undefined;
  };

  for (const i of topologicalOrder(graph)) {
    const n = graph.node[i]!;
    if (n.opType === 'Constant') continue;
    const ins = n.input.map((v) => (v ? states.get(v) : undefined));
    const tracked = ins.filter((s): s is State => s !== undefined);
    const out = n.output[0];
    const known = isDefaultDomain(n) && out !== undefined && out !== '';
    // Blocks whose heads were lost on the way here: a Softmax they still reach makes them attention to list.
    const lostHere = new Set<number>();
    for (const v of n.input) for (const id of (v && lost.get(v)) || []) lostHere.add(find(id));
    const fail = (why: string): void => {
      for (const s of tracked) {
        blockOf(s.block).blocked.push(why);
        if (s.kind !== 'features') lostHere.add(find(s.block));
      }
      for (const o of n.output) if (o && lostHere.size > 0) lost.set(o, new Set(lostHere));
    };
    const unread = `read by ${nodeLabel(n)}, which the head pass does not follow`;
    if (lostHere.size > 0 && n.opType === 'Softmax' && n.input[0] && scoresMatMul(n.input[0], index, main)) {
      for (const id of lostHere) blockOf(id).softmax = true;
    }

    if (tracked.length === 0) {
      for (const o of n.output) if (o && lostHere.size > 0) lost.set(o, lostHere);
      if (known && (n.opType === 'MatMul' || n.opType === 'Gemm')) {
        const w = ownFloat(n.input[1]);
        const dims = w ? tensorDims(w.tensor) : [];
        const transB = n.opType === 'Gemm' && (attrInt(n, 'transB') ?? 0) === 1;
        const gemmOk = n.opType === 'MatMul' || (attrInt(n, 'transA') ?? 0) === 0;
        if (w && dims.length === 2 && gemmOk && !n.input[2]) {
          const id = parent.length;
          parent.push(id);
          const projection: HeadProjection = { node: n, weight: w, axis: transB ? 0 : 1, parts: 1, headDim: 0 };
          blocks.set(id, { heads: 0, projections: [], outputs: [], shapeEdits: [], values: new Set(), blocked: [], softmax: false });
          set(out!, { kind: 'features', block: id, features: dims[transB ? 0 : 1]!, projection });
        }
      }
      continue;
    }
    if (!known) {
      fail(unread);
      continue;
    }
    const slot = ins.findIndex((s) => s !== undefined);
    const first = ins[slot]!;
    // Most ops take the tracked tensor in their first input; an elementwise op may have it second.
    const s0 = slot === 0 ? first : undefined;
    const only = tracked.length === 1 && s0 !== undefined;

    if (first.kind === 'features' && tracked.length === 1) {
      if (n.opType === 'Add' && !first.projection.bias && n.input.length === 2) {
        const b = ownFloat(n.input[1 - slot]);
        if (b && tensorDims(b.tensor).length === 1 && tensorDims(b.tensor)[0] === first.features) {
          set(out!, { ...first, projection: { ...first.projection, bias: b } });
          continue;
        }
      }
      if (n.opType === 'Reshape' && s0?.kind === 'features') {
        const split = headSplit(n, index, main, lengths, s0.features);
        if (typeof split === 'string') {
          fail(split);
          continue;
        }
        const b = blockOf(s0.block);
        if (b.projections.some((p) => p.weight === s0.projection.weight)) {
          fail(`${nodeLabel(s0.projection.node)} is split into heads twice`);
          continue;
        }
        b.heads = split.heads;
        b.projections.push({ ...s0.projection, parts: split.parts, headDim: split.headDim });
        b.shapeEdits.push({ entry: split.entry, per: 1 });
        set(out!, { kind: 'heads', block: s0.block, rank: split.rank, head: split.rank - 2, dim: { axis: split.rank - 1, length: split.headDim } });
        continue;
      }
      fail(unread);
      continue;
    }

    if (s0?.kind === 'merged' && only && (n.opType === 'MatMul' || n.opType === 'Gemm')) {
      const w = ownFloat(n.input[1]);
      const dims = w ? tensorDims(w.tensor) : [];
      const transB = n.opType === 'Gemm' && (attrInt(n, 'transB') ?? 0) === 1;
      const gemmOk = n.opType === 'MatMul' || (attrInt(n, 'transA') ?? 0) === 0;
      const b = blockOf(s0.block);
      if (w && dims.length === 2 && gemmOk && dims[transB ? 1 : 0] === b.heads * s0.headDim) {
        b.outputs.push({ node: n, weight: w, axis: transB ? 1 : 0, headDim: s0.headDim });
        continue;
      }
      fail(`merged heads read by ${nodeLabel(n)}, whose weight is not a stored [heads x dim, N] tensor read only there`);
      continue;
    }
    if (tracked.some((s) => s.kind !== 'heads')) {
      fail(unread);
      continue;
    }
    const heads = tracked as Extract<State, { kind: 'heads' }>[];
    const h = heads[0]!;

    if (PASS.has(n.opType) && only && n.output.filter(Boolean).length === 1) {
      set(out!, h);
      continue;
    }
    if (n.opType === 'Transpose' && only) {
      const perm = attrInts(n, 'perm') ?? Array.from({ length: h.rank }, (_, k) => h.rank - 1 - k);
      set(out!, { ...h, head: perm.indexOf(h.head), ...(h.dim ? { dim: { axis: perm.indexOf(h.dim.axis), length: h.dim.length } } : {}) });
      continue;
    }
    if (n.opType === 'Slice' && only) {
      const axes = opset < 10 ? attrInts(n, 'axes') ?? attrInts(n, 'starts')?.map((_, k) => k) : n.input[3] ? axesOf(n, 3) : lengths.get(n.input[1]!)?.length === 1 ? Array.from({ length: lengths.get(n.input[1]!)![0]! }, (_, k) => k) : undefined;
      const norm = axes?.map((a) => normAxis(a, h.rank));
      if (!norm || norm.includes(h.head) || (h.dim && norm.includes(h.dim.axis))) {
        fail(`${nodeLabel(n)} slices the head axis or axes it cannot tell`);
        continue;
      }
      set(out!, h);
      continue;
    }
    if ((n.opType === 'Squeeze' || n.opType === 'Unsqueeze') && only) {
      const axes = axesOf(n, 1);
      if (!axes) {
        fail(`${nodeLabel(n)} has no constant axes`);
        continue;
      }
      const squeeze = n.opType === 'Squeeze';
      const rank = squeeze ? h.rank - axes.length : h.rank + axes.length;
      const norm = axes.map((a) => normAxis(a, squeeze ? h.rank : rank));
      const move = (axis: number): number => {
        if (squeeze) return axis - norm.filter((a) => a < axis).length;
        let at = axis;
        for (const a of [...norm].sort((x, y) => x - y)) if (a <= at) at++;
        return at;
      };
      if (squeeze && (norm.includes(h.head) || (h.dim && norm.includes(h.dim.axis)))) {
        fail(`${nodeLabel(n)} squeezes the head axis`);
        continue;
      }
      set(out!, { ...h, rank, head: move(h.head), ...(h.dim ? { dim: { axis: move(h.dim.axis), length: h.dim.length } } : {}) });
      continue;
    }
    if (n.opType === 'Gather' && only) {
      const axis = normAxis(attrInt(n, 'axis') ?? 0, h.rank);
      const idx = n.input[1] ? index.stored(n.input[1], main)?.tensor : undefined;
      if (!idx || axis === h.head || axis === h.dim?.axis || tensorDims(idx).length > 1) {
        fail(`${nodeLabel(n)} gathers along the head axis or with indices it cannot tell`);
        continue;
      }
      const scalar = tensorDims(idx).length === 0;
      const move = (a: number): number => (scalar && a > axis ? a - 1 : a);
      set(out!, { ...h, rank: scalar ? h.rank - 1 : h.rank, head: move(h.head), ...(h.dim ? { dim: { axis: move(h.dim.axis), length: h.dim.length } } : {}) });
      continue;
    }
    if (n.opType === 'Split' && only) {
      const axis = normAxis(attrInt(n, 'axis') ?? 0, h.rank);
      if (axis === h.head || axis === h.dim?.axis) {
        fail(`${nodeLabel(n)} splits the head axis`);
        continue;
      }
      for (const o of n.output) if (o) set(o, h);
      continue;
    }
    if (n.opType === 'Softmax' && only) {
      // Before opset 13 Softmax flattens [axis..]: every axis from `axis` on is normalized together.
      const axis = normAxis(attrInt(n, 'axis') ?? (opset < 13 ? 1 : -1), h.rank);
      if (axis <= h.head && (opset < 13 || axis === h.head)) {
        fail(`${nodeLabel(n)} normalizes across heads`);
        continue;
      }
      blockOf(h.block).softmax = true;
      set(out!, { block: h.block, kind: 'heads', rank: h.rank, head: h.head });
      continue;
    }
    if (ELEMENTWISE.has(n.opType) && n.input.length === 2) {
      if (heads.length === 2) {
        const [a, b] = heads as [typeof h, typeof h];
        if (a.rank !== b.rank || a.head !== b.head) {
          fail(`${nodeLabel(n)} combines tensors whose head axes differ`);
          continue;
        }
        const root = merge(a.block, b.block);
        set(out!, { kind: 'heads', block: root, rank: a.rank, head: a.head, ...(a.dim && b.dim && a.dim.axis === b.dim.axis ? { dim: a.dim } : {}) });
        continue;
      }
      const other = n.input[1 - slot]!;
      const c = index.stored(other, main);
      // The operand aligns to the right; it must be 1 along the head axis (a scale, a mask without heads).
      const oneOnHeads = (dims: readonly number[] | undefined): boolean => {
        const at = dims ? dims.length - (h.rank - h.head) : -1;
        return dims !== undefined && (at < 0 || dims[at] === 1);
      };
      // A computed operand (a mask from an input) counts when its dim there is 1 whatever sizes the inputs take.
      const ok = c ? elementCount(c.tensor) === 1 || oneOnHeads(tensorDims(c.tensor)) : probes().every((t) => oneOnHeads(t.get(other)));
      if (!ok) {
        fail(`${nodeLabel(n)} mixes in '${other}', which may vary along the head axis`);
        continue;
      }
      set(out!, h);
      continue;
    }
    if (n.opType === 'MatMul' && heads.length === 2 && ins[0] && ins[1]) {
      const [a, b] = heads as [typeof h, typeof h];
      if (a.rank !== b.rank || a.head !== b.head || a.head >= a.rank - 2) {
        fail(`${nodeLabel(n)} multiplies tensors whose head axes are not the same batch axis`);
        continue;
      }
      const root = merge(a.block, b.block);
      const dim = b.dim && b.dim.axis === b.rank - 1 ? { dim: b.dim } : {};
      set(out!, { kind: 'heads', block: root, rank: a.rank, head: a.head, ...dim });
      continue;
    }
    if (n.opType === 'Reshape' && only) {
      if (h.head !== h.rank - 2 || h.dim?.axis !== h.rank - 1) {
        fail(`${nodeLabel(n)} reshapes heads that are not laid out [.., heads, dim]`);
        continue;
      }
      const merged = headMerge(n, index, main, lengths, blockOf(h.block).heads * h.dim.length);
      if (typeof merged === 'string') {
        fail(merged);
        continue;
      }
      if (merged) blockOf(h.block).shapeEdits.push({ entry: merged, per: h.dim.length });
      set(out!, { kind: 'merged', block: h.block, headDim: h.dim.length });
      continue;
    }
    fail(unread);
  }

  for (const [value, s] of states) {
    const b = blockOf(s.block);
    if (index.isGraphOutput(value, main)) b.blocked.push(`reaches graph output '${value}'`);
    for (const use of index.consumers(value, main)) {
      if (use.node.input[use.inputIndex] !== value) b.blocked.push(`read inside a subgraph of ${nodeLabel(use.node)}`);
    }
    if (s.kind === 'merged' && index.consumers(value, main).length === 0) b.blocked.push(`merged heads '${value}' read by nothing`);
  }
  const result: AttentionBlock[] = [];
  for (const n of graph.node) {
    if (n.opType !== 'Softmax' || !n.input[0] || states.get(n.input[0])?.kind === 'heads' || lost.has(n.input[0]) || !scoresMatMul(n.input[0], index, main)) continue;
    // Attention-like (a Softmax over a product of two activations) that no projection split into heads reaches.
    result.push({ heads: 0, projections: [], outputs: [], shapeEdits: [], values: new Set(), blocked: `${nodeLabel(n)} reads a product of activations that no Q/K/V projection split into heads reaches (not matched as multi-head attention)` });
  }
  for (const b of blocks.values()) {
    if (!b.softmax) continue;
    if (b.outputs.length === 0) b.blocked.push('no output projection reads the merged heads');
    result.push({
      heads: b.heads,
      projections: b.projections,
      outputs: b.outputs,
      shapeEdits: b.shapeEdits,
      values: b.values,
      ...(b.blocked.length > 0 ? { blocked: [...new Set(b.blocked)].join('; ') } : {}),
    });
  }
  return result;
}

/** Whether `value` is, through scaling, masking or casts, a MatMul of two computed tensors (attention scores). */
function scoresMatMul(value: string, index: GraphIndex, main: GraphScope): boolean {
  for (let p = index.producer(value, main), steps = 0; p && steps < 8; steps++) {
    if (p.opType === 'MatMul') return p.input.slice(0, 2).every((v) => v && !index.stored(v, main));
    if (!ELEMENTWISE.has(p.opType) && !PASS.has(p.opType)) return false;
    const computed = p.input.find((v) => v && !index.stored(v, main));
    p = computed ? index.producer(computed, main) : undefined;
  }
  return false;
}

/** Inferred shapes with every unknown input dim taken as `size`. */
function shapesWithUnknownDimsAt(scope: GraphScope, size: number): Map<string, number[]> {
  const seed = new Map<string, number[]>();
  for (const v of scope.graph.input) {
    const t = v.type?.value;
    if (t?.case !== 'tensorType' || !t.value.shape) continue;
    seed.set(v.name, t.value.shape.dim.map((d) => (d.value.case === 'dimValue' && d.value.value > 0n ? Number(d.value.value) : size)));
  }
  return inferShapes(scope.graph, seed).shapes;
}

/** Lengths of the graph's rank-1 values (shape pieces), which no unknown input dim changes. */
const shapeLengths = (scope: GraphScope): Map<string, number[]> => shapesWithUnknownDimsAt(scope, 1);

interface Split {
  rank: number;
  heads: number;
  headDim: number;
  parts: number;
  entry: ShapeEntry;
}

/** A Reshape of `features` into [.., heads, dim] or [.., parts, heads, dim] with constant trailing entries, or why not. */
function headSplit(n: NodeProto, index: GraphIndex, main: GraphScope, lengths: Map<string, number[]>, features: number): Split | string {
  const why = `${nodeLabel(n)} does not split ${features} features into constant [heads, dim]`;
  if ((attrInt(n, 'allowzero') ?? 0) !== 0 || !n.input[1]) return why;
  const rank = lengths.get(n.input[1])?.[0];
  if (rank === undefined || rank < 3) return why;
  const at = (k: number): ShapeEntry | undefined => shapeEntry(n, k, index, main, lengths);
  const dim = at(rank - 1);
  const head = at(rank - 2);
  if (!dim || !head || dim.value <= 0 || head.value <= 0) return why;
  if (head.value * dim.value === features) return { rank, heads: head.value, headDim: dim.value, parts: 1, entry: head };
  const parts = rank >= 4 ? at(rank - 3) : undefined;
  if (parts && parts.value > 0 && parts.value * head.value * dim.value === features) return { rank, heads: head.value, headDim: dim.value, parts: parts.value, entry: head };
  return why;
}

/** The Reshape's last shape entry when it is heads x dim (to update), undefined when it is -1 (nothing to update), or why it is neither. */
function headMerge(n: NodeProto, index: GraphIndex, main: GraphScope, lengths: Map<string, number[]>, features: number): ShapeEntry | undefined | string {
  const why = `${nodeLabel(n)} does not merge the heads into a last axis of ${features} (a constant or -1)`;
  if ((attrInt(n, 'allowzero') ?? 0) !== 0 || !n.input[1]) return why;
  const rank = lengths.get(n.input[1])?.[0];
  if (rank === undefined || rank < 2) return why;
  const last = shapeEntry(n, rank - 1, index, main, lengths);
  if (!last) return why;
  if (last.value === features) return last;
  if (last.value === -1) return undefined;
  return why;
}
