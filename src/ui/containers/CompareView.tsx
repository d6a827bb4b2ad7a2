import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store-context';
import { mixedRounds, type ComparisonRow } from '../store/comparison-rows';
import { useComparisonRows } from '../hooks/use-comparison-rows';
import { BENCH_RUNS, COMPARE_SETTINGS, selectMeasuring } from '../store/measure-slice';
import { benchProgressLabel } from '../store/bench-progress';
import { BenchRunsField } from '../components/BenchRunsField';
import { VariantsTable } from '../components/VariantsTable';
import { ComparisonChart } from '../components/ComparisonChart';
import { CosineChart } from '../components/CosineChart';
import { VariantNotes } from '../components/VariantNotes';
import { ProgressBar } from '../components/ProgressBar';
import { backendLabel } from '../components/BackendSelect';
import type { Backend } from '../services/types';
import { exportVariantRecipe } from './recipe-export';
import { ReportExportBar } from '../report/ReportExportBar';
import { ExportableChart } from '../report/ExportableChart';
import { fileStem } from '../report/file-stem';
import { selectLiveMacs } from '../store/live-macs-slice';
import { variantMacsLine } from '../store/variant-macs';

function describeRun(backend: Backend | null, threads: number | null, runs: number): string {
  if (!backend) return `${runs} runs`;
  const threadNote = backend === 'wasm' && threads ? `, ${threads} thread${threads === 1 ? '' : 's'}` : '';
  return `${backendLabel(backend)}${threadNote}, ${runs} runs`;
}

export function chartMetrics(rows: readonly ComparisonRow[]) {
  const original = rows[0];
  const latency = (r: ComparisonRow): number | null => {
    if (r.isOriginal) return r.medianMs !== null ? 100 : null;
    return r.speedup !== null ? 100 / r.speedup : null;
  };
  return [
    { metric: 'File size', values: Object.fromEntries(rows.map((r) => [r.id, 100 * r.sizeRatio])) },
    ...(original?.medianMs != null ? [{ metric: 'Median latency', values: Object.fromEntries(rows.map((r) => [r.id, latency(r)])) }] : []),
  ];
}

/** The original and every variant side by side: table, size/latency chart, cosine chart, notes. */
export function CompareView() {
  const s = useStudio(
    useShallow((st) => ({
      model: st.model,
      variants: st.variants,
      measurements: st.measurements,
      phase: st.measurePhase,
      progress: st.measureProgress,
      benchRuns: st.benchRuns,
      setBenchRuns: st.setBenchRuns,
      measuring: selectMeasuring(st),
      backend: st.backend,
      oneThread: st.oneThread,
      compressing: st.compressStatus === 'running' || st.compressStatus === 'queued',
      remeasureAll: st.remeasureAll,
      cancel: st.cancelMeasurements,
      download: st.downloadVariant,
      remove: st.removeVariant,
    })),
  );
  const { model, variants, measurements } = s;
  const { rows, outputs, gzip } = useComparisonRows();
  const macsAtSizes = useStudio(
    useShallow((st) => (st.model ? Object.fromEntries(st.variants.map((v) => [v.id, variantMacsLine(selectLiveMacs(st, v.id), selectLiveMacs(st, st.model!.id))])) : {})),
  );
  if (!model || variants.length === 0) return null;
  const original = rows[0]!;
  const compared = rows.filter((r) => !r.isOriginal && r.fidelity !== null);
  const fidelity = variants.map((v) => measurements[v.id]?.fidelity).find((f) => f != null);
  // The runs the original's latest timing had (the setting may have changed since).
  const runsTimed = measurements[model.id]?.bench?.latencyMs.n ?? s.benchRuns;
  const runNote = describeRun(original.backend, original.threads, runsTimed);
  return (
    <section className="panel" aria-label="Comparison" data-testid="comparison">
      <header className="panel-header">
        <h2>Original vs {variants.length} variant{variants.length === 1 ? '' : 's'}</h2>
        {original.backend && <span className="badge">{backendLabel(original.backend)}</span>}
        <span className="push-right">
          <BenchRunsField runs={s.benchRuns} min={BENCH_RUNS.min} max={BENCH_RUNS.max} disabled={s.measuring} onChange={s.setBenchRuns} />
        </span>
        <button type="button" className="button" disabled={s.measuring || s.compressing} onClick={() => void s.remeasureAll()}>
          Re-measure all on {backendLabel(s.backend)}
          {s.backend === 'wasm' && s.oneThread ? ', 1 thread' : ''}
        </button>
      </header>
      {s.phase && (
        <ProgressBar
          fraction={s.progress && s.progress.runsPlanned > 0 ? s.progress.runsDone / s.progress.runsPlanned : null}
          label={s.progress ? `${s.phase}: ${benchProgressLabel(s.progress)}` : s.phase}
          onCancel={s.cancel}
        />
      )}
      <VariantsTable rows={rows} outputs={outputs} latencyNote={runNote} onDownload={s.download} onRemove={s.remove} gzip={gzip} />
      <p className="muted small">
        Latency: median of {runNote} after {COMPARE_SETTINGS.warmup} warm-up runs; under each speed ratio its 95% bootstrap interval, and &quot;same speed&quot;
        where that interval contains 1. Fidelity: each output against the original&apos;s, pooled over{' '}
        <span data-testid="fidelity-inputs">{fidelity?.samples ?? COMPARE_SETTINGS.samples}</span> seeded random inputs (seed {COMPARE_SETTINGS.seed})
        {fidelity &&
          `, shapes ${Object.entries(fidelity.inputShapes)
            .map(([n, d]) => `${n} [${d.join('×')}]`)
            .join(', ')}`}
        .
      </p>
      {mixedRounds(rows) && (
        <p className="note" data-testid="mixed-rounds">
          Some variants were timed in a different run than the original, so their speed ratios mix two runs. Re-measure all to time every model back to
          back.
        </p>
      )}
      <div className="grid-2">
        <ExportableChart fileName={`${fileStem(model.name)}.size-latency`}>
          <ComparisonChart series={rows.map((r) => ({ id: r.id, label: r.label }))} metrics={chartMetrics(rows)} />
        </ExportableChart>
        {compared.length > 0 ? (
          <ExportableChart fileName={`${fileStem(model.name)}.cosine`}>
            <CosineChart
              outputs={outputs}
              variants={compared.map((r) => ({ id: r.id, label: r.label, cosine: Object.fromEntries((r.fidelity ?? []).map((f) => [f.name, f.cosine])) }))}
            />
          </ExportableChart>
        ) : (
          <p className="muted chart-placeholder">The cosine chart appears once outputs are compared.</p>
        )}
      </div>
      <VariantNotes variants={variants} onExportRecipe={(id) => exportVariantRecipe(variants, id)} macsAtSizes={macsAtSizes} />
      <ReportExportBar />
    </section>
  );
}
