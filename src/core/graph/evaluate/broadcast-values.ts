import type { ConstTensor } from './const-tensor';
import { sizeOf } from './const-tensor';

/** Numpy-style broadcast of dims, or undefined when they do not broadcast. */
export function broadcastDims(all: readonly (readonly number[])[]): number[] | undefined {
  const rank = Math.max(0, ...all.map((d) => d.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const dims of all) {
      const v = dims[dims.length - rank + i] ?? 1;
      if (v === 1) continue;
      if (d !== 1 && d !== v) return undefined;
      d = v;
    }
    out.push(d);
  }
  return out;
}

/** For each output element, the flat index it reads in `dims` broadcast to `out`. */
function sourceIndex(dims: readonly number[], out: readonly number[]): Int32Array {
  const n = sizeOf(out);
  const rank = out.length;
  const padded = [...new Array<number>(rank - dims.length).fill(1), ...dims];
  const strides = new Array<number>(rank).fill(0);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    strides[i] = padded[i] === 1 ? 0 : s;
    s *= padded[i]!;
  }
  const idx = new Int32Array(n);
  const pos = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    let at = 0;
    for (let i = 0; i < rank; i++) at += pos[i]! * strides[i]!;
    idx[k] = at;
    for (let i = rank - 1; i >= 0; i--) {
      if (++pos[i]! < out[i]!) break;
      pos[i] = 0;
    }
  }
  return idx;
}

/** Elementwise `fn` over broadcast inputs, or undefined when their dims do not broadcast. */
export function mapBroadcast(inputs: readonly ConstTensor[], dataType: number, fn: (values: number[]) => number): ConstTensor | undefined {
  const dims = broadcastDims(inputs.map((t) => t.dims));
  if (!dims) return undefined;
  const n = sizeOf(dims);
  const sources = inputs.map((t) => sourceIndex(t.dims, dims));
  const data = new Array<number>(n);
  const args = new Array<number>(inputs.length);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < inputs.length; i++) args[i] = inputs[i]!.data[sources[i]![k]!]!;
    data[k] = fn(args);
  }
  return { dataType, dims, data };
}

/** `t`'s values broadcast to `dims` (which must be a broadcast of `t.dims`). */
export function broadcastTo(t: ConstTensor, dims: readonly number[]): ConstTensor {
  const src = sourceIndex(t.dims, dims);
  return { dataType: t.dataType, dims: [...dims], data: Array.from(src, (i) => t.data[i]!) };
}
