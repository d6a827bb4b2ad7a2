import { NODE_PATTERN_HELP } from '../../graph/node-patterns';
import type { MethodDeclaration, OptionField, OptionsOf } from '../types';

export const RECONSTRUCT_OPTIONS = [
  {
    kind: 'number',
    key: 'lambda',
    label: 'Ridge (lambda)',
    help: "Damping of each layer's least-squares refit, as a fraction of the mean diagonal of its input Gram matrix: more keeps the weights closer to what the previous steps left (steadier on unseen inputs), less follows the samples more closely.",
    default: 0.001,
    min: 0,
    max: 10,
  },
  {
    kind: 'boolean',
    key: 'tuneLambda',
    label: 'Tune lambda',
    help: 'Choose each layer\'s lambda (from 0.0001 to 10) by fitting on three quarters of the samples and measuring the error on the other quarter, then refit on all of them; a layer no lambda improves on the held-out samples is left as it is. Replaces the lambda above; slower (several solves a layer).',
    default: false,
  },
  {
    kind: 'number',
    key: 'samples',
    label: 'Samples',
    help: 'Calibration samples each layer is refitted on (yours when given, else seeded synthetic ones).',
    default: 32,
    min: 1,
    max: 1024,
    integer: true,
  },
  {
    kind: 'enum',
    key: 'layers',
    label: 'Layers',
    help: "changed: only the layers the previous steps changed. downstream: also the unchanged layers after them (a classifier head, say), whose inputs the changes moved, so they are refitted to the original's outputs as well.",
    default: 'changed',
    choices: ['changed', 'downstream'],
  },
  { kind: 'string-list', key: 'excludeNodes', label: 'Exclude nodes', help: `Layers left as the previous steps made them: ${NODE_PATTERN_HELP}`, default: [], patterns: true },
] as const satisfies readonly OptionField[];

export type ReconstructOptions = OptionsOf<typeof RECONSTRUCT_OPTIONS>;

export const reconstructDeclaration: MethodDeclaration<typeof RECONSTRUCT_OPTIONS> = {
  id: 'reconstruct',
  label: 'Refit changed layers (reconstruct)',
  description:
    "After pruning or other steps that changed MatMul/Gemm/Conv weights (grouped and depthwise Convs, channel-pruned layers matched to the channels they kept, int8/uint8 DequantizeLinear weights and 4-bit MatMulNBits refitted in float and requantized in their own scheme): refits each changed layer's weights and bias by ridge regression so that, on the compressed model's own inputs to that layer, its outputs match the original model's, layer after layer in graph order. Needs calibration samples and the original model (the teacher).",
  calibrationSamples: (options) => options.samples,
  family: 'distillation',
  options: RECONSTRUCT_OPTIONS,
  needsTeacher: true,
  streamsTensors: false,
};
