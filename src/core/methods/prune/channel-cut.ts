import { noCheckpoint, rowsPerCheck, type Checkpoint } from '../../util/checkpoint';

/** Keeps the `keep` indices (ascending) of one axis of a row-major tensor; `check` runs every CHECK_EVERY elements or so and may throw to stop. */
export function keepAlongAxis(
  values: Float32Array,
  dims: readonly number[],
  axis: number,
  keep: readonly number[],
  check: Checkpoint = noCheckpoint,
): { values: Float32Array<ArrayBuffer>; dims: number[] } {
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const length = dims[axis]!;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(outer * keep.length * inner);
  // A step is one row (inner === 1) or one slice of `inner` values.
  const every = rowsPerCheck(inner === 1 ? length : inner);
  let step = 0;
  let at = 0;
  for (let p = 0; p < outer; p++) {
    const row = p * length;
    if (inner === 1) {
      if (step++ % every === 0) check();
      // Columns one by one: a subarray per element would cost more than the copy.
      for (const c of keep) out[at++] = values[row + c]!;
      continue;
    }
    for (const c of keep) {
      if (step++ % every === 0) check();
      const start = (row + c) * inner;
      out.set(values.subarray(start, start + inner), at);
      at += inner;
    }
  }
  const newDims = [...dims];
  newDims[axis] = keep.length;
  return { values: out, dims: newDims };
}

/** Norm of each slice along `axis`: sum of |x| (l1) or sum of x² (l2, squared so several filters add). */
export function sliceNorms(values: Float32Array, dims: readonly number[], axis: number, kind: 'l1' | 'l2', check: Checkpoint = noCheckpoint): Float64Array {
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const length = dims[axis]!;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float64Array(length);
  const every = rowsPerCheck(inner);
  for (let p = 0; p < outer; p++) {
    for (let c = 0; c < length; c++) {
      if (c % every === 0) check();
      const start = (p * length + c) * inner;
      let s = 0;
      for (let i = start; i < start + inner; i++) s += kind === 'l1' ? Math.abs(values[i]!) : values[i]! * values[i]!;
      out[c]! += s;
    }
  }
  return out;
}

/** The `count` channels of highest importance, ascending by index (ties keep the earlier). */
export function channelsToKeep(importance: Float64Array, count: number): number[] {
  const order = Array.from(importance.keys()).sort((a, b) => importance[b]! - importance[a]! || a - b);
  return order.slice(0, count).sort((a, b) => a - b);
}
