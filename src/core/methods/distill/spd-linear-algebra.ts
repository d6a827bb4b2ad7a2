/**
 * Dense linear algebra on symmetric positive-definite matrices, float64, row-major n x n. These
 * are the pieces GPTQ and ridge regression need: a Cholesky factor, the inverse, and the upper
 * Cholesky factor of the inverse.
 */

/**
 * Lower Cholesky factor L (A = L Lᵀ) of the SPD matrix `a`, as a new matrix with zeros above the
 * diagonal; undefined when a pivot is not positive (A is not positive definite in float64).
 */
export function choleskyLower(a: Float64Array, n: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= l[rj + k]! * l[rj + k]!;
    if (!(d > 0) || !Number.isFinite(d)) return undefined;
    const ljj = Math.sqrt(d);
    l[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= l[ri + k]! * l[rj + k]!;
      l[ri + j] = s / ljj;
    }
  }
  return l;
}

/** L⁻¹ of a lower-triangular L with a positive diagonal (forward substitution, column by column). */
export function invertLower(l: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    inv[ri + i] = 1 / l[ri + i]!;
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s += l[ri + k]! * inv[k * n + j]!;
      inv[ri + j] = -s / l[ri + i]!;
    }
  }
  return inv;
}

/** A⁻¹ from A's lower Cholesky factor: (L Lᵀ)⁻¹ = L⁻ᵀ L⁻¹. */
export function inverseFromCholesky(l: Float64Array, n: number): Float64Array {
  const m = invertLower(l, n);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      // (MᵀM)[i][j] = Σ_k M[k][i] M[k][j]; M is lower so k runs from max(i, j) = i.
      let s = 0;
      for (let k = i; k < n; k++) s += m[k * n + i]! * m[k * n + j]!;
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/** The inverse of an SPD matrix, or undefined when it is not positive definite. */
export function invertSpd(a: Float64Array, n: number): Float64Array | undefined {
  const l = choleskyLower(a, n);
  return l && inverseFromCholesky(l, n);
}

/**
 * Upper-triangular U with A⁻¹ = Uᵀ U, the factor GPTQ walks row by row: U[i][i]² is the
 * variance of weight i given those after it are free, U[i][j>i] how its error spreads to them.
 */
export function upperCholeskyOfInverse(a: Float64Array, n: number): Float64Array | undefined {
  const inv = invertSpd(a, n);
  if (!inv) return undefined;
  const l = choleskyLower(inv, n);
  if (!l) return undefined;
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) u[j * n + i] = l[i * n + j]!;
  return u;
}
