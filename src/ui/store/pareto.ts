import type { ComparisonRow } from './comparison-rows';

/** One model on the size/latency plane. */
export interface ParetoPoint {
  id: string;
  label: string;
  isOriginal: boolean;
  sizeBytes: number;
  /** Median latency, or null when not timed in a run comparable with the original's. */
  medianMs: number | null;
  /** The lowest output cosine against the original (1 for the original), null until compared. */
  fidelity: number | null;
}

/** The comparison's rows as points; a variant's latency only when its ratio to the original's is defined (same backend and threads). */
export function paretoPoints(rows: readonly ComparisonRow[]): ParetoPoint[] {
  return rows.map((r) => {
    const cosines = (r.fidelity ?? []).map((f) => f.cosine).filter(Number.isFinite);
    return {
      id: r.id,
      label: r.label,
      isOriginal: r.isOriginal,
      sizeBytes: r.sizeBytes,
      medianMs: r.isOriginal || r.speedup !== null ? r.medianMs : null,
      fidelity: r.isOriginal ? 1 : cosines.length > 0 ? Math.min(...cosines) : null,
    };
  });
}

/**
 * The ids on the Pareto front of size against latency (both smaller is better), by size: no other
 * timed point is at most as large and as slow and strictly better in one. Untimed points are left out.
 */
export function paretoFront(points: readonly Pick<ParetoPoint, 'id' | 'sizeBytes' | 'medianMs'>[]): string[] {
  const timed = points.filter((p): p is typeof p & { medianMs: number } => p.medianMs !== null && Number.isFinite(p.medianMs));
  const dominated = (p: (typeof timed)[number]) =>
    timed.some((q) => q !== p && q.sizeBytes <= p.sizeBytes && q.medianMs <= p.medianMs && (q.sizeBytes < p.sizeBytes || q.medianMs < p.medianMs));
  return timed
    .filter((p) => !dominated(p))
    .sort((a, b) => a.sizeBytes - b.sizeBytes || a.medianMs - b.medianMs)
    .map((p) => p.id);
}

/**
 * A colour for a fidelity (lowest cosine): by the digits of agreement, -log10(1 - cosine), from red
 * (under 1 digit) through amber to green (6 digits or more); grey while not compared.
 */
export function fidelityColor(cosine: number | null): string {
  if (cosine === null || !Number.isFinite(cosine)) return 'var(--muted-bar, #9a9a9a)';
  const digits = cosine >= 1 ? 6 : Math.max(0, Math.min(6, -Math.log10(1 - cosine)));
  const hue = Math.round((digits / 6) * 130);
  return `hsl(${hue} 70% 42%)`;
}

/** Agreement digits as words for the legend: `cosine 0.99995 (4.3 digits)`. */
export function describeFidelity(cosine: number | null): string {
  if (cosine === null) return 'not compared yet';
  if (cosine >= 1) return 'identical outputs (cosine 1)';
  const digits = -Math.log10(1 - cosine);
  return `lowest output cosine ${cosine.toFixed(6)} (${Number.isFinite(digits) ? digits.toFixed(1) : '–'} digits)`;
}
