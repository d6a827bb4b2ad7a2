import { DT } from '../../ir/dtype';
import { attrFloat, attrInt } from '../attrs';
import { mapBroadcast } from './broadcast-values';
import type { ConstOp } from './const-op';
import { coerce, type ConstTensor } from './const-tensor';

const NUMERIC: ReadonlySet<number> = new Set([DT.FLOAT, DT.INT32, DT.INT64]);
const FLOAT_ONLY: ReadonlySet<number> = new Set([DT.FLOAT]);

/** A one-input operator over the listed types; the result is stored as the input's type. */
const unary = (types: ReadonlySet<number>, f: (x: number) => number): ConstOp => (_, [x]) =>
  x && types.has(x.dataType) ? [{ dataType: x.dataType, dims: x.dims, data: x.data.map((v) => coerce(f(v), x.dataType)) }] : undefined;

/** Same-typed inputs (any count from `min`), broadcast, into `outType` (the inputs' own type when absent). */
const broadcastOp = (types: ReadonlySet<number>, f: (values: number[]) => number, outType?: number, min = 2): ConstOp => (_, inputs) => {
  const all = inputs.filter((t): t is ConstTensor => t !== undefined);
  const t0 = all[0];
  if (!t0 || all.length !== inputs.length || all.length < min || !types.has(t0.dataType) || all.some((t) => t.dataType !== t0.dataType)) return undefined;
  const type = outType ?? t0.dataType;
  const out = mapBroadcast(all, type, (v) => coerce(f(v), type));
  return out && [out];
};

const compare = (f: (a: number, b: number) => boolean): ConstOp => broadcastOp(NUMERIC, ([a, b]) => (f(a!, b!) ? 1 : 0), DT.BOOL);
const logical = (f: (a: boolean, b: boolean) => boolean): ConstOp => broadcastOp(new Set([DT.BOOL]), ([a, b]) => (f(a !== 0, b !== 0) ? 1 : 0));

/** Max and Min: NaN wins, as numpy's maximum and minimum do. */
const pick = (f: (a: number, b: number) => number) => (v: number[]): number => v.reduce((m, x) => (Number.isNaN(m) || Number.isNaN(x) ? NaN : f(m, x)));

const pow: ConstOp = (_, [x, y]) => {
  if (!x || !y || !NUMERIC.has(x.dataType) || !NUMERIC.has(y.dataType)) return undefined;
  const integer = x.dataType !== DT.FLOAT;
  // An integer base with a negative exponent has no integer result worth folding.
  if (integer && y.data.some((v) => v < 0)) return undefined;
  const out = mapBroadcast([x, y], x.dataType, ([a, b]) => coerce(integer ? Math.round(a! ** Math.trunc(b!)) : a! ** b!, x.dataType));
  return out && [out];
};

/** Mod: with fmod=1 the remainder takes the dividend's sign (C fmod), else the divisor's (integers only, as the spec says). */
const mod: ConstOp = (node, [a, b]) => {
  if (!a || !b || a.dataType !== b.dataType || !NUMERIC.has(a.dataType)) return undefined;
  const fmod = attrInt(node, 'fmod') === 1;
  const integer = a.dataType !== DT.FLOAT;
  if ((!fmod && !integer) || (integer && b.data.includes(0))) return undefined;
  const out = mapBroadcast([a, b], a.dataType, ([x, y]) => {
    const r = x! % y!;
    return coerce(!fmod && r !== 0 && r < 0 !== y! < 0 ? r + y! : r, a.dataType);
  });
  return out && [out];
};

/** Clip: bounds from attributes (opset < 11) or optional inputs. */
const clip: ConstOp = (node, [x, lo, hi]) => {
  if (!x || !NUMERIC.has(x.dataType)) return undefined;
  const bound = (t: ConstTensor | undefined, attr: string, fallback: number): number | undefined => {
    if (t) return t.data.length === 1 && t.dataType === x.dataType ? t.data[0] : undefined;
    return attrFloat(node, attr) ?? fallback;
  };
  const min = bound(lo, 'min', -Infinity);
  const max = bound(hi, 'max', Infinity);
  if (min === undefined || max === undefined) return undefined;
  return [{ dataType: x.dataType, dims: x.dims, data: x.data.map((v) => (Number.isNaN(v) ? v : coerce(Math.min(Math.max(v, min), max), x.dataType))) }];
};

/** Round half to even, as ONNX's Round does. */
function roundEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const ELEMENTWISE_OPS: Record<string, ConstOp> = {
  Neg: unary(NUMERIC, (v) => -v),
  Abs: unary(NUMERIC, Math.abs),
  Sign: unary(NUMERIC, Math.sign),
  Relu: unary(NUMERIC, (v) => (v > 0 ? v : 0)),
  Floor: unary(FLOAT_ONLY, Math.floor),
  Ceil: unary(FLOAT_ONLY, Math.ceil),
  Round: unary(FLOAT_ONLY, roundEven),
  Sqrt: unary(FLOAT_ONLY, Math.sqrt),
  Exp: unary(FLOAT_ONLY, Math.exp),
  Log: unary(FLOAT_ONLY, Math.log),
  Reciprocal: unary(FLOAT_ONLY, (v) => 1 / v),
  Not: unary(new Set([DT.BOOL]), (v) => (v ? 0 : 1)),
  Less: compare((a, b) => a < b),
  LessOrEqual: compare((a, b) => a <= b),
  Greater: compare((a, b) => a > b),
  GreaterOrEqual: compare((a, b) => a >= b),
  And: logical((a, b) => a && b),
  Or: logical((a, b) => a || b),
  Xor: logical((a, b) => a !== b),
  Max: broadcastOp(NUMERIC, pick(Math.max), undefined, 1),
  Min: broadcastOp(NUMERIC, pick(Math.min), undefined, 1),
  Sum: broadcastOp(NUMERIC, (v) => v.reduce((s, x) => s + x, 0), undefined, 1),
  Mean: broadcastOp(FLOAT_ONLY, (v) => v.reduce((s, x) => s + x, 0) / v.length, undefined, 1),
  Pow: pow,
  Mod: mod,
  Clip: clip,
};
