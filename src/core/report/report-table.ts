import { recipeToString } from '../recipe/format';
import type { Report, ReportFigures, ReportLatency, ReportOutputMetrics, ReportRecipe } from './report-types';

/** One model of a report as a table line: the figures every export (CSV, Markdown, the view) shows. */
export interface ReportTableRow {
  label: string;
  isOriginal: boolean;
  /** The recipe in the CLI grammar; '' for the original. */
  recipe: string;
  sizeBytes: number;
  /** This size / the original's. */
  sizeRatio: number;
  gzipBytes: number | null;
  params: number | null;
  macs: number | null;
  latency: ReportLatency | null;
  /** Original median / this median on the same backend and threads; null otherwise. */
  speedup: number | null;
  /** The speedup's 95% bootstrap interval, when the report kept one. */
  speedInterval: { low: number; high: number } | null;
  cpuOnly: boolean;
  /** Per output, against the original's on seeded inputs; empty for the original. */
  fidelity: ReportOutputMetrics[];
}

/** A recipe's CLI text; a method this build does not know is shown by its bare name. */
export function reportRecipeText(recipe: ReportRecipe): string {
  try {
    return recipeToString({ steps: recipe.steps.map((s) => ({ method: s.method, options: s.options ?? {} })), ...(recipe.overrides && { overrides: recipe.overrides }) });
  } catch {
    return recipe.steps.map((s) => s.method).join('+');
  }
}

/** The latency entry the comparison is about: the original's first, and for a variant the one on the same backend and threads. */
function latencyFor(fig: ReportFigures, reference: ReportLatency | undefined): ReportLatency | null {
  if (!reference) return fig.latency[0] ?? null;
  return fig.latency.find((l) => l.backend === reference.backend && l.threads === reference.threads) ?? fig.latency[0] ?? null;
}

/** The report's models as table rows, the original first. */
export function reportTableRows(report: Report): ReportTableRow[] {
  const reference = report.original.latency[0];
  const base = (fig: ReportFigures, isOriginal: boolean) => {
    const latency = latencyFor(fig, reference);
    const comparable = !isOriginal && latency && reference && latency.backend === reference.backend && latency.threads === reference.threads && latency.p50 > 0;
    return {
      label: fig.label,
      isOriginal,
      sizeBytes: fig.sizeBytes,
      sizeRatio: report.original.sizeBytes > 0 ? fig.sizeBytes / report.original.sizeBytes : 1,
      gzipBytes: fig.gzipBytes ?? null,
      params: fig.params ?? null,
      macs: fig.macs ?? null,
      latency,
      speedup: comparable ? reference.p50 / latency.p50 : null,
      speedInterval: comparable ? (latency.speedInterval ?? null) : null,
    };
  };
  return [
    { ...base(report.original, true), recipe: '', cpuOnly: false, fidelity: [] },
    ...report.variants.map((v) => ({ ...base(v, false), recipe: v.recipe ? reportRecipeText(v.recipe) : '', cpuOnly: v.cpuOnly ?? false, fidelity: v.fidelity?.outputs ?? [] })),
  ];
}

/** Output names in the order the variants report them, each once. */
export function reportOutputNames(report: Report): string[] {
  const names: string[] = [];
  for (const v of report.variants) for (const o of v.fidelity?.outputs ?? []) if (!names.includes(o.name)) names.push(o.name);
  return names;
}
