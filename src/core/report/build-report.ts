import type { ModelSummary } from '../analyze/summary';
import type { DeviceProfile } from '../device/profile';
import type { BenchmarkResult } from '../evaluate/bench-result';
import type { Evaluation } from '../evaluate/evaluation';
import type { InputsUsed } from '../evaluate/evaluation-result';
import type { FidelityResult } from '../evaluate/fidelity-result';
import { sortLayers } from '../evaluate/layer-ranking';
import { speedRatioInterval } from '../evaluate/ratio-interval';
import type { OutputMetrics } from '../evaluate/metrics';
import type { LayerError } from '../evaluate/per-layer-result';
import { getDeclaration } from '../methods/declarations';
import { defaultOptions } from '../methods/options';
import type { Recipe } from '../recipe/types';
import type { StepReport } from '../recipe/step-report';
import { APP_NAME, APP_VERSION } from './app-version';
import { REPORT_LIMITS } from './report-schema';
import {
  REPORT_FORMAT,
  REPORT_VERSION,
  type Report,
  type ReportDevice,
  type ReportFidelity,
  type ReportFigures,
  type ReportLatency,
  type ReportOptionValue,
  type ReportRecipe,
  type ReportVariant,
  type ReportSettings,
} from './report-types';

/** How many of the worst layers a report keeps per variant (by the error each layer adds). */
export const WORST_LAYERS_KEPT = 5;

/** One timing of a model, and the round it was timed in (models of one round ran interleaved). */
export interface TimingInput {
  result: BenchmarkResult;
  round?: number;
}

export interface VariantInput {
  label: string;
  /** Absent for a model file compared without its recipe (CLI bench and eval). */
  recipe?: Recipe;
  sizeBytes: number;
  /** The recipe's step reports: the last one's totals give the variant's parameters, MACs and gzip size. */
  steps?: readonly StepReport[];
  cpuOnly?: boolean;
  latency?: readonly TimingInput[];
  fidelity?: FidelityResult;
  evaluation?: { inputs: InputsUsed; evaluation: Evaluation };
  perLayer?: readonly LayerError[];
}

export interface ReportInput {
  createdAt: Date;
  model: { fileName: string; sha256: string; summary: Pick<ModelSummary, 'sizeBytes' | 'opsets' | 'params' | 'macs' | 'opHistogram'> };
  device?: DeviceProfile;
  settings?: ReportSettings;
  original?: { latency?: readonly TimingInput[] };
  variants: readonly VariantInput[];
  app?: { name: string; version: string };
}

/** n rounded to `digits` significant digits: full float precision would only lengthen links. */
export function significant(n: number, digits = 6): number {
  return Number.isFinite(n) && n !== 0 ? Number(n.toPrecision(digits)) : n;
}

const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

function latencyOf({ result, round }: TimingInput): ReportLatency {
  const l = result.latencyMs;
  return {
    backend: result.backend,
    threads: result.threads,
    ...(round !== undefined && { round }),
    // The median and session time are what the comparison table shows: kept exact, so a report
    // (and its CSV) formats to the same digits as the studio's table (browser timers tick in 5 µs
    // steps, so a rounded 9.245 would often print as 9.24 where the table says 9.25).
    sessionMs: result.sessionMs,
    firstRunMs: significant(result.firstRunMs),
    min: significant(l.min),
    p50: l.p50,
    p90: significant(l.p90),
    max: significant(l.max),
    mean: significant(l.mean),
    n: l.n,
  };
}

/**
 * The variant's latency entries, each with the interval of its speed ratio where the original
 * was timed in the same round (interleaved) and both kept their run times.
 */
function variantLatency(timings: readonly TimingInput[], original: readonly TimingInput[]): ReportLatency[] {
  return timings.slice(0, REPORT_LIMITS.latencyEntries).map((t) => {
    const entry = latencyOf(t);
    const base = original.find((o) => o.round !== undefined && o.round === t.round && o.result.backend === t.result.backend && o.result.threads === t.result.threads);
    const before = base?.result.samplesMs;
    const after = t.result.samplesMs;
    if (!before?.length || !after?.length) return entry;
    const { low, high } = speedRatioInterval(before, after);
    return { ...entry, speedInterval: { low: significant(low, 4), high: significant(high, 4) } };
  });
}

function metricsOf(m: Pick<OutputMetrics, 'name' | 'cosine' | 'sqnrDb' | 'maxAbs' | 'meanAbs' | 'relL2'> & { top1Agreement?: number; top5Agreement?: number }) {
  return {
    name: m.name,
    // Cosine and max |Δ| are in the comparison table: exact, like the median.
    cosine: m.cosine,
    sqnrDb: significant(m.sqnrDb, 5),
    maxAbs: m.maxAbs,
    meanAbs: significant(m.meanAbs, 5),
    relL2: significant(m.relL2, 5),
    ...(m.top1Agreement !== undefined && { top1Agreement: significant(m.top1Agreement, 5) }),
    ...(m.top5Agreement !== undefined && { top5Agreement: significant(m.top5Agreement, 5) }),
  };
}

/** The options a step sets away from its method's defaults (all of them for a method this build does not know). */
function changedOptions(method: string, options: Record<string, unknown> | undefined): Record<string, ReportOptionValue> | undefined {
  if (!options) return undefined;
  let defaults: Record<string, unknown> = {};
  try {
    defaults = defaultOptions(getDeclaration(method).options);
  } catch {
    // an unknown method keeps every option
  }
  const out: Record<string, ReportOptionValue> = {};
  for (const [key, value] of Object.entries(options)) {
    if (JSON.stringify(value) === JSON.stringify(defaults[key])) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.filter((x): x is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof x));
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A recipe as a report keeps it (recipeFromJson fills the defaults back in). */
export function reportRecipe(recipe: Recipe): ReportRecipe {
  const steps = recipe.steps.map((s) => {
    const options = changedOptions(s.method, s.options);
    return { method: s.method, ...(options && { options }) };
  });
  const overrides = recipe.overrides?.map((o) => {
    const options = changedOptions(o.method, o.options);
    return { nodes: o.nodes, method: o.method, ...(options && { options }) };
  });
  return { steps, ...(overrides && overrides.length > 0 && { overrides }) };
}

function deviceOf(p: DeviceProfile): ReportDevice {
  return {
    host: p.host,
    logicalCores: p.logicalCores,
    ...(p.memoryGiB !== undefined && { memoryGiB: p.memoryGiB }),
    userAgent: clip(p.userAgent, REPORT_LIMITS.userAgent),
    crossOriginIsolated: p.crossOriginIsolated,
    wasmThreads: p.wasmThreads,
    wasm: { ...p.wasm },
    ...(p.webgpu && { webgpu: clip([p.webgpu.vendor, p.webgpu.architecture, p.webgpu.description].filter(Boolean).join(' · '), REPORT_LIMITS.userAgent) }),
    figures: p.figures.slice(0, REPORT_LIMITS.figures).map((f) => ({
      backend: f.backend,
      threads: f.threads,
      ...(f.compute.ok && { gflops: significant(f.compute.value.gflops, 4) }),
      ...(f.bandwidth.ok && { gbps: significant(f.bandwidth.value.gbps, 4) }),
    })),
  };
}

function fidelityOf(f: FidelityResult): ReportFidelity {
  return { inputs: 'synthetic', samples: f.samples, outputs: f.outputs.slice(0, REPORT_LIMITS.outputs).map(metricsOf) };
}

function evaluationOf({ inputs, evaluation }: NonNullable<VariantInput['evaluation']>): ReportFidelity {
  return { inputs: inputs.kind, samples: evaluation.samples, outputs: evaluation.outputs.slice(0, REPORT_LIMITS.outputs).map(metricsOf) };
}

function worstOf(layers: readonly LayerError[]): ReportVariant['worstLayers'] {
  return sortLayers(layers, 'local')
    .filter((r) => Number.isFinite(r.layer.localSqnrDb))
    .slice(0, WORST_LAYERS_KEPT)
    .map(({ layer }) => ({
      tensor: clip(layer.tensor, REPORT_LIMITS.name),
      opType: clip(layer.opType, REPORT_LIMITS.shortText),
      sqnrDb: significant(layer.sqnrDb, 5),
      localSqnrDb: significant(layer.localSqnrDb, 5),
    }));
}

function variantOf(v: VariantInput, original: readonly TimingInput[]): ReportVariant {
  const after = v.steps?.[v.steps.length - 1]?.after;
  const a = v.evaluation?.evaluation.accuracy;
  const worst = v.perLayer && worstOf(v.perLayer);
  const figures: ReportFigures = {
    label: clip(v.label, REPORT_LIMITS.label),
    sizeBytes: v.sizeBytes,
    ...(after && { gzipBytes: after.gzipBytes, params: after.parameters, macs: after.macs }),
    latency: variantLatency(v.latency ?? [], original),
  };
  return {
    ...figures,
    ...(v.recipe && { recipe: reportRecipe(v.recipe) }),
    ...(v.cpuOnly && { cpuOnly: true }),
    ...(v.fidelity && { fidelity: fidelityOf(v.fidelity) }),
    ...(v.evaluation && { evaluation: evaluationOf(v.evaluation) }),
    ...(a && {
      accuracy: {
        output: a.output,
        samples: a.samples,
        reference: significant(a.reference, 5),
        candidate: significant(a.candidate, 5),
        dropPoints: significant(a.dropPoints, 5),
        ...(a.top5 && { top5: { reference: significant(a.top5.reference, 5), candidate: significant(a.top5.candidate, 5), dropPoints: significant(a.top5.dropPoints, 5) } }),
      },
    }),
    ...(worst && worst.length > 0 && { worstLayers: worst }),
  };
}

/** A report from what a comparison measured: pure, so the studio and the CLI build the same one. */
export function buildReport(input: ReportInput): Report {
  const { summary } = input.model;
  const firstStep = input.variants.find((v) => v.steps && v.steps.length > 0)?.steps?.[0];
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    app: input.app ?? { name: APP_NAME, version: APP_VERSION },
    createdAt: input.createdAt.toISOString(),
    model: {
      fileName: clip(input.model.fileName, REPORT_LIMITS.fileName),
      sizeBytes: summary.sizeBytes,
      sha256: input.model.sha256,
      opsets: summary.opsets.map((o) => ({ domain: o.domain, version: o.version })),
      params: summary.params,
      macs: summary.macs.total,
      opHistogram: { ...summary.opHistogram },
    },
    ...(input.device && { device: deviceOf(input.device) }),
    ...(input.settings && { settings: { ...input.settings } }),
    original: {
      label: 'Original',
      sizeBytes: summary.sizeBytes,
      ...(firstStep && { gzipBytes: firstStep.before.gzipBytes }),
      params: summary.params,
      macs: summary.macs.total,
      latency: (input.original?.latency ?? []).slice(0, REPORT_LIMITS.latencyEntries).map(latencyOf),
    },
    variants: input.variants.slice(0, REPORT_LIMITS.variants).map((v) => variantOf(v, input.original?.latency ?? [])),
  };
}
