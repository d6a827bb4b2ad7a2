import { DT } from '../../ir/dtype';
import { attrInt, attrInts } from '../attrs';
import { intValues, normAxis, stridesOf, type ConstOp } from './const-op';
import { coerce, sizeOf } from './const-tensor';

interface Reduction {
  /** The value of an empty reduction, or undefined where it has none worth folding. */
  empty: number | undefined;
  step: (acc: number, v: number) => number;
  /** The accumulator from a slot's first value (the value itself by default). */
  first?: (v: number) => number;
  finish?: (acc: number, count: number) => number;
  types: ReadonlySet<number>;
}

const NUMERIC: ReadonlySet<number> = new Set([DT.FLOAT, DT.INT32, DT.INT64]);

/**
 * A Reduce* operator: axes from the attribute (older opsets) or the second input (ReduceSum from
 * opset 13, the others from 18), keepdims, and noop_with_empty_axes.
 */
const reduce = (r: Reduction): ConstOp => (node, [x, axesIn]) => {
  if (!x || !r.types.has(x.dataType)) return undefined;
  const rank = x.dims.length;
  const listed = attrInts(node, 'axes') ?? (axesIn ? intValues(axesIn) : []);
  if (!listed) return undefined;
  if (listed.length === 0 && attrInt(node, 'noop_with_empty_axes') === 1) return [x];
  const axes = new Set((listed.length > 0 ? listed : x.dims.map((_, i) => i)).map((a) => normAxis(a, rank)));
  if ([...axes].some((a) => a < 0 || a >= rank)) return undefined;
  const keep = (attrInt(node, 'keepdims') ?? 1) === 1;
  const kept = x.dims.map((d, i) => (axes.has(i) ? 1 : d));
  const outStrides = stridesOf(kept);
  const n = sizeOf(kept);
  const count = sizeOf(x.dims) / Math.max(n, 1);
  if (count === 0 && (r.empty === undefined || (!Number.isFinite(r.empty) && x.dataType !== DT.FLOAT))) return undefined;
  const acc = new Array<number>(n).fill(NaN);
  const seen = new Array<boolean>(n).fill(false);
  const pos = new Array<number>(rank).fill(0);
  for (let k = 0; k < x.data.length; k++) {
    let at = 0;
    for (let i = 0; i < rank; i++) if (!axes.has(i)) at += pos[i]! * outStrides[i]!;
    acc[at] = seen[at] ? r.step(acc[at]!, x.data[k]!) : r.first ? r.first(x.data[k]!) : x.data[k]!;
    seen[at] = true;
    for (let i = rank - 1; i >= 0; i--) {
      if (++pos[i]! < x.dims[i]!) break;
      pos[i] = 0;
    }
  }
  const data = acc.map((v, i) => coerce(seen[i] ? (r.finish ? r.finish(v, count) : v) : r.empty!, x.dataType));
  return [{ dataType: x.dataType, dims: keep ? kept : x.dims.filter((_, i) => !axes.has(i)), data }];
};

const nanMax = (a: number, b: number): number => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b));
const nanMin = (a: number, b: number): number => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b));

export const REDUCE_OPS: Record<string, ConstOp> = {
  ReduceSum: reduce({ empty: 0, step: (a, v) => a + v, types: NUMERIC }),
  ReduceProd: reduce({ empty: 1, step: (a, v) => a * v, types: NUMERIC }),
  ReduceMax: reduce({ empty: -Infinity, step: nanMax, types: NUMERIC }),
  ReduceMin: reduce({ empty: Infinity, step: nanMin, types: NUMERIC }),
  ReduceMean: reduce({ empty: undefined, step: (a, v) => a + v, finish: (a, c) => a / c, types: new Set([DT.FLOAT]) }),
  ReduceSumSquare: reduce({ empty: 0, step: (a, v) => a + v * v, first: (v) => v * v, types: NUMERIC }),
};
