import { formatBytes, formatMs, formatNumber, formatRatio, formatSpeedup } from '../../core/util/format';
import { speedVerdict, type RatioInterval } from '../../core/evaluate/ratio-interval';

export interface ModelColumn {
  label: string;
  sizeBytes: number;
  /** Median latency in ms, null while not measured. */
  medianMs: number | null;
  sessionMs: number | null;
}

export interface FidelityRow {
  name: string;
  cosine: number;
  maxAbs: number;
}

export interface ComparisonTableProps {
  original: ModelColumn;
  variant: ModelColumn;
  fidelity: readonly FidelityRow[] | null;
  latencyNote: string;
  /** The bootstrap interval of the latency ratio (original / variant); with it, a ratio inside the noise reads "same speed". */
  speedInterval?: RatioInterval | null;
}

function speed(before: number | null, after: number | null): string {
  return before === null || after === null || !(after > 0) ? '–' : formatSpeedup(before / after);
}

const pending = (v: number | null, f: (n: number) => string): string => (v === null ? '…' : f(v));

/** The latency ratio cell: "same speed" in a neutral colour when the interval contains 1, else faster/slower with the interval. */
function LatencyChange({ before, after, interval }: { before: number | null; after: number | null; interval: RatioInterval | null | undefined }) {
  if (!interval || before === null || after === null) return <td className="num">{speed(before, after)}</td>;
  const verdict = speedVerdict(interval);
  const range = `${interval.low.toFixed(2)}×–${interval.high.toFixed(2)}×`;
  return (
    <td className={verdict === 'same' ? 'num same' : verdict === 'faster' ? 'num good' : 'num bad'} data-verdict={verdict}>
      {verdict === 'same' ? 'same speed' : formatSpeedup(interval.ratio)}
      <div className="muted small">{range}</div>
    </td>
  );
}

export function ComparisonTable({ original, variant, fidelity, latencyNote, speedInterval }: ComparisonTableProps) {
  return (
    <table className="table comparison" data-testid="comparison-table">
      <thead>
        <tr>
          <th />
          <th className="num">{original.label}</th>
          <th className="num">{variant.label}</th>
          <th className="num">Change</th>
        </tr>
      </thead>
      <tbody>
        <tr data-metric="size">
          <th scope="row">File size</th>
          <td className="num">{formatBytes(original.sizeBytes)}</td>
          <td className="num">{formatBytes(variant.sizeBytes)}</td>
          <td className="num good">{formatRatio(original.sizeBytes, variant.sizeBytes)}</td>
        </tr>
        <tr data-metric="latency">
          <th scope="row">
            Median latency <span className="muted small">({latencyNote})</span>
          </th>
          <td className="num">{pending(original.medianMs, formatMs)}</td>
          <td className="num">{pending(variant.medianMs, formatMs)}</td>
          <LatencyChange before={original.medianMs} after={variant.medianMs} interval={speedInterval} />
        </tr>
        <tr data-metric="session">
          <th scope="row">Session load</th>
          <td className="num">{pending(original.sessionMs, formatMs)}</td>
          <td className="num">{pending(variant.sessionMs, formatMs)}</td>
          <td className="num">{speed(original.sessionMs, variant.sessionMs)}</td>
        </tr>
        {fidelity === null ? (
          <tr>
            <th scope="row">Output fidelity</th>
            <td className="num">reference</td>
            <td className="num">…</td>
            <td />
          </tr>
        ) : (
          fidelity.map((f) => (
            <tr key={f.name} data-metric="fidelity" data-output={f.name}>
              <th scope="row">
                Output <span className="mono">{f.name}</span>
              </th>
              <td className="num">reference</td>
              <td className="num">
                cosine <span data-testid="cosine">{formatNumber(f.cosine, 5)}</span>
              </td>
              <td className="num">
                max |Δ| <span data-testid="max-abs">{formatNumber(f.maxAbs, 4)}</span>
              </td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
