import { seededRandom } from '../util/random';
import { quantileSorted } from './stats';

/** A speed ratio (median before / median after) and its bootstrap confidence interval. */
export interface RatioInterval {
  /** Median of `before` over median of `after`: > 1 means `after` is faster. */
  ratio: number;
  low: number;
  high: number;
  /** Confidence level of [low, high], e.g. 0.95. */
  level: number;
  resamples: number;
  /** True when run i of both was resampled together (both timed in one interleaved run). */
  paired: boolean;
}

export interface RatioIntervalOptions {
  /** Same seed, same interval. Default 1. */
  seed?: number;
  /** Bootstrap resamples; default 2000. */
  resamples?: number;
  /** Default 0.95. */
  level?: number;
  /**
   * Resample run indices for both arrays together (run i of `before` with run i of `after`), as
   * for an interleaved run where drift hits both alike; needs arrays of the same length. Default:
   * paired when the lengths match.
   */
  paired?: boolean;
}

/** Whether a difference stands out of the noise: 'same' when the interval contains 1. */
export type SpeedVerdict = 'faster' | 'slower' | 'same';

/** The k-th smallest of `v` (rearranging it): Hoare's quickselect, linear on average. */
function select(v: Float64Array, k: number): number {
  let lo = 0;
  let hi = v.length - 1;
  while (lo < hi) {
    const pivot = v[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (v[i]! < pivot) i++;
      while (v[j]! > pivot) j--;
      if (i <= j) {
        const t = v[i]!;
        v[i] = v[j]!;
        v[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return v[k]!;
  }
  return v[k]!;
}

/** The median (mean of the two middle values for an even count), as quantileSorted(sorted, 0.5) gives it; rearranges `v`. */
function median(v: Float64Array): number {
  const mid = (v.length - 1) / 2;
  const lo = select(v, Math.floor(mid));
  if (mid === Math.floor(mid)) return lo;
  // The next value up is the smallest of the upper part that select left above index floor(mid).
  let hi = Infinity;
  for (let i = Math.floor(mid) + 1; i < v.length; i++) if (v[i]! < hi) hi = v[i]!;
  return (lo + hi) / 2;
}

function checkTimes(values: readonly number[], what: string): void {
  if (values.length === 0) throw new RangeError(`No ${what} run times; expected at least one.`);
  const bad = values.find((v) => !Number.isFinite(v) || v <= 0);
  if (bad !== undefined) throw new RangeError(`A ${what} run time is ${bad}; expected finite positive milliseconds.`);
}

/**
 * The percentile bootstrap interval of median(before) / median(after) from two arrays of run
 * times. Pure and seeded: the same arrays and seed give the same interval on every host.
 */
export function speedRatioInterval(beforeMs: readonly number[], afterMs: readonly number[], options: RatioIntervalOptions = {}): RatioInterval {
  checkTimes(beforeMs, 'original');
  checkTimes(afterMs, 'variant');
  const { seed = 1, resamples = 2000, level = 0.95 } = options;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples is ${resamples}; expected an integer >= 1.`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level is ${level}; expected a fraction between 0 and 1.`);
  const paired = options.paired ?? beforeMs.length === afterMs.length;
  if (paired && beforeMs.length !== afterMs.length) {
    throw new RangeError(`Paired resampling needs as many runs of each; got ${beforeMs.length} and ${afterMs.length}.`);
  }
  const rnd = seededRandom(seed);
  const a = new Float64Array(beforeMs.length);
  const b = new Float64Array(afterMs.length);
  const ratios = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < a.length; i++) {
      const k = rnd.int(0, a.length);
      a[i] = beforeMs[k]!;
      if (paired) b[i] = afterMs[k]!;
    }
    if (!paired) for (let i = 0; i < b.length; i++) b[i] = afterMs[rnd.int(0, b.length)]!;
    ratios[r] = median(a) / median(b);
  }
  ratios.sort();
  const tail = (1 - level) / 2;
  return {
    ratio: median(Float64Array.from(beforeMs)) / median(Float64Array.from(afterMs)),
    low: quantileSorted(ratios, tail),
    high: quantileSorted(ratios, 1 - tail),
    level,
    resamples,
    paired,
  };
}

/** 'faster' or 'slower' only when the whole interval is on one side of 1. */
export function speedVerdict(interval: Pick<RatioInterval, 'low' | 'high'>): SpeedVerdict {
  if (interval.low > 1) return 'faster';
  if (interval.high < 1) return 'slower';
  return 'same';
}
