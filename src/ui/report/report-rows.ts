import { reportTableRows, type Report } from '../../core/report';
import type { ComparisonRow } from '../store/comparison-rows';
import { speedVerdict } from '../../core/evaluate/ratio-interval';

/** The gzip size of each model the report knows it for, by row id (as the studio's gzipSizes gives them). */
export function reportGzipSizes(report: Report): Record<string, number> {
  const rows = reportComparisonRows(report);
  const out: Record<string, number> = {};
  reportTableRows(report).forEach((r, i) => {
    if (r.gzipBytes !== null) out[rows[i]!.id] = r.gzipBytes;
  });
  return out;
}

/**
 * A report's models as the studio's comparison rows, so the report view shows the same table and
 * charts. Nothing can be downloaded or removed (no file name), nothing is being measured.
 */
export function reportComparisonRows(report: Report): ComparisonRow[] {
  const table = reportTableRows(report);
  const reference = table[0]?.latency ?? null;
  return table.map((r, i) => {
    const l = r.latency;
    const sessionSpeedup = !r.isOriginal && r.speedup !== null && reference && l && l.sessionMs > 0 ? reference.sessionMs / l.sessionMs : null;
    return {
      id: r.isOriginal ? 'original' : `variant-${i}`,
      label: r.label,
      isOriginal: r.isOriginal,
      fileName: null,
      cpuOnly: r.cpuOnly,
      sizeBytes: r.sizeBytes,
      sizeRatio: r.sizeRatio,
      status: 'done',
      backend: l?.backend ?? null,
      threads: l?.threads ?? null,
      medianMs: l?.p50 ?? null,
      sessionMs: l?.sessionMs ?? null,
      speedup: r.speedup,
      speedInterval: r.speedup !== null && r.speedInterval ? { ratio: r.speedup, ...r.speedInterval, level: 0.95, resamples: 2000, paired: true } : null,
      speedVerdict: r.speedup !== null && r.speedInterval ? speedVerdict(r.speedInterval) : null,
      sessionSpeedup,
      fidelity: r.isOriginal ? null : r.fidelity.map(({ name, cosine, maxAbs }) => ({ name, cosine, maxAbs })),
      error: null,
      round: l?.round ?? null,
      loadCheck: null,
      limit: null,
    };
  });
}
