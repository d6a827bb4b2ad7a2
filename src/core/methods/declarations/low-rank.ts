import { NODE_PATTERN_HELP } from '../../graph/node-patterns';
import type { MethodDeclaration, OptionField, OptionsOf } from '../types';

/** How each layer's rank is chosen. */
export const RANK_SELECTORS = ['energy', 'ratio', 'sqnr'] as const;

export const LOW_RANK_OPTIONS = [
  {
    kind: 'enum',
    key: 'rank',
    label: 'Rank from',
    help: "energy: the smallest rank keeping that share of the squared singular values. ratio: the rank that keeps that share of each layer's parameters. sqnr: the smallest rank whose layer SQNR reaches the floor (dB).",
    default: 'energy',
    choices: RANK_SELECTORS,
  },
  {
    kind: 'number',
    key: 'energy',
    label: 'Energy kept',
    // PaddleOCR rec at 0.9: plain SVD left 0.75x of the model's parameters; whitened, the same 0.9 left 0.17x.
    help: "Share of the squared singular values each layer keeps (rank from energy). Whitened, it is the share of the layer's output energy on the samples, which sits in far fewer directions: the same share gives much lower ranks.",
    default: 0.95,
    min: 0,
    max: 1,
  },
  {
    kind: 'number',
    key: 'ratio',
    label: 'Parameter ratio',
    help: "Share of each layer's parameters its two factors may hold (rank from ratio): rank r = ratio·m·n/(m+n), rounded down.",
    default: 0.5,
    min: 0,
    max: 1,
  },
  { kind: 'number', key: 'sqnr', label: 'SQNR floor (dB)', help: "Each layer keeps the smallest rank whose reconstruction reaches this signal-to-noise ratio (rank from sqnr).", default: 20, min: 0, max: 300 },
  { kind: 'number', key: 'roundTo', label: 'Round rank to', help: 'Rank rounded up to a multiple of this (4 or 8 suit WASM SIMD).', default: 1, min: 1, integer: true },
  {
    kind: 'boolean',
    key: 'whiten',
    label: 'Data-aware (whiten)',
    help: "Factor each layer for its outputs on calibration samples rather than for its weights (SVD-LLM): the SVD of Lᵀ·W with L the Cholesky factor of the layer's input second moments. Runs the model on the samples (yours when given, else seeded synthetic ones); energy and SQNR are then measured on the layer's outputs.",
    default: false,
  },
  {
    kind: 'number',
    key: 'samples',
    label: 'Calibration samples',
    help: 'How many samples run to measure layer inputs (whiten only).',
    default: 16,
    min: 1,
    max: 1024,
    integer: true,
  },
  {
    kind: 'number',
    key: 'damp',
    label: 'Whitening damping',
    help: "Added to the input second moments' diagonal, as a fraction of its mean, before the Cholesky factor (whiten only): more is steadier, less follows the samples more closely.",
    default: 0.01,
    min: 0,
    max: 1,
  },
  {
    kind: 'boolean',
    key: 'onlyWhereSmaller',
    label: 'Only where it saves',
    help: 'Factor a layer only when the rank chosen gives fewer parameters and MACs (r·(m+n) < m·n). Off, every layer is factored at its rank (at full rank the outputs stay the same: a check of the factorization).',
    default: true,
  },
  { kind: 'string-list', key: 'excludeNodes', label: 'Exclude nodes', help: `MatMuls, Gemms and 1x1 Convs left as they are: ${NODE_PATTERN_HELP}`, default: [], patterns: true },
] as const satisfies readonly OptionField[];

export type LowRankOptions = OptionsOf<typeof LOW_RANK_OPTIONS>;

export const lowRankDeclaration: MethodDeclaration<typeof LOW_RANK_OPTIONS> = {
  id: 'low-rank',
  label: 'Low-rank factorization',
  description:
    'Replaces the weight of each MatMul, Gemm and 1x1 Conv by two thinner factors from its singular value decomposition (two MatMuls, MatMul + Gemm, or two 1x1 Convs), where that saves parameters and MACs. Plain SVD keeps the weights closest; whiten keeps the layer outputs on calibration samples closest.',
  calibrationSamples: (options) => (options.whiten ? options.samples : undefined),
  family: 'structure',
  options: LOW_RANK_OPTIONS,
  needsTeacher: false,
  streamsTensors: false,
};
