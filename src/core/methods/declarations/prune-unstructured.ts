import { NODE_PATTERN_HELP } from '../../graph/node-patterns';
import type { MethodDeclaration, OptionField, OptionsOf } from '../types';

/** Operators whose weight input (input 1) this method can prune. */
export const PRUNE_UNSTRUCTURED_OPS = ['MatMul', 'Gemm', 'Conv'] as const;

/** Calibration samples the activation-aware criterion runs the model on. */
export const ACTIVATION_SAMPLES = 16;

export const PRUNE_UNSTRUCTURED_OPTIONS = [
  {
    kind: 'number',
    key: 'sparsity',
    label: 'Sparsity',
    help: 'Share of each pruned weight set to zero, lowest scores first (ignored by an N:M pattern, which fixes it at (M-N)/M).',
    default: 0.5,
    min: 0,
    max: 1,
  },
  {
    kind: 'enum',
    key: 'scope',
    label: 'Scope',
    help: 'per-layer: every weight reaches the sparsity. global: one threshold over all weights, so layers with small scores lose more.',
    default: 'per-layer',
    choices: ['per-layer', 'global'],
  },
  {
    kind: 'enum',
    key: 'criterion',
    label: 'Criterion',
    help: 'magnitude: |w|. activation: |w| times the L2 norm of the input channel it multiplies, from calibration samples (as Wanda does).',
    default: 'magnitude',
    choices: ['magnitude', 'activation'],
  },
  {
    kind: 'enum',
    key: 'pattern',
    label: 'Pattern',
    help: 'none: zeros anywhere. 2:4 / 4:8: in every run of 4 (8) weights along the reduction axis, 2 (4) are zero, the form sparse hardware runs.',
    default: 'none',
    choices: ['none', '2:4', '4:8'],
  },
  {
    kind: 'number',
    key: 'minElements',
    label: 'Minimum weight size',
    help: 'Weights with fewer elements are left dense.',
    default: 128,
    min: 1,
    integer: true,
  },
  { kind: 'string-list', key: 'opTypes', label: 'Operators', help: 'Whose weight input is pruned.', default: ['MatMul', 'Gemm', 'Conv'], choices: PRUNE_UNSTRUCTURED_OPS },
  { kind: 'string-list', key: 'excludeNodes', label: 'Exclude nodes', help: `Nodes whose weights stay dense: ${NODE_PATTERN_HELP}`, default: [], patterns: true },
] as const satisfies readonly OptionField[];

export type PruneUnstructuredOptions = OptionsOf<typeof PRUNE_UNSTRUCTURED_OPTIONS>;

export const pruneUnstructuredDeclaration: MethodDeclaration<typeof PRUNE_UNSTRUCTURED_OPTIONS> = {
  id: 'prune-unstructured',
  label: 'Prune weights (unstructured)',
  description:
    'Sets the lowest-scoring weights of MatMul, Gemm and Conv to zero, per layer or globally, optionally in a 2:4 or 4:8 pattern. The tensors stay dense: zeros shrink the gzipped download, not the file or the compute.',
  calibrationSamples: (options) => (options.criterion === 'activation' ? ACTIVATION_SAMPLES : undefined),
  family: 'pruning',
  options: PRUNE_UNSTRUCTURED_OPTIONS,
  needsTeacher: false,
  // A global threshold and the activation criterion both need every weight at once.
  streamsTensors: false,
};
