import { NODE_PATTERN_HELP } from '../../graph/node-patterns';
import type { MethodDeclaration, OptionField, OptionsOf } from '../types';

export const DYNAMIC_OPS = ['MatMul', 'Gemm', 'Conv'] as const;

export const INT8_DYNAMIC_OPTIONS = [
  {
    kind: 'boolean',
    key: 'perChannel',
    label: 'Per output channel',
    help: 'One weight scale per output channel (per column of a MatMul/Gemm weight, per filter of a Conv). Conv filters then share one zero point, so they are quantized symmetrically.',
    default: true,
  },
  {
    kind: 'boolean',
    key: 'symmetric',
    label: 'Symmetric weights',
    help: 'On: weight zero point at the middle of the range and scale = max|w| / 127. Off: each channel\'s [min, max] maps onto the full range (MatMul/Gemm per channel, any op per tensor).',
    default: false,
  },
  {
    kind: 'enum',
    key: 'weightType',
    label: 'MatMul/Gemm weight type',
    help: 'Stored type of MatMul and Gemm weights (MatMulInteger takes both). Conv weights are always uint8: ConvInteger is defined for uint8 filters.',
    default: 'int8',
    choices: ['int8', 'uint8'],
  },
  {
    kind: 'boolean',
    key: 'groupedConv',
    label: 'Grouped/depthwise Conv',
    help: 'Also quantize Convs with group > 1. Off by default: onnxruntime runs ConvInteger one group at a time, far slower than its float depthwise kernel, and these small filters cost the most accuracy.',
    default: false,
  },
  {
    kind: 'number',
    key: 'minElements',
    label: 'Minimum weight size',
    help: 'Operators with smaller weights stay float (quantizing their input costs more than it saves).',
    default: 128,
    min: 1,
    integer: true,
  },
  { kind: 'string-list', key: 'opTypes', label: 'Operators', help: 'Which operators become integer operators.', default: [...DYNAMIC_OPS], choices: DYNAMIC_OPS },
  { kind: 'string-list', key: 'excludeNodes', label: 'Exclude nodes', help: `Nodes that stay float: ${NODE_PATTERN_HELP}`, default: [], patterns: true },
] as const satisfies readonly OptionField[];

export type Int8DynamicOptions = OptionsOf<typeof INT8_DYNAMIC_OPTIONS>;

export const int8DynamicDeclaration: MethodDeclaration<typeof INT8_DYNAMIC_OPTIONS> = {
  id: 'int8-dynamic',
  label: 'Int8 dynamic (CPU only)',
  description:
    'The quantize_dynamic pattern: MatMul and Gemm become DynamicQuantizeLinear + MatMulInteger + rescale, Conv becomes ConvInteger with uint8 filters; activations are quantized at run time, biases stay float. About 4x smaller weights and integer compute on the WASM (CPU) backend. CPU only: WebGPU has no kernels for these operators, so the model falls back to the CPU off WebGPU.',
  backends: ['wasm'],
  family: 'quantization',
  options: INT8_DYNAMIC_OPTIONS,
  needsTeacher: false,
  streamsTensors: true,
};
