import { attr, node } from '../../ir/build';
import { patch } from '../../ir/edit';
import { makeFloatTensor, makeInt64Tensor } from '../../ir/tensor';
import type { NodeProto } from '../../onnx/schema';
import { attrFloat, attrInt, attrInts, findAttr } from '../../graph/attrs';

/**
 * How ai.onnx operators changed between opset 7 and 13, for lifting a model's opset so a
 * per-channel DequantizeLinear (opset 13) can be added. An op listed in COMPATIBLE_OPS kept its
 * meaning for every model written against an older opset (later versions only added types,
 * optional inputs or attributes whose defaults keep the old behaviour). An op in CONVERSIONS
 * changed incompatibly at `since`; `convert` rewrites a node written for an older opset into the
 * newer form (usually an attribute moved to an input), or returns a reason it cannot.
 */

export interface ConvertContext {
  /** A fresh, unused value or node name. */
  fresh(base: string): string;
}

export type Converted = { nodes: NodeProto[] } | { reason: string };

export interface Conversion {
  since: number;
  convert(node: NodeProto, ctx: ConvertContext): Converted;
}

export const COMPATIBLE_OPS: ReadonlySet<string> = new Set([
  'Abs', 'Acos', 'Acosh', 'Add', 'And', 'ArgMax', 'ArgMin', 'Asin', 'Asinh', 'Atan', 'Atanh', 'AveragePool',
  'BitShift', 'Cast', 'Ceil', 'Celu', 'Compress', 'Concat', 'Constant', 'ConstantOfShape', 'Conv', 'ConvInteger',
  'ConvTranspose', 'Cos', 'Cosh', 'CumSum', 'DepthToSpace', 'DequantizeLinear', 'Det', 'Div', 'DynamicQuantizeLinear',
  'Einsum', 'Elu', 'Equal', 'Erf', 'Exp', 'Expand', 'EyeLike', 'Flatten', 'Floor', 'GRU', 'Gather', 'GatherElements',
  'GatherND', 'Gemm', 'GlobalAveragePool', 'GlobalLpPool', 'GlobalMaxPool', 'Greater', 'GreaterOrEqual', 'HardSigmoid',
  'Identity', 'If', 'InstanceNormalization', 'IsInf', 'IsNaN', 'LRN', 'LSTM', 'LeakyRelu', 'Less', 'LessOrEqual', 'Log',
  'Loop', 'LpNormalization', 'LpPool', 'MatMul', 'MatMulInteger', 'Max', 'MaxPool', 'MaxRoiPool', 'MaxUnpool', 'Mean',
  'MeanVarianceNormalization', 'Min', 'Mod', 'Mul', 'Neg', 'NonMaxSuppression', 'NonZero', 'Not', 'OneHot', 'Or', 'PRelu',
  'Pow', 'QLinearConv', 'QLinearMatMul', 'QuantizeLinear', 'RNN', 'Range', 'Reciprocal', 'ReduceL1', 'ReduceL2',
  'ReduceLogSum', 'ReduceLogSumExp', 'ReduceMax', 'ReduceMean', 'ReduceMin', 'ReduceProd', 'ReduceSumSquare', 'Relu',
  'Reshape', 'ReverseSequence', 'RoiAlign', 'Round', 'Scan', 'ScatterElements', 'ScatterND', 'Selu', 'Shape', 'Shrink',
  'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Size', 'Softplus', 'Softsign', 'SpaceToDepth', 'Sqrt', 'Sub', 'Sum', 'Tan', 'Tanh',
  'ThresholdedRelu', 'Tile', 'Transpose', 'Where', 'Xor',
]);

function constInt64(ctx: ConvertContext, base: string, values: number[]): { name: string; node: NodeProto } {
  const name = ctx.fresh(base);
  return { name, node: node('Constant', [], [name], { value: makeInt64Tensor(name, [values.length], values) }, { name }) };
}

function constFloatScalar(ctx: ConvertContext, base: string, value: number): { name: string; node: NodeProto } {
  const name = ctx.fresh(base);
  return { name, node: node('Constant', [], [name], { value: makeFloatTensor(name, [], Float32Array.of(value)) }, { name }) };
}

function withoutAttrs(n: NodeProto, names: string[]): NodeProto['attribute'] {
  return n.attribute.filter((a) => !names.includes(a.name));
}

function trimTrailingEmpty(inputs: string[]): string[] {
  const out = [...inputs];
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

function label(n: NodeProto): string {
  return n.name || n.output[0] || n.opType;
}

/** Moves int-list attributes to int64 inputs placed after the node's existing data inputs. */
function intsToInputs(n: NodeProto, ctx: ConvertContext, attrs: string[], firstSlot: number): Converted {
  const pre: NodeProto[] = [];
  const inputs = [...n.input.slice(0, firstSlot)];
  while (inputs.length < firstSlot) inputs.push('');
  for (const a of attrs) {
    const values = attrInts(n, a);
    if (values === undefined) {
      inputs.push('');
      continue;
    }
    const c = constInt64(ctx, `${label(n)}_${a}`, values);
    pre.push(c.node);
    inputs.push(c.name);
  }
  return { nodes: [...pre, patch(n, { input: trimTrailingEmpty(inputs), attribute: withoutAttrs(n, attrs) })] };
}

/** Softmax-family ops before 13 flatten to 2-D at `axis`; from 13 they work along one axis. */
function coercedSoftmax(n: NodeProto, ctx: ConvertContext): Converted {
  const axis = attrInt(n, 'axis') ?? 1;
  if (axis === -1) return { nodes: [n] };
  const x = n.input[0] ?? '';
  const base = label(n);
  const shape = ctx.fresh(`${base}_shape`);
  const flat = ctx.fresh(`${base}_flat`);
  const y2d = ctx.fresh(`${base}_2d`);
  return {
    nodes: [
      node('Shape', [x], [shape], {}, { name: ctx.fresh(`${base}_Shape`) }),
      node('Flatten', [x], [flat], { axis }, { name: ctx.fresh(`${base}_Flatten`) }),
      patch(n, { input: [flat], output: [y2d], attribute: [...withoutAttrs(n, ['axis']), attr('axis', -1)] }),
      node('Reshape', [y2d, shape], [n.output[0] ?? ''], {}, { name: ctx.fresh(`${base}_Reshape`) }),
    ],
  };
}

const CONVERSIONS: Record<string, Conversion[]> = {
  Slice: [{ since: 10, convert: (n, ctx) => intsToInputs(n, ctx, ['starts', 'ends', 'axes'], 1) }],
  TopK: [
    {
      since: 10,
      convert(n, ctx) {
        const k = attrInt(n, 'k');
        if (k === undefined) return { reason: `TopK '${label(n)}' has no k attribute` };
        const c = constInt64(ctx, `${label(n)}_k`, [k]);
        return { nodes: [c.node, patch(n, { input: [n.input[0] ?? '', c.name], attribute: withoutAttrs(n, ['k']) })] };
      },
    },
  ],
  Clip: [
    {
      since: 11,
      convert(n, ctx) {
        // Clip-6 only took float tensors; its bounds become float32 scalar inputs.
        const pre: NodeProto[] = [];
        const inputs = [n.input[0] ?? ''];
        for (const a of ['min', 'max']) {
          const v = attrFloat(n, a);
          if (v === undefined) {
            inputs.push('');
            continue;
          }
          const c = constFloatScalar(ctx, `${label(n)}_${a}`, v);
          pre.push(c.node);
          inputs.push(c.name);
        }
        return { nodes: [...pre, patch(n, { input: trimTrailingEmpty(inputs), attribute: withoutAttrs(n, ['min', 'max']) })] };
      },
    },
  ],
  Pad: [
    {
      since: 11,
      convert(n, ctx) {
        const pads = attrInts(n, 'pads') ?? attrInts(n, 'paddings');
        if (pads === undefined) return { reason: `Pad '${label(n)}' has no pads attribute` };
        const p = constInt64(ctx, `${label(n)}_pads`, pads);
        const pre = [p.node];
        const inputs = [n.input[0] ?? '', p.name];
        const value = attrFloat(n, 'value');
        if (value !== undefined && value !== 0) {
          const v = constFloatScalar(ctx, `${label(n)}_value`, value);
          pre.push(v.node);
          inputs.push(v.name);
        }
        return { nodes: [...pre, patch(n, { input: inputs, attribute: withoutAttrs(n, ['pads', 'paddings', 'value']) })] };
      },
    },
  ],
  // Inference-time Dropout is the identity before and after 12; only the ratio moved to an input.
  Dropout: [{ since: 12, convert: (n) => ({ nodes: [patch(n, { attribute: withoutAttrs(n, ['ratio', 'is_test']) })] }) }],
  BatchNormalization: [
    {
      since: 9,
      convert(n) {
        if ((attrInt(n, 'spatial') ?? 1) !== 1) return { reason: `BatchNormalization '${label(n)}' uses spatial=0` };
        return { nodes: [patch(n, { attribute: withoutAttrs(n, ['spatial', 'is_test', 'consumed_inputs']) })] };
      },
    },
  ],
  // Resize-10 sampled with its own coordinate rule, which Resize-11 expresses differently; 11 -> 13 only relaxed inputs.
  Resize: [{ since: 11, convert: (n) => ({ reason: `Resize '${label(n)}' is the opset-10 form` }) }],
  Softmax: [{ since: 13, convert: coercedSoftmax }],
  LogSoftmax: [{ since: 13, convert: coercedSoftmax }],
  Hardmax: [{ since: 13, convert: coercedSoftmax }],
  Squeeze: [{ since: 13, convert: (n, ctx) => intsToInputs(n, ctx, ['axes'], 1) }],
  Unsqueeze: [{ since: 13, convert: (n, ctx) => intsToInputs(n, ctx, ['axes'], 1) }],
  ReduceSum: [{ since: 13, convert: (n, ctx) => intsToInputs(n, ctx, ['axes'], 1) }],
  Split: [
    {
      since: 13,
      convert(n, ctx) {
        if (n.input.length > 1 && findAttr(n, 'split')) return { reason: `Split '${label(n)}' has split both as input and attribute` };
        return intsToInputs(n, ctx, ['split'], 1);
      },
    },
  ],
};

/** The conversions a node of op `op` needs to go from opset `from` to `to`, or undefined if the op is unknown. */
export function conversionsFor(op: string, from: number, to: number): Conversion[] | undefined {
  const list = CONVERSIONS[op];
  if (list) return list.filter((c) => c.since > from && c.since <= to);
  return COMPATIBLE_OPS.has(op) ? [] : undefined;
}
