import type { ModelIR } from '../ir/model';
import { tensorDims } from '../ir/tensor';
import { constantTensor } from '../ir/walk';
import type { DTypeName } from '../ir/dtype';
import { float32ToFloat16Bits } from '../ir/fp16';
import { UnsupportedModelError } from '../util/errors';
import { seededRandom, type Random } from '../util/random';
import { graphInputSpecs, type IOSpecLike } from './io-spec';
import type { Feeds, TensorData, TensorValues } from './tensor-data';

/** An input this code cannot make values for (dtype, missing shape, or too large). */
export class InputSynthesisError extends UnsupportedModelError {}

export type FloatDistribution = { kind: 'normal' } | { kind: 'uniform'; min: number; max: number };

export interface SynthesisOptions {
  /** Same seed, same inputs, on every host. */
  seed: number;
  /** How many samples (feeds) to make. */
  count: number;
  /**
   * Sizes for dims that are not fixed: by symbolic name (`batch`), or by input and axis
   * (`x[2]`) for dims that have no name. The input-and-axis form wins.
   */
  dims?: Readonly<Record<string, number>>;
  /** Floating-point values: standard normal by default. */
  float?: FloatDistribution;
  /** Integer values are drawn uniformly from [min, max); default DEFAULT_INT_RANGE. */
  intRange?: { min: number; max: number };
  /**
   * Per input name, one value every element of that input takes (a sample rate, a threshold):
   * wins over the random values. Integer inputs need an integer.
   */
  values?: Readonly<Record<string, number>>;
  /** Per input name, an integer range that wins over `intRange` (token ids below a vocabulary size). */
  intRanges?: Readonly<Record<string, { min: number; max: number }>>;
}

/** Default size of an unknown dim: batch (axis 0) 1, spatial dims of a rank-4 float input 64, else 16. */
export const DEFAULT_DIMS = { batch: 1, image: 64, other: 16 } as const;

/** Integer inputs' values when nothing else is said: uniform in [min, max). */
export const DEFAULT_INT_RANGE = { min: 0, max: 10 } as const;

/** No synthesized input may hold more elements than this (a 1x3x4096x4096 image is 50M). */
export const MAX_INPUT_ELEMENTS = 64 * 1024 * 1024;

const FLOAT_TYPES = new Set<string>(['float32', 'float64', 'float16']);

function isUnknownDim(d: number | string | null): boolean {
  return d === null || d === '' || d === '?' || (typeof d === 'number' && d < 0);
}

/** The concrete shape an input is fed with: fixed dims kept, the rest from `dims` or the defaults. */
export function resolveShape(spec: IOSpecLike, dims: Readonly<Record<string, number>> = {}): number[] {
  if (!spec.shape) {
    throw new InputSynthesisError(
      `Input '${spec.name}' declares no shape, so its rank is unknown; expected a tensor input with a declared shape.`,
    );
  }
  const rank = spec.shape.length;
  const imageLike = rank === 4 && FLOAT_TYPES.has(spec.dtype);
  return spec.shape.map((d, axis) => {
    const byAxis = dims[`${spec.name}[${axis}]`];
    if (byAxis !== undefined) return checkedSize(byAxis, `${spec.name}[${axis}]`);
    if (typeof d === 'number' && d >= 0) return d;
    const byName = typeof d === 'string' && !isUnknownDim(d) ? dims[d] : undefined;
    if (byName !== undefined) return checkedSize(byName, String(d));
    if (axis === 0) return DEFAULT_DIMS.batch;
    return imageLike ? DEFAULT_DIMS.image : DEFAULT_DIMS.other;
  });
}

function checkedSize(n: number, key: string): number {
  if (!Number.isInteger(n) || n < 0) throw new InputSynthesisError(`Dim '${key}' was given as ${n}; expected a non-negative integer.`);
  return n;
}

type Fill = (rnd: Random, n: number) => TensorValues;

function floatSampler(dist: FloatDistribution): (rnd: Random) => number {
  if (dist.kind === 'normal') return (rnd) => rnd.normal();
  const { min, max } = dist;
  if (!(max > min)) throw new InputSynthesisError(`Uniform range [${min}, ${max}) is empty; expected min < max.`);
  return (rnd) => min + (max - min) * rnd.next();
}

function fillers(options: SynthesisOptions): Partial<Record<DTypeName, Fill>> {
  const f = floatSampler(options.float ?? { kind: 'normal' });
  const { min, max } = options.intRange ?? DEFAULT_INT_RANGE;
  if (!Number.isInteger(min) || !Number.isInteger(max) || max <= min) {
    throw new InputSynthesisError(`Integer range [${min}, ${max}) is not usable; expected integers with min < max.`);
  }
  const int = (rnd: Random): number => rnd.int(min, max);
  return {
    float32: (rnd, n) => Float32Array.from({ length: n }, () => f(rnd)),
    float64: (rnd, n) => Float64Array.from({ length: n }, () => f(rnd)),
    float16: (rnd, n) => Uint16Array.from({ length: n }, () => float32ToFloat16Bits(f(rnd))),
    int8: (rnd, n) => Int8Array.from({ length: n }, () => int(rnd)),
    uint8: (rnd, n) => Uint8Array.from({ length: n }, () => int(rnd)),
    int16: (rnd, n) => Int16Array.from({ length: n }, () => int(rnd)),
    uint16: (rnd, n) => Uint16Array.from({ length: n }, () => int(rnd)),
    int32: (rnd, n) => Int32Array.from({ length: n }, () => int(rnd)),
    uint32: (rnd, n) => Uint32Array.from({ length: n }, () => int(rnd)),
    int64: (rnd, n) => BigInt64Array.from({ length: n }, () => BigInt(int(rnd))),
    uint64: (rnd, n) => BigUint64Array.from({ length: n }, () => BigInt(int(rnd))),
    bool: (rnd, n) => Uint8Array.from({ length: n }, () => (rnd.next() < 0.5 ? 0 : 1)),
  };
}

/** Every element `value`, in the input's dtype; undefined for a dtype that cannot be synthesized. */
function constantFiller(spec: IOSpecLike, value: number): Fill | undefined {
  const integer = !FLOAT_TYPES.has(spec.dtype);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new InputSynthesisError(`Input '${spec.name}' (${spec.dtype}) was given the value ${value}; expected ${integer ? 'an integer' : 'a finite number'}.`);
  }
  const fill = fillers({ seed: 0, count: 0 })[spec.dtype as DTypeName];
  if (!fill) return undefined;
  const one = (n: number): TensorValues => {
    const t = fill(seededRandom(0), n);
    if (t instanceof BigInt64Array || t instanceof BigUint64Array) t.fill(BigInt(value));
    else (t as Float32Array).fill(spec.dtype === 'float16' ? float32ToFloat16Bits(value) : value);
    return t;
  };
  return (_rnd, n) => one(n);
}

/** A per-sample seed, so sample k is the same whatever `count` is. */
function sampleSeed(seed: number, index: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

/**
 * Seeded random feeds for the given inputs: floats from a standard normal (or a uniform range),
 * integers in [0, 10) by default, bools as 0/1. Throws InputSynthesisError for inputs whose
 * dtype cannot be synthesized (strings, complex, sub-byte and 8-bit floats) or have no shape.
 */
export function synthesizeInputs(inputs: readonly IOSpecLike[], options: SynthesisOptions): Feeds[] {
  if (!Number.isInteger(options.count) || options.count < 0) {
    throw new InputSynthesisError(`Sample count ${options.count} is not usable; expected a non-negative integer.`);
  }
  const fill = fillers(options);
  const plans = inputs.map((spec) => {
    const own = options.intRanges?.[spec.name];
    const given = options.values?.[spec.name];
    const make = given !== undefined ? constantFiller(spec, given) : (own ? fillers({ ...options, intRange: own }) : fill)[spec.dtype as DTypeName];
    if (!make) {
      throw new InputSynthesisError(
        `Input '${spec.name}' has dtype ${spec.dtype}, which cannot be synthesized; expected a float, integer or bool tensor.`,
      );
    }
    const dims = resolveShape(spec, options.dims);
    const n = dims.reduce((a, b) => a * b, 1);
    if (n > MAX_INPUT_ELEMENTS) {
      throw new InputSynthesisError(
        `Input '${spec.name}' would have shape [${dims.join(', ')}] (${n} elements); expected at most ${MAX_INPUT_ELEMENTS}. Set smaller sizes for its dims.`,
      );
    }
    return { spec, dims, n, make };
  });
  return Array.from({ length: options.count }, (_, k) => {
    const rnd = seededRandom(sampleSeed(options.seed, k));
    const feeds: Feeds = {};
    for (const { spec, dims, n, make } of plans) {
      const t: TensorData = { dtype: spec.dtype as DTypeName, dims: [...dims], data: make(rnd, n) };
      feeds[spec.name] = t;
    }
    return feeds;
  });
}

/** The concrete shape of each graph input with `dims` (and the defaults) filling its open dims. */
export function modelInputShapes(model: ModelIR, dims: Readonly<Record<string, number>> = {}): Record<string, number[]> {
  return Object.fromEntries(graphInputSpecs(model).map((s) => [s.name, resolveShape(s, dims)]));
}

/**
 * Integer inputs the model uses as indices into a stored table (an embedding Gather): ids in
 * [0, table size along the gathered axis), the smallest table when several read the same input.
 */
export function embeddingIdRanges(model: ModelIR): Record<string, { min: number; max: number }> {
  const g = model.graph;
  if (!g) return {};
  const inputs = new Set(g.input.map((i) => i.name));
  const tables = new Map<string, number[]>();
  for (const t of g.initializer) tables.set(t.name, tensorDims(t));
  for (const n of g.node) {
    const t = constantTensor(n);
    if (t && n.output[0]) tables.set(n.output[0], tensorDims(t));
  }
  const ranges: Record<string, { min: number; max: number }> = {};
  for (const n of g.node) {
    if (n.opType !== 'Gather' || !(n.domain === '' || n.domain === 'ai.onnx')) continue;
    const [table, ids] = [n.input[0] ?? '', n.input[1] ?? ''];
    const dims = tables.get(table);
    if (!dims || !inputs.has(ids) || tables.has(ids)) continue;
    const attr = n.attribute.find((a) => a.name === 'axis');
    const axis = attr ? Number(attr.i) : 0;
    const size = dims[axis < 0 ? axis + dims.length : axis];
    if (!size || size < 1) continue;
    ranges[ids] = { min: 0, max: Math.min(size, ranges[ids]?.max ?? Infinity) };
  }
  return ranges;
}

/**
 * synthesizeInputs over a model's graph inputs (those that are not initializers); integer inputs
 * that index an embedding table get ids below its size (see embeddingIdRanges) unless the options say otherwise.
 */
export function synthesizeModelInputs(model: ModelIR, options: SynthesisOptions): Feeds[] {
  return synthesizeInputs(graphInputSpecs(model), { ...options, intRanges: { ...embeddingIdRanges(model), ...options.intRanges } });
}
