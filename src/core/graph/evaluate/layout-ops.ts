import { DT } from '../../ir/dtype';
import { attrInt, attrInts } from '../attrs';
import { broadcastDims, broadcastTo } from './broadcast-values';
import { intValues, normAxis, stridesOf, type ConstOp } from './const-op';
import { sizeOf } from './const-tensor';

/** Visits every position of `dims` in row-major order. */
function forEachIndex(dims: readonly number[], visit: (pos: readonly number[], k: number) => void): void {
  const n = sizeOf(dims);
  const pos = new Array<number>(dims.length).fill(0);
  for (let k = 0; k < n; k++) {
    visit(pos, k);
    for (let i = dims.length - 1; i >= 0; i--) {
      if (++pos[i]! < dims[i]!) break;
      pos[i] = 0;
    }
  }
}

const transpose: ConstOp = (node, [x]) => {
  if (!x) return undefined;
  const rank = x.dims.length;
  const perm = attrInts(node, 'perm') ?? x.dims.map((_, i) => rank - 1 - i);
  if (perm.length !== rank || new Set(perm.map((p) => normAxis(p, rank))).size !== rank) return undefined;
  const axes = perm.map((p) => normAxis(p, rank));
  const inStrides = stridesOf(x.dims);
  const dims = axes.map((a) => x.dims[a]!);
  const data = new Array<number>(x.data.length);
  forEachIndex(dims, (pos, k) => {
    let at = 0;
    for (let i = 0; i < rank; i++) at += pos[i]! * inStrides[axes[i]!]!;
    data[k] = x.data[at]!;
  });
  return [{ dataType: x.dataType, dims, data }];
};

const expand: ConstOp = (_, [x, shape]) => {
  const target = intValues(shape);
  if (!x || !target) return undefined;
  const dims = broadcastDims([x.dims, target]);
  return dims && [broadcastTo(x, dims)];
};

const tile: ConstOp = (_, [x, repeatsIn]) => {
  const repeats = intValues(repeatsIn);
  if (!x || !repeats || repeats.length !== x.dims.length || repeats.some((r) => r < 0)) return undefined;
  const dims = x.dims.map((d, i) => d * repeats[i]!);
  const inStrides = stridesOf(x.dims);
  const data = new Array<number>(sizeOf(dims));
  forEachIndex(dims, (pos, k) => {
    let at = 0;
    for (let i = 0; i < pos.length; i++) at += (pos[i]! % x.dims[i]!) * inStrides[i]!;
    data[k] = x.data[at]!;
  });
  return [{ dataType: x.dataType, dims, data }];
};

const flatten: ConstOp = (node, [x]) => {
  if (!x) return undefined;
  const rank = x.dims.length;
  const axis = normAxis(attrInt(node, 'axis') ?? 1, rank);
  if (axis < 0 || axis > rank) return undefined;
  return [{ ...x, dims: [sizeOf(x.dims.slice(0, axis)), sizeOf(x.dims.slice(axis))] }];
};

/** Size needs only its input's dims (the evaluator passes dims without data for a value of known shape). */
const size: ConstOp = (_, [x]) => (x ? [{ dataType: DT.INT64, dims: [], data: [sizeOf(x.dims)] }] : undefined);

const nonZero: ConstOp = (_, [x]) => {
  if (!x || x.dims.length === 0) return undefined;
  const hits: number[][] = x.dims.map(() => []);
  forEachIndex(x.dims, (pos, k) => {
    if (x.data[k] !== 0) pos.forEach((p, i) => hits[i]!.push(p));
  });
  const count = hits[0]!.length;
  return [{ dataType: DT.INT64, dims: [x.dims.length, count], data: hits.flat() }];
};

export const LAYOUT_OPS: Record<string, ConstOp> = { Transpose: transpose, Expand: expand, Tile: tile, Flatten: flatten, Size: size, NonZero: nonZero };
