import { attr } from '../../ir/build';
import { patch } from '../../ir/edit';
import { attrInt, attrInts } from '../../graph/attrs';
import type { EditSession } from '../../graph/edit-session';
import type { GraphIndex, GraphScope } from '../../graph/graph-index';
import type { StoredWeight } from '../../graph/weight-uses';
import { DT } from '../../ir/dtype';
import { isExternal, makeInt64Tensor, readIntegers, tensorDims } from '../../ir/tensor';
import type { NodeProto } from '../../onnx/schema';

/** A run of a channel space's channels, as a Split output or a Slice on the channel axis takes it. */
export interface ChannelWindow {
  offset: number;
  length: number;
}

/** An integer constant or attribute that encodes channel counts, rewritten once the group's kept channels are known. */
export type WindowEdit =
  | { kind: 'split-input'; node: NodeProto; sizes: StoredWeight; windows: ChannelWindow[] }
  | { kind: 'split-attribute'; node: NodeProto; windows: ChannelWindow[] }
  | { kind: 'slice'; node: NodeProto; starts: StoredWeight; ends: StoredWeight; at: number; window: ChannelWindow };

/** How a Split or Slice reads a channel space: the window of each output, the edit that keeps it right, or why it cannot be followed. */
export type WindowRead = { windows: ChannelWindow[]; edit?: WindowEdit } | { reason: string };

const label = (n: NodeProto): string => `${n.opType} '${n.name || n.output[0]}'`;

/** An integer constant read by this node alone (so rewriting it changes nobody else). */
function ownIntegers(index: GraphIndex, main: GraphScope, name: string | undefined): StoredWeight | undefined {
  const w = name ? index.stored(name, main) : undefined;
  if (!w || w.tensor.dataType !== DT.INT64 || isExternal(w.tensor) || w.isGraphOutput || w.uses.length !== 1) return undefined;
  return w;
}

const storedIntegers = (index: GraphIndex, main: GraphScope, name: string | undefined): number[] | undefined => {
  const t = name ? index.stored(name, main)?.tensor : undefined;
  return t && (t.dataType === DT.INT64 || t.dataType === DT.INT32) && !isExternal(t) ? readIntegers(t) : undefined;
};

const isChannelAxis = (axis: number, trailing: number): boolean => axis === 1 || axis === -(trailing + 1);

function windowsOf(sizes: readonly number[]): ChannelWindow[] {
  let offset = 0;
  return sizes.map((length) => {
    const w = { offset, length };
    offset += length;
    return w;
  });
}

/** The windows of a Split of a feature map with `channels` channels and `trailing` spatial axes, or why it cannot be followed. */
export function splitWindows(n: NodeProto, index: GraphIndex, main: GraphScope, channels: number, trailing: number): WindowRead | undefined {
  if (!isChannelAxis(attrInt(n, 'axis') ?? 0, trailing)) return undefined;
  const outputs = n.output.length;
  if (n.input[1]) {
    const sizes = ownIntegers(index, main, n.input[1]);
    const values = sizes ? readIntegers(sizes.tensor) : [];
    if (!sizes || values.length !== outputs || values.reduce((a, b) => a + b, 0) !== channels) {
      return { reason: `${label(n)} splits channels by '${n.input[1]}', which is not a constant of its own summing to ${channels}` };
    }
    const windows = windowsOf(values);
    return { windows, edit: { kind: 'split-input', node: n, sizes, windows } };
  }
  const fromAttr = attrInts(n, 'split');
  if (fromAttr) {
    if (fromAttr.length !== outputs || fromAttr.reduce((a, b) => a + b, 0) !== channels) return { reason: `${label(n)} has split sizes [${fromAttr.join(', ')}] that do not sum to ${channels}` };
    const windows = windowsOf(fromAttr);
    return { windows, edit: { kind: 'split-attribute', node: n, windows } };
  }
  // Equal parts: equal windows keep equal counts, so the split stays equal with nothing to rewrite.
  if (channels % outputs !== 0) return { reason: `${label(n)} splits ${channels} channels into ${outputs} unequal parts` };
  return { windows: windowsOf(Array.from({ length: outputs }, () => channels / outputs)) };
}

/**
 * The window a Slice with constant starts/ends/axes/steps takes of a feature map's channels; undefined
 * when it does not slice the channel axis (it passes the channels through).
 */
export function sliceWindow(n: NodeProto, index: GraphIndex, main: GraphScope, channels: number, trailing: number): WindowRead | undefined {
  const rank = trailing + 2;
  const starts = storedIntegers(index, main, n.input[1]);
  const ends = storedIntegers(index, main, n.input[2]);
  const axes = n.input[3] ? storedIntegers(index, main, n.input[3]) : starts?.map((_, i) => i);
  const steps = n.input[4] ? storedIntegers(index, main, n.input[4]) : starts?.map(() => 1);
  if (n.input.length < 3 || !starts || !ends || !axes || !steps || starts.length !== ends.length || axes.length !== starts.length || steps.length !== starts.length) {
    return { reason: `${label(n)} has starts/ends/axes/steps that are not stored constants` };
  }
  const at = axes.findIndex((a) => (a < 0 ? a + rank : a) === 1);
  if (at < 0) return undefined;
  if (steps[at] !== 1) return { reason: `${label(n)} steps the channel axis by ${steps[at]}` };
  const clamp = (v: number): number => Math.min(channels, Math.max(0, v < 0 ? v + channels : v));
  const start = clamp(starts[at]!);
  const end = clamp(ends[at]!);
  const startsW = ownIntegers(index, main, n.input[1]);
  const endsW = ownIntegers(index, main, n.input[2]);
  if (end <= start) return { reason: `${label(n)} takes no channel` };
  if (!startsW || !endsW) return { reason: `${label(n)} shares its starts/ends constants with other nodes` };
  const window = { offset: start, length: end - start };
  return { windows: [window], edit: { kind: 'slice', node: n, starts: startsW, ends: endsW, at, window } };
}

/** The kept channels (ascending indices of the whole space) that fall in a window, counted from its start. */
export function keptInWindow(keep: readonly number[], w: ChannelWindow): number[] {
  return keep.filter((c) => c >= w.offset && c < w.offset + w.length).map((c) => c - w.offset);
}

/** How many kept channels lie before channel `c`. */
const keptBefore = (keep: readonly number[], c: number): number => keep.filter((k) => k < c).length;

/** Rewrites the split sizes or slice bounds so they take the kept channels of the same windows. */
export function applyWindowEdit(session: EditSession, edit: WindowEdit, keep: readonly number[]): void {
  const constantName = (w: StoredWeight): string => (w.constantIndex === undefined ? '' : w.graph.node[w.constantIndex]!.name);
  if (edit.kind === 'split-input') {
    const sizes = edit.windows.map((w) => keptInWindow(keep, w).length);
    session.replaceStored(edit.sizes, makeInt64Tensor(edit.sizes.name, tensorDims(edit.sizes.tensor), sizes), constantName(edit.sizes));
    return;
  }
  if (edit.kind === 'split-attribute') {
    const sizes = edit.windows.map((w) => keptInWindow(keep, w).length);
    session.updateNode(edit.node, (cur) => patch(cur, { attribute: [...cur.attribute.filter((a) => a.name !== 'split'), attr('split', sizes)] }));
    return;
  }
  const rewrite = (w: StoredWeight, value: number): void => {
    const values = readIntegers(w.tensor);
    values[edit.at] = value;
    session.replaceStored(w, makeInt64Tensor(w.name, tensorDims(w.tensor), values), constantName(w));
  };
  rewrite(edit.starts, keptBefore(keep, edit.window.offset));
  rewrite(edit.ends, keptBefore(keep, edit.window.offset + edit.window.length));
}
