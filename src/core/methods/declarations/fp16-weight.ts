import { NODE_PATTERN_HELP } from '../../graph/node-patterns';
import type { MethodDeclaration, OptionField, OptionsOf } from '../types';

/** What happens to stored values float16 cannot hold (graph/float16-tensor.ts implements both). */
export const OUT_OF_RANGE_CHOICES = ['keep-float32', 'clamp'] as const;

export const FP16_WEIGHT_OPTIONS = [
  {
    kind: 'number',
    key: 'minElements',
    label: 'Minimum weight size',
    help: 'Weights with fewer elements stay float32 (a Cast node costs more than it saves on tiny tensors).',
    default: 16,
    min: 1,
    integer: true,
  },
  {
    kind: 'string-list',
    key: 'opTypes',
    label: 'Operators',
    help: 'Only weights whose every reader is one of these operators (empty: any operator).',
    default: [],
  },
  { kind: 'string-list', key: 'excludeNodes', label: 'Exclude nodes', help: `Weights read by these nodes stay float32: ${NODE_PATTERN_HELP}`, default: [], patterns: true },
  {
    kind: 'enum',
    key: 'outOfRange',
    label: 'Values beyond ±65504',
    help: "keep-float32: a tensor holding such values stays float32 (named in a warning). clamp: they become ±65504 (a warning names the tensors and counts); this changes the model's results (on PaddleOCR's detector, output cosine 0.84 against 0.99999 kept).",
    default: 'keep-float32',
    choices: OUT_OF_RANGE_CHOICES,
  },
] as const satisfies readonly OptionField[];

export type Fp16WeightOptions = OptionsOf<typeof FP16_WEIGHT_OPTIONS>;

export const fp16WeightDeclaration: MethodDeclaration<typeof FP16_WEIGHT_OPTIONS> = {
  id: 'fp16-weight',
  label: 'Float16 weights',
  description:
    'Stores every float32 weight as float16 and casts it back to float32 when the model loads: half the download, the same float32 compute.',
  family: 'quantization',
  options: FP16_WEIGHT_OPTIONS,
  needsTeacher: false,
  streamsTensors: true,
};
