/**
 * Operators onnxruntime-web's WebGPU execution provider can run, with the first opset each
 * supports. Anything else in a model falls back to the WASM (CPU) provider.
 *
 * Source: onnxruntime `js/web/docs/webgpu-operators.md` at commit 51f6177 (the table generated
 * for the ORT 1.19/1.20 web releases), plus operators registered by the native WebGPU EP source
 * (`onnxruntime/core/providers/webgpu/webgpu_execution_provider.cc`, the EP behind
 * onnxruntime-web 1.22+ and the 1.30 we ship): DequantizeLinear, HardSigmoid, CumSum,
 * DepthToSpace and ai.onnx Gelu. Refresh both when onnxruntime-web is upgraded.
 */
export const WEBGPU_OPS_ORT_VERSION = 'onnxruntime-web 1.30 (doc table at 51f6177 + native EP kernels)';

/** ai.onnx operators: op type -> lowest supported opset. */
export const WEBGPU_ONNX_OPS: Readonly<Record<string, number>> = {
  Abs: 6, Acos: 7, Acosh: 9, Add: 7, ArgMax: 1, ArgMin: 1, Asin: 7, Asinh: 9, Atan: 7, Atanh: 9,
  AveragePool: 7, BatchNormalization: 7, Cast: 6, Ceil: 6, Clip: 6, Concat: 1, Conv: 1, ConvTranspose: 1,
  Cos: 7, Cosh: 9, CumSum: 11, DepthToSpace: 11, DequantizeLinear: 10, Div: 7, Einsum: 12, Elu: 6, Equal: 7,
  Erf: 9, Exp: 6, Expand: 8, Flatten: 1, Floor: 6, Gather: 1, GatherElements: 11, Gelu: 20, Gemm: 7,
  GlobalAveragePool: 1, GlobalMaxPool: 1, Greater: 7, GreaterOrEqual: 12, HardSigmoid: 6, If: 1,
  InstanceNormalization: 6, LayerNormalization: 17, LeakyRelu: 6, Less: 7, LessOrEqual: 12, Log: 6, MatMul: 1,
  MaxPool: 1, Mul: 7, Neg: 6, Not: 1, Pad: 2, Pow: 7, Range: 11, Reciprocal: 6, ReduceL1: 1, ReduceL2: 1,
  ReduceLogSum: 1, ReduceLogSumExp: 1, ReduceMax: 1, ReduceMean: 1, ReduceMin: 1, ReduceProd: 1, ReduceSum: 1,
  ReduceSumSquare: 1, Relu: 6, Reshape: 5, Resize: 10, Shape: 1, Sigmoid: 6, Sin: 7, Sinh: 9, Slice: 1,
  Softmax: 1, Split: 1, Sqrt: 6, Squeeze: 1, Sub: 7, Tan: 7, Tanh: 6, ThresholdedRelu: 10, Tile: 6,
  Transpose: 1, Unsqueeze: 1, Where: 9,
};

/** com.microsoft contrib operators the WebGPU EP implements. */
export const WEBGPU_MS_OPS: ReadonlySet<string> = new Set(['BiasAdd', 'BiasSplitGelu', 'FusedConv', 'Gelu', 'SkipLayerNormalization']);

/**
 * Nodes that never reach an execution provider: Constant becomes an initializer when the
 * session loads, and ORT's basic graph optimizations remove Identity and inference Dropout.
 */
export const GRAPH_LEVEL_OPS: ReadonlySet<string> = new Set(['Constant', 'Identity', 'Dropout']);

/** True when WebGPU can run this node at the model's opset for its domain. */
export function webgpuSupports(domain: string, opType: string, opset: number): boolean {
  if (domain === '' || domain === 'ai.onnx') {
    if (GRAPH_LEVEL_OPS.has(opType)) return true;
    const since = WEBGPU_ONNX_OPS[opType];
    return since !== undefined && opset >= since;
  }
  if (domain === 'com.microsoft') return WEBGPU_MS_OPS.has(opType);
  return false;
}
