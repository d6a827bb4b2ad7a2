import { NODE_PATTERN_HELP } from '../../graph/node-patterns';
import type { MethodDeclaration, OptionField, OptionsOf } from '../types';

export const SIMPLIFY_OPTIONS = [
  {
    kind: 'number',
    key: 'maxFoldedMB',
    label: 'Largest folded tensor (MiB)',
    help: 'A value computed from stored tensors is stored in its place only up to this many MiB (bytes as stored), so folding never makes the file much larger.',
    default: 4,
    min: 0,
    max: 1024,
  },
  { kind: 'boolean', key: 'foldBatchNorm', label: 'Fold BatchNormalization', help: 'Into the Conv, ConvTranspose or Gemm before it.', default: true },
  { kind: 'boolean', key: 'matmulToGemm', label: 'MatMul + Add to Gemm', help: 'A 2-D MatMul with a stored weight followed by a bias Add becomes one Gemm.', default: true },
  {
    kind: 'boolean',
    key: 'removeUnusedInputs',
    label: 'Remove unused inputs',
    help: 'Inputs of the model that nothing reads are dropped (callers then must not feed them).',
    default: true,
  },
  { kind: 'string-list', key: 'excludeNodes', label: 'Exclude nodes', help: `These nodes are neither folded, merged nor removed: ${NODE_PATTERN_HELP}`, default: [], patterns: true },
] as const satisfies readonly OptionField[];

export type SimplifyOptions = OptionsOf<typeof SIMPLIFY_OPTIONS>;

export const simplifyDeclaration: MethodDeclaration<typeof SIMPLIFY_OPTIONS> = {
  id: 'simplify',
  label: 'Simplify the graph',
  description:
    'Folds what depends only on stored values into constants (with the runtime for operators the studio does not compute itself), removes no-op, duplicate and dead nodes, merges duplicate tensors, folds BatchNormalization into the layer before it and inlines If branches with a constant condition (subgraphs included). Outputs stay the same.',
  family: 'structure',
  options: SIMPLIFY_OPTIONS,
  needsTeacher: false,
  streamsTensors: false,
};
