/**
 * Entropy (KL-divergence) calibration, the TensorRT procedure: a histogram of |x| over
 * [0, max|x|] with 2048 bins (fewer for small samples, see histogramBins); for every candidate cut i (from LEVELS to BINS) the reference
 * distribution P is the first i bins with everything beyond folded into bin i-1, and Q is those
 * same i bins merged into LEVELS groups and spread back evenly over each group's non-empty bins.
 * The cut with the smallest KL(P || Q) gives the threshold (the cut's upper edge).
 */

export const ENTROPY_BINS = 2048;
/** Quantized levels of one sign: int8's 128. */
export const ENTROPY_LEVELS = 128;

/** Histogram of |values| over [0, maxAbs] (maxAbs > 0). */
export function absHistogram(values: Float32Array, bins: number, maxAbs: number): Float64Array {
  const hist = new Float64Array(bins);
  const scale = bins / maxAbs;
  for (let i = 0; i < values.length; i++) {
    const b = Math.floor(Math.abs(values[i]!) * scale);
    hist[b >= bins ? bins - 1 : b]! += 1;
  }
  return hist;
}

/** KL(P || Q) of two unnormalised histograms of equal length; bins where P is 0 add nothing. */
function klDivergence(p: Float64Array, q: Float64Array): number {
  let ps = 0;
  let qs = 0;
  for (let i = 0; i < p.length; i++) {
    ps += p[i]!;
    qs += q[i]!;
  }
  if (ps === 0 || qs === 0) return Infinity;
  let kl = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / ps;
    if (pi === 0) continue;
    const qi = q[i]! / qs;
    if (qi === 0) return Infinity;
    kl += pi * Math.log(pi / qi);
  }
  return kl;
}

/** Q for cut i: the first i bins merged into `levels` groups, each group's count spread over its non-empty bins. */
function quantizedCandidate(hist: Float64Array, cut: number, levels: number): Float64Array {
  const q = new Float64Array(cut);
  const width = cut / levels;
  for (let j = 0; j < levels; j++) {
    const start = Math.floor(j * width);
    const end = j === levels - 1 ? cut : Math.floor((j + 1) * width);
    let sum = 0;
    let nonEmpty = 0;
    for (let k = start; k < end; k++) {
      sum += hist[k]!;
      if (hist[k]! > 0) nonEmpty++;
    }
    if (nonEmpty === 0) continue;
    const share = sum / nonEmpty;
    for (let k = start; k < end; k++) if (hist[k]! > 0) q[k] = share;
  }
  return q;
}

/** The cut (number of bins kept) with the smallest KL divergence. */
export function bestCut(hist: Float64Array, levels = ENTROPY_LEVELS): number {
  const bins = hist.length;
  if (bins <= levels) return bins;
  let total = 0;
  for (let i = 0; i < bins; i++) total += hist[i]!;
  let best = bins;
  let bestKl = Infinity;
  // Values beyond the cut, folded into the reference's last bin.
  let beyond = 0;
  for (let i = levels; i < bins; i++) beyond += hist[i]!;
  for (let cut = levels; cut <= bins; cut++) {
    if (cut > levels) beyond -= hist[cut - 1]!;
    const p = hist.slice(0, cut);
    p[cut - 1]! += beyond;
    const q = quantizedCandidate(hist, cut, levels);
    // Where P's last bin gained the outliers but the histogram bin itself was empty, Q would be 0 there: give it the outliers too.
    if (q[cut - 1] === 0 && p[cut - 1]! > 0) q[cut - 1] = p[cut - 1]!;
    const kl = total > 0 ? klDivergence(p, q) : Infinity;
    if (kl < bestKl) {
      bestKl = kl;
      best = cut;
    }
  }
  return best;
}

/**
 * Values per histogram bin (on average) the search needs. A sparse histogram defeats it: when
 * each group of bins holds at most one non-empty bin, Q equals P for the narrowest cut and the
 * search clips almost everything. Small samples get fewer bins (down to `levels`, i.e. no clipping).
 */
export const MIN_VALUES_PER_BIN = 16;

/** The bin count used for `count` values: a multiple of `levels`, at most `bins`. */
export function histogramBins(count: number, bins = ENTROPY_BINS, levels = ENTROPY_LEVELS): number {
  const fit = Math.floor(count / MIN_VALUES_PER_BIN / levels) * levels;
  return Math.max(levels, Math.min(bins, fit));
}

/**
 * The |x| threshold the KL search picks for these values (0 for none or all zero). Exact zeros
 * are left out: the zero point represents them exactly at any threshold, and the spike a ReLU
 * leaves at 0 would otherwise dominate P and pull the cut far below the informative values.
 */
export function entropyThreshold(values: Float32Array, maxBins = ENTROPY_BINS, levels = ENTROPY_LEVELS): number {
  let maxAbs = 0;
  let nonZero = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a > maxAbs) maxAbs = a;
    if (a !== 0) nonZero++;
  }
  if (maxAbs === 0) return 0;
  const kept = nonZero === values.length ? values : values.filter((v) => v !== 0);
  const bins = histogramBins(kept.length, maxBins, levels);
  const hist = absHistogram(kept, bins, maxAbs);
  return (bestCut(hist, levels) / bins) * maxAbs;
}
