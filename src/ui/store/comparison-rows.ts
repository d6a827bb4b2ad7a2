import type { Backend } from '../services/types';
import type { LoadedModel } from './model-slice';
import type { Measurement, MeasureStatus } from './measure-slice';
import type { Variant } from './variants-slice';
import type { UiError } from './ui-error';
import type { BackendFigures } from '../../core/device/profile';
import { boundFor, percentOfLimit } from '../../core/device/roofline';
import { speedRatioInterval, speedVerdict, type RatioInterval, type SpeedVerdict } from '../../core/evaluate/ratio-interval';

export interface OutputFidelity {
  name: string;
  cosine: number;
  maxAbs: number;
}

/** One line of the comparison: the original or a variant, with ratios against the original. */
export interface ComparisonRow {
  id: string;
  label: string;
  isOriginal: boolean;
  /** Download name; null for the original. */
  fileName: string | null;
  /** A variant past 2 GB keeps its weights in this data file, downloaded beside `fileName`. */
  externalDataFile?: string;
  cpuOnly: boolean;
  sizeBytes: number;
  /** Variant size / original size (1 for the original). */
  sizeRatio: number;
  status: MeasureStatus | null;
  backend: Backend | null;
  threads: number | null;
  medianMs: number | null;
  sessionMs: number | null;
  /** Original median / this median: > 1 faster, < 1 slower; null unless both were timed on the same backend. */
  speedup: number | null;
  /**
   * The 95% bootstrap interval of `speedup` from both models' timed runs (paired run by run when
   * they were timed in one interleaved run); null without both run lists.
   */
  speedInterval: RatioInterval | null;
  /** 'same' when the interval contains 1 (a difference inside the noise); null without an interval. */
  speedVerdict: SpeedVerdict | null;
  /** Original session load / this one, like speedup. */
  sessionSpeedup: number | null;
  /** Per output, against the original's; null until compared (and for the original). */
  fidelity: OutputFidelity[] | null;
  error: UiError | null;
  round: number | null;
  /** Whether onnxruntime-web has loaded this model: 'ok', its error, or null while not yet tried. */
  loadCheck: 'ok' | UiError | null;
  /**
   * The lower bound on this device for the run (from the probe's GFLOP/s and GB/s for the same backend
   * and threads, and the model's MACs and bytes) as a share of the measured median; null without a probe.
   */
  limit: { percent: number; boundMs: number; limitedBy: 'compute' | 'memory'; complete: boolean } | null;
}

function ratio(before: number | null | undefined, after: number | null | undefined): number | null {
  return before != null && after != null && before > 0 && after > 0 ? before / after : null;
}

/** Seed of the speed intervals' resampling: the same runs always give the same interval. */
const INTERVAL_SEED = 20;

function intervalOf(base: Measurement | undefined, m: Measurement | undefined): RatioInterval | null {
  const before = base?.bench?.samplesMs;
  const after = m?.bench?.samplesMs;
  if (!before?.length || !after?.length) return null;
  const paired = base!.round === m!.round && before.length === after.length;
  try {
    // Fewer resamples for long runs keeps this under a few ms per variant on the main thread.
    const resamples = Math.max(200, Math.min(2000, Math.floor(100_000 / Math.max(before.length, after.length))));
    return speedRatioInterval(before, after, { seed: INTERVAL_SEED, paired, resamples });
  } catch {
    return null; // a run time that is not a time (0 ms on a coarse clock): no interval rather than a wrong one
  }
}

function limitOf(bench: Measurement['bench'], figures: readonly BackendFigures[]): ComparisonRow['limit'] {
  if (!bench?.cost || figures.length === 0) return null;
  const bound = boundFor(bench.cost, figures, bench.backend, bench.threads);
  if (!bound) return null;
  return { percent: percentOfLimit(bench.latencyMs.p50, bound), boundMs: bound.boundMs, limitedBy: bound.limitedBy, complete: bound.complete };
}

/**
 * The rows of the comparison table and charts, original first, from the store's plain data.
 * Pure: the same inputs give the same rows (containers memoise it on its inputs).
 */
export function comparisonRows(
  model: Pick<LoadedModel, 'id' | 'sizeBytes'>,
  variants: readonly Variant[],
  measurements: Readonly<Record<string, Measurement>>,
  loadChecks: Readonly<Record<string, 'ok' | UiError>> = {},
  figures: readonly BackendFigures[] = [],
): ComparisonRow[] {
  const base = measurements[model.id];
  const row = (id: string, label: string, sizeBytes: number, variant: Variant | null): ComparisonRow => {
    const m = measurements[id];
    // Ratios only between runs on the same backend with the same WASM threads.
    const sameBackend = variant !== null && base?.bench != null && m?.bench != null && base.backend === m.backend && base.bench.threads === m.bench.threads;
    const interval = sameBackend ? intervalOf(base, m) : null;
    return {
      id,
      label,
      isOriginal: variant === null,
      fileName: variant?.fileName ?? null,
      ...(variant?.externalDataFile && { externalDataFile: variant.externalDataFile }),
      cpuOnly: variant?.cpuOnly ?? false,
      sizeBytes,
      sizeRatio: model.sizeBytes > 0 ? sizeBytes / model.sizeBytes : 1,
      status: m?.status ?? null,
      backend: m?.backend ?? null,
      threads: m?.bench?.threads ?? null,
      medianMs: m?.bench?.latencyMs.p50 ?? null,
      sessionMs: m?.bench?.sessionMs ?? null,
      speedup: sameBackend ? ratio(base.bench?.latencyMs.p50, m.bench?.latencyMs.p50) : null,
      speedInterval: interval,
      speedVerdict: interval ? speedVerdict(interval) : null,
      sessionSpeedup: sameBackend ? ratio(base.bench?.sessionMs, m.bench?.sessionMs) : null,
      fidelity: m?.fidelity?.outputs.map(({ name, cosine, maxAbs }) => ({ name, cosine, maxAbs })) ?? null,
      error: m?.error ?? null,
      round: m?.round ?? null,
      loadCheck: loadChecks[id] ?? null,
      limit: limitOf(m?.bench ?? null, figures),
    };
  };
  return [row(model.id, 'Original', model.sizeBytes, null), ...variants.map((v) => row(v.id, v.label, v.sizeBytes, v))];
}

/** Output names in the order the variants report them, each once. */
export function outputNames(rows: readonly ComparisonRow[]): string[] {
  const names: string[] = [];
  for (const r of rows) for (const f of r.fidelity ?? []) if (!names.includes(f.name)) names.push(f.name);
  return names;
}

/** True when some variant was timed in another round than the original: its speed ratio mixes two runs. */
export function mixedRounds(rows: readonly ComparisonRow[]): boolean {
  const original = rows.find((r) => r.isOriginal);
  return rows.some((r) => !r.isOriginal && r.medianMs !== null && original?.round != null && r.round !== original.round);
}
