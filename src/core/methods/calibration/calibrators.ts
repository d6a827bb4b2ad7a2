import { ENTROPY_BINS, ENTROPY_LEVELS, entropyThreshold } from './entropy';
import type { ValueSample } from './value-sample';
import type { CALIBRATORS } from '../declarations/int8-static';

export type CalibratorKind = (typeof CALIBRATORS)[number];

/** The float range an activation's uint8 quantization covers. */
export interface TensorRange {
  min: number;
  max: number;
}

export interface CalibratorOptions {
  /** Percent of values the percentile range keeps (both tails share the rest), e.g. 99.999. */
  percentile: number;
}

/** The value at quantile q (0..1) of sorted values, interpolated linearly between neighbours. */
export function quantileSorted(sorted: Float32Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Both tails cut by (100 - percentile) / 2 percent each, from the kept sample; the exact min/max bound it. */
export function percentileRange(sample: ValueSample, percentile: number): TensorRange {
  if (sample.values.length === 0) return { min: sample.min, max: sample.max };
  const sorted = sample.values.slice().sort();
  const tail = (100 - percentile) / 200;
  return {
    min: Math.max(sample.min, quantileSorted(sorted, tail)),
    max: Math.min(sample.max, quantileSorted(sorted, 1 - tail)),
  };
}

/** Quantized levels on one side of zero: uint8's 256 for a one-sided tensor (a ReLU output), else 128. */
const ONE_SIDED_LEVELS = 256;

/**
 * Entropy: a symmetric |x| threshold T from the KL search; the range is [min, max] clipped to
 * [-T, T]. A tensor with no values below (or above) zero gets all 256 uint8 levels on one side,
 * so the search quantizes to 256 levels instead of 128.
 */
export function entropyRange(sample: ValueSample): TensorRange {
  const oneSided = sample.min >= 0 || sample.max <= 0;
  const t = entropyThreshold(sample.values, ENTROPY_BINS, oneSided ? ONE_SIDED_LEVELS : ENTROPY_LEVELS);
  return { min: Math.max(sample.min, -t), max: Math.min(sample.max, t) };
}

/** The range each calibrator picks for one tensor. Non-finite min/max (no values) come back as [0, 0]. */
export function calibratedRange(kind: CalibratorKind, sample: ValueSample, options: CalibratorOptions): TensorRange {
  if (!Number.isFinite(sample.min) || !Number.isFinite(sample.max)) return { min: 0, max: 0 };
  switch (kind) {
    case 'minmax':
      return { min: sample.min, max: sample.max };
    case 'percentile':
      return percentileRange(sample, options.percentile);
    case 'entropy':
      return entropyRange(sample);
  }
}
