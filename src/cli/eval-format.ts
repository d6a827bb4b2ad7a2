import type { Evaluation } from '../core/evaluate/evaluation';
import type { LayerError } from '../core/evaluate/per-layer-result';
import { worstLayers } from '../core/evaluate/layer-ranking';
import { formatMetric, formatShare } from '../core/util/format';
import { formatTable } from './format';

const pct = (share: number | undefined): string => (share === undefined ? '' : formatShare(share));

/** The per-output table, with decision columns only when some output has them, and the accuracy lines. */
export function formatEvaluation(e: Evaluation): string {
  const has = (key: 'top1Agreement' | 'top5Agreement' | 'argmaxAgreement' | 'iou' | 'meanIou'): boolean => e.outputs.some((o) => o[key] !== undefined);
  const extra = (
    [
      ['top1Agreement', 'top-1 agree'],
      ['top5Agreement', 'top-5 agree'],
      ['argmaxAgreement', 'argmax agree'],
      ['meanIou', 'mean IoU'],
      ['iou', 'IoU'],
    ] as const
  ).filter(([key]) => has(key));
  const header = ['output', 'cosine', 'sqnr dB', 'max abs', 'mean abs', 'rel L2', 'non-finite ref/cand', ...extra.map(([, label]) => label)];
  const rows = e.outputs.map((o) => [
    o.name,
    formatMetric(o.cosine),
    formatMetric(o.sqnrDb),
    formatMetric(o.maxAbs),
    formatMetric(o.meanAbs),
    formatMetric(o.relL2),
    `${o.nonFinite.reference}/${o.nonFinite.candidate}`,
    ...extra.map(([key]) => (key === 'iou' || key === 'meanIou' ? (o[key] === undefined ? '' : formatMetric(o[key])) : pct(o[key]))),
  ]);
  const lines = [formatTable(header, rows, ['left', ...header.slice(1).map(() => 'right' as const)])];
  const a = e.accuracy;
  if (a) {
    lines.push('', `accuracy on '${a.output}' (${a.samples} labelled samples): top-1 ${a.reference.toFixed(2)}% -> ${a.candidate.toFixed(2)}% (drop ${a.dropPoints.toFixed(2)} points)`);
    if (a.top5) lines.push(`${' '.repeat(`accuracy on '${a.output}' (${a.samples} labelled samples): `.length)}top-5 ${a.top5.reference.toFixed(2)}% -> ${a.top5.candidate.toFixed(2)}% (drop ${a.top5.dropPoints.toFixed(2)} points)`);
  }
  return lines.join('\n');
}

/** The per-layer table in execution order, with the three layers that add the most error marked. */
export function formatLayers(layers: readonly LayerError[]): string {
  const worst = worstLayers(layers, 3);
  const rows = layers.map((l) => [
    worst.has(l.tensor) ? '*' : '',
    l.tensor,
    l.opType,
    formatMetric(l.sqnrDb),
    formatMetric(l.localSqnrDb),
    formatMetric(l.cosine),
    formatMetric(l.maxAbs),
  ]);
  return [
    `per-layer error (${layers.length} activations, execution order; * = adds the most error):`,
    formatTable(['', 'tensor', 'op', 'sqnr dB', 'local dB', 'cosine', 'max abs'], rows, ['left', 'left', 'left', 'right', 'right', 'right', 'right']),
  ].join('\n');
}
