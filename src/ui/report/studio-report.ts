import { buildReport, type Report, type VariantInput } from '../../core/report';
import type { DeviceProfile } from '../../core/device/profile';
import type { ModelSummary } from '../services/types';
import type { LoadedModel } from '../store/model-slice';
import type { Measurement } from '../store/measure-slice';
import { COMPARE_SETTINGS } from '../store/measure-slice';
import type { Variant } from '../store/variants-slice';
import type { EvaluationRun, PerLayerRun } from '../store/evaluation-slice';

/** What the studio holds about a comparison, as the report builder reads it. */
export interface StudioReportInput {
  model: LoadedModel;
  summary: ModelSummary;
  sha256: string;
  variants: readonly Variant[];
  measurements: Readonly<Record<string, Measurement>>;
  evaluation: EvaluationRun | null;
  perLayer: PerLayerRun | null;
  device?: DeviceProfile | null;
  now: Date;
}

const timing = (m: Measurement | undefined) => (m?.bench ? [{ result: m.bench, round: m.round }] : []);

/** The studio's comparison as a report: the same figures the table and charts show, and what was evaluated. */
export function studioReport(s: StudioReportInput): Report {
  const variants: VariantInput[] = s.variants.map((v) => {
    const m = s.measurements[v.id];
    const evaluated = s.evaluation?.byVariant[v.id];
    return {
      label: v.label,
      recipe: v.recipe,
      sizeBytes: v.sizeBytes,
      steps: v.steps,
      cpuOnly: v.cpuOnly,
      latency: timing(m),
      ...(m?.fidelity && { fidelity: m.fidelity }),
      ...(evaluated?.ok && s.evaluation && { evaluation: { inputs: s.evaluation.inputs, evaluation: evaluated.evaluation } }),
      ...(s.perLayer?.variantId === v.id && { perLayer: s.perLayer.layers }),
    };
  });
  const { runs, warmup, seed, samples } = COMPARE_SETTINGS;
  return buildReport({
    createdAt: s.now,
    model: { fileName: s.model.name, sha256: s.sha256, summary: s.summary },
    ...(s.device && { device: s.device }),
    settings: { runs, warmup, seed, samples },
    original: { latency: timing(s.measurements[s.model.id]) },
    variants,
  });
}
