import { readIntegers, tensorDims } from '../ir/tensor';
import { constantTensor } from '../ir/walk';
import type { GraphProto, NodeProto, TensorProto } from '../onnx/schema';
import { DT } from '../ir/dtype';
import { attrInt, attrInts, attrString } from './attrs';
import { topologicalOrder } from './topo-order';
import { evaluateInto, storedConstants } from './evaluate/const-eval';
import { broadcastDims } from './evaluate/broadcast-values';

/** Constants the evaluator keeps while inferring (shape arithmetic and small tables, not weights); larger stored tensors are read for their dims only. */
export const CONST_LIMIT = 4096;
/** Values up to this many elements are reported in ShapeTable.values. */
const SMALL_VALUE = 64;

/**
 * A simple static shape inference over one graph, for MAC estimates: seeded by the graph's
 * inputs (symbolic dims replaced by given values), stored tensors and declared value_info; it
 * propagates through common operators and small integer constants (shape arithmetic). Values it
 * cannot work out stay unknown; nothing here throws on odd models.
 */
export interface ShapeTable {
  shapes: Map<string, number[]>;
  /** Known values of small int tensors (shapes, axes, indices). */
  values: Map<string, number[]>;
}

const UNARY = new Set([
  'Relu', 'Sigmoid', 'Tanh', 'Clip', 'HardSigmoid', 'HardSwish', 'LeakyRelu', 'Elu', 'Selu', 'Exp', 'Log', 'Sqrt', 'Abs',
  'Neg', 'Erf', 'Softmax', 'LogSoftmax', 'Hardmax', 'Cast', 'Identity', 'Dropout', 'BatchNormalization', 'InstanceNormalization',
  'LayerNormalization', 'Gelu', 'Not', 'Floor', 'Ceil', 'Round', 'Reciprocal', 'Sign', 'Softplus', 'Softsign', 'DequantizeLinear',
  'QuantizeLinear', 'PRelu', 'LRN', 'Mish', 'IsNaN', 'IsInf', 'CumSum', 'Sin', 'Cos', 'ThresholdedRelu', 'Celu', 'MeanVarianceNormalization',
]);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'And', 'Or', 'Xor', 'Where', 'Mod']);
const REDUCE = new Set(['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare', 'ArgMax', 'ArgMin']);

const norm = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

/** Output spatial size of a sliding window (conv/pool). */
function windowOut(node: NodeProto, x: number[], kernel: number[], transposed = false): number[] | undefined {
  const n = kernel.length;
  const strides = attrInts(node, 'strides') ?? new Array(n).fill(1);
  const dil = attrInts(node, 'dilations') ?? new Array(n).fill(1);
  const pads = attrInts(node, 'pads') ?? new Array(2 * n).fill(0);
  const autoPad = attrString(node, 'auto_pad') ?? 'NOTSET';
  const ceil = (attrInt(node, 'ceil_mode') ?? 0) === 1;
  const spatial = x.slice(2);
  if (spatial.length !== n) return undefined;
  if (transposed) {
    const outShape = attrInts(node, 'output_shape');
    if (outShape) return outShape.slice(-n);
    const outPad = attrInts(node, 'output_padding') ?? new Array(n).fill(0);
    return spatial.map((d, i) => {
      const full = strides[i]! * (d - 1) + outPad[i]! + (kernel[i]! - 1) * dil[i]! + 1;
      return autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER' ? d * strides[i]! : full - pads[i]! - pads[i + n]!;
    });
  }
  return spatial.map((d, i) => {
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(d / strides[i]!);
    const eff = (kernel[i]! - 1) * dil[i]! + 1;
    const span = d + (autoPad === 'VALID' ? 0 : pads[i]! + pads[i + n]!) - eff;
    return (ceil ? Math.ceil(span / strides[i]!) : Math.floor(span / strides[i]!)) + 1;
  });
}

function intsFrom(node: NodeProto, attrName: string, inputIndex: number, values: Map<string, number[]>): number[] | undefined {
  const a = attrInts(node, attrName);
  if (a) return a;
  const name = node.input[inputIndex];
  return name ? values.get(name) : undefined;
}

function matmulShape(a: number[], b: number[]): number[] | undefined {
  const a2 = a.length === 1 ? [1, a[0]!] : a;
  const b2 = b.length === 1 ? [b[0]!, 1] : b;
  if (a2[a2.length - 1] !== b2[b2.length - 2]) return undefined;
  const batch = broadcastDims([a2.slice(0, -2), b2.slice(0, -2)]);
  if (!batch) return undefined;
  const out = [...batch, a2[a2.length - 2]!, b2[b2.length - 1]!];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.pop();
  return out;
}

/** Infers the shapes of one node's outputs from what is known so far (values come from the constant evaluator). */
function inferNode(node: NodeProto, t: ShapeTable): { shapes: (number[] | undefined)[] } {
  const s = (i: number): number[] | undefined => (node.input[i] ? t.shapes.get(node.input[i]!) : undefined);
  const v = (i: number): number[] | undefined => (node.input[i] ? t.values.get(node.input[i]!) : undefined);
  const x = s(0);
  const op = node.opType;
  if (UNARY.has(op)) return { shapes: [x] };
  if (BROADCAST.has(op)) {
    const all = node.input.map((_, i) => s(i));
    if (all.some((a) => !a)) return { shapes: [undefined] };
    return { shapes: [broadcastDims(all as number[][])] };
  }
  switch (op) {
    case 'MatMul': {
      const b = s(1);
      return { shapes: [x && b ? matmulShape(x, b) : undefined] };
    }
    case 'Gemm': {
      const b = s(1);
      if (!x || !b || x.length !== 2 || b.length !== 2) return { shapes: [undefined] };
      const m = (attrInt(node, 'transA') ?? 0) ? x[1]! : x[0]!;
      const n = (attrInt(node, 'transB') ?? 0) ? b[0]! : b[1]!;
      return { shapes: [[m, n]] };
    }
    case 'Conv':
    case 'ConvTranspose': {
      const w = s(1);
      if (!x || !w) return { shapes: [undefined] };
      const kernel = attrInts(node, 'kernel_shape') ?? w.slice(2);
      const sp = windowOut(node, x, kernel, op === 'ConvTranspose');
      const group = attrInt(node, 'group') ?? 1;
      const m = op === 'Conv' ? w[0]! : w[1]! * group;
      return { shapes: [sp ? [x[0]!, m, ...sp] : undefined] };
    }
    case 'MaxPool':
    case 'AveragePool':
    case 'LpPool': {
      const kernel = attrInts(node, 'kernel_shape');
      const sp = x && kernel ? windowOut(node, x, kernel) : undefined;
      return { shapes: [sp ? [x![0]!, x![1]!, ...sp] : undefined] };
    }
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
    case 'GlobalLpPool':
      return { shapes: [x ? [x[0]!, x[1]!, ...x.slice(2).map(() => 1)] : undefined] };
    case 'Flatten': {
      if (!x) return { shapes: [undefined] };
      const axis = norm(attrInt(node, 'axis') ?? 1, x.length);
      const p = (a: number[]) => a.reduce((m, d) => m * d, 1);
      return { shapes: [[p(x.slice(0, axis)), p(x.slice(axis))]] };
    }
    case 'Transpose': {
      if (!x) return { shapes: [undefined] };
      const perm = attrInts(node, 'perm') ?? x.map((_, i) => x.length - 1 - i);
      return { shapes: [perm.map((p) => x[p]!)] };
    }
    case 'Reshape': {
      const target = v(1);
      if (!x || !target) return { shapes: [undefined] };
      const allowZero = (attrInt(node, 'allowzero') ?? 0) === 1;
      const dims = target.map((d, i) => (d === 0 && !allowZero ? x[i]! : d));
      const known = dims.filter((d) => d !== -1).reduce((m, d) => m * d, 1);
      const total = x.reduce((m, d) => m * d, 1);
      const inferred = known === 0 ? 0 : total / known;
      if (!Number.isInteger(inferred) || dims.filter((d) => d === -1).length > 1) return { shapes: [undefined] };
      return { shapes: [dims.map((d) => (d === -1 ? inferred : d))] };
    }
    case 'Concat': {
      const all = node.input.map((_, i) => s(i));
      // A Concat with no inputs is invalid ONNX; its output shape is left unknown rather than guessed.
      if (all.length === 0 || all.some((a) => !a)) return { shapes: [undefined] };
      const first = all[0]!;
      const axis = norm(attrInt(node, 'axis') ?? 0, first.length);
      const out = [...first];
      out[axis] = all.reduce((n, a) => n + a![axis]!, 0);
      return { shapes: [out] };
    }
    case 'Split': {
      if (!x) return { shapes: node.output.map(() => undefined) };
      const axis = norm(attrInt(node, 'axis') ?? 0, x.length);
      const parts = node.output.length;
      // Without sizes the parts are equal, the last smaller when the axis does not divide (opset 18).
      const even = Math.ceil(x[axis]! / parts);
      const sizes = intsFrom(node, 'split', 1, t.values) ?? Array.from({ length: parts }, (_, k) => Math.max(0, Math.min(even, x[axis]! - k * even)));
      if (sizes.length !== parts) return { shapes: node.output.map(() => undefined) };
      return { shapes: sizes.map((d) => x.map((dim, i) => (i === axis ? d : dim))) };
    }
    case 'Shape': {
      if (!x) return { shapes: [undefined] };
      const start = norm(attrInt(node, 'start') ?? 0, x.length);
      const endAttr = attrInt(node, 'end');
      const end = endAttr === undefined ? x.length : norm(endAttr, x.length);
      return { shapes: [[x.slice(start, end).length]] };
    }
    case 'Squeeze':
    case 'Unsqueeze': {
      const axes = intsFrom(node, 'axes', 1, t.values);
      if (!x) return { shapes: [undefined] };
      if (op === 'Squeeze') {
        const drop = axes ? axes.map((a) => norm(a, x.length)) : x.flatMap((d, i) => (d === 1 ? [i] : []));
        return { shapes: [x.filter((_, i) => !drop.includes(i))] };
      }
      if (!axes) return { shapes: [undefined] };
      const rank = x.length + axes.length;
      const at = new Set(axes.map((a) => norm(a, rank)));
      const out: number[] = [];
      let k = 0;
      for (let i = 0; i < rank; i++) out.push(at.has(i) ? 1 : x[k++]!);
      return { shapes: [out] };
    }
    case 'Gather': {
      const ind = s(1);
      if (!x || !ind) return { shapes: [undefined] };
      const axis = norm(attrInt(node, 'axis') ?? 0, x.length);
      return { shapes: [[...x.slice(0, axis), ...ind, ...x.slice(axis + 1)]] };
    }
    case 'Slice': {
      const starts = intsFrom(node, 'starts', 1, t.values);
      const ends = intsFrom(node, 'ends', 2, t.values);
      if (!x || !starts || !ends) return { shapes: [undefined] };
      const axes = intsFrom(node, 'axes', 3, t.values) ?? starts.map((_, i) => i);
      const steps = node.input[4] ? v(4) : starts.map(() => 1);
      if (!steps) return { shapes: [undefined] };
      const out = [...x];
      axes.forEach((a0, i) => {
        const a = norm(a0, x.length);
        const d = x[a]!;
        const step = steps[i]!;
        const clamp = (p: number, lo: number, hi: number) => Math.min(Math.max(p < 0 ? p + d : p, lo), hi);
        const st = step > 0 ? clamp(starts[i]!, 0, d) : clamp(starts[i]!, -1, d - 1);
        const en = step > 0 ? clamp(ends[i]!, 0, d) : clamp(ends[i]!, -1, d - 1);
        out[a] = Math.max(0, Math.ceil((en - st) / step));
      });
      return { shapes: [out] };
    }
    case 'Pad': {
      // pads [x1_begin, x2_begin, ..., x1_end, x2_end, ...] over `axes` (opset 18) or every axis.
      const pads = intsFrom(node, 'pads', 1, t.values);
      if (!x || !pads) return { shapes: [undefined] };
      const axes = (node.input[3] ? v(3) : undefined)?.map((a) => norm(a, x.length)) ?? x.map((_, i) => i);
      if (pads.length !== 2 * axes.length) return { shapes: [undefined] };
      const out = [...x];
      axes.forEach((a, i) => (out[a] = x[a]! + pads[i]! + pads[i + axes.length]!));
      return { shapes: [out] };
    }
    case 'Resize':
    case 'Upsample': {
      if (!x) return { shapes: [undefined] };
      const sizes = v(3);
      if (sizes) return { shapes: [sizes] };
      const scaleName = op === 'Upsample' ? node.input[1] : node.input[2];
      const scales = scaleName ? t.values.get(scaleName) : undefined;
      return { shapes: [scales && scales.length === x.length ? x.map((d, i) => Math.floor(d * scales[i]!)) : undefined] };
    }
    default:
      if (REDUCE.has(op)) {
        if (!x) return { shapes: [undefined] };
        const keep = (attrInt(node, 'keepdims') ?? 1) === 1;
        const axesIn = intsFrom(node, 'axes', 1, t.values) ?? (attrInt(node, 'axis') !== undefined ? [attrInt(node, 'axis')!] : undefined);
        const axes = (axesIn ?? x.map((_, i) => i)).map((a) => norm(a, x.length));
        return { shapes: [keep ? x.map((d, i) => (axes.includes(i) ? 1 : d)) : x.filter((_, i) => !axes.includes(i))] };
      }
      return { shapes: node.output.map(() => undefined) };
  }
}

/** Small int constants (shapes, axes) and float scales worth keeping as values. */
function smallValues(tensor: TensorProto): number[] | undefined {
  const n = tensorDims(tensor).reduce((m, d) => m * d, 1);
  if (n > SMALL_VALUE) return undefined;
  try {
    if (tensor.dataType === DT.INT64 || tensor.dataType === DT.INT32) return readIntegers(tensor);
    if (tensor.dataType === DT.FLOAT && tensor.rawData.byteLength === n * 4) {
      const dv = new DataView(tensor.rawData.buffer, tensor.rawData.byteOffset, tensor.rawData.byteLength);
      return Array.from({ length: n }, (_, i) => dv.getFloat32(i * 4, true));
    }
    if (tensor.dataType === DT.FLOAT) return [...tensor.floatData];
  } catch {
    return undefined;
  }
  return undefined;
}

export interface InferShapesOptions {
  /** Called once per node inferred (tests count the work with it). */
  onVisit?: (node: NodeProto) => void;
}

/**
 * Runs the inference; `inputShapes` gives each graph input's concrete dims. Nodes are put in
 * topological order once and inferred in one pass, so the work is linear in the node count
 * however the model lists them.
 */
export function inferShapes(graph: GraphProto, inputShapes: Map<string, number[]>, opts: InferShapesOptions = {}): ShapeTable {
  const t: ShapeTable = { shapes: new Map(inputShapes), values: new Map() };
  const consts = storedConstants(graph, CONST_LIMIT);
  for (const init of graph.initializer) {
    t.shapes.set(init.name, tensorDims(init));
    const val = smallValues(init);
    if (val) t.values.set(init.name, val);
  }
  const shapeOf = (name: string): number[] | undefined => t.shapes.get(name);
  for (const i of topologicalOrder(graph)) {
    const n = graph.node[i]!;
    const c = constantTensor(n);
    if (c && n.output[0]) {
      t.shapes.set(n.output[0], tensorDims(c));
      const val = smallValues(c);
      if (val) t.values.set(n.output[0], val);
      continue;
    }
    opts.onVisit?.(n);
    // Shape arithmetic (Shape -> Gather -> Concat -> Reshape...) goes through the constant evaluator.
    if (evaluateInto(n, consts, shapeOf, CONST_LIMIT)) {
      for (const name of n.output) {
        const v = name ? consts.get(name) : undefined;
        if (!v) continue;
        t.shapes.set(name, v.dims);
        if (v.data.length <= SMALL_VALUE) t.values.set(name, v.data);
      }
      continue;
    }
    const r = inferNode(n, t);
    if (!r.shapes[0]) continue;
    r.shapes.forEach((shape, k) => shape && n.output[k] && t.shapes.set(n.output[k]!, shape));
  }
  return t;
}
