import { attrInt, attrInts, isDefaultDomain } from '../../graph/attrs';
import { GraphIndex } from '../../graph/graph-index';
import { topologicalOrder } from '../../graph/topo-order';
import { DT } from '../../ir/dtype';
import type { ReadonlyModelIR } from '../../ir/model';
import type { GraphScope } from '../../graph/graph-index';
import { elementCount, isExternal, readIntegers, tensorDims } from '../../ir/tensor';
import type { NodeProto } from '../../onnx/schema';
import type { StoredWeight } from '../../graph/weight-uses';
import { sliceWindow, splitWindows, type ChannelWindow, type WindowEdit } from './channel-windows';

/**
 * One stored tensor a channel cut touches, and along which axis. Producers' weights (Conv output
 * channels) decide importance; everything else follows their choice.
 */
export interface CutTensor {
  weight: StoredWeight;
  axis: number;
  role: 'producer' | 'consumer' | 'follower';
  /** Entries per channel along `axis` (a Gemm after a Flatten reads each channel as a block of H x W features); 1 when absent. */
  block?: number;
  /** Where the group's channels sit along `axis` when a Concat put them beside others: from `offset`, `length` of them. */
  segment?: { offset: number; length: number };
  /** The tensor's axis holds only the group's channels of this window (a reader of a Split output or a channel Slice). */
  window?: ChannelWindow;
}

/** A set of feature maps sharing one channel index: cutting channel c cuts it in every member at once. */
export interface ChannelGroup {
  channels: number;
  /** Conv nodes whose output channels the group is (a residual Add couples several). */
  producers: NodeProto[];
  cuts: CutTensor[];
  /** Depthwise Convs inside the group: their `group` attribute follows the channel count. */
  depthwise: NodeProto[];
  /** Values whose channel dimension changes (their value_info must go). */
  values: Set<string>;
  /** Why the group is left as it is; undefined when it can be cut. */
  blocked?: string;
  /** Split outputs and channel Slices of the group: channels are chosen window by window so each keeps its share. */
  windows?: ChannelWindow[];
  /** Split sizes and Slice bounds that follow the kept channels. */
  windowEdits?: WindowEdit[];
}

/** Ops that read one tensor and write one with the same channels, element for element. */
const PASS_THROUGH = new Set([
  'Relu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'LeakyRelu', 'Elu', 'Selu', 'Softplus', 'Clip', 'Identity', 'Dropout',
  'Gelu', 'Erf', 'Abs', 'Neg', 'Exp', 'Sqrt', 'Swish', 'Mish',
]);
/** Ops that pass a feature map's channels through while they work on its spatial axes. */
const SPATIAL = new Set(['MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'LpPool', 'Resize', 'Upsample', 'Pad']);
const ELEMENTWISE = new Set(['Add', 'Sub', 'Mul', 'Div']);

class UnionFind {
  private readonly parent: number[] = [];
  make(): number {
    this.parent.push(this.parent.length);
    return this.parent.length - 1;
  }
  find(x: number): number {
    while (this.parent[x] !== x) {
      this.parent[x] = this.parent[this.parent[x]!]!;
      x = this.parent[x]!;
    }
    return x;
  }
  union(a: number, b: number): number {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[rb] = ra;
    return ra;
  }
}

interface Space {
  channels: number;
  /** Axes after the channel axis: 2 for an NCHW feature map, 0 for [rows, features]. */
  trailing: number;
  producers: NodeProto[];
  cuts: CutTensor[];
  depthwise: NodeProto[];
  values: Set<string>;
  blocked: string[];
  windows: ChannelWindow[];
  edits: WindowEdit[];
}

const nodeLabel = (n: NodeProto): string => `${n.opType} '${n.name || n.output[0]}'`;

/**
 * Resolves the channel dependency groups of the main graph in one pass in topological order:
 * every Conv (group 1) output, and every MatMul/Gemm with a stored 2-D weight, starts a channel space; BatchNormalization, depthwise Convs,
 * activations, pooling, Resize and Pad (not on channels) carry it on; Add/Sub/Mul/Div join the
 * spaces of their inputs (residuals, squeeze-excitation gates) and cut per-channel constants; a
 * group-1 Conv or a MatMul/Gemm that reads a space cuts its input channels. A space read by anything else, or that
 * reaches a graph output, is blocked with the reason.
 */
export function channelGroups(model: ReadonlyModelIR): ChannelGroup[] {
  const index = new GraphIndex(model);
  const graph = index.model.graph!;
  const main = index.scope(graph);
  const uf = new UnionFind();
  const spaces = new Map<number, Space>();
  const spaceOf = new Map<string, number>();
  const spaceAt = (value: string): Space | undefined => {
    const id = spaceOf.get(value);
    return id === undefined ? undefined : spaces.get(uf.find(id));
  };
  const rootOf = (value: string): number | undefined => {
    const id = spaceOf.get(value);
    return id === undefined ? undefined : uf.find(id);
  };
  /** Flatten/Reshape outputs that lay a feature map's channels out as consecutive blocks of features: the space they came from. */
  const flatOf = new Map<string, number>();
  /** Concat outputs on the channel axis (and what passes them through): the spaces laid end to end, by id and channel offset. */
  const concatOf = new Map<string, Segment[]>();
  /** Split outputs and channel Slices (and what passes them through): the space and the window of its channels they hold. */
  const windowOf = new Map<string, { id: number; window: ChannelWindow }>();
  const blockSegments = (value: string, reason: string): void => {
    for (const seg of concatOf.get(value) ?? []) spaces.get(uf.find(seg.id))!.blocked.push(reason);
    const w = windowOf.get(value);
    if (w) spaces.get(uf.find(w.id))!.blocked.push(reason.replace('concatenated', 'split'));
  };
  const join = (value: string, id: number): void => {
    spaceOf.set(value, id);
    spaces.get(uf.find(id))!.values.add(value);
  };
  const block = (value: string, reason: string): void => {
    spaceAt(value)?.blocked.push(reason);
  };
  /** A float32 weight read by this one slot only, or undefined. */
  const ownWeight = (n: NodeProto, slot: number): StoredWeight | undefined => {
    const name = n.input[slot];
    if (!name) return undefined;
    const w = index.stored(name, main);
    if (!w || w.tensor.dataType !== DT.FLOAT || isExternal(w.tensor) || w.isGraphOutput || w.uses.length !== 1) return undefined;
    return w;
  };
  const merge = (a: number, b: number): number => {
    const ra = uf.find(a);
    const rb = uf.find(b);
    if (ra === rb) return ra;
    const sa = spaces.get(ra)!;
    const sb = spaces.get(rb)!;
    const root = uf.union(ra, rb);
    const into = root === ra ? sa : sb;
    const from = root === ra ? sb : sa;
    if (sa.channels !== sb.channels) into.blocked.push(`couples ${sa.channels} and ${sb.channels} channels`);
    if (sa.trailing !== sb.trailing) into.blocked.push('couples feature maps with features');
    into.producers.push(...from.producers);
    into.cuts.push(...from.cuts);
    into.depthwise.push(...from.depthwise);
    from.values.forEach((v) => into.values.add(v));
    into.blocked.push(...from.blocked);
    into.windows.push(...from.windows);
    into.edits.push(...from.edits);
    spaces.delete(root === ra ? rb : ra);
    return root;
  };

  /** A group-1 Conv's output channels: a new space, its filters the producer. */
  const startConv = (n: NodeProto, w: StoredWeight, bias: StoredWeight | undefined): void => {
    const dims = tensorDims(w.tensor);
    const id = uf.make();
    const cuts: CutTensor[] = [{ weight: w, axis: 0, role: 'producer' }];
    if (bias) cuts.push({ weight: bias, axis: 0, role: 'follower' });
    spaces.set(id, { channels: dims[0]!, trailing: dims.length - 2, producers: [n], cuts, depthwise: [], values: new Set(), blocked: [], windows: [], edits: [] });
    join(n.output[0]!, id);
  };
  const unmapped = (v: string): boolean => !v || (rootOf(v) === undefined && !concatOf.has(v) && !windowOf.has(v) && !flatOf.has(v));
  const carryComposite = (out: string, segments: Segment[]): void => {
    concatOf.set(out, segments);
    for (const seg of segments) spaces.get(uf.find(seg.id))!.values.add(out);
  };
  /** A node reading a Split output or a channel Slice: carries the window on or cuts its input channels there; false when it cannot. */
  const followWindow = (n: NodeProto, at: { id: number; window: ChannelWindow }): boolean => {
    const s = spaces.get(uf.find(at.id))!;
    const out = n.output[0]!;
    const { length } = at.window;
    const carry = (): boolean => {
      windowOf.set(out, at);
      s.values.add(out);
      return true;
    };
    if ((PASS_THROUGH.has(n.opType) || (SPATIAL.has(n.opType) && n.opType !== 'Pad')) && n.input.slice(1).every(unmapped)) return carry();
    if (n.opType === 'BatchNormalization' && n.output.filter(Boolean).length === 1) {
      const params = [1, 2, 3, 4].map((slot) => ownWeight(n, slot));
      if (!params.every((p) => p && tensorDims(p.tensor).length === 1 && tensorDims(p.tensor)[0] === length)) return false;
      for (const p of params) s.cuts.push({ weight: p!, axis: 0, role: 'follower', window: at.window });
      return carry();
    }
    if (n.opType !== 'Conv') return false;
    const w = ownWeight(n, 1);
    const dims = w ? tensorDims(w.tensor) : [];
    const bias = n.input[2] ? ownWeight(n, 2) : undefined;
    if (!w || (n.input[2] && !bias) || dims.length < 3) return false;
    const groups = attrInt(n, 'group') ?? 1;
    if (groups === 1 && dims[1] === length) {
      s.cuts.push({ weight: w, axis: 1, role: 'consumer', window: at.window });
      startConv(n, w, bias);
      return true;
    }
    if (groups !== length || dims[0] !== length || dims[1] !== 1) return false;
    s.cuts.push({ weight: w, axis: 0, role: 'follower', window: at.window });
    if (bias) s.cuts.push({ weight: bias, axis: 0, role: 'follower', window: at.window });
    s.depthwise.push(n);
    return carry();
  };
  /** Add/Sub/Mul/Div on concatenated channels: with the same layout of segments (their spaces join pairwise) or a per-channel constant; false otherwise. */
  const joinComposites = (n: NodeProto, a: Segment[] | undefined, b: Segment[] | undefined): boolean => {
    const out = n.output[0]!;
    if (a && b) {
      if (a.length !== b.length || a.some((seg, k) => seg.offset !== b[k]!.offset || seg.channels !== b[k]!.channels)) return false;
      carryComposite(out, a.map((seg, k) => ({ ...seg, id: merge(seg.id, b[k]!.id) })));
      return true;
    }
    const segments = (a ?? b)!;
    const v = n.input[a ? 1 : 0]!;
    if (!v || !unmapped(v)) return false;
    const total = segments.reduce((t, seg) => t + seg.channels, 0);
    const cut = constantCut(index, main, v, total, spaces.get(uf.find(segments[0]!.id))!.trailing);
    if (cut && 'reason' in cut) return false;
    if (cut) for (const seg of segments) spaces.get(uf.find(seg.id))!.cuts.push({ ...cut, role: 'follower', segment: { offset: seg.offset, length: seg.channels } });
    carryComposite(out, segments);
    return true;
  };

  for (const i of topologicalOrder(graph)) {
    const n = graph.node[i]!;
    if (n.opType === 'Constant') continue;
    const inSpaces = n.input.map((v) => (v ? rootOf(v) : undefined));
    const out = n.output[0];
    const known = isDefaultDomain(n);
    const trailingOf = (slot: number): number | undefined => (inSpaces[slot] === undefined ? undefined : spaces.get(inSpaces[slot])!.trailing);
    const readers = (): void =>
      n.input.forEach((v, slot) => {
        if (inSpaces[slot] !== undefined) block(v, `read by ${nodeLabel(n)}, which this pass does not cut`);
        if (v && (concatOf.has(v) || windowOf.has(v))) blockSegments(v, `concatenated and read by ${nodeLabel(n)}, which this pass does not cut`);
        const f = v ? flatOf.get(v) : undefined;
        if (f !== undefined) spaces.get(uf.find(f))!.blocked.push(`flattened and read by ${nodeLabel(n)}, which this pass does not cut`);
      });

    const windowed = n.input[0] ? windowOf.get(n.input[0]) : undefined;
    if (known && windowed && out) {
      if (!followWindow(n, windowed)) readers();
      continue;
    }
    const composite = n.input[0] ? concatOf.get(n.input[0]) : undefined;
    if (known && n.opType === 'Concat' && out && inSpaces.some((x) => x !== undefined)) {
      const segments = concatSegments(n, inSpaces, (id) => spaces.get(id)!);
      if (segments) {
        concatOf.set(out, segments);
        for (const seg of segments) spaces.get(uf.find(seg.id))!.values.add(out);
        continue;
      }
      readers();
      continue;
    }
    if (known && composite && out && (PASS_THROUGH.has(n.opType) || (SPATIAL.has(n.opType) && n.opType !== 'Pad')) && n.input.slice(1).every(unmapped)) {
      carryComposite(out, composite);
      continue;
    }
    if (known && composite && out && n.opType === 'BatchNormalization' && n.output.filter(Boolean).length === 1) {
      const total = composite.reduce((t, seg) => t + seg.channels, 0);
      const params = [1, 2, 3, 4].map((slot) => ownWeight(n, slot));
      if (params.every((p) => p && tensorDims(p.tensor).length === 1 && tensorDims(p.tensor)[0] === total)) {
        for (const seg of composite) for (const p of params) spaces.get(uf.find(seg.id))!.cuts.push({ weight: p!, axis: 0, role: 'follower', segment: { offset: seg.offset, length: seg.channels } });
        carryComposite(out, composite);
        continue;
      }
      readers();
      continue;
    }
    const composites = n.input.map((v) => (v ? concatOf.get(v) : undefined));
    if (known && out && ELEMENTWISE.has(n.opType) && n.input.length === 2 && composites.some(Boolean) && joinComposites(n, composites[0], composites[1])) continue;
    if (known && composite && n.opType === 'Conv' && out) {
      const w = ownWeight(n, 1);
      const dims = w ? tensorDims(w.tensor) : [];
      const bias = n.input[2] ? ownWeight(n, 2) : undefined;
      const total = composite.reduce((t, seg) => t + seg.channels, 0);
      if (w && (!n.input[2] || bias) && (attrInt(n, 'group') ?? 1) === 1 && dims.length >= 3 && dims[1] === total) {
        for (const seg of composite) spaces.get(uf.find(seg.id))!.cuts.push({ weight: w, axis: 1, role: 'consumer', segment: { offset: seg.offset, length: seg.channels } });
        startConv(n, w, bias);
        continue;
      }
      if (w && (!n.input[2] || bias) && attrInt(n, 'group') === total && dims[0] === total && dims[1] === 1) {
        // Depthwise over the concatenation: each segment's filters follow its group.
        for (const seg of composite) {
          const s = spaces.get(uf.find(seg.id))!;
          const segment = { offset: seg.offset, length: seg.channels };
          s.cuts.push({ weight: w, axis: 0, role: 'follower', segment });
          if (bias) s.cuts.push({ weight: bias, axis: 0, role: 'follower', segment });
          s.depthwise.push(n);
        }
        carryComposite(out, composite);
        continue;
      }
      readers();
      continue;
    }
    // Any other reader of concatenated channels cannot follow the segments: their groups stay.
    for (const v of n.input) if (v && (concatOf.has(v) || windowOf.has(v))) blockSegments(v, `concatenated and read by ${nodeLabel(n)}, which this pass does not cut`);
    if (known && (n.opType === 'Split' || n.opType === 'Slice') && out && inSpaces[0] !== undefined && trailingOf(0)! > 0 && inSpaces.slice(1).every((x) => x === undefined)) {
      const source = inSpaces[0];
      const s = spaces.get(source)!;
      const read = (n.opType === 'Split' ? splitWindows : sliceWindow)(n, index, main, s.channels, s.trailing);
      if (!read) {
        // Split or sliced along a spatial axis: every output has the input's channels.
        for (const o of n.output) if (o) join(o, source);
        continue;
      }
      if ('reason' in read) {
        s.blocked.push(read.reason);
        continue;
      }
      if (read.edit) s.edits.push(read.edit);
      read.windows.forEach((window, k) => {
        const o = n.output[k];
        s.windows.push(window);
        if (!o) return;
        if (window.length === s.channels) join(o, source);
        else {
          windowOf.set(o, { id: source, window });
          s.values.add(o);
        }
      });
      continue;
    }
    if (known && n.opType === 'Conv' && out) {
      const w = ownWeight(n, 1);
      const dims = w ? tensorDims(w.tensor) : [];
      const groups = attrInt(n, 'group') ?? 1;
      const bias = n.input[2] ? ownWeight(n, 2) : undefined;
      const biasOk = !n.input[2] || bias !== undefined;
      const source = trailingOf(0) === 0 ? undefined : inSpaces[0];
      if (trailingOf(0) === 0) readers();
      if (w && biasOk && groups === 1 && dims.length >= 3) {
        if (source !== undefined) spaces.get(source)!.cuts.push({ weight: w, axis: 1, role: 'consumer' });
        startConv(n, w, bias);
        continue;
      }
      if (w && biasOk && source !== undefined && groups > 1 && dims[1] === 1 && dims[0] === groups) {
        // Depthwise: one filter per input channel, so its channels are its input's.
        const s = spaces.get(source)!;
        s.cuts.push({ weight: w, axis: 0, role: 'follower' });
        if (bias) s.cuts.push({ weight: bias, axis: 0, role: 'follower' });
        s.depthwise.push(n);
        join(out, source);
        continue;
      }
      readers();
      continue;
    }
    if (known && (n.opType === 'Flatten' || n.opType === 'Reshape') && out && inSpaces[0] !== undefined && trailingOf(0)! > 0 && flattensToRows(n, index, main)) {
      // [N, C, ...] -> [N, C x ...]: channel c becomes features [c·S, (c+1)·S), S the spatial size.
      flatOf.set(out, inSpaces[0]);
      spaces.get(inSpaces[0])!.values.add(out);
      continue;
    }
    const flat = n.input[0] ? flatOf.get(n.input[0]) : undefined;
    if (known && (n.opType === 'MatMul' || n.opType === 'Gemm') && out && flat !== undefined) {
      const w = ownWeight(n, 1);
      const dims = w ? tensorDims(w.tensor) : [];
      const transB = n.opType === 'Gemm' && (attrInt(n, 'transB') ?? 0) === 1;
      const transA = n.opType === 'Gemm' && (attrInt(n, 'transA') ?? 0) === 1;
      const space = spaces.get(uf.find(flat))!;
      const k = dims[transB ? 1 : 0] ?? 0;
      if (w && dims.length === 2 && !transA && k % space.channels === 0) {
        space.cuts.push({ weight: w, axis: transB ? 1 : 0, role: 'consumer', block: k / space.channels });
        continue;
      }
      space.blocked.push(`flattened into ${nodeLabel(n)}, which this pass does not cut`);
      continue;
    }
    if (known && (n.opType === 'MatMul' || n.opType === 'Gemm') && out) {
      const w = ownWeight(n, 1);
      const dims = w ? tensorDims(w.tensor) : [];
      const transB = n.opType === 'Gemm' && (attrInt(n, 'transB') ?? 0) === 1;
      const transA = n.opType === 'Gemm' && (attrInt(n, 'transA') ?? 0) === 1;
      const bias = n.input[2] ? ownWeight(n, 2) : undefined;
      const biasDims = bias ? tensorDims(bias.tensor) : [];
      const channels = dims[transB ? 0 : 1];
      const biasOk = !n.input[2] || (bias !== undefined && biasDims.length === 1 && biasDims[0] === channels);
      if (w && dims.length === 2 && !transA && biasOk && trailingOf(0) !== 2 && trailingOf(0) !== 1) {
        // A MatMul/Gemm weight [K, N] (or [N, K] with transB): its N output features start a space, its K inputs follow the input's.
        if (inSpaces[0] !== undefined) spaces.get(inSpaces[0])!.cuts.push({ weight: w, axis: transB ? 1 : 0, role: 'consumer' });
        const id = uf.make();
        const cuts: CutTensor[] = [{ weight: w, axis: transB ? 0 : 1, role: 'producer' }];
        if (bias) cuts.push({ weight: bias, axis: 0, role: 'follower' });
        spaces.set(id, { channels: channels!, trailing: 0, producers: [n], cuts, depthwise: [], values: new Set(), blocked: [], windows: [], edits: [] });
        join(out, id);
        continue;
      }
      readers();
      continue;
    }
    if (known && n.opType === 'BatchNormalization' && out && inSpaces[0] !== undefined && trailingOf(0)! > 0 && n.output.filter(Boolean).length === 1) {
      const params = [1, 2, 3, 4].map((slot) => ownWeight(n, slot));
      if (params.every((p) => p && tensorDims(p.tensor).length === 1)) {
        const s = spaces.get(inSpaces[0])!;
        for (const p of params) s.cuts.push({ weight: p!, axis: 0, role: 'follower' });
        join(out, inSpaces[0]);
        continue;
      }
      readers();
      continue;
    }
    const spatialOk = !SPATIAL.has(n.opType) || trailingOf(0)! > 0;
    if (known && (PASS_THROUGH.has(n.opType) || SPATIAL.has(n.opType)) && spatialOk && out && inSpaces[0] !== undefined && inSpaces.slice(1).every((s) => s === undefined)) {
      const pads = n.opType === 'Pad' ? padsOnChannels(n, index, main) : false;
      if (pads) {
        readers();
        continue;
      }
      join(out, inSpaces[0]);
      continue;
    }
    if (known && ELEMENTWISE.has(n.opType) && out && inSpaces.some((s) => s !== undefined) && n.input.length === 2) {
      let root = inSpaces.find((s) => s !== undefined)!;
      for (const s of inSpaces) if (s !== undefined) root = merge(root, s);
      const s = spaces.get(uf.find(root))!;
      for (const [slot, v] of n.input.entries()) {
        if (inSpaces[slot] !== undefined) continue;
        const cut = constantCut(index, main, v, s.channels, s.trailing);
        if (cut && 'reason' in cut) s.blocked.push(`${nodeLabel(n)} ${cut.reason}`);
        else if (cut) s.cuts.push({ ...cut, role: 'follower' });
      }
      join(out, uf.find(root));
      continue;
    }
    readers();
  }

  for (const [value] of concatOf) if (index.isGraphOutput(value, main)) blockSegments(value, `reaches graph output '${value}' concatenated`);
  for (const [value, w] of windowOf) {
    if (index.isGraphOutput(value, main)) spaces.get(uf.find(w.id))!.blocked.push(`reaches graph output '${value}' split`);
    for (const use of index.consumers(value, main)) if (use.node.input[use.inputIndex] !== value) spaces.get(uf.find(w.id))!.blocked.push(`read inside a subgraph of ${nodeLabel(use.node)}`);
  }
  for (const [value, id] of flatOf) if (index.isGraphOutput(value, main)) spaces.get(uf.find(id))!.blocked.push(`reaches graph output '${value}' flattened`);
  for (const [value] of spaceOf) {
    if (index.isGraphOutput(value, main)) block(value, `reaches graph output '${value}'`);
    // A subgraph's read of an outer value shows as a read by the node that owns the subgraph.
    for (const use of index.consumers(value, main)) {
      if (use.node.input[use.inputIndex] !== value) block(value, `read inside a subgraph of ${nodeLabel(use.node)}`);
    }
  }
  return [...spaces.values()].map((s) => ({
    channels: s.channels,
    producers: s.producers,
    cuts: s.cuts,
    depthwise: s.depthwise,
    values: s.values,
    ...(s.blocked.length > 0 ? { blocked: [...new Set(s.blocked)].join('; ') } : {}),
    ...(s.windows.length > 0 ? { windows: s.windows } : {}),
    ...(s.edits.length > 0 ? { windowEdits: s.edits } : {}),
  }));
}

type Segment = { id: number; offset: number; channels: number };

/**
 * What a constant beside a feature map with `channels` channels (and `trailing` spatial axes) in an
 * elementwise op needs: undefined when it broadcasts over the channels, the axis to cut, or why it cannot be cut.
 */
function constantCut(index: GraphIndex, main: GraphScope, v: string, channels: number, trailing: number): { weight: StoredWeight; axis: number } | { reason: string } | undefined {
  const c = index.stored(v, main);
  if (!c) return { reason: `mixes in '${v}', which has no known channels` };
  const dims = tensorDims(c.tensor);
  // The constant's dims align to the right of the feature map's; `axis` is its channel axis.
  const axis = dims.length - 1 - trailing;
  if (elementCount(c.tensor) === 1 || axis < 0 || dims[axis] === 1) return undefined;
  const own = c.tensor.dataType === DT.FLOAT && !isExternal(c.tensor) && c.uses.length === 1 && !c.isGraphOutput;
  if (own && dims[axis] === channels) return { weight: c, axis };
  return { reason: `reads constant '${v}' [${dims.join(', ')}], which this pass cannot cut` };
}

/**
 * The channel segments of a Concat on the channel axis whose inputs are all feature-map spaces of one
 * rank: each input's space and where its channels start; undefined when it concatenates anything else.
 */
function concatSegments(n: NodeProto, inSpaces: readonly (number | undefined)[], space: (id: number) => Space): Segment[] | undefined {
  if (inSpaces.some((x) => x === undefined)) return undefined;
  const trailing = space(inSpaces[0]!).trailing;
  if (trailing === 0 || inSpaces.some((x) => space(x!).trailing !== trailing)) return undefined;
  const axis = attrInt(n, 'axis');
  if (axis !== 1 && axis !== -(trailing + 1)) return undefined;
  let offset = 0;
  return inSpaces.map((id) => {
    const seg = { id: id!, offset, channels: space(id!).channels };
    offset += seg.channels;
    return seg;
  });
}

/** Whether a Flatten (axis 1) or a Reshape to a stored [0 or 1, -1] shape turns [N, C, ...] into rows of C x ... features. */
function flattensToRows(n: NodeProto, index: GraphIndex, main: GraphScope): boolean {
  if (n.opType === 'Flatten') return (attrInt(n, 'axis') ?? 1) === 1;
  const t = n.input[1] ? index.stored(n.input[1], main)?.tensor : undefined;
  if (!t || (t.dataType !== DT.INT64 && t.dataType !== DT.INT32)) return false;
  const shape = readIntegers(t);
  return shape.length === 2 && (shape[0] === 0 || shape[0] === 1) && shape[1] === -1 && (attrInt(n, 'allowzero') ?? 0) === 0;
}

/** Whether a Pad pads (or might pad) the channel axis: true when its pads are not known constants with zeros there. */
function padsOnChannels(n: NodeProto, index: GraphIndex, main: GraphScope): boolean {
  const fromAttr = attrInts(n, 'pads');
  let pads = fromAttr;
  if (!pads && n.input[1]) {
    const t = index.stored(n.input[1], main)?.tensor;
    if (!t) return true;
    pads = readIntegers(t);
  }
  if (!pads || pads.length % 2 !== 0) return true;
  const rank = pads.length / 2;
  return pads[1] !== 0 || pads[rank + 1] !== 0;
}
