import { invertSpd } from './spd-linear-algebra';
import { noCheckpoint, rowsPerCheck, type Checkpoint } from '../../util/checkpoint';

/**
 * Least squares with a ridge for one linear layer, y = x W (+ b): the Gram matrix G = Σ x̃ᵀx̃
 * (x̃ = [x, 1] when there is a bias), the cross term C = Σ x̃ᵀy and Σ‖y‖², all float64 and
 * accumulated one activation tensor at a time, so memory is (K+1)² + (K+1)N whatever the samples.
 */
export class RidgeFit {
  readonly width: number;
  readonly gram: Float64Array;
  readonly cross: Float64Array;
  targetEnergy = 0;
  rows = 0;

  constructor(
    readonly k: number,
    readonly n: number,
    readonly bias: boolean,
  ) {
    this.width = k + (bias ? 1 : 0);
    this.gram = new Float64Array(this.width * this.width);
    this.cross = new Float64Array(this.width * n);
  }

  /** Adds matching rows of the layer's input x ([..., K]) and the wanted output y ([..., N]); why not when they do not match. `check` runs every CHECK_EVERY multiply-adds or so. */
  add(x: ArrayLike<number>, y: ArrayLike<number>, check: Checkpoint = noCheckpoint): string | undefined {
    const { k, n, width, gram, cross, bias } = this;
    if (x.length % k !== 0 || y.length % n !== 0 || x.length / k !== y.length / n) return `input of ${x.length} values and output of ${y.length} do not make rows of ${k} and ${n}`;
    const rows = x.length / k;
    const xr = new Float64Array(width);
    const every = rowsPerCheck(width * (width / 2 + n));
    for (let r = 0; r < rows; r++) {
      if (r % every === 0) check();
      for (let i = 0; i < k; i++) xr[i] = x[r * k + i]!;
      if (bias) xr[k] = 1;
      for (let i = 0; i < width; i++) {
        const xi = xr[i]!;
        if (xi === 0) continue;
        const gi = i * width;
        for (let j = i; j < width; j++) gram[gi + j] = gram[gi + j]! + xi * xr[j]!;
        const ci = i * n;
        for (let c = 0; c < n; c++) cross[ci + c] = cross[ci + c]! + xi * y[r * n + c]!;
      }
      for (let c = 0; c < n; c++) this.targetEnergy += y[r * n + c]! ** 2;
    }
    this.rows += rows;
    return undefined;
  }

  /** A fit holding the rows of both this one and `other` (same shape). */
  plus(other: RidgeFit): RidgeFit {
    const sum = new RidgeFit(this.k, this.n, this.bias);
    for (let i = 0; i < sum.gram.length; i++) sum.gram[i] = this.gram[i]! + other.gram[i]!;
    for (let i = 0; i < sum.cross.length; i++) sum.cross[i] = this.cross[i]! + other.cross[i]!;
    sum.targetEnergy = this.targetEnergy + other.targetEnergy;
    sum.rows = this.rows + other.rows;
    return sum;
  }

  private fullGram(): Float64Array {
    const { width: w, gram } = this;
    const g = new Float64Array(w * w);
    for (let i = 0; i < w; i++) for (let j = i; j < w; j++) g[i * w + j] = g[j * w + i] = gram[i * w + j]!;
    return g;
  }

  /**
   * Σ‖y - x̃ W̃‖² of weights W̃ ((K [+1]) x N rows, bias last) on the accumulated rows:
   * Σ‖y‖² - 2 tr(W̃ᵀC) + tr(W̃ᵀ G W̃), without the activations.
   */
  residual(weights: Float64Array): number {
    const { width: w, n, cross } = this;
    const g = this.fullGram();
    let cross2 = 0;
    for (let i = 0; i < w * n; i++) cross2 += weights[i]! * cross[i]!;
    let quad = 0;
    const gw = new Float64Array(n);
    for (let i = 0; i < w; i++) {
      gw.fill(0);
      for (let j = 0; j < w; j++) {
        const gij = g[i * w + j]!;
        if (gij === 0) continue;
        for (let c = 0; c < n; c++) gw[c] = gw[c]! + gij * weights[j * n + c]!;
      }
      for (let c = 0; c < n; c++) quad += weights[i * n + c]! * gw[c]!;
    }
    return Math.max(0, this.targetEnergy - 2 * cross2 + quad);
  }

  /**
   * W̃ = (G + λ'I)⁻¹ (C + λ'P) with λ' = λ·mean(diag G): least squares pulled towards the prior
   * weights P (those the previous steps left; zeros when absent), so an input the samples never
   * exercised keeps its weight. (K [+1]) x N, bias last; undefined when not positive definite.
   */
  solve(lambda: number, prior?: Float64Array): Float64Array | undefined {
    const { width: w, n } = this;
    const g = this.damped(lambda);
    const cross = this.pulledCross(lambda, prior);
    const inv = invertSpd(g, w);
    if (!inv) return undefined;
    const out = new Float64Array(w * n);
    for (let i = 0; i < w; i++) {
      for (let j = 0; j < w; j++) {
        const a = inv[i * w + j]!;
        if (a === 0) continue;
        for (let c = 0; c < n; c++) out[i * n + c] = out[i * n + c]! + a * cross[j * n + c]!;
      }
    }
    return out;
  }

  /** λ·mean(diag G), the ridge in the Gram matrix's own units. */
  private ridge(lambda: number): number {
    const w = this.width;
    let mean = 0;
    for (let i = 0; i < w; i++) mean += this.gram[i * w + i]!;
    return lambda * (mean / w || 1);
  }

  /** G + λ'I (a tiny extra on zero diagonals, inputs that never fired). */
  private damped(lambda: number): Float64Array {
    const w = this.width;
    const g = this.fullGram();
    const r = this.ridge(lambda);
    for (let i = 0; i < w; i++) g[i * w + i] = g[i * w + i]! + r + (g[i * w + i] === 0 ? 1e-12 : 0);
    return g;
  }

  /** C + λ'P: the right-hand side of the ridge pulled towards the prior weights. */
  private pulledCross(lambda: number, prior: Float64Array | undefined): Float64Array {
    const c = Float64Array.from(this.cross);
    if (!prior) return c;
    const r = this.ridge(lambda);
    for (let i = 0; i < c.length; i++) c[i] = c[i]! + r * prior[i]!;
    // An input that never fired (zero Gram diagonal) keeps its prior weight exactly.
    const w = this.width;
    for (let i = 0; i < w; i++) if (this.gram[i * w + i] === 0) for (let j = 0; j < this.n; j++) c[i * this.n + j] = (r + 1e-12) * prior[i * this.n + j]!;
    return c;
  }

  /**
   * As {@link solve} (same prior), but entry (i, c) of the result is fitted only where `free(i, c)` and is 0
   * elsewhere (a pruned weight stays pruned): each output column solves its own sub-system.
   */
  solveMasked(lambda: number, free: (i: number, c: number) => boolean, prior?: Float64Array): Float64Array | undefined {
    const { width: w, n } = this;
    const g = this.damped(lambda);
    const cross = this.pulledCross(lambda, prior);
    const out = new Float64Array(w * n);
    for (let c = 0; c < n; c++) {
      const idx: number[] = [];
      for (let i = 0; i < w; i++) if (free(i, c)) idx.push(i);
      const m = idx.length;
      if (m === 0) continue;
      const sub = new Float64Array(m * m);
      for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) sub[a * m + b] = g[idx[a]! * w + idx[b]!]!;
      const inv = invertSpd(sub, m);
      if (!inv) return undefined;
      for (let a = 0; a < m; a++) {
        let v = 0;
        for (let b = 0; b < m; b++) v += inv[a * m + b]! * cross[idx[b]! * n + c]!;
        out[idx[a]! * n + c] = v;
      }
    }
    return out;
  }
}
