import { NODE_PATTERN_HELP } from '../../graph/node-patterns';
import type { MethodDeclaration, OptionField, OptionsOf } from '../types';

export const PRUNE_CHANNELS_OPTIONS = [
  {
    kind: 'number',
    key: 'ratio',
    label: 'Ratio',
    help: 'Share of each dependency group\'s channels removed, least important first.',
    default: 0.3,
    min: 0,
    max: 1,
  },
  {
    kind: 'number',
    key: 'roundTo',
    label: 'Round channels to',
    help: 'Keep each group\'s channel count a multiple of this (4 or 8 suit WASM SIMD); rounds the kept count up.',
    default: 1,
    min: 1,
    integer: true,
  },
  {
    kind: 'enum',
    key: 'importance',
    label: 'Importance',
    help: 'l1, l2: norm of each output channel\'s filter, summed over the Convs a group couples. activation: from calibration samples, each channel\'s activation norm times the norm of the weights that read it (what removing it takes from the next layers\' inputs; sees through BatchNorm scales).',
    default: 'l1',
    choices: ['l1', 'l2', 'activation'],
  },
  {
    kind: 'number',
    key: 'heads',
    label: 'Attention heads ratio',
    help: 'Share of each multi-head attention block\'s heads removed, least important first: their Q/K/V columns, the output projection\'s rows and the Reshape shapes that hold the head count. 0 keeps every head.',
    default: 0,
    min: 0,
    max: 1,
  },
  { kind: 'string-list', key: 'excludeNodes', label: 'Exclude nodes', help: `Convs, MatMuls and Gemms whose output channels stay (their whole group does): ${NODE_PATTERN_HELP}`, default: [], patterns: true },
] as const satisfies readonly OptionField[];

/** Calibration samples the activation importance runs the model on. */
export const CHANNEL_ACTIVATION_SAMPLES = 16;

export type PruneChannelsOptions = OptionsOf<typeof PRUNE_CHANNELS_OPTIONS>;

export const pruneChannelsDeclaration: MethodDeclaration<typeof PRUNE_CHANNELS_OPTIONS> = {
  id: 'prune-channels',
  label: 'Prune channels (structured)',
  description:
    'Removes whole output channels of Convs and output features of MatMul/Gemm, with every coupled tensor cut to match (BatchNorm, depthwise Convs, biases, the next layer\'s inputs, residual Adds, squeeze-excitation gates, channel offsets through a Concat into Convs, BatchNorm, depthwise Convs and Adds, Split and Slice on the channel axis with their sizes and bounds, a Flatten into a Gemm), and optionally whole attention heads. Smaller file and less compute; groups it cannot follow are left alone and listed.',
  family: 'pruning',
  options: PRUNE_CHANNELS_OPTIONS,
  calibrationSamples: (options) => (options.importance === 'activation' ? CHANNEL_ACTIVATION_SAMPLES : undefined),
  needsTeacher: false,
  streamsTensors: false,
};
