/**
 * The node sequences of dynamic quantization (onnxruntime's quantize_dynamic pattern), one per
 * operator. The activation arrives already quantized by a DynamicQuantizeLinear (uint8 values,
 * a float scale and a uint8 zero point, all per tensor); the weight is stored quantized. The
 * integer op yields int32, which is cast to float and multiplied by activation scale x weight
 * scale. That MatMulInteger -> Cast -> Mul(Mul(a_scale, b_scale)) shape is the one onnxruntime's
 * CPU provider fuses (MatMulIntegerToFloat, then DynamicQuantizeMatMul with the quantizer).
 */
import { node } from '../../ir/build';
import { patch } from '../../ir/edit';
import { DT } from '../../ir/dtype';
import { makeFloatTensor, makeInt64Tensor } from '../../ir/tensor';
import type { NodeProto, TensorProto } from '../../onnx/schema';

/** The three outputs of DynamicQuantizeLinear for one activation. */
export interface QuantizedActivation {
  values: string;
  scale: string;
  zeroPoint: string;
}

/** Names of the stored quantized weight, its scale (laid out for the rescale Mul) and zero point. */
export interface QuantizedWeightNames {
  values: string;
  scale: string;
  zeroPoint: string;
}

export type FreshName = (base: string) => string;

function inlineConstant(fresh: FreshName, base: string, value: TensorProto): { name: string; node: NodeProto } {
  const name = value.name;
  return { name, node: node('Constant', [], [name], { value }, { name: fresh(`${base}_Constant`) }) };
}

/** DynamicQuantizeLinear(x) -> uint8 values, scale, zero point (ai.onnx opset 11). */
export function dynamicQuantizeNode(input: string, out: QuantizedActivation, fresh: FreshName): NodeProto {
  return node('DynamicQuantizeLinear', [input], [out.values, out.scale, out.zeroPoint], {}, { name: fresh(`${input}_DynamicQuantizeLinear`) });
}

/**
 * Integer op -> Cast(float) -> Mul by (activation scale x weight scale) -> `output`. Returns
 * the nodes; `base` names the intermediate values.
 */
function rescaled(integerOp: NodeProto, int32: string, a: QuantizedActivation, w: QuantizedWeightNames, output: string, base: string, fresh: FreshName): NodeProto[] {
  const asFloat = fresh(`${base}_output_float`);
  const scale = fresh(`${base}_scale`);
  return [
    integerOp,
    node('Cast', [int32], [asFloat], { to: DT.FLOAT }, { name: fresh(`${base}_Cast`) }),
    node('Mul', [a.scale, w.scale], [scale], {}, { name: fresh(`${base}_scale_Mul`) }),
    node('Mul', [asFloat, scale], [output], {}, { name: fresh(`${base}_output_Mul`) }),
  ];
}

function label(n: NodeProto): string {
  return n.name || n.output[0] || n.opType;
}

/** MatMul(A, B) with B stored quantized as [K, N]: MatMulInteger and the rescale, same output name. */
export function matMulIntegerNodes(original: NodeProto, a: QuantizedActivation, w: QuantizedWeightNames, fresh: FreshName): NodeProto[] {
  const base = label(original);
  const int32 = fresh(`${base}_output_int32`);
  const mm = node('MatMulInteger', [a.values, w.values, a.zeroPoint, w.zeroPoint], [int32], {}, { name: fresh(`${base}_MatMulInteger`) });
  return rescaled(mm, int32, a, w, original.output[0]!, base, fresh);
}

/**
 * Gemm(A, B, C) with B stored quantized as [K, N] (transposed already when transB was set, alpha
 * folded into the weight scale): A is transposed by a node when transA is set, and beta * C is
 * added in float after the rescale.
 */
export function gemmIntegerNodes(
  original: NodeProto,
  a: QuantizedActivation,
  w: QuantizedWeightNames,
  bias: { name: string; beta: number } | undefined,
  fresh: FreshName,
): NodeProto[] {
  const base = label(original);
  const output = original.output[0]!;
  const int32 = fresh(`${base}_output_int32`);
  const mm = node('MatMulInteger', [a.values, w.values, a.zeroPoint, w.zeroPoint], [int32], {}, { name: fresh(`${base}_MatMulInteger`) });
  if (!bias) return rescaled(mm, int32, a, w, output, base, fresh);
  const product = fresh(`${base}_product`);
  const nodes = rescaled(mm, int32, a, w, product, base, fresh);
  let c = bias.name;
  if (bias.beta !== 1) {
    const beta = inlineConstant(fresh, `${base}_beta`, makeFloatTensor(fresh(`${base}_beta`), [], Float32Array.of(bias.beta)));
    c = fresh(`${base}_scaled_bias`);
    nodes.push(beta.node, node('Mul', [bias.name, beta.name], [c], {}, { name: fresh(`${base}_beta_Mul`) }));
  }
  nodes.push(node('Add', [product, c], [output], {}, { name: fresh(`${base}_bias_Add`) }));
  return nodes;
}

/** Transpose(A) for a Gemm with transA = 1, so the quantized activation is [M, K]. */
export function transposeNode(input: string, fresh: FreshName): { output: string; node: NodeProto } {
  const output = fresh(`${input}_transposed`);
  return { output, node: node('Transpose', [input], [output], { perm: [1, 0] }, { name: fresh(`${input}_Transpose`) }) };
}

/**
 * Conv(X, W, B) with W stored quantized (uint8, one zero point) and its scale laid out as
 * [1, M, 1, ...]: ConvInteger with the Conv's attributes, the rescale, then the bias reshaped to
 * [1, M, 1, ...] and added in float.
 */
export function convIntegerNodes(
  original: NodeProto,
  a: QuantizedActivation,
  w: QuantizedWeightNames,
  bias: { name: string; channels: number; rank: number } | undefined,
  fresh: FreshName,
): NodeProto[] {
  const base = label(original);
  const output = original.output[0]!;
  const int32 = fresh(`${base}_output_int32`);
  // ConvInteger takes exactly Conv's attributes (auto_pad, dilations, group, kernel_shape, pads, strides).
  const conv = patch(node('ConvInteger', [a.values, w.values, a.zeroPoint, w.zeroPoint], [int32], {}, { name: fresh(`${base}_ConvInteger`) }), {
    attribute: original.attribute,
  });
  if (!bias) return rescaled(conv, int32, a, w, output, base, fresh);
  const product = fresh(`${base}_product`);
  const nodes = rescaled(conv, int32, a, w, product, base, fresh);
  const dims = [1, bias.channels, ...new Array<number>(bias.rank - 2).fill(1)];
  const shape = inlineConstant(fresh, `${base}_bias_shape`, makeInt64Tensor(fresh(`${base}_bias_shape`), [dims.length], dims));
  const reshaped = fresh(`${base}_bias_reshaped`);
  nodes.push(
    shape.node,
    node('Reshape', [bias.name, shape.name], [reshaped], {}, { name: fresh(`${base}_bias_Reshape`) }),
    node('Add', [product, reshaped], [output], {}, { name: fresh(`${base}_bias_Add`) }),
  );
  return nodes;
}
