import { topK } from './agreement';
import { numericView, OutputMismatchError } from './metrics';
import { outputLayout, rowsOf } from './output-kind';
import type { Feeds } from './tensor-data';

/** Top-k accuracy of both models against labels, in percent, and what the candidate lost, in points. */
export interface AccuracyResult {
  /** The output the labels index into. */
  output: string;
  samples: number;
  /** Top-1 accuracy in percent. */
  reference: number;
  candidate: number;
  /** reference - candidate, in percentage points (negative when the candidate is better). */
  dropPoints: number;
  /** Top-5 accuracy, when the output has more than 5 classes. */
  top5?: { reference: number; candidate: number; dropPoints: number };
}

/** The output labels refer to: the named one, or the first classifier-shaped output. */
export function labelledOutput(sample: Feeds, name?: string): string {
  if (name !== undefined) {
    if (!sample[name]) throw new OutputMismatchError(`There is no output '${name}' (outputs: [${Object.keys(sample).join(', ')}]); expected the classifier output the labels index into.`);
    return name;
  }
  const found = Object.entries(sample).find(([, t]) => outputLayout(t.dims).kind === 'classifier');
  if (!found) {
    const shapes = Object.entries(sample).map(([n, t]) => `${n} [${t.dims.join(', ')}]`).join(', ');
    throw new OutputMismatchError(`No output is classifier-shaped ([C], [1, C] or [1, C, 1, 1]): ${shapes}; name the output the labels index into.`);
  }
  return found[0];
}

/**
 * Top-1 (and top-5) accuracy of the reference and the candidate on labelled samples: sample k's
 * output must be one row of class scores, labels[k] its true class index.
 */
export function labelAccuracy(ref: readonly Feeds[], cand: readonly Feeds[], labels: readonly number[], outputName?: string): AccuracyResult {
  if (ref.length !== labels.length || cand.length !== labels.length) {
    throw new OutputMismatchError(`There are ${labels.length} labels for ${ref.length} reference and ${cand.length} candidate samples; expected one label per sample.`);
  }
  if (ref.length === 0) throw new OutputMismatchError('There are no labelled samples; expected at least one.');
  const output = labelledOutput(ref[0]!, outputName);
  const dims = ref[0]![output]!.dims;
  const layout = outputLayout(dims);
  const axis = layout.kind === 'classifier' ? layout.classAxis! : dims.length - 1;
  const rows = rowsOf(dims, axis);
  if (rows.outer * rows.inner !== 1) {
    throw new OutputMismatchError(`Output '${output}' has shape [${dims.join(', ')}], ${rows.outer * rows.inner} rows per sample; labels need one row of class scores per sample (batch 1).`);
  }
  const hits = { ref1: 0, cand1: 0, ref5: 0, cand5: 0 };
  labels.forEach((label, k) => {
    if (!Number.isInteger(label) || label < 0 || label >= rows.classes) {
      throw new OutputMismatchError(`Label ${label} of sample ${k} is not an index of output '${output}' (${rows.classes} classes).`);
    }
    for (const [side, feeds] of [['ref', ref[k]!], ['cand', cand[k]!]] as const) {
      const t = feeds[output];
      if (!t || t.data.length !== rows.classes) throw new OutputMismatchError(`Output '${output}' of sample ${k} is missing or not ${rows.classes} scores in the ${side === 'ref' ? 'reference' : 'candidate'}.`);
      const top = topK(numericView(output, t), 0, 1, rows.classes, 5);
      if (top[0] === label) hits[`${side}1`]++;
      if (top.includes(label)) hits[`${side}5`]++;
    }
  });
  const pct = (n: number): number => (100 * n) / labels.length;
  const result: AccuracyResult = {
    output,
    samples: labels.length,
    reference: pct(hits.ref1),
    candidate: pct(hits.cand1),
    dropPoints: pct(hits.ref1) - pct(hits.cand1),
  };
  if (rows.classes > 5) result.top5 = { reference: pct(hits.ref5), candidate: pct(hits.cand5), dropPoints: pct(hits.ref5) - pct(hits.cand5) };
  return result;
}
