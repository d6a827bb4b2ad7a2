/** Summary of repeated latency measurements, in milliseconds. */
export interface LatencyStats {
  min: number;
  p50: number;
  p90: number;
  max: number;
  mean: number;
  n: number;
}

/** The q-quantile (0..1) of ascending values, interpolating linearly between closest ranks. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError('Cannot take a quantile of no values; expected at least one.');
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

/** min, median, 90th percentile (linear interpolation), max and mean of the samples. */
export function latencyStats(samplesMs: readonly number[]): LatencyStats {
  if (samplesMs.length === 0) throw new RangeError('No latency samples; expected at least one run.');
  const bad = samplesMs.find((v) => !Number.isFinite(v) || v < 0);
  if (bad !== undefined) throw new RangeError(`Latency sample ${bad} is not a time; expected finite non-negative milliseconds.`);
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    min: sorted[0]!,
    p50: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    max: sorted[sorted.length - 1]!,
    mean: sorted.reduce((s, v) => s + v, 0) / sorted.length,
    n: sorted.length,
  };
}
