import { reportOutputNames, reportTableRows } from './report-table';
import type { Report } from './report-types';

/**
 * A CSV field: quoted when it holds a comma, quote or line break; text that a spreadsheet would
 * run as a formula (= + - @, tab, CR at the start) gets a leading apostrophe, since labels and
 * output names come from the model and the report, not from us.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The comparison as CSV: one line per model (the original first), the figures unformatted, in plain units. */
export function reportToCsv(report: Report): string {
  const outputs = reportOutputNames(report);
  // Metrics on the user's samples (or eval's inputs), when something was evaluated: their own columns.
  const evaluated: string[] = [];
  for (const v of report.variants) for (const o of v.evaluation?.outputs ?? []) if (!evaluated.includes(o.name)) evaluated.push(o.name);
  const accuracy = report.variants.some((v) => v.accuracy);
  const header = [
    'model',
    'recipe',
    'size_bytes',
    'size_vs_original',
    'gzip_bytes',
    'params',
    'macs',
    'backend',
    'threads',
    'median_ms',
    'p90_ms',
    'min_ms',
    'max_ms',
    'mean_ms',
    'runs',
    'session_ms',
    'speedup',
    'speedup_low',
    'speedup_high',
    ...outputs.flatMap((o) => [`${o} cosine`, `${o} max_abs`, `${o} sqnr_db`]),
    ...evaluated.flatMap((o) => [`${o} eval_cosine`, `${o} eval_sqnr_db`, `${o} eval_max_abs`]),
    ...(accuracy ? ['top1_reference', 'top1_candidate', 'top1_change_points'] : []),
  ];
  const variants = [null, ...report.variants];
  const lines = reportTableRows(report).map((r, i) => {
    const v = variants[i] ?? null;
    const l = r.latency;
    return [
      r.label,
      r.recipe,
      r.sizeBytes,
      r.sizeRatio,
      r.gzipBytes,
      r.params,
      r.macs,
      l?.backend ?? null,
      l?.threads ?? null,
      l?.p50 ?? null,
      l?.p90 ?? null,
      l?.min ?? null,
      l?.max ?? null,
      l?.mean ?? null,
      l?.n ?? null,
      l?.sessionMs ?? null,
      r.speedup,
      r.speedInterval?.low ?? null,
      r.speedInterval?.high ?? null,
      ...outputs.flatMap((o) => {
        const f = r.fidelity.find((x) => x.name === o);
        return f ? [f.cosine, f.maxAbs, f.sqnrDb] : [null, null, null];
      }),
      ...evaluated.flatMap((o) => {
        const f = v?.evaluation?.outputs.find((x) => x.name === o);
        return f ? [f.cosine, f.sqnrDb, f.maxAbs] : [null, null, null];
      }),
      ...(accuracy ? (v?.accuracy ? [v.accuracy.reference, v.accuracy.candidate, -v.accuracy.dropPoints] : [null, null, null]) : []),
    ];
  });
  return [header, ...lines].map((fields) => fields.map(csvField).join(',')).join('\r\n') + '\r\n';
}
