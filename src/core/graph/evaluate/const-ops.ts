import { DT } from '../../ir/dtype';
import type { NodeProto } from '../../onnx/schema';
import { attrInt, attrInts, findAttr, isDefaultDomain } from '../attrs';
import { mapBroadcast } from './broadcast-values';
import type { ConstOp } from './const-op';
import { ELEMENTWISE_OPS } from './elementwise-ops';
import { LAYOUT_OPS } from './layout-ops';
import { REDUCE_OPS } from './reduce-ops';
import { coerce, EVALUATED_TYPES, fromTensorProto, sizeOf, type ConstTensor } from './const-tensor';

const norm = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

function ints(t: ConstTensor | undefined): number[] | undefined {
  return t && (t.dataType === DT.INT64 || t.dataType === DT.INT32) ? t.data : undefined;
}

/** Integers from an attribute (older opsets) or else an input (newer ones). */
function intsArg(node: NodeProto, attr: string, input: ConstTensor | undefined): number[] | undefined {
  return attrInts(node, attr) ?? ints(input);
}

const arithmetic = (f: (a: number, b: number, integer: boolean) => number): ConstOp => (_, [a, b]) => {
  if (!a || !b || a.dataType !== b.dataType || a.dataType === DT.BOOL) return undefined;
  const integer = a.dataType !== DT.FLOAT;
  if (integer && f === divide && b.data.includes(0)) return undefined;
  const out = mapBroadcast([a, b], a.dataType, ([x, y]) => coerce(f(x!, y!, integer), a.dataType));
  return out && [out];
};

function divide(a: number, b: number, integer: boolean): number {
  return integer ? Math.trunc(a / b) : a / b;
}

function gather(node: NodeProto, [data, indices]: readonly (ConstTensor | undefined)[]): ConstTensor[] | undefined {
  const idx = ints(indices);
  if (!data || !idx || !indices) return undefined;
  const axis = norm(attrInt(node, 'axis') ?? 0, data.dims.length);
  const len = data.dims[axis];
  if (len === undefined || idx.some((i) => i < -len || i >= len)) return undefined;
  const outer = sizeOf(data.dims.slice(0, axis));
  const inner = sizeOf(data.dims.slice(axis + 1));
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const i of idx) {
      const base = (o * len + norm(i, len)) * inner;
      for (let k = 0; k < inner; k++) out.push(data.data[base + k]!);
    }
  }
  return [{ dataType: data.dataType, dims: [...data.dims.slice(0, axis), ...indices.dims, ...data.dims.slice(axis + 1)], data: out }];
}

function concat(node: NodeProto, inputs: readonly (ConstTensor | undefined)[]): ConstTensor[] | undefined {
  const all = inputs.filter((t): t is ConstTensor => t !== undefined);
  if (all.length !== inputs.length || all.length === 0) return undefined;
  const first = all[0]!;
  const rank = first.dims.length;
  const axis = norm(attrInt(node, 'axis') ?? 0, rank);
  if (all.some((t) => t.dataType !== first.dataType || t.dims.length !== rank || t.dims.some((d, i) => i !== axis && d !== first.dims[i]))) return undefined;
  const outer = sizeOf(first.dims.slice(0, axis));
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const t of all) {
      const block = sizeOf(t.dims.slice(axis));
      for (let k = 0; k < block; k++) out.push(t.data[o * block + k]!);
    }
  }
  const dims = [...first.dims];
  dims[axis] = all.reduce((n, t) => n + t.dims[axis]!, 0);
  return [{ dataType: first.dataType, dims, data: out }];
}

function unsqueeze(node: NodeProto, [x, axesIn]: readonly (ConstTensor | undefined)[]): ConstTensor[] | undefined {
  const axes = intsArg(node, 'axes', axesIn);
  if (!x || !axes) return undefined;
  const rank = x.dims.length + axes.length;
  const at = new Set(axes.map((a) => norm(a, rank)));
  const dims: number[] = [];
  for (let i = 0, k = 0; i < rank; i++) dims.push(at.has(i) ? 1 : x.dims[k++]!);
  return [{ ...x, dims }];
}

function squeeze(node: NodeProto, [x, axesIn]: readonly (ConstTensor | undefined)[]): ConstTensor[] | undefined {
  if (!x) return undefined;
  const axes = intsArg(node, 'axes', axesIn);
  const drop = new Set(axes ? axes.map((a) => norm(a, x.dims.length)) : x.dims.flatMap((d, i) => (d === 1 ? [i] : [])));
  if ([...drop].some((i) => x.dims[i] !== 1)) return undefined;
  return [{ ...x, dims: x.dims.filter((_, i) => !drop.has(i)) }];
}

function reshape(node: NodeProto, [x, shape]: readonly (ConstTensor | undefined)[]): ConstTensor[] | undefined {
  const target = ints(shape);
  if (!x || !target) return undefined;
  const allowZero = (attrInt(node, 'allowzero') ?? 0) === 1;
  const dims = target.map((d, i) => (d === 0 && !allowZero ? x.dims[i]! : d));
  const known = sizeOf(dims.filter((d) => d !== -1));
  const free = dims.filter((d) => d === -1).length;
  const total = x.data.length;
  if (free > 1 || (free === 1 && (known === 0 || total % known !== 0))) return undefined;
  const out = dims.map((d) => (d === -1 ? total / known : d));
  return sizeOf(out) === total ? [{ ...x, dims: out }] : undefined;
}

function cast(node: NodeProto, [x]: readonly (ConstTensor | undefined)[]): ConstTensor[] | undefined {
  const to = attrInt(node, 'to');
  if (!x || to === undefined || !EVALUATED_TYPES.has(to)) return undefined;
  return [{ dataType: to, dims: x.dims, data: x.data.map((v) => coerce(v, to)) }];
}

function slice(node: NodeProto, inputs: readonly (ConstTensor | undefined)[]): ConstTensor[] | undefined {
  const [x, s, e, a, st] = inputs;
  const starts = intsArg(node, 'starts', s);
  const ends = intsArg(node, 'ends', e);
  if (!x || !starts || !ends || starts.length !== ends.length) return undefined;
  const rank = x.dims.length;
  const axes = (intsArg(node, 'axes', a) ?? starts.map((_, i) => i)).map((ax) => norm(ax, rank));
  const steps = ints(st) ?? starts.map(() => 1);
  if (steps.some((v) => v === 0)) return undefined;
  // Per axis: first index and step, and the count taken.
  const first = new Array<number>(rank).fill(0);
  const step = new Array<number>(rank).fill(1);
  const count = [...x.dims];
  axes.forEach((ax, i) => {
    const d = x.dims[ax]!;
    const k = steps[i]!;
    const clamp = (p: number, lo: number, hi: number): number => Math.min(Math.max(p < 0 ? p + d : p, lo), hi);
    const b = k > 0 ? clamp(starts[i]!, 0, d) : clamp(starts[i]!, -1, d - 1);
    const en = k > 0 ? clamp(ends[i]!, 0, d) : clamp(ends[i]!, -1, d - 1);
    first[ax] = b;
    step[ax] = k;
    count[ax] = Math.max(0, Math.ceil((en - b) / k));
  });
  const strides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) strides[i] = strides[i + 1]! * x.dims[i + 1]!;
  const n = sizeOf(count);
  const out = new Array<number>(n);
  const pos = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    let at = 0;
    for (let i = 0; i < rank; i++) at += (first[i]! + pos[i]! * step[i]!) * strides[i]!;
    out[k] = x.data[at]!;
    for (let i = rank - 1; i >= 0; i--) {
      if (++pos[i]! < count[i]!) break;
      pos[i] = 0;
    }
  }
  return [{ dataType: x.dataType, dims: count, data: out }];
}

function constantOfShape(node: NodeProto, [shape]: readonly (ConstTensor | undefined)[]): ConstTensor[] | undefined {
  const dims = ints(shape);
  if (!dims || dims.some((d) => d < 0)) return undefined;
  const t = findAttr(node, 'value')?.t;
  const fill = t ? fromTensorProto(t) : { dataType: DT.FLOAT, dims: [1], data: [0] };
  if (!fill || fill.data.length !== 1) return undefined;
  return [{ dataType: fill.dataType, dims, data: new Array<number>(sizeOf(dims)).fill(fill.data[0]!) }];
}

function range(_: NodeProto, [start, limit, delta]: readonly (ConstTensor | undefined)[]): ConstTensor[] | undefined {
  if (!start || !limit || !delta || start.dataType === DT.BOOL) return undefined;
  const [s, l, d] = [start.data[0], limit.data[0], delta.data[0]];
  if (s === undefined || l === undefined || d === undefined || d === 0) return undefined;
  const n = Math.max(Math.ceil((l - s) / d), 0);
  if (n > 1 << 20) return undefined;
  return [{ dataType: start.dataType, dims: [n], data: Array.from({ length: n }, (_, i) => coerce(s + i * d, start.dataType)) }];
}

function shape(node: NodeProto, [x]: readonly (ConstTensor | undefined)[]): ConstTensor[] | undefined {
  if (!x) return undefined;
  const rank = x.dims.length;
  const clamp = (v: number): number => Math.min(Math.max(norm(v, rank), 0), rank);
  const start = clamp(attrInt(node, 'start') ?? 0);
  const end = clamp(attrInt(node, 'end') ?? rank);
  const data = x.dims.slice(start, Math.max(start, end));
  return [{ dataType: DT.INT64, dims: [data.length], data }];
}

function equal(_: NodeProto, [a, b]: readonly (ConstTensor | undefined)[]): ConstTensor[] | undefined {
  if (!a || !b || a.dataType !== b.dataType) return undefined;
  const out = mapBroadcast([a, b], DT.BOOL, ([x, y]) => (x === y ? 1 : 0));
  return out && [out];
}

function where(_: NodeProto, [c, x, y]: readonly (ConstTensor | undefined)[]): ConstTensor[] | undefined {
  if (!c || !x || !y || c.dataType !== DT.BOOL || x.dataType !== y.dataType) return undefined;
  const out = mapBroadcast([c, x, y], x.dataType, ([cond, a, b]) => (cond ? a! : b!));
  return out && [out];
}

const OPS: Record<string, ConstOp> = {
  Shape: shape,
  Gather: gather,
  Concat: concat,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Reshape: reshape,
  Cast: cast,
  Slice: slice,
  ConstantOfShape: constantOfShape,
  Range: range,
  Identity: (_, [x]) => (x ? [x] : undefined),
  Add: arithmetic((a, b) => a + b),
  Sub: arithmetic((a, b) => a - b),
  Mul: arithmetic((a, b) => a * b),
  Div: arithmetic(divide),
  Equal: equal,
  Where: where,
  ...ELEMENTWISE_OPS,
  ...LAYOUT_OPS,
  ...REDUCE_OPS,
};

/** The operators the evaluator knows (default domain). */
export const EVALUATED_OPS: ReadonlySet<string> = new Set(Object.keys(OPS));

/**
 * The outputs of one node over constant inputs, or undefined when it cannot be evaluated. Shape
 * reads only its input's dims, so `inputs[0]` may be a tensor with dims and no data for it.
 */
export function evaluateNode(node: NodeProto, inputs: readonly (ConstTensor | undefined)[]): ConstTensor[] | undefined {
  if (!isDefaultDomain(node)) return undefined;
  const op = OPS[node.opType];
  return op ? op(node, inputs) : undefined;
}
