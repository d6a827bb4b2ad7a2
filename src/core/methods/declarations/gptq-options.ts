import type { OptionField } from '../types';

/** Calibration samples GPTQ runs to measure each layer's input Hessian. */
export const GPTQ_SAMPLES = 32;

/** The rounding options int4 and int8-weight share: round to nearest, or GPTQ from calibration samples. */
export const GPTQ_OPTIONS = [
  {
    kind: 'enum',
    key: 'algorithm',
    label: 'Rounding',
    help: "rtn: round each weight to the nearest step. gptq: round the weights of each MatMul/Gemm input in turn and spread each rounding error over the inputs not yet rounded, weighted by the layer's input statistics measured on calibration samples (yours when given, else seeded synthetic ones); closer outputs, same format and size.",
    default: 'rtn',
    choices: ['rtn', 'gptq'],
  },
  {
    kind: 'number',
    key: 'damp',
    label: 'GPTQ damping',
    help: "Added to the input Hessian's diagonal, as a fraction of its mean diagonal: more is steadier, less follows the samples more closely.",
    default: 0.01,
    min: 0,
    max: 1,
  },
  {
    kind: 'number',
    key: 'blockSize',
    label: 'GPTQ batch',
    help: 'Input rows whose error updates GPTQ applies to the rest of the weight together (speed only; the result is the same).',
    default: 128,
    min: 1,
    max: 4096,
    integer: true,
  },
  {
    kind: 'boolean',
    key: 'actOrder',
    label: 'GPTQ act-order',
    help: 'Round the most active inputs (largest Hessian diagonal) first; the block scales then come from the original weights.',
    default: false,
  },
] as const satisfies readonly OptionField[];
