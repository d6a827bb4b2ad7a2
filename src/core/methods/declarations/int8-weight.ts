import { NODE_PATTERN_HELP } from '../../graph/node-patterns';
import { GPTQ_OPTIONS, GPTQ_SAMPLES } from './gptq-options';
import type { MethodDeclaration, OptionField, OptionsOf } from '../types';

/** Operators whose weight input (input 1) this method can quantize. */
export const INT8_WEIGHT_OPS = ['MatMul', 'Gemm', 'Conv', 'ConvTranspose'] as const;

/** Calibration samples bias correction runs (graph/bias-correction.ts reads the same number). */
export const BIAS_CORRECTION_SAMPLES = 16;

export const INT8_WEIGHT_OPTIONS = [
  {
    kind: 'boolean',
    key: 'perChannel',
    label: 'Per output channel',
    help: 'One scale per output channel (needs opset 13; older models are converted when possible, else one scale per tensor).',
    default: true,
  },
  {
    kind: 'boolean',
    key: 'symmetric',
    label: 'Symmetric',
    // Asymmetric is the default: on the PaddleOCR detector it lifted output cosine from 0.966 to 0.997 on text-like images.
    help: 'On: zero point 0 (128 in uint8) and scale = max|w| / 127. Off: each channel\'s [min, max] maps onto the full range, [-128, 127] or [0, 255] (a zero point per channel, usually more accurate).',
    default: false,
  },
  {
    kind: 'enum',
    key: 'weightType',
    label: 'Stored type',
    help: 'int8: values in [-128, 127], symmetric zero point 0. uint8: the same steps shifted into [0, 255], symmetric zero point 128 (for runtimes or tools that expect uint8 weights). Same accuracy and size.',
    default: 'int8',
    choices: ['int8', 'uint8'],
  },
  {
    kind: 'number',
    key: 'minElements',
    label: 'Minimum weight size',
    help: 'Weights with fewer elements stay float (the scales would cost more than they save).',
    default: 128,
    min: 1,
    integer: true,
  },
  { kind: 'string-list', key: 'opTypes', label: 'Operators', help: 'Whose weight input is quantized.', default: ['MatMul', 'Gemm', 'Conv'], choices: INT8_WEIGHT_OPS },
  { kind: 'string-list', key: 'excludeNodes', label: 'Exclude nodes', help: `Nodes whose weights stay float: ${NODE_PATTERN_HELP}`, default: [], patterns: true },
  {
    kind: 'boolean',
    key: 'biasCorrection',
    label: 'Bias correction',
    // On the PaddleOCR recogniser (rendered text lines) it lifted held-out output cosine from 0.9973 to 0.9993.
    help: 'Folds the mean output shift the rounded weights cause into each Conv/Gemm bias, measured by running the model on calibration samples (yours when given, else seeded synthetic inputs, which can hurt on images).',
    default: false,
  },
  ...GPTQ_OPTIONS,
] as const satisfies readonly OptionField[];

export type Int8WeightOptions = OptionsOf<typeof INT8_WEIGHT_OPTIONS>;

export const int8WeightDeclaration: MethodDeclaration<typeof INT8_WEIGHT_OPTIONS> = {
  id: 'int8-weight',
  label: 'Int8 weights',
  description:
    'Stores the weights of MatMul, Gemm and Conv as int8 with a float scale per output channel, and puts a DequantizeLinear in front of each consumer. About 4x smaller weights; activations stay float.',
  calibrationSamples: (options) =>
    options.algorithm === 'gptq' ? Math.max(GPTQ_SAMPLES, options.biasCorrection ? BIAS_CORRECTION_SAMPLES : 0) : options.biasCorrection ? BIAS_CORRECTION_SAMPLES : undefined,
  family: 'quantization',
  options: INT8_WEIGHT_OPTIONS,
  needsTeacher: false,
  streamsTensors: true,
};
