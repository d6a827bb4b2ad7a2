import type { LowRankOptions } from '../declarations/low-rank';

/** 10·log10(signal / noise) in dB; Infinity when the noise is 0. */
export function sqnrDb(signal: number, noise: number): number {
  if (noise <= 0) return Infinity;
  if (signal <= 0) return -Infinity;
  return 10 * Math.log10(signal / noise);
}

/**
 * The rank a layer keeps, from its singular values (descending) and the options: the smallest
 * rank reaching the energy share or the SQNR floor, or the rank whose factors hold `ratio` of
 * the K·N parameters; at least 1, rounded up to roundTo, at most min(K, N).
 */
export function selectRank(sigma: Float64Array, k: number, n: number, o: Pick<LowRankOptions, 'rank' | 'energy' | 'ratio' | 'sqnr' | 'roundTo'>): number {
  const full = sigma.length;
  // tail[r] = Σ_{i >= r} σᵢ², summed from the small end so small tails keep their precision.
  const tail = new Float64Array(full + 1);
  for (let i = full - 1; i >= 0; i--) tail[i] = tail[i + 1]! + sigma[i]! * sigma[i]!;
  const total = tail[0]!;
  let r = full;
  switch (o.rank) {
    case 'energy': {
      const allowed = (1 - o.energy) * total;
      r = 0;
      while (r < full && tail[r]! > allowed) r++;
      break;
    }
    case 'sqnr': {
      r = 0;
      while (r < full && sqnrDb(total, tail[r]!) < o.sqnr) r++;
      break;
    }
    case 'ratio':
      r = Math.floor((o.ratio * k * n) / (k + n) + 1e-9);
      break;
  }
  r = Math.ceil(Math.max(1, r) / o.roundTo) * o.roundTo;
  return Math.min(full, r);
}

/** The SQNR the truncation to `rank` leaves in the singular values' own measure (the layer's weights or, whitened, its outputs). */
export function predictedSqnrDb(sigma: Float64Array, rank: number): number {
  let total = 0;
  let tail = 0;
  for (let i = sigma.length - 1; i >= 0; i--) {
    const e = sigma[i]! * sigma[i]!;
    total += e;
    if (i >= rank) tail += e;
  }
  return sqnrDb(total, tail);
}
