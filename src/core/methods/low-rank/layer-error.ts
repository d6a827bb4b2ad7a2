import type { RankFactors } from './factorize';
import { sqnrDb } from './select-rank';

/** W - a·b (K x N) with the float32 factors as stored, accumulated in float64. */
export function residual(w: Float64Array, f: RankFactors, k: number, n: number, check: () => void = () => {}): Float64Array {
  const out = Float64Array.from(w);
  const r = f.rank;
  for (let i = 0; i < k; i++) {
    check();
    const row = out.subarray(i * n, (i + 1) * n);
    for (let j = 0; j < r; j++) {
      const aij = f.a[i * r + j]!;
      if (aij === 0) continue;
      const brow = j * n;
      for (let c = 0; c < n; c++) row[c] = row[c]! - aij * f.b[brow + c]!;
    }
  }
  return out;
}

/** SQNR of the weights: ‖W‖² / ‖W - a·b‖². */
export function weightSqnrDb(w: Float64Array, d: Float64Array): number {
  let s = 0;
  let e = 0;
  for (let i = 0; i < w.length; i++) {
    s += w[i]! * w[i]!;
    e += d[i]! * d[i]!;
  }
  return sqnrDb(s, e);
}

/** tr(Mᵀ H M) for K x N M and K x K H: ‖X·M‖² over the inputs whose second moments H are. */
function quadratic(h: Float64Array, m: Float64Array, k: number, n: number, check: () => void): number {
  let total = 0;
  const hm = new Float64Array(n);
  for (let i = 0; i < k; i++) {
    check();
    hm.fill(0);
    const hi = i * k;
    for (let p = 0; p < k; p++) {
      const hip = h[hi + p]!;
      if (hip === 0) continue;
      const row = p * n;
      for (let c = 0; c < n; c++) hm[c] = hm[c]! + hip * m[row + c]!;
    }
    const row = i * n;
    for (let c = 0; c < n; c++) total += m[row + c]! * hm[c]!;
  }
  return total;
}

/** SQNR of the layer's outputs on the calibration samples: ‖XW‖² / ‖X(W - a·b)‖², from H = XᵀX. */
export function outputSqnrDb(h: Float64Array, w: Float64Array, d: Float64Array, k: number, n: number, check: () => void = () => {}): number {
  return sqnrDb(quadratic(h, w, k, n, check), quadratic(h, d, k, n, check));
}
