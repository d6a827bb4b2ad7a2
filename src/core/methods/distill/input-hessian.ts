import { noCheckpoint, rowsPerCheck, type Checkpoint } from '../../util/checkpoint';

/**
 * H = Σ xᵀx over every row x of a layer's input (the last axis is the K input features), in
 * float64, one activation tensor at a time so memory stays K x K whatever the sample count.
 */
export class InputHessian {
  readonly h: Float64Array;
  /** Rows added so far. */
  rows = 0;

  constructor(readonly k: number) {
    this.h = new Float64Array(k * k);
  }

  /** Adds every length-K row of `values` (a [..., K] activation); false when the length does not fit K. `check` runs every CHECK_EVERY multiply-adds or so. */
  add(values: ArrayLike<number>, check: Checkpoint = noCheckpoint): boolean {
    const { k, h } = this;
    if (values.length % k !== 0) return false;
    const rows = values.length / k;
    const x = new Float64Array(k);
    const every = rowsPerCheck((k * (k + 1)) / 2);
    for (let r = 0; r < rows; r++) {
      if (r % every === 0) check();
      const base = r * k;
      for (let i = 0; i < k; i++) x[i] = values[base + i]!;
      // Upper triangle only; mirrored by symmetric().
      for (let i = 0; i < k; i++) {
        const xi = x[i]!;
        if (xi === 0) continue;
        const ri = i * k;
        for (let j = i; j < k; j++) h[ri + j] = h[ri + j]! + xi * x[j]!;
      }
    }
    this.rows += rows;
    return true;
  }

  /** The full symmetric matrix (a copy). */
  symmetric(): Float64Array {
    const { k, h } = this;
    const out = new Float64Array(k * k);
    for (let i = 0; i < k; i++) {
      for (let j = i; j < k; j++) {
        out[i * k + j] = h[i * k + j]!;
        out[j * k + i] = h[i * k + j]!;
      }
    }
    return out;
  }
}
