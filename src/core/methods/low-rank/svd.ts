import { symmetricEigen } from './symmetric-eigen';

/**
 * The singular values of an m x n matrix (descending) and the singular vectors of its smaller
 * side, as rows: left ones (length m) when m <= n, right ones (length n) otherwise. From the
 * eigen-decomposition of the smaller Gram matrix (A Aᵀ or Aᵀ A), so the work is
 * O(m n min(m, n) + min(m, n)³) and the vectors are orthonormal to rounding.
 */
export interface SingularSubspace {
  side: 'left' | 'right';
  /** min(m, n) singular values, descending; those under rounding of the Gram matrix read as 0. */
  sigma: Float64Array;
  /** min(m, n) vectors, one per row. */
  vectors: Float64Array;
}

/** A Aᵀ (m x m) of a row-major m x n matrix, or Aᵀ A (n x n) when `side` is 'right'. */
export function gram(a: ArrayLike<number>, m: number, n: number, side: 'left' | 'right', check: () => void = () => {}): Float64Array {
  if (side === 'left') {
    const g = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      check();
      const ri = i * n;
      for (let j = i; j < m; j++) {
        const rj = j * n;
        let s = 0;
        for (let k = 0; k < n; k++) s += a[ri + k]! * a[rj + k]!;
        g[i * m + j] = s;
        g[j * m + i] = s;
      }
    }
    return g;
  }
  const g = new Float64Array(n * n);
  for (let k = 0; k < m; k++) {
    if (k % 16 === 0) check();
    const rk = k * n;
    for (let i = 0; i < n; i++) {
      const x = a[rk + i]!;
      if (x === 0) continue;
      const ri = i * n;
      for (let j = i; j < n; j++) g[ri + j] = g[ri + j]! + x * a[rk + j]!;
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) g[j * n + i] = g[i * n + j]!;
  return g;
}

export function singularSubspace(a: ArrayLike<number>, m: number, n: number, check: () => void = () => {}): SingularSubspace {
  if (a.length !== m * n) throw new RangeError(`singularSubspace: expected ${m * n} values for ${m}x${n}; found ${a.length}.`);
  const side = m <= n ? 'left' : 'right';
  const size = Math.min(m, n);
  const { values, vectors } = symmetricEigen(gram(a, m, n, side, check), size, check);
  const sigma = values.map((v) => Math.sqrt(Math.max(v, 0)));
  return { side, sigma, vectors };
}

/** A thin SVD A = U diag(sigma) Vᵀ: U is m x p, V is n x p (row-major), p = min(m, n). */
export interface ThinSvd {
  u: Float64Array;
  sigma: Float64Array;
  v: Float64Array;
}

/**
 * Makes row `row` of `rows` (length len) a unit vector orthogonal to the rows before it: modified
 * Gram-Schmidt, twice (which keeps it orthogonal to rounding). When too little of it is left
 * (a singular value near 0, whose partner the product cannot give), a basis vector e_k is tried
 * in its place, from `nextBasis` on; returns where the next search for one should start.
 */
function orthonormalizeRow(rows: Float64Array, row: number, len: number, nextBasis: number): number {
  const x = rows.subarray(row * len, (row + 1) * len);
  const project = (): number => {
    for (let pass = 0; pass < 2; pass++) {
      for (let o = 0; o < row; o++) {
        const prev = rows.subarray(o * len, (o + 1) * len);
        let dot = 0;
        for (let k = 0; k < len; k++) dot += x[k]! * prev[k]!;
        for (let k = 0; k < len; k++) x[k] = x[k]! - dot * prev[k]!;
      }
    }
    let sq = 0;
    for (let k = 0; k < len; k++) sq += x[k]! * x[k]!;
    return Math.sqrt(sq);
  };
  let before = 0;
  for (let k = 0; k < len; k++) before += x[k]! * x[k]!;
  let norm = before > 0 ? project() : 0;
  let basis = nextBasis;
  // Less than half of a unit vector left means it was mostly rounding noise.
  while (!(norm > 0.5 * Math.sqrt(before)) || norm === 0) {
    if (basis >= len) throw new RangeError(`thinSvd: no unit vector of length ${len} is orthogonal to ${row} others.`);
    x.fill(0);
    x[basis++] = 1;
    before = 1;
    norm = project();
  }
  for (let k = 0; k < len; k++) x[k] = x[k]! / norm;
  return basis;
}

/** The thin SVD of a row-major m x n matrix: the smaller side from its Gram matrix, the other by projection. */
export function thinSvd(a: ArrayLike<number>, m: number, n: number, check: () => void = () => {}): ThinSvd {
  const { side, sigma, vectors } = singularSubspace(a, m, n, check);
  const p = Math.min(m, n);
  const otherLen = side === 'left' ? n : m;
  // Other side's vectors as rows: Aᵀu/σ (right from left) or Av/σ (left from right).
  const other = new Float64Array(p * otherLen);
  const ownLen = side === 'left' ? m : n;
  let nextBasis = 0;
  for (let j = 0; j < p; j++) {
    check();
    const s = sigma[j]!;
    const vec = vectors.subarray(j * ownLen, (j + 1) * ownLen);
    const out = other.subarray(j * otherLen, (j + 1) * otherLen);
    if (s > 0) {
      if (side === 'left') {
        for (let i = 0; i < m; i++) {
          const ui = vec[i]!;
          if (ui === 0) continue;
          for (let k = 0; k < n; k++) out[k] = out[k]! + ui * a[i * n + k]!;
        }
      } else {
        for (let i = 0; i < m; i++) {
          let dot = 0;
          for (let k = 0; k < n; k++) dot += a[i * n + k]! * vec[k]!;
          out[i] = dot;
        }
      }
      for (let k = 0; k < otherLen; k++) out[k] = out[k]! / s;
    }
    nextBasis = orthonormalizeRow(other, j, otherLen, nextBasis);
  }
  const rowsToColumns = (rows: Float64Array, len: number): Float64Array => {
    const out = new Float64Array(len * p);
    for (let j = 0; j < p; j++) for (let k = 0; k < len; k++) out[k * p + j] = rows[j * len + k]!;
    return out;
  };
  const u = rowsToColumns(side === 'left' ? vectors : other, m);
  const v = rowsToColumns(side === 'left' ? other : vectors, n);
  return { u, sigma, v };
}
