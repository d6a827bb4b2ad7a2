import { float16BitsToFloat32 } from '../ir/fp16';
import { UnsupportedModelError } from '../util/errors';
import type { Feeds, TensorData } from './tensor-data';

/** The candidate's outputs cannot be compared with the reference's (names, counts, shapes, dtypes). */
export class OutputMismatchError extends UnsupportedModelError {}

/** Non-finite (NaN or ±Infinity) elements found in each side; such positions are left out of the metrics. */
export interface NonFiniteCounts {
  reference: number;
  candidate: number;
}

/**
 * How close a candidate output is to the reference, over all samples' elements together.
 * sqnrDb is +Infinity when the outputs are identical; relL2 is Infinity when the reference is
 * all zeros and the candidate is not.
 */
export interface OutputMetrics {
  name: string;
  /** Elements compared (finite on both sides). */
  elements: number;
  cosine: number;
  sqnrDb: number;
  maxAbs: number;
  meanAbs: number;
  relL2: number;
  nonFinite: NonFiniteCounts;
}

/** Running sums over pairs of elements; merge-free, accumulated in float64. */
interface Sums {
  n: number;
  dot: number;
  refSq: number;
  candSq: number;
  diffSq: number;
  absSum: number;
  maxAbs: number;
  refNonFinite: number;
  candNonFinite: number;
}

function emptySums(): Sums {
  return { n: 0, dot: 0, refSq: 0, candSq: 0, diffSq: 0, absSum: 0, maxAbs: 0, refNonFinite: 0, candNonFinite: 0 };
}

/** Element reader for a tensor's values, as numbers (float16 bits decoded, 64-bit ints as numbers). */
export function numericView(name: string, t: TensorData): (i: number) => number {
  const data = t.data;
  if (Array.isArray(data)) throw new OutputMismatchError(`Output '${name}' holds strings; expected a numeric tensor to compare.`);
  if (t.dtype === 'float16' && data instanceof Uint16Array) return (i) => float16BitsToFloat32(data[i]!);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return (i) => Number(data[i]!);
  return (i) => data[i]!;
}

function accumulate(s: Sums, name: string, ref: TensorData, cand: TensorData): void {
  const n = ref.data.length;
  const r = numericView(name, ref);
  const c = numericView(name, cand);
  for (let i = 0; i < n; i++) {
    const a = r(i);
    const b = c(i);
    const aOk = Number.isFinite(a);
    const bOk = Number.isFinite(b);
    if (!aOk) s.refNonFinite++;
    if (!bOk) s.candNonFinite++;
    if (!aOk || !bOk) continue;
    const d = a - b;
    const ad = Math.abs(d);
    s.n++;
    s.dot += a * b;
    s.refSq += a * a;
    s.candSq += b * b;
    s.diffSq += d * d;
    s.absSum += ad;
    if (ad > s.maxAbs) s.maxAbs = ad;
  }
}

/** Cosine similarity from sums: two zero vectors are identical (1), one zero vector is orthogonal (0). */
export function cosineFromSums(dot: number, refSq: number, candSq: number): number {
  if (refSq === 0 && candSq === 0) return 1;
  if (refSq === 0 || candSq === 0) return 0;
  return Math.max(-1, Math.min(1, dot / Math.sqrt(refSq * candSq)));
}

/** 10*log10(sum ref^2 / sum (ref-cand)^2); +Infinity when there is no error. */
export function sqnrDbFromSums(refSq: number, diffSq: number): number {
  if (diffSq === 0) return Infinity;
  return 10 * Math.log10(refSq / diffSq);
}

/** ||ref - cand|| / ||ref||; 0 when both are zero, Infinity when only the reference is. */
export function relL2FromSums(refSq: number, diffSq: number): number {
  if (diffSq === 0) return 0;
  if (refSq === 0) return Infinity;
  return Math.sqrt(diffSq / refSq);
}

function finish(name: string, s: Sums): OutputMetrics {
  return {
    name,
    elements: s.n,
    cosine: cosineFromSums(s.dot, s.refSq, s.candSq),
    sqnrDb: sqnrDbFromSums(s.refSq, s.diffSq),
    maxAbs: s.maxAbs,
    meanAbs: s.n === 0 ? 0 : s.absSum / s.n,
    relL2: relL2FromSums(s.refSq, s.diffSq),
    nonFinite: { reference: s.refNonFinite, candidate: s.candNonFinite },
  };
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Metrics for one pair of tensors (one output of one sample). */
export function compareTensors(name: string, ref: TensorData, cand: TensorData): OutputMetrics {
  return compareOutputs([{ [name]: ref }], [{ [name]: cand }])[0]!;
}

/**
 * Pools metrics over samples one pair of feeds at a time, so a caller streaming runs (the
 * per-layer debugger) never holds every sample's tensors. Names are fixed by the first sample.
 */
export interface MetricsAccumulator {
  add(ref: Feeds, cand: Feeds): void;
  finish(): OutputMetrics[];
}

export function metricsAccumulator(): MetricsAccumulator {
  let names: string[] | undefined;
  const sums = new Map<string, Sums>();
  let k = 0;
  return {
    add(r, c) {
      const rNames = Object.keys(r);
      if (!names) {
        names = rNames;
        for (const n of names) sums.set(n, emptySums());
      }
      if (rNames.length !== names.length || rNames.some((n) => !sums.has(n))) {
        throw new OutputMismatchError(`Reference sample ${k} has outputs [${rNames.join(', ')}]; expected [${names.join(', ')}] as in sample 0.`);
      }
      for (const name of names) {
        const rt = r[name]!;
        const ct = c[name];
        if (!ct) {
          throw new OutputMismatchError(
            `The candidate has no output '${name}' (it has [${Object.keys(c).join(', ')}]); expected the reference's outputs.`,
          );
        }
        if (!sameDims(rt.dims, ct.dims) || rt.data.length !== ct.data.length) {
          throw new OutputMismatchError(
            `Output '${name}' of sample ${k} has shape [${ct.dims.join(', ')}] in the candidate; expected [${rt.dims.join(', ')}] as in the reference.`,
          );
        }
        accumulate(sums.get(name)!, name, rt, ct);
      }
      k++;
    },
    finish() {
      return (names ?? []).map((name) => finish(name, sums.get(name)!));
    },
  };
}

/**
 * Compares each output of the reference with the same output of the candidate, pooling the
 * elements of all samples. Outputs are listed in the reference's order. Throws
 * OutputMismatchError when sample counts, output names or shapes differ.
 */
export function compareOutputs(ref: readonly Feeds[], cand: readonly Feeds[]): OutputMetrics[] {
  if (ref.length !== cand.length) {
    throw new OutputMismatchError(`The reference has ${ref.length} samples and the candidate ${cand.length}; expected the same count.`);
  }
  const acc = metricsAccumulator();
  ref.forEach((r, k) => acc.add(r, cand[k]!));
  return acc.finish();
}
