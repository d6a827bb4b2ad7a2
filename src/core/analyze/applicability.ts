import { DT } from '../ir/dtype';
import type { ModelIR } from '../ir/model';
import { listNodes, listWeights } from '../ir/walk';
import { opKey } from './op-key';

/** Per method id, why it would change nothing in this model. Methods not listed would change something, or cannot be told apart before they run. */
export type NoOpReasons = Record<string, string>;

/** Where each op keeps the weight a method rewrites. */
const WEIGHT_INPUT: Record<string, number> = { MatMul: 1, Gemm: 1, Conv: 1, Gather: 0 };

/** Ops that hold weights already quantized (their presence explains why no float weight is left). */
const QUANTIZED_OPS = ['DequantizeLinear', 'MatMulInteger', 'ConvInteger', 'QLinearConv', 'QLinearMatMul', 'com.microsoft.MatMulNBits', 'com.microsoft.GatherBlockQuantized', 'com.microsoft.DynamicQuantizeMatMul'];

/** Which ops of the rules below each method rewrites. */
const TARGETS: Record<string, readonly string[]> = {
  'int8-weight': ['MatMul', 'Gemm', 'Conv'],
  'int8-dynamic': ['MatMul', 'Conv'],
  'int8-static': ['MatMul', 'Gemm', 'Conv'],
  int4: ['MatMul', 'Gemm'],
  'prune-unstructured': ['MatMul', 'Gemm', 'Conv'],
  'prune-channels': ['MatMul', 'Gemm', 'Conv'],
};

/**
 * A pure check, before anything runs, of which methods would change nothing: weight methods
 * where no MatMul/Gemm/Conv keeps a stored float32 weight (an already-quantized model), and the
 * float16 methods where no float32 tensor is left. Options (excludeNodes, minimum sizes) are not
 * looked at: a method listed here changes nothing with any options.
 */
export function noOpReasons(model: ModelIR): NoOpReasons {
  const floatDims = new Map(listWeights(model).filter((w) => w.tensor.dataType === DT.FLOAT).map((w) => [w.name, w.tensor.dims.map(Number)]));
  const float32 = new Set(floatDims.keys());
  let pointwiseConvs = 0;
  let otherConvs = 0;
  const withFloatWeight = new Map<string, number>();
  const quantized = new Map<string, number>();
  for (const { node } of listNodes(model)) {
    const key = opKey(node);
    if (QUANTIZED_OPS.includes(key)) quantized.set(key, (quantized.get(key) ?? 0) + 1);
    const standard = node.domain === '' || node.domain === 'ai.onnx';
    const at = WEIGHT_INPUT[node.opType];
    if (!standard || at === undefined) continue;
    const w = node.input[at];
    if (w && float32.has(w)) withFloatWeight.set(node.opType, (withFloatWeight.get(node.opType) ?? 0) + 1);
    if (node.opType === 'Conv' && w && float32.has(w)) {
      const dims = floatDims.get(w)!;
      if (dims.length === 4 && dims[2] === 1 && dims[3] === 1) pointwiseConvs++;
      else otherConvs++;
    }
  }
  const already = [...quantized.entries()].map(([op, n]) => `${n} ${op}`).join(', ');
  const reasons: NoOpReasons = {};
  for (const [method, ops] of Object.entries(TARGETS)) {
    if (ops.some((op) => (withFloatWeight.get(op) ?? 0) > 0)) continue;
    const list = ops.join('/');
    reasons[method] = already
      ? `The model is already quantized (${already}): no ${list} keeps a float32 weight for ${method} to rewrite.`
      : `No ${list} in this model has a stored float32 weight, so ${method} has nothing to rewrite.`;
  }
  if ((withFloatWeight.get('MatMul') ?? 0) + (withFloatWeight.get('Gemm') ?? 0) + pointwiseConvs === 0) {
    reasons['low-rank'] = otherConvs > 0
      ? `low-rank factors MatMul/Gemm weights and 1×1 Convs; this model's ${otherConvs} Conv(s) with a float32 weight all have larger kernels, and no MatMul/Gemm keeps one.`
      : 'No MatMul, Gemm or 1×1 Conv in this model has a stored float32 weight, so low-rank has nothing to factor.';
  }
  if (float32.size === 0) {
    reasons['fp16-weight'] = 'No weight in this model is stored as float32, so fp16-weight has nothing to convert.';
    const floatIo = model.graph?.input.some((v) => v.type?.value.case === 'tensorType' && v.type.value.value.elemType === DT.FLOAT);
    if (!floatIo) reasons.fp16 = 'Nothing in this model is float32 (weights or inputs), so fp16 has nothing to convert.';
  }
  return reasons;
}
