import { NODE_PATTERN_HELP } from '../../graph/node-patterns';
import { GPTQ_OPTIONS, GPTQ_SAMPLES } from './gptq-options';
import type { MethodDeclaration, OptionField, OptionsOf } from '../types';

/** The block sizes kernels/quantize-int4.ts packs (MatMulNBits takes powers of two from 16). */
export const INT4_BLOCK_SIZES = [16, 32, 64, 128, 256] as const;

export const INT4_WEIGHT_OPS = ['MatMul', 'Gemm'] as const;

export const INT4_OPTIONS = [
  {
    kind: 'number',
    key: 'block',
    label: 'Block size',
    help: `Weights per scale along the input dimension: ${INT4_BLOCK_SIZES.join(', ')}. Smaller blocks are more accurate and a little larger.`,
    default: 32,
    min: 16,
    max: 256,
    integer: true,
  },
  {
    kind: 'boolean',
    key: 'symmetric',
    label: 'Symmetric',
    help: 'On: one scale per block and the implied zero point 8. Off: a 4-bit zero point per block as well (fits skewed blocks better).',
    default: true,
  },
  {
    kind: 'number',
    key: 'accuracyLevel',
    label: 'Accuracy level',
    help: "MatMulNBits' accuracy_level: the lowest precision the runtime may compute in (0 unset, 1 fp32, 2 fp16, 3 bf16, 4 int8 activations).",
    default: 0,
    min: 0,
    max: 4,
    integer: true,
  },
  {
    kind: 'boolean',
    key: 'gather',
    label: 'Gather embeddings',
    help: "Also store embedding tables read by Gather (axis 0) as 4-bit blocks, run by onnxruntime's com.microsoft.GatherBlockQuantized (on WASM, checked with onnxruntime-web 1.30). Rows must be a whole number of blocks.",
    default: false,
  },
  {
    kind: 'number',
    key: 'minElements',
    label: 'Minimum weight size',
    help: 'Weights with fewer elements stay float.',
    default: 128,
    min: 1,
    integer: true,
  },
  { kind: 'string-list', key: 'opTypes', label: 'Operators', help: 'Whose constant 2-D weight becomes MatMulNBits.', default: [...INT4_WEIGHT_OPS], choices: INT4_WEIGHT_OPS },
  { kind: 'string-list', key: 'excludeNodes', label: 'Exclude nodes', help: `Nodes whose weights stay float: ${NODE_PATTERN_HELP}`, default: [], patterns: true },
  ...GPTQ_OPTIONS,
] as const satisfies readonly OptionField[];

export type Int4Options = OptionsOf<typeof INT4_OPTIONS>;

export const int4Declaration: MethodDeclaration<typeof INT4_OPTIONS> = {
  id: 'int4',
  label: 'Int4 weights (MatMulNBits)',
  description:
    "Stores the constant 2-D weights of MatMul and Gemm (any transA/transB, alpha and beta) as 4-bit codes with a float scale per block of input features and runs them with onnxruntime's com.microsoft.MatMulNBits. About 6x smaller weights (4 bits plus a float32 scale per block of 32); activations stay float. Runs on onnxruntime's WASM and WebGPU backends.",
  calibrationSamples: (options) => (options.algorithm === 'gptq' ? GPTQ_SAMPLES : undefined),
  family: 'quantization',
  options: INT4_OPTIONS,
  needsTeacher: false,
  streamsTensors: true,
};
