import type { Feeds, TensorData } from './tensor-data';
import { numericView, OutputMismatchError } from './metrics';
import { outputLayout, rowsOf, type OutputKind, type Rows } from './output-kind';

/**
 * Indices of the k largest finite values of one row (ties: lower index first), largest first.
 * NaN and -Infinity never rank; a row with no finite or +Infinity value has no top index.
 */
export function topK(get: (i: number) => number, base: number, stride: number, count: number, k: number): number[] {
  const best: number[] = [];
  const vals: number[] = [];
  for (let c = 0; c < count; c++) {
    const v = get(base + c * stride);
    if (Number.isNaN(v) || v === -Infinity) continue;
    if (best.length === k && v <= vals[k - 1]!) continue;
    let at = best.length < k ? best.length : k - 1;
    while (at > 0 && vals[at - 1]! < v) at--;
    best.splice(at, 0, c);
    vals.splice(at, 0, v);
    if (best.length > k) {
      best.pop();
      vals.pop();
    }
  }
  return best;
}

/** Agreement of the candidate's decisions with the reference's, for outputs whose shape allows it. */
export interface OutputAgreement {
  name: string;
  kind: OutputKind;
  /** Classifier outputs: share of rows where the candidate's top class is the reference's. */
  top1Agreement?: number;
  /** Classifier outputs with more than 5 classes: share of rows where the reference's top class is in the candidate's top 5. */
  top5Agreement?: number;
  /** Dense class outputs: share of positions with the same argmax class. */
  argmaxAgreement?: number;
  /** Dense class outputs: mean over classes (present in either) of the IoU of the argmax maps. */
  meanIou?: number;
  /** Single-channel maps: IoU of (ref > threshold) and (cand > threshold); 1 when both are empty. */
  iou?: number;
  /** Rows (classifier) or positions (dense, map) compared. */
  positions?: number;
}

export interface AgreementOptions {
  /** Threshold for single-channel maps (default 0.5, as for probabilities). */
  threshold?: number;
}

interface Tally {
  positions: number;
  top1: number;
  top5: number;
  intersect: Map<number, number>;
  union: Map<number, number>;
}

function tallyClasses(t: Tally, ref: TensorData, cand: TensorData, rows: Rows, name: string, dense: boolean): void {
  const r = numericView(name, ref);
  const c = numericView(name, cand);
  const { outer, classes, inner } = rows;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * classes * inner + i;
      const refTop = topK(r, base, inner, classes, 1)[0] ?? -1;
      const candTop = topK(c, base, inner, classes, dense ? 1 : 5);
      t.positions++;
      if (refTop >= 0 && candTop[0] === refTop) t.top1++;
      if (refTop >= 0 && candTop.includes(refTop)) t.top5++;
      if (dense) {
        const ct = candTop[0] ?? -1;
        if (refTop === ct) t.intersect.set(refTop, (t.intersect.get(refTop) ?? 0) + 1);
        t.union.set(refTop, (t.union.get(refTop) ?? 0) + 1);
        if (ct !== refTop) t.union.set(ct, (t.union.get(ct) ?? 0) + 1);
      }
    }
  }
}

function tallyMap(t: Tally, ref: TensorData, cand: TensorData, name: string, threshold: number): void {
  const r = numericView(name, ref);
  const c = numericView(name, cand);
  for (let i = 0; i < ref.data.length; i++) {
    const a = r(i) > threshold;
    const b = c(i) > threshold;
    t.positions++;
    if (a && b) t.top1++;
    if (a || b) t.top5++;
  }
}

/**
 * Decision-level agreement per output, pooled over samples: top-1/top-5 agreement for
 * classifier outputs, argmax agreement and mean IoU for dense class outputs, thresholded IoU
 * for single-channel maps; other outputs get only their kind. Output shapes are read from the
 * reference's first sample (the metrics in compareOutputs check that both sides match).
 */
export function compareDecisions(ref: readonly Feeds[], cand: readonly Feeds[], options: AgreementOptions = {}): OutputAgreement[] {
  if (ref.length !== cand.length) throw new OutputMismatchError(`The reference has ${ref.length} samples and the candidate ${cand.length}; expected the same count.`);
  if (ref.length === 0) return [];
  const threshold = options.threshold ?? 0.5;
  return Object.keys(ref[0]!).map((name) => {
    const layout = outputLayout(ref[0]![name]!.dims);
    if (layout.kind === 'values') return { name, kind: layout.kind };
    const t: Tally = { positions: 0, top1: 0, top5: 0, intersect: new Map(), union: new Map() };
    ref.forEach((sample, k) => {
      const r = sample[name];
      const c = cand[k]![name];
      if (!r || !c || r.data.length !== c.data.length) {
        throw new OutputMismatchError(`Output '${name}' of sample ${k} is missing or differs in size between the reference and the candidate.`);
      }
      if (layout.kind === 'map') tallyMap(t, r, c, name, threshold);
      else tallyClasses(t, r, c, rowsOf(r.dims, layout.classAxis!), name, layout.kind === 'dense-classes');
    });
    const share = (n: number): number => (t.positions === 0 ? 1 : n / t.positions);
    if (layout.kind === 'map') return { name, kind: layout.kind, iou: t.top5 === 0 ? 1 : t.top1 / t.top5, positions: t.positions };
    if (layout.kind === 'dense-classes') {
      const ious = [...t.union.entries()].filter(([cls]) => cls >= 0).map(([cls, u]) => (t.intersect.get(cls) ?? 0) / u);
      const meanIou = ious.length === 0 ? 1 : ious.reduce((a, b) => a + b, 0) / ious.length;
      return { name, kind: layout.kind, argmaxAgreement: share(t.top1), meanIou, positions: t.positions };
    }
    const classes = ref[0]![name]!.dims[layout.classAxis!]!;
    return { name, kind: layout.kind, top1Agreement: share(t.top1), ...(classes > 5 && { top5Agreement: share(t.top5) }), positions: t.positions };
  });
}
