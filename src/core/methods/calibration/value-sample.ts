/**
 * What calibration keeps of one activation over every sample: its exact minimum and maximum,
 * and a strided subsample of its values (about `capacity` of them in all) from which the
 * percentile and entropy calibrators build their distributions.
 */
export interface ValueSample {
  min: number;
  max: number;
  /** How many values were seen. */
  count: number;
  /** The kept values (finite only). */
  values: Float32Array;
}

export interface ValueSampler {
  add(values: ArrayLike<number>): void;
  finish(): ValueSample;
}

/** Default number of values kept per tensor: 512 KB of float32. */
export const DEFAULT_SAMPLE_CAPACITY = 1 << 17;

/**
 * A sampler for one tensor. `expectedValues` (elements per call x calls) sets the stride so the
 * kept sample spreads over all calls; values beyond the capacity are dropped, never reallocated.
 */
export function valueSampler(expectedValues: number, capacity = DEFAULT_SAMPLE_CAPACITY): ValueSampler {
  const stride = Math.max(1, Math.ceil(expectedValues / capacity));
  const kept = new Float32Array(capacity);
  let size = 0;
  let min = Infinity;
  let max = -Infinity;
  let count = 0;
  /** Offset of the next kept value within the next call, so the stride runs on across calls. */
  let phase = 0;
  return {
    add(values) {
      const n = values.length;
      for (let i = 0; i < n; i++) {
        const v = values[i]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      let i = phase;
      for (; i < n && size < capacity; i += stride) {
        const v = values[i]!;
        if (Number.isFinite(v)) kept[size++] = v;
      }
      phase = i - n > 0 ? i - n : 0;
      count += n;
    },
    finish() {
      return { min, max, count, values: kept.slice(0, size) };
    },
  };
}
