import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store-context';
import { ComparisonTable } from '../components/ComparisonTable';
import { ComparisonChart } from '../components/ComparisonChart';
import { ProgressBar } from '../components/ProgressBar';
import { ErrorBanner } from '../components/ErrorBanner';
import { COMPARE_SETTINGS } from '../store/compare-slice';
import { formatMs, formatRatio } from '../format';
import { backendLabel } from '../components/BackendSelect';
import type { Backend } from '../services/types';

/** What each recipe step did, and anything it warned about (opset raised, tensors left float…). */
function StepNotes({ steps }: { steps: readonly { method: string; tensors: number; ms: number; warnings: string[] }[] }) {
  return (
    <ul className="step-notes muted small">
      {steps.map((s, i) => (
        <li key={i}>
          <span className="mono">{s.method}</span>: {s.tensors} tensor{s.tensors === 1 ? '' : 's'} rewritten in {formatMs(s.ms)}
          {s.warnings.map((w) => (
            <div key={w} className="step-warning">
              ⚠ {w}
            </div>
          ))}
        </li>
      ))}
    </ul>
  );
}

function describeRun(backend: Backend, threads: number | undefined): string {
  const threadNote = backend === 'wasm' && threads ? `, ${threads} thread${threads === 1 ? '' : 's'}` : '';
  return `${backendLabel(backend)}${threadNote}, ${COMPARE_SETTINGS.runs} runs`;
}

export function CompareView() {
  const { model, variant, comparison, download, cancel } = useStudio(
    useShallow((st) => ({
      model: st.model,
      variant: st.variant,
      comparison: st.comparison,
      download: st.downloadVariant,
      cancel: st.cancelComparison,
    })),
  );
  if (!model || !variant) return null;
  const original = comparison?.original ?? null;
  const measured = comparison?.variant ?? null;
  const latencyNote = describeRun(comparison?.backend ?? 'wasm', original?.threads ?? measured?.threads);
  const metrics = [
    { metric: 'File size', original: model.sizeBytes, variant: variant.sizeBytes },
    ...(original && measured ? [{ metric: 'Median latency', original: original.latencyMs.p50, variant: measured.latencyMs.p50 }] : []),
  ];
  return (
    <section className="panel" aria-label="Comparison" data-testid="comparison">
      <header className="panel-header">
        <h2>Original vs int8</h2>
        {comparison && <span className="badge">{backendLabel(comparison.backend)}</span>}
        <span className="muted">{formatRatio(model.sizeBytes, variant.sizeBytes)}</span>
        <button type="button" className="button primary push-right" onClick={download}>
          Download {variant.name}
        </button>
      </header>
      <StepNotes steps={variant.steps} />
      {comparison?.status === 'running' && <ProgressBar fraction={null} label={comparison.phase} onCancel={cancel} />}
      {comparison?.status === 'cancelled' && <p className="muted">Measurement cancelled.</p>}
      {comparison?.error && <ErrorBanner error={comparison.error} />}
      <div className="grid-2">
        <ComparisonTable
          original={{ label: 'Original', sizeBytes: model.sizeBytes, medianMs: original?.latencyMs.p50 ?? null, sessionMs: original?.sessionMs ?? null }}
          variant={{ label: 'int8', sizeBytes: variant.sizeBytes, medianMs: measured?.latencyMs.p50 ?? null, sessionMs: measured?.sessionMs ?? null }}
          fidelity={comparison?.fidelity?.outputs ?? null}
          latencyNote={latencyNote}
        />
        <ComparisonChart originalLabel="Original" variantLabel="int8" metrics={metrics} />
      </div>
      {comparison?.fidelity && (
        <p className="muted small">
          Fidelity over {comparison.fidelity.samples} seeded random input{comparison.fidelity.samples === 1 ? '' : 's'} (seed {COMPARE_SETTINGS.seed}),
          shapes{' '}
          {Object.entries(comparison.fidelity.inputShapes)
            .map(([n, d]) => `${n} [${d.join('×')}]`)
            .join(', ')}
          .
        </p>
      )}
    </section>
  );
}
