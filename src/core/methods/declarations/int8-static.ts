import { NODE_PATTERN_HELP } from '../../graph/node-patterns';
import type { MethodDeclaration, OptionField, OptionsOf } from '../types';

/** The calibrators calibration/calibrators.ts implements. */
export const CALIBRATORS = ['minmax', 'percentile', 'entropy'] as const;

/** The operators graph/qdq-plan.ts wraps in QDQ pairs. */
export const QDQ_OPS = ['Conv', 'MatMul', 'Gemm'] as const;

const INT8_STATIC_DEFAULT_SAMPLES = 16;

export const INT8_STATIC_OPTIONS = [
  {
    kind: 'enum',
    key: 'calibrator',
    label: 'Calibrator',
    help:
      'How each activation range is chosen: minmax (observed extremes), percentile (tails cut), entropy (KL-optimal threshold; it can clip heavy-tailed activations hard: PaddleOCR rec 0.51 output cosine on rendered text, percentile 0.99).',
    // Percentile beat minmax on all three PaddleOCR models (text-image calibration): output cosine
    // cls 0.991 vs 0.985, det 0.992 vs 0.983, rec 0.995 vs 0.989; the fixtures are equal.
    default: 'percentile',
    choices: CALIBRATORS,
  },
  { kind: 'number', key: 'percentile', label: 'Percentile', help: 'Percent of activation values the percentile range keeps.', default: 99.999, min: 90, max: 100 },
  {
    kind: 'number',
    key: 'samples',
    label: 'Calibration samples',
    help: 'How many calibration samples run: of yours when given (spread over the set), else seeded synthetic ones.',
    default: INT8_STATIC_DEFAULT_SAMPLES,
    min: 1,
    max: 1024,
    integer: true,
  },
  { kind: 'boolean', key: 'perChannel', label: 'Per output channel', help: 'One weight scale per output channel (else one per tensor).', default: true },
  {
    kind: 'boolean',
    key: 'quantizeOutputs',
    label: 'Quantize outputs',
    // PaddleOCR det (160x160 text images, minmax): on, the map's SQNR fell from 20 to 13 dB (cosine 0.983 -> 0.939); on 320x320 WASM it ran 1.02x fp32, no gain.
    help:
      'Also QDQ each operator\'s output when no quantized operator reads it (the full QLinearConv pattern). Off by default: where a float affine (an unfolded BatchNorm as Mul/Add) follows, it costs accuracy and onnxruntime-web gained no speed from it.',
    default: false,
  },
  {
    kind: 'boolean',
    key: 'groupedConv',
    label: 'Grouped Convs',
    // PaddleOCR rec on rendered text lines: output cosine 0.976 with them quantized, 0.991 kept float (their
    // per-tensor uint8 inputs mix channels of very different ranges); their weights are a small share of the bytes.
    help: 'Also quantize grouped/depthwise Convs. Off by default: a per-tensor uint8 input serves their channels badly, and they hold few weights.',
    default: false,
  },
  { kind: 'string-list', key: 'opTypes', label: 'Operators', help: 'Operators run on quantized values.', default: [...QDQ_OPS], choices: QDQ_OPS },
  { kind: 'string-list', key: 'excludeNodes', label: 'Exclude nodes', help: `Nodes left in float: ${NODE_PATTERN_HELP}`, default: [], patterns: true },
  { kind: 'number', key: 'minElements', label: 'Minimum weight size', help: 'Smaller weights stay float.', default: 128, min: 1, integer: true },
] as const satisfies readonly OptionField[];

export type Int8StaticOptions = OptionsOf<typeof INT8_STATIC_OPTIONS>;

export const int8StaticDeclaration: MethodDeclaration<typeof INT8_STATIC_OPTIONS> = {
  id: 'int8-static',
  label: 'Int8 static (QDQ)',
  description:
    'Calibrates activation ranges by running the model, then wraps Conv, MatMul and Gemm in QuantizeLinear/DequantizeLinear pairs (uint8 activations, int8 per-channel weights, int32 bias): the pattern onnxruntime fuses into QLinearConv/QLinearMatMul.',
  calibrationSamples: (options) => options.samples,
  family: 'quantization',
  options: INT8_STATIC_OPTIONS,
  needsTeacher: false,
  streamsTensors: false,
};
