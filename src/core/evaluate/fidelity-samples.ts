import type { IOSpecLike } from './io-spec';

/** Pooled elements a cosine should rest on at least, per output. */
export const MIN_POOLED_ELEMENTS = 32;
/** Fewest and most synthetic inputs a fidelity comparison runs on. */
export const FIDELITY_SAMPLES = { min: 2, max: 32 } as const;

/** Elements of one output at `dims` (by symbolic name); a dim of unknown size counts as 1, so small outputs get more inputs, not fewer. */
export function outputElements(spec: Pick<IOSpecLike, 'shape'>, dims: Readonly<Record<string, number>> = {}): number {
  if (!spec.shape) return 1;
  return spec.shape.reduce<number>((n, d) => n * (typeof d === 'number' && d >= 0 ? d : typeof d === 'string' ? (dims[d] ?? 1) : 1), 1);
}

/**
 * How many synthetic inputs a fidelity comparison pools over, so that even the smallest output
 * gives a cosine over at least MIN_POOLED_ELEMENTS numbers (a one-element output over two
 * inputs would give a cosine of two numbers, which says little). Within FIDELITY_SAMPLES.
 */
export function fidelitySampleCount(outputs: readonly Pick<IOSpecLike, 'shape'>[], dims: Readonly<Record<string, number>> = {}): number {
  if (outputs.length === 0) return FIDELITY_SAMPLES.min;
  const smallest = Math.max(1, Math.min(...outputs.map((o) => outputElements(o, dims))));
  return Math.min(FIDELITY_SAMPLES.max, Math.max(FIDELITY_SAMPLES.min, Math.ceil(MIN_POOLED_ELEMENTS / smallest)));
}
