import { NODE_PATTERN_HELP } from '../../graph/node-patterns';
import { OUT_OF_RANGE_CHOICES } from './fp16-weight';
import type { MethodDeclaration, OptionField, OptionsOf } from '../types';

/**
 * Numerically fragile operators kept in float32 by default: coordinate arithmetic (Resize,
 * Upsample, RoiAlign, Range), index selection that float16 ties would reorder (TopK,
 * NonMaxSuppression), running sums that overflow or lose precision (CumSum), and random
 * generators. Every other standard operator loads and runs in onnxruntime-web's WASM backend with
 * float16 tensors (measured on onnxruntime-web 1.30 for ~90 operators; it casts internally where it
 * lacks a float16 kernel), so none is blocked for lack of support.
 */
export const DEFAULT_BLOCK_OPS = [
  'Resize', 'Upsample', 'RoiAlign', 'Range', 'TopK', 'NonMaxSuppression', 'CumSum',
  'RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli',
] as const;

/** Operators float16 conversion always keeps in float32 (quantize/float16-plan.ts builds its set from this list), named in the help. */
export const FLOAT32_ONLY_OPS = ['Celu', 'Range', 'NonMaxSuppression', 'DynamicQuantizeLinear', 'TfIdfVectorizer', 'QuantizeLinear', 'DequantizeLinear'] as const;

export const FP16_OPTIONS = [
  {
    kind: 'boolean',
    key: 'keepIO',
    label: 'Keep float32 inputs and outputs',
    help: 'Cast the model inputs to float16 and its outputs back to float32, so callers feed and read float32 as before.',
    default: true,
  },
  {
    kind: 'string-list',
    key: 'blockOps',
    label: 'Operators kept in float32',
    help: `Run in float32 with Casts around them. Always float32 as well: custom-domain operators and ${FLOAT32_ONLY_OPS.join(', ')}.`,
    default: DEFAULT_BLOCK_OPS,
  },
  { kind: 'string-list', key: 'excludeNodes', label: 'Nodes kept in float32', help: `Run in float32 with Casts around them: ${NODE_PATTERN_HELP}`, default: [], patterns: true },
  {
    kind: 'enum',
    key: 'outOfRange',
    label: 'Stored values beyond ±65504',
    // onnxruntime's Python float16 converter clamps: on PaddleOCR det (a BatchNorm variance beyond 65504) its output cosine was 0.84, ours 0.99999.
    help: "keep-float32: a tensor holding such values stays float32, and so do the nodes reading it (named in a warning). clamp: they become ±65504 (a warning names the tensors and counts); this changes the model's results: clamping one BatchNorm variance took PaddleOCR's detector to output cosine 0.84, against 0.99999 kept.",
    default: 'keep-float32',
    choices: OUT_OF_RANGE_CHOICES,
  },
] as const satisfies readonly OptionField[];

export type Fp16Options = OptionsOf<typeof FP16_OPTIONS>;

export const fp16Declaration: MethodDeclaration<typeof FP16_OPTIONS> = {
  id: 'fp16',
  label: 'Float16',
  description:
    'Weights and compute in float16: stored tensors and activations become float16, with float32 inputs and outputs by Casts at the boundary and numerically fragile operators kept in float32.',
  family: 'quantization',
  options: FP16_OPTIONS,
  needsTeacher: false,
  streamsTensors: false,
};
