import type { ComparisonRow } from '../store/comparison-rows';
import { formatBytes, formatMs, formatNumber, formatRatio, formatSpeedup } from '../../core/util/format';

export interface AbViewProps {
  /** The original first, then every variant. */
  rows: readonly ComparisonRow[];
  outputs: readonly string[];
  /** Gzip size per row id, where known. */
  gzip: Readonly<Record<string, number>>;
  a: string;
  b: string;
  onChange(side: 'a' | 'b', id: string): void;
}

const dash = '–';
const timed = (r: ComparisonRow): number | null => (r.isOriginal || r.speedup !== null ? r.medianMs : null);

function Side({ side, rows, value, onChange }: { side: 'a' | 'b'; rows: readonly ComparisonRow[]; value: string; onChange: AbViewProps['onChange'] }) {
  return (
    <div className="field inline-field">
      <label htmlFor={`ab-${side}`}>{side.toUpperCase()}</label>
      <select id={`ab-${side}`} value={value} onChange={(e) => onChange(side, e.target.value)}>
        {rows.map((r) => (
          <option key={r.id} value={r.id}>
            {r.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * Any two models side by side: size, gzip, latency and session load with B against A, and each
 * output's fidelity against the original for both (the original's is the reference).
 */
export function AbView({ rows, outputs, gzip, a, b, onChange }: AbViewProps) {
  const ra = rows.find((r) => r.id === a) ?? rows[0];
  const rb = rows.find((r) => r.id === b) ?? rows[rows.length - 1];
  if (!ra || !rb) return null;
  const both = (f: (r: ComparisonRow) => number | null | undefined) => [f(ra) ?? null, f(rb) ?? null] as const;
  const size = both((r) => r.sizeBytes);
  const gz = both((r) => gzip[r.id]);
  const latency = both(timed);
  const session = both((r) => (r.isOriginal || r.sessionSpeedup !== null ? r.sessionMs : null));
  const ratio = ([x, y]: readonly [number | null, number | null]) => (x !== null && y !== null ? formatRatio(x, y) : dash);
  const speed = ([x, y]: readonly [number | null, number | null]) => (x !== null && y !== null && y > 0 ? formatSpeedup(x / y) : dash);
  const cell = (v: number | null, f: (n: number) => string) => (v === null ? dash : f(v));
  const fidelity = (r: ComparisonRow, name: string, key: 'cosine' | 'maxAbs') => {
    if (r.isOriginal) return key === 'cosine' ? 'reference' : dash;
    const f = r.fidelity?.find((x) => x.name === name);
    return f ? formatNumber(f[key], key === 'cosine' ? 6 : 4) : dash;
  };
  return (
    <div className="ab-view" data-testid="ab-view">
      <div className="actions">
        <strong>A/B</strong>
        <Side side="a" rows={rows} value={ra.id} onChange={onChange} />
        <Side side="b" rows={rows} value={rb.id} onChange={onChange} />
        <span className="muted small">Click a point on the chart to make it B.</span>
      </div>
      <div className="table-scroll">
        <table className="table compact" data-testid="ab-table">
          <thead>
            <tr>
              <th />
              <th className="num">A: {ra.label}</th>
              <th className="num">B: {rb.label}</th>
              <th className="num">B against A</th>
            </tr>
          </thead>
          <tbody>
            <tr data-metric="size">
              <th scope="row">File size</th>
              <td className="num">{cell(size[0], formatBytes)}</td>
              <td className="num">{cell(size[1], formatBytes)}</td>
              <td className="num">{ratio(size)}</td>
            </tr>
            <tr data-metric="gzip">
              <th scope="row">Gzip size</th>
              <td className="num">{cell(gz[0], formatBytes)}</td>
              <td className="num">{cell(gz[1], formatBytes)}</td>
              <td className="num">{ratio(gz)}</td>
            </tr>
            <tr data-metric="latency">
              <th scope="row">Median latency</th>
              <td className="num">{cell(latency[0], formatMs)}</td>
              <td className="num">{cell(latency[1], formatMs)}</td>
              <td className="num">{speed(latency)}</td>
            </tr>
            <tr data-metric="session">
              <th scope="row">Session load</th>
              <td className="num">{cell(session[0], formatMs)}</td>
              <td className="num">{cell(session[1], formatMs)}</td>
              <td className="num">{speed(session)}</td>
            </tr>
            {outputs.flatMap((name) => [
              <tr key={`${name}-cos`} data-metric="cosine" data-output={name}>
                <th scope="row">
                  <span className="mono">{name}</span> cosine vs original
                </th>
                <td className="num">{fidelity(ra, name, 'cosine')}</td>
                <td className="num">{fidelity(rb, name, 'cosine')}</td>
                <td />
              </tr>,
              <tr key={`${name}-max`} data-metric="max-abs" data-output={name}>
                <th scope="row">
                  <span className="mono">{name}</span> max |Δ| vs original
                </th>
                <td className="num">{fidelity(ra, name, 'maxAbs')}</td>
                <td className="num">{fidelity(rb, name, 'maxAbs')}</td>
                <td />
              </tr>,
            ])}
          </tbody>
        </table>
      </div>
    </div>
  );
}
