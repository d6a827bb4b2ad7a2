import { UnsupportedModelError } from '../../util/errors';

/** Eigenvalues in descending order and their unit eigenvectors, one per row of `vectors` (n x n, row-major). */
export interface SymmetricEigen {
  values: Float64Array;
  vectors: Float64Array;
}

/** QL sweeps allowed per eigenvalue before the solver gives up (convergence takes 1 to 3). */
const MAX_ITERATIONS = 64;

/**
 * Reduces the symmetric matrix in `v` (row-major, overwritten) to tridiagonal form by Householder
 * reflections, leaving the transpose of the accumulated orthogonal transform in `v` (its columns
 * as rows: every inner loop then runs along a row), the diagonal in `d` and the sub-diagonal in
 * `e` (e[i] couples rows i-1 and i; e[0] = 0).
 */
function tridiagonalize(v: Float64Array, n: number, d: Float64Array, e: Float64Array, check: () => void): void {
  for (let j = 0; j < n; j++) d[j] = v[j * n + n - 1]!;
  for (let i = n - 1; i > 0; i--) {
    check();
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = v[j * n + i - 1]!;
        v[j * n + i] = 0;
        v[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] = d[k]! / scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        v[i * n + j] = f;
        g = e[j]! + v[j * n + j]! * f;
        for (let k = j + 1; k < i; k++) {
          g += v[j * n + k]! * d[k]!;
          e[k] = e[k]! + v[j * n + k]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = e[j]! / h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k < i; k++) v[j * n + k] = v[j * n + k]! - (f * e[k]! + g * d[k]!);
        d[j] = v[j * n + i - 1]!;
        v[j * n + i] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the reflections into v.
  for (let i = 0; i < n - 1; i++) {
    v[i * n + n - 1] = v[i * n + i]!;
    v[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[(i + 1) * n + k]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[(i + 1) * n + k]! * v[j * n + k]!;
        for (let k = 0; k <= i; k++) v[j * n + k] = v[j * n + k]! - g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) v[(i + 1) * n + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[j * n + n - 1]!;
    v[j * n + n - 1] = 0;
  }
  v[n * n - 1] = 1;
  e[0] = 0;
}

/**
 * Diagonalizes the tridiagonal matrix (d, e) by implicit QL steps with Wilkinson-like shifts,
 * rotating the rows of `z` (eigenvectors stored as rows, so each rotation touches two contiguous rows).
 */
function diagonalize(z: Float64Array, n: number, d: Float64Array, e: Float64Array, check: () => void): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    check();
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]!) > eps * tst1) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > MAX_ITERATIONS) throw new UnsupportedModelError(`Eigen-decomposition did not converge after ${MAX_ITERATIONS} QL steps on eigenvalue ${l} of ${n}; expected a finite symmetric matrix.`);
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = 1;
        let c3 = 1;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          const a = i * n;
          const b = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const zb = z[b + k]!;
            const za = z[a + k]!;
            z[b + k] = s * za + c * zb;
            z[a + k] = c * za - s * zb;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}

/**
 * Eigen-decomposition of a symmetric n x n matrix (row-major, float64; only read), by Householder
 * tridiagonalization and implicit QL: about 4n³ operations, vectors orthonormal to rounding.
 * `check` runs every O(n²) operations (abort checks).
 */
export function symmetricEigen(a: ArrayLike<number>, n: number, check: () => void = () => {}): SymmetricEigen {
  if (a.length !== n * n) throw new RangeError(`symmetricEigen: expected ${n * n} values for a ${n}x${n} matrix; found ${a.length}.`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) throw new UnsupportedModelError(`symmetricEigen: expected finite values; found ${a[i]} at ${i}.`);
  }
  const v = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { values: d, vectors: v };
  tridiagonalize(v, n, d, e, check);
  // The reduction works on the transpose (so its inner loops run along rows): v's rows are the transform's columns.
  const z = v;
  diagonalize(z, n, d, e, check);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y]! - d[x]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    values[to] = d[from]!;
    vectors.set(z.subarray(from * n, from * n + n), to * n);
  });
  return { values, vectors };
}
