import type { ComparisonRow } from '../store/comparison-rows';
import { formatBytes, formatMs, formatNumber, formatPercent, formatRatio, formatSpeedup } from '../../core/util/format';
import { CpuOnlyBadge } from './CpuOnlyBadge';
import { GzipCell } from './GzipCell';

export interface VariantsTableProps {
  /** The original first, then every variant. */
  rows: readonly ComparisonRow[];
  /** Model outputs, one fidelity column pair each. */
  outputs: readonly string[];
  /** Where and how latency was measured, e.g. "WASM, 2 threads, 10 runs". */
  latencyNote: string;
  onDownload(id: string): void;
  onRemove(id: string): void;
  /** Gzip size per row id (from the recipe totals); a Gzip column when given. */
  gzip?: Readonly<Record<string, number>>;
}

const STATUS_NOTES: Partial<Record<NonNullable<ComparisonRow['status']>, string>> = {
  queued: 'waiting to be measured',
  running: 'measuring…',
  error: 'measurement failed',
  cancelled: 'measurement cancelled',
};

const waiting = (r: ComparisonRow): boolean => r.status === 'queued' || r.status === 'running';

/** A measured value, '…' while it is being measured, '–' when there is none. */
function value(r: ComparisonRow, v: number | null, format: (n: number) => string): string {
  if (v !== null) return format(v);
  return waiting(r) ? '…' : '–';
}

function speedClass(r: ComparisonRow): string {
  if (r.speedup === null || r.isOriginal) return 'num';
  if (r.speedVerdict !== null) return r.speedVerdict === 'same' ? 'num same' : r.speedVerdict === 'faster' ? 'num good' : 'num bad';
  return r.speedup >= 1 ? 'num good' : 'num bad';
}

const times = (v: number): string => `${v.toFixed(2)}×`;

/** The speed ratio with its interval; a ratio whose interval contains 1 reads "same speed". */
function SpeedCell({ row }: { row: ComparisonRow }) {
  const iv = row.speedInterval;
  if (row.speedup === null || !iv) return <>{formatSpeedup(row.speedup)}</>;
  const range = `${times(iv.low)}–${times(iv.high)}`;
  const title = `${Math.round(iv.level * 100)}% bootstrap interval of the ratio of medians, ${iv.resamples} resamples${iv.paired ? ', runs paired' : ''}`;
  return (
    <>
      <span data-testid="speed-verdict">{row.speedVerdict === 'same' ? 'same speed' : formatSpeedup(row.speedup)}</span>
      <div className="muted small" data-testid="speed-interval" title={title}>
        {row.speedVerdict === 'same' ? `${times(row.speedup)}, ` : ''}
        {range}
      </div>
    </>
  );
}

function FidelityCells({ row, outputs }: { row: ComparisonRow; outputs: readonly string[] }) {
  return outputs.map((name) => {
    const f = row.fidelity?.find((x) => x.name === name);
    if (row.isOriginal) {
      return [
        <td key={`${name}-cos`} className="num muted">
          reference
        </td>,
        <td key={`${name}-max`} className="num muted">
          –
        </td>,
      ];
    }
    return [
      <td key={`${name}-cos`} className="num" data-output={name}>
        {f ? <span data-testid="cosine">{formatNumber(f.cosine, 5)}</span> : waiting(row) ? '…' : '–'}
      </td>,
      <td key={`${name}-max`} className="num" data-output={name}>
        {f ? <span data-testid="max-abs">{formatNumber(f.maxAbs, 4)}</span> : waiting(row) ? '…' : '–'}
      </td>,
    ];
  });
}

/** The original and every variant side by side: size, latency, session load and per-output fidelity. */
/**
 * A warning on Download when onnxruntime-web refused the file. Download itself never waits for a
 * measurement: the bytes are the compression's output whether or not a measurement ran or worked.
 */
function downloadTitle(check: ComparisonRow['loadCheck'], externalDataFile?: string): string | undefined {
  const split = externalDataFile && `Past 2 GB one file cannot hold the model: it saves as two files, the .onnx and its weights in ${externalDataFile}. Keep them in one folder.`;
  if (check === null || check === 'ok') return split;
  const refused = `onnxruntime-web could not load this model here (${check.message}); the file is still yours to download`;
  return split ? `${split} ${refused}` : refused;
}

/** The run's share of this device's lower bound (from the device probe). */
function LimitNote({ limit }: { limit: NonNullable<ComparisonRow['limit']> }) {
  const title =
    `No run can beat ${formatMs(limit.boundMs)} here: the model's ${limit.limitedBy === 'compute' ? 'MACs at the probed GFLOP/s' : 'bytes at the probed GB/s'}` +
    (limit.complete ? '.' : ' (some shapes were unknown, so the bound is looser).');
  return (
    <div className="muted small" data-metric="limit" title={title}>
      {Number.isFinite(limit.percent) ? `${limit.percent < 10 ? limit.percent.toFixed(1) : limit.percent.toFixed(0)}% of device limit` : ''}
    </div>
  );
}

export function VariantsTable({ rows, outputs, latencyNote, onDownload, onRemove, gzip }: VariantsTableProps) {
  const original = rows.find((r) => r.isOriginal);
  return (
    <div className="table-scroll">
      <table className="table comparison" data-testid="comparison-table">
        <thead>
          <tr>
            <th rowSpan={2}>Model</th>
            <th className="num" rowSpan={2}>
              File size
            </th>
            {gzip && (
              <th className="num" rowSpan={2} title="The file after gzip: roughly what a download over HTTP costs">
                Gzip
              </th>
            )}
            <th className="num" rowSpan={2}>
              Size vs original
            </th>
            <th className="num" rowSpan={2} title={latencyNote}>
              Median latency
            </th>
            <th className="num" rowSpan={2}>
              Speed vs original
            </th>
            <th className="num" rowSpan={2}>
              Session load
            </th>
            {outputs.map((name) => (
              <th key={name} className="num group" colSpan={2}>
                Output <span className="mono">{name}</span>
              </th>
            ))}
            <th rowSpan={2} />
          </tr>
          <tr>
            {outputs.map((name) => [
              <th key={`${name}-cos`} className="num">
                cosine
              </th>,
              <th key={`${name}-max`} className="num">
                max |Δ|
              </th>,
            ])}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-variant={r.isOriginal ? 'original' : r.label} data-status={r.status ?? 'none'}>
              <th scope="row">
                <div className="variant-label">{r.label}</div>
                {r.cpuOnly && <CpuOnlyBadge />}
                {r.status && STATUS_NOTES[r.status] && <div className="muted small">{STATUS_NOTES[r.status]}</div>}
              </th>
              <td className="num" data-metric="size">
                {formatBytes(r.sizeBytes)}
              </td>
              {gzip && <GzipCell row={r} original={original} gzip={gzip} />}
              <td className="num" data-metric="size-ratio">
                {r.isOriginal ? (
                  <span className="muted">100%</span>
                ) : (
                  <>
                    {formatPercent(r.sizeRatio)}
                    <div className="muted small">{formatRatio(1, r.sizeRatio)}</div>
                  </>
                )}
              </td>
              <td className="num" data-metric="latency">
                {value(r, r.medianMs, formatMs)}
                {r.limit && <LimitNote limit={r.limit} />}
              </td>
              <td className={speedClass(r)} data-metric="speed" data-verdict={r.speedVerdict ?? undefined}>
                {r.isOriginal ? <span className="muted">reference</span> : <SpeedCell row={r} />}
              </td>
              <td className="num" data-metric="session">
                {value(r, r.sessionMs, formatMs)}
                {!r.isOriginal && r.sessionSpeedup !== null && <div className="muted small">{formatSpeedup(r.sessionSpeedup)}</div>}
              </td>
              <FidelityCells row={r} outputs={outputs} />
              <td className="row-actions">
                {r.fileName && (
                  <>
                    <button
                      type="button"
                      className="button small-button"
                      onClick={() => onDownload(r.id)}
                      aria-label={`Download ${r.fileName}`}
                      title={downloadTitle(r.loadCheck, r.externalDataFile)}
                    >
                      Download
                    </button>
                    {r.externalDataFile && <div className="muted small" data-note="external-data">two files: + {r.externalDataFile}</div>}
                    <button type="button" className="button ghost small-button" onClick={() => onRemove(r.id)} aria-label={`Remove ${r.label}`}>
                      ✕
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
