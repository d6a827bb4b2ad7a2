/**
 * What an output's shape says it holds, for the metrics that only make sense on some outputs:
 * - 'classifier': one score vector per row, [C], [N, C] or [N, C, 1, 1];
 * - 'dense-classes': a score vector per position, [N, T, C] (per timestep) or [N, C, H, W...];
 * - 'map': one channel per position, [N, 1, H, W...] (masks, detection probability maps);
 * - 'values': anything else (embeddings, regressions, scalars).
 */
export type OutputKind = 'classifier' | 'dense-classes' | 'map' | 'values';

export interface OutputLayout {
  kind: OutputKind;
  /** The axis holding the class scores (classifier, dense-classes) or the single channel (map). */
  classAxis?: number;
}

export function outputLayout(dims: readonly number[]): OutputLayout {
  const r = dims.length;
  if (r === 1) return dims[0]! > 1 ? { kind: 'classifier', classAxis: 0 } : { kind: 'values' };
  if (r === 2) return dims[1]! > 1 ? { kind: 'classifier', classAxis: 1 } : { kind: 'values' };
  if (r === 3) {
    if (dims[2]! <= 1) return { kind: 'values' };
    return dims[1] === 1 ? { kind: 'classifier', classAxis: 2 } : { kind: 'dense-classes', classAxis: 2 };
  }
  if (r >= 4) {
    const spatial = dims.slice(2).reduce((a, b) => a * b, 1);
    if (dims[1] === 1) return spatial > 1 ? { kind: 'map', classAxis: 1 } : { kind: 'values' };
    if (dims[1]! > 1) return spatial === 1 ? { kind: 'classifier', classAxis: 1 } : { kind: 'dense-classes', classAxis: 1 };
  }
  return { kind: 'values' };
}

/** Rows of a tensor along a class axis: `outer` x `inner` vectors of `classes` scores, `inner`-strided. */
export interface Rows {
  outer: number;
  classes: number;
  inner: number;
}

export function rowsOf(dims: readonly number[], classAxis: number): Rows {
  const prod = (a: readonly number[]): number => a.reduce((x, y) => x * y, 1);
  return { outer: prod(dims.slice(0, classAxis)), classes: dims[classAxis]!, inner: prod(dims.slice(classAxis + 1)) };
}
