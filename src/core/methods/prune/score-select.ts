import type { ReductionLayout } from './reduction-layout';
import { CHECK_EVERY, noCheckpoint, rowsPerCheck, type Checkpoint } from '../../util/checkpoint';

/**
 * Pruning scores as sortable keys: the bit patterns of non-negative float32 scores order like
 * the scores, so an exact k-th smallest is two 16-bit histogram passes instead of a sort
 * (a global threshold over a 200 MB model must not sort 50 million values).
 */
export type ScoreKeys = Uint32Array;

/**
 * |w| as keys (the sign bit cleared), written into `into` when given (a reused buffer at least as
 * long); when `high` is given, the same pass counts the keys' top 16 bits into it (see thresholdFor).
 * Every function here calls `check` every CHECK_EVERY elements or so (it throws to stop).
 */
export function magnitudeKeys(values: Float32Array, into?: Uint32Array, high?: Uint32Array, check: Checkpoint = noCheckpoint): ScoreKeys {
  const keys = into ? into.subarray(0, values.length) : new Uint32Array(values.length);
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let start = 0; start < keys.length; start += CHECK_EVERY) {
    check();
    const end = Math.min(keys.length, start + CHECK_EVERY);
    if (high) {
      for (let i = start; i < end; i++) {
        const key = bits[i]! & 0x7fffffff;
        keys[i] = key;
        high[key >>> 16]!++;
      }
    } else for (let i = start; i < end; i++) keys[i] = bits[i]! & 0x7fffffff;
  }
  return keys;
}

/** The histogram of the keys' top 16 bits, the first pass of thresholdFor. */
export function highHistogram(sets: readonly ScoreKeys[], check: Checkpoint = noCheckpoint): Uint32Array {
  const high = new Uint32Array(65536);
  for (const keys of sets) {
    for (let start = 0; start < keys.length; start += CHECK_EVERY) {
      check();
      const end = Math.min(keys.length, start + CHECK_EVERY);
      for (let i = start; i < end; i++) high[keys[i]! >>> 16]!++;
    }
  }
  return high;
}

/** |w| times the norm of the input channel each weight multiplies, as keys. */
export function activationKeys(values: Float32Array, layout: ReductionLayout, channelNorms: Float64Array, check: Checkpoint = noCheckpoint): ScoreKeys {
  const scores = new Float32Array(values.length);
  const { outer, length, inner } = layout;
  const every = rowsPerCheck(inner);
  for (let p = 0; p < outer; p++) {
    const base = layout.channelBase(p);
    for (let c = 0; c < length; c++) {
      if (c % every === 0) check();
      const norm = channelNorms[base + c]!;
      const start = (p * length + c) * inner;
      for (let q = 0; q < inner; q++) scores[start + q] = Math.abs(values[start + q]!) * norm;
    }
  }
  return new Uint32Array(scores.buffer);
}

/** Where the k smallest keys end: every key below `key` is pruned, and `ties` keys equal to it (the first ones in order). */
export interface Threshold {
  key: number;
  ties: number;
}

/** The threshold that prunes exactly `k` of the keys across `sets` (taken in order), k clamped to [0, total]; `counted` is their highHistogram when already made. */
export function thresholdFor(sets: readonly ScoreKeys[], k: number, counted?: Uint32Array, check: Checkpoint = noCheckpoint): Threshold {
  const total = sets.reduce((s, keys) => s + keys.length, 0);
  if (k <= 0) return { key: 0, ties: 0 };
  if (k >= total) return { key: 0xffffffff, ties: total };
  const high = counted ?? highHistogram(sets, check);
  let below = 0;
  let bin = 0;
  while (below + high[bin]! <= k - 1) below += high[bin++]!;
  // Only the keys of that one bin are left to order: gather and sort them (a small share of all).
  const inBin = new Uint32Array(high[bin]!);
  let at = 0;
  for (const keys of sets) {
    for (let start = 0; start < keys.length; start += CHECK_EVERY) {
      check();
      const end = Math.min(keys.length, start + CHECK_EVERY);
      for (let i = start; i < end; i++) {
        const key = keys[i]!;
        if (key >>> 16 === bin) inBin[at++] = key;
      }
    }
  }
  inBin.sort();
  const key = inBin[k - 1 - below]!;
  let less = below;
  for (let j = 0; j < inBin.length && inBin[j]! < key; j++) less++;
  return { key, ties: k - less };
}

/**
 * Writes `values` into `out` with the elements the threshold prunes zeroed; `ties` is how many
 * keys equal to the threshold may still be pruned (shared across the sets of a global
 * threshold). Returns the ties left and the zeros in `out`.
 */
export function zeroBelow(out: Float32Array, values: Float32Array, keys: ScoreKeys, t: Threshold, ties: number, check: Checkpoint = noCheckpoint): { ties: number; zeros: number } {
  let left = ties;
  let zeros = 0;
  const limit = t.key;
  for (let start = 0; start < keys.length; start += CHECK_EVERY) {
    check();
    const end = Math.min(keys.length, start + CHECK_EVERY);
    for (let i = start; i < end; i++) {
      const key = keys[i]!;
      let v = key < limit ? 0 : values[i]!;
      if (key === limit && left > 0) {
        v = 0;
        left--;
      }
      out[i] = v;
      if (v === 0) zeros++;
    }
  }
  return { ties: left, zeros };
}

/** In every run of m elements along the reduction axis, zeroes the m - n lowest keys (earlier first on ties). */
export function zeroNofM(out: Float32Array, keys: ScoreKeys, layout: ReductionLayout, n: number, m: number, check: Checkpoint = noCheckpoint): void {
  const { outer, length, inner } = layout;
  const slots = new Array<number>(m);
  const order = Array.from({ length: m }, (_, j) => j);
  // Each run sorts m slots: a tenth of CHECK_EVERY elements per check keeps the interval like the other loops'.
  const every = Math.max(1, Math.floor(CHECK_EVERY / 10 / (m * inner)));
  for (let p = 0; p < outer; p++) {
    for (let c0 = 0; c0 < length; c0 += m) {
      if ((c0 / m) % every === 0) check();
      for (let q = 0; q < inner; q++) {
        for (let j = 0; j < m; j++) slots[j] = (p * length + c0 + j) * inner + q;
        order.sort((a, b) => keys[slots[a]!]! - keys[slots[b]!]! || a - b);
        for (let j = 0; j < m - n; j++) out[slots[order[j]!]!] = 0;
      }
    }
  }
}

/*
 * Magnitude keys straight from the values' bits, for the per-layer magnitude path: the same
 * threshold and the same zeros as magnitudeKeys + thresholdFor + zeroBelow, without writing or
 * reading a keys array (a third less memory traffic on a large model).
 */

/** Counts the top 16 bits of every |w| key into `high` (cleared first). */
export function magnitudeHistogram(values: Float32Array, high: Uint32Array, check: Checkpoint = noCheckpoint): void {
  high.fill(0);
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let start = 0; start < bits.length; start += CHECK_EVERY) {
    check();
    const end = Math.min(bits.length, start + CHECK_EVERY);
    for (let i = start; i < end; i++) high[(bits[i]! & 0x7fffffff) >>> 16]!++;
  }
}

/**
 * Writes `values` into `out` with the `k` smallest |w| zeroed (ties: the earlier ones), exactly as
 * thresholdFor + zeroBelow over magnitudeKeys, in one pass after the histogram: weights outside the
 * threshold's 16-bit bin are kept or zeroed branch-free (half go each way, so a branch per weight
 * would mispredict half the time) while the few inside it are gathered and settled after. `high`
 * comes from magnitudeHistogram. Returns the zeros in `out`.
 */
export function zeroSmallestMagnitudes(out: Float32Array, values: Float32Array, k: number, high: Uint32Array, check: Checkpoint = noCheckpoint): number {
  const total = values.length;
  const bits = new Uint32Array(values.buffer, values.byteOffset, total);
  const outBits = new Uint32Array(out.buffer, out.byteOffset, total);
  if (k >= total) {
    out.fill(0);
    return total;
  }
  if (k <= 0) {
    outBits.set(bits);
    return high[0]! > 0 ? bits.reduce((n, b) => n + ((b & 0x7fffffff) === 0 ? 1 : 0), 0) : 0;
  }
  let below = 0;
  let bin = 0;
  while (below + high[bin]! <= k - 1) below += high[bin++]!;
  const keys = new Uint32Array(high[bin]!);
  const at = new Uint32Array(high[bin]!);
  let m = 0;
  for (let start = 0; start < total; start += CHECK_EVERY) {
    check();
    const end = Math.min(total, start + CHECK_EVERY);
    for (let i = start; i < end; i++) {
      const b = bits[i]!;
      const top = (b & 0x7fffffff) >>> 16;
      // top - bin is negative exactly when the weight's bin is below the threshold's: its sign, spread over 32 bits, masks it out.
      outBits[i] = b & ~((top - bin) >> 31);
      if (top === bin) {
        keys[m] = b & 0x7fffffff;
        at[m++] = i;
      }
    }
  }
  check();
  const sorted = keys.slice().sort();
  const limit = sorted[k - 1 - below]!;
  let less = below;
  for (let j = 0; j < m && sorted[j]! < limit; j++) less++;
  let ties = k - less;
  let equal = 0;
  for (let j = 0; j < m; j++) {
    const key = keys[j]!;
    if (key === limit) equal++;
    if (key < limit || (key === limit && ties > 0)) {
      if (key === limit) ties--;
      outBits[at[j]!] = 0;
    }
  }
  // Every pruned weight is a zero; kept ones are zeros only when the threshold is zero itself (+0 and -0 left).
  return k + (limit === 0 ? equal - (k - less) : 0);
}
