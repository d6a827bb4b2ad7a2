import { formatShare } from '../../core/util/format';
import type { EvaluateResult } from '../services/types';

export interface AccuracyRow {
  id: string;
  label: string;
  result: EvaluateResult['candidates'][number] | undefined;
}

const points = (v: number): string => `${v > 0 ? '−' : v < 0 ? '+' : '±'}${Math.abs(v).toFixed(1)}`;

function num(v: number, digits: number): string {
  if (v === Infinity) return '∞';
  if (!Number.isFinite(v)) return '–';
  return Math.abs(v) !== 0 && Math.abs(v) < 10 ** -digits ? v.toExponential(1) : v.toFixed(digits);
}

/**
 * Accuracy of every variant against the original on the same inputs: per output the numeric
 * metrics and top-k agreement; with labels, top-1/top-5 accuracy of both and the drop in points.
 */
export function AccuracyTable({ rows }: { rows: readonly AccuracyRow[] }) {
  const labelled = rows.find((r) => r.result?.ok && r.result.evaluation.accuracy)?.result;
  const accuracy = labelled?.ok ? labelled.evaluation.accuracy : undefined;
  const top5 = accuracy?.top5 !== undefined;
  const outputs = rows.flatMap((r) => (r.result?.ok ? r.result.evaluation.outputs : []));
  // Dense outputs (per-position classes, maps) get their own agreement columns, only when some output has them.
  const dense = outputs.some((o) => o.argmaxAgreement !== undefined || o.meanIou !== undefined || o.iou !== undefined);
  return (
    <div className="table-scroll">
      <table className="table compact" data-testid="accuracy-table">
        <thead>
          <tr>
            <th>Variant</th>
            {accuracy && (
              <>
                <th className="num">Top-1 original</th>
                <th className="num">Top-1 variant</th>
                <th className="num" title="Variant minus original, in percentage points">Top-1 change</th>
                {top5 && <th className="num">Top-5 change</th>}
              </>
            )}
            <th>Output</th>
            <th className="num">Cosine</th>
            <th className="num">SQNR dB</th>
            <th className="num">Max |diff|</th>
            <th className="num">Mean |diff|</th>
            <th className="num">Rel. L2</th>
            <th className="num">Top-1 agree</th>
            <th className="num">Top-5 agree</th>
            {dense && (
              <>
                <th className="num" title="Dense class outputs: share of positions with the same argmax class">Argmax agree</th>
                <th className="num" title="Mean IoU of the argmax maps (dense classes) or IoU of the thresholded map">IoU</th>
              </>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.flatMap((row) => {
            const r = row.result;
            if (!r) return [];
            if (!r.ok) {
              return [
                <tr key={row.id} data-variant={row.label}>
                  <th>{row.label}</th>
                  <td colSpan={14} className="error-text">
                    {r.error.name}: {r.error.message}
                  </td>
                </tr>,
              ];
            }
            const a = r.evaluation.accuracy;
            return r.evaluation.outputs.map((o, i) => (
              <tr key={`${row.id}-${o.name}`} data-variant={row.label} data-output={o.name}>
                {i === 0 ? <th rowSpan={r.evaluation.outputs.length}>{row.label}</th> : null}
                {accuracy && i === 0 && (
                  <>
                    <td className="num" rowSpan={r.evaluation.outputs.length} data-testid="accuracy-original">
                      {a ? `${a.reference.toFixed(1)}%` : '–'}
                    </td>
                    <td className="num" rowSpan={r.evaluation.outputs.length} data-testid="accuracy-variant">
                      {a ? `${a.candidate.toFixed(1)}%` : '–'}
                    </td>
                    <td className={`num${a && a.dropPoints > 0 ? ' worse' : ''}`} rowSpan={r.evaluation.outputs.length} data-testid="accuracy-drop">
                      {a ? points(a.dropPoints) : '–'}
                    </td>
                    {top5 && (
                      <td className="num" rowSpan={r.evaluation.outputs.length}>
                        {a?.top5 ? points(a.top5.dropPoints) : '–'}
                      </td>
                    )}
                  </>
                )}
                <td className="mono ellipsis" title={o.name}>
                  {o.name}
                </td>
                <td className="num" data-testid="eval-cosine">
                  {num(o.cosine, 6)}
                </td>
                <td className="num" data-testid="eval-sqnr">
                  {num(o.sqnrDb, 1)}
                </td>
                <td className="num">{num(o.maxAbs, 4)}</td>
                <td className="num">{num(o.meanAbs, 5)}</td>
                <td className="num">{num(o.relL2, 4)}</td>
                <td className="num" data-testid="top1-agreement">
                  {formatShare(o.top1Agreement)}
                </td>
                <td className="num">{formatShare(o.top5Agreement)}</td>
                {dense && (
                  <>
                    <td className="num">{formatShare(o.argmaxAgreement)}</td>
                    <td className="num">{o.meanIou !== undefined ? o.meanIou.toFixed(3) : o.iou !== undefined ? o.iou.toFixed(3) : '–'}</td>
                  </>
                )}
              </tr>
            ));
          })}
        </tbody>
      </table>
    </div>
  );
}
