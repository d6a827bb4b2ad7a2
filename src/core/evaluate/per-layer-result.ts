import type { InputsUsed } from './evaluation-result';
import type { LayerTensor } from './intermediate-tensors';
import type { OutputMetrics } from './metrics';

/** One compared activation: where it comes from and how far the candidate's copy is from the reference's. */
export interface LayerError extends LayerTensor, Omit<OutputMetrics, 'name'> {
  /**
   * The error this layer adds on top of what its inputs already carried, as an SQNR: relative
   * noise powers are taken as additive, so 10^(-local/10) = 10^(-sqnr/10) - max over inputs of
   * 10^(-input sqnr/10) (Infinity when the layer adds none). Errors grow as they flow, so the
   * plain SQNR of later layers is often lower than that of the layer that broke; this one points
   * at the layer itself. A heuristic for ranking, not a measurement of the layer alone.
   */
  localSqnrDb: number;
}

/** The quantization debugger's answer: every shared activation in graph order, and the inputs it ran on. */
export interface PerLayerResult {
  inputs: InputsUsed;
  layers: LayerError[];
}
