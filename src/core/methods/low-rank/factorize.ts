import { choleskyLower } from '../distill/spd-linear-algebra';
import { singularSubspace } from './svd';

/** Two factors of a K x N weight: a (K x r) and b (r x N), row-major float32, with a·b ≈ W. */
export interface RankFactors {
  rank: number;
  a: Float32Array<ArrayBuffer>;
  b: Float32Array<ArrayBuffer>;
}

/**
 * A layer's weight ready to truncate: the singular values the rank is chosen from (of W, or of
 * Lᵀ·W when whitened, so they measure the layer's outputs) and the factors at any rank.
 */
export interface Factorization {
  /** min(K, N) singular values, descending. */
  sigma: Float64Array;
  factors(rank: number): RankFactors;
  /** Why whitening was dropped for plain SVD, when it was. */
  note?: string;
}

/** Damping is raised this many times (x10 each) before whitening gives up on a layer. */
const DAMP_RETRIES = 4;

/**
 * The lower Cholesky factor of H + λI with λ = damp · mean(diag H), raising the damping when H is
 * too close to singular; undefined (with the reason) when no damping makes it positive definite.
 */
function dampedCholesky(h: Float64Array, k: number, damp: number): Float64Array | string {
  let mean = 0;
  for (let i = 0; i < k; i++) mean += h[i * k + i]! / k;
  if (!(mean > 0) || !Number.isFinite(mean)) return 'its inputs were all zero on the calibration samples';
  let lambda = Math.max(damp, 1e-6) * mean;
  for (let attempt = 0; attempt <= DAMP_RETRIES; attempt++, lambda *= 10) {
    const damped = Float64Array.from(h);
    for (let i = 0; i < k; i++) damped[i * k + i] = damped[i * k + i]! + lambda;
    const l = choleskyLower(damped, k);
    if (l) return l;
  }
  return 'its input second moments stayed singular after damping';
}

/** x = L⁻ᵀ u for lower-triangular L (back substitution with Lᵀ). */
function solveUpperTransposed(l: Float64Array, k: number, u: ArrayLike<number>): Float64Array {
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = u[i]!;
    for (let p = i + 1; p < k; p++) s -= l[p * k + i]! * x[p]!;
    x[i] = s / l[i * k + i]!;
  }
  return x;
}

/** Scales each rank component so its column of a and row of b have the same norm (keeps both factors in a similar range, fp16 included). */
function balance(a: Float64Array, b: Float64Array, k: number, n: number, r: number): RankFactors {
  for (let j = 0; j < r; j++) {
    let na = 0;
    for (let i = 0; i < k; i++) na += a[i * r + j]! * a[i * r + j]!;
    let nb = 0;
    for (let c = 0; c < n; c++) nb += b[j * n + c]! * b[j * n + c]!;
    if (!(na > 0) || !(nb > 0)) continue;
    const scale = Math.sqrt(Math.sqrt(nb / na));
    for (let i = 0; i < k; i++) a[i * r + j] = a[i * r + j]! * scale;
    for (let c = 0; c < n; c++) b[j * n + c] = b[j * n + c]! / scale;
  }
  return { rank: r, a: Float32Array.from(a), b: Float32Array.from(b) };
}

/**
 * Factors a K x N weight W (row-major, input features by rows, as y = x·W) by the SVD of S = Lᵀ·W,
 * where L·Lᵀ is the layer's damped input second moment matrix H (whitened) or the identity (plain).
 * The rank-r truncation of S minimizes ‖X(W - W')‖ over rank-r W' for inputs X with XᵀX = H.
 * K <= N: S = U Σ Vᵀ from the K x K Gram matrix, a = L⁻ᵀ U_r, b = U_rᵀ S.
 * K > N: the right vectors from the N x N Gram matrix SᵀS = Wᵀ H W, a = W V_r, b = V_rᵀ.
 * Either way a·b = W at full rank, up to rounding.
 */
export function factorize(w: Float64Array, k: number, n: number, options: { hessian?: Float64Array; damp: number; check?: () => void }): Factorization {
  const check = options.check ?? (() => {});
  let l: Float64Array | undefined;
  let note: string | undefined;
  if (options.hessian) {
    const chol = dampedCholesky(options.hessian, k, options.damp);
    if (typeof chol === 'string') note = chol;
    else l = chol;
  }
  // S = Lᵀ W: S[i][c] = Σ_{p >= i} L[p][i] W[p][c].
  let s = w;
  if (l) {
    s = new Float64Array(k * n);
    for (let i = 0; i < k; i++) {
      check();
      const out = s.subarray(i * n, (i + 1) * n);
      for (let p = i; p < k; p++) {
        const lpi = l[p * k + i]!;
        if (lpi === 0) continue;
        const row = p * n;
        for (let c = 0; c < n; c++) out[c] = out[c]! + lpi * w[row + c]!;
      }
    }
  }
  const sub = singularSubspace(s, k, n, check);
  const factors = (rank: number): RankFactors => {
    const r = Math.max(1, Math.min(rank, sub.sigma.length));
    const a = new Float64Array(k * r);
    const b = new Float64Array(r * n);
    if (sub.side === 'left') {
      for (let j = 0; j < r; j++) {
        check();
        const u = sub.vectors.subarray(j * k, (j + 1) * k);
        const col = l ? solveUpperTransposed(l, k, u) : u;
        for (let i = 0; i < k; i++) a[i * r + j] = col[i]!;
        const row = b.subarray(j * n, (j + 1) * n);
        for (let i = 0; i < k; i++) {
          const ui = u[i]!;
          if (ui === 0) continue;
          for (let c = 0; c < n; c++) row[c] = row[c]! + ui * s[i * n + c]!;
        }
      }
    } else {
      for (let j = 0; j < r; j++) {
        check();
        const v = sub.vectors.subarray(j * n, (j + 1) * n);
        b.set(v, j * n);
        for (let i = 0; i < k; i++) {
          let dot = 0;
          for (let c = 0; c < n; c++) dot += w[i * n + c]! * v[c]!;
          a[i * r + j] = dot;
        }
      }
    }
    return balance(a, b, k, n, r);
  };
  return { sigma: sub.sigma, factors, ...(note && { note }) };
}
