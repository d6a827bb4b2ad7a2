import type { ModelSummary } from '../services/types';
import type { LoadedModel } from '../store/model-slice';
import { formatBytes, formatCount } from '../../core/util/format';
import { StatGrid, type Stat } from '../components/StatGrid';
import { IoTable } from '../components/IoTable';
import { OpHistogramChart } from '../components/OpHistogramChart';
import { LayersView } from './LayersView';
import { WebGpuCoverage } from '../components/WebGpuCoverage';
import { useStudio } from '../store/store-context';
import { macsFigure, type LiveMacsState } from '../store/macs-figure';
import { selectLiveMacs } from '../store/live-macs-slice';
import type { BenchResult } from '../../core/evaluate/bench-result';
import type { MacsAtDims } from '../../core/analyze/macs-at-dims';
import type { UiError } from '../store/ui-error';

function summaryStats(model: LoadedModel, s: ModelSummary, measured: BenchResult | null, live: LiveMacsState): Stat[] {
  const macs = macsFigure(s.macs, measured, live);
  const opsets = s.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ');
  const weightBytes = Object.values(s.bytesByDType).reduce((a, b) => a + b, 0);
  const dtypes = Object.entries(s.bytesByDType)
    .sort((a, b) => b[1] - a[1])
    .map(([d, b]) => `${d} ${formatBytes(b)}`)
    .join(', ');
  return [
    { label: 'File size', value: formatBytes(s.sizeBytes), hint: model.externalFiles.length ? `plus ${model.externalFiles.join(', ')}` : undefined },
    { label: 'Parameters', value: formatCount(s.params), hint: `${s.params.toLocaleString()} weights, float and quantized integer ones` },
    { label: 'Weights', value: formatBytes(weightBytes), hint: dtypes },
    { label: 'Nodes', value: formatCount(s.nodes), hint: 'Including subgraphs' },
    { label: 'MACs', value: macs.value, hint: macs.hint },
    { label: 'IR version', value: String(s.irVersion) },
    { label: 'Opsets', value: opsets || '–' },
    { label: 'Producer', value: [s.producer.name, s.producer.version].filter(Boolean).join(' ') || '–' },
  ];
}

/** Said on the page, not only in the MACs figure's tooltip: the sizes typed cannot make inputs, or do not fit the model. */
function SizesNotice({ live, error }: { live: MacsAtDims | null; error: UiError | null }) {
  if (error && !live) {
    return (
      <p className="note" role="status" data-testid="sizes-notice">
        The MACs could not be recounted at the input sizes set ({error.message}); the figure above is the last count.
      </p>
    );
  }
  if (!live || (live.kind === 'counted' && live.impossible.length === 0)) return null;
  return (
    <p className="note" role="status" data-testid="sizes-notice">
      {live.kind === 'invalid'
        ? `The input sizes set cannot make inputs: ${live.message}`
        : `At the input sizes set, ${live.impossible.length} layer${live.impossible.length === 1 ? '' : 's'} would get an impossible shape (${live.impossible.slice(0, 3).join(', ')}${live.impossible.length > 3 ? ', …' : ''}), so the model cannot run at them; those layers are left out of the MACs.`}
    </p>
  );
}

export function SummaryView({ model, summary }: { model: LoadedModel; summary: ModelSummary }) {
  const weightBytes = Object.values(summary.bytesByDType).reduce((a, b) => a + b, 0);
  const measured = useStudio((st) => st.measurements[model.id]?.bench ?? null);
  const liveResult = useStudio((st) => selectLiveMacs(st, model.id));
  const livePending = useStudio((st) => st.liveMacsPending);
  const liveError = useStudio((st) => st.liveMacsError);
  return (
    <section className="panel" aria-label="Model summary" data-testid="summary">
      <header className="panel-header">
        <h2 className="model-name" title={model.name}>
          {model.name}
        </h2>
        {summary.graphName && <span className="muted">graph “{summary.graphName}”</span>}
        {model.source === 'sample' && <span className="badge">sample</span>}
      </header>
      <StatGrid stats={summaryStats(model, summary, measured, { result: liveResult, pending: livePending })} />
      <SizesNotice live={liveResult} error={liveError} />
      <div className="grid-2">
        <div>
          <IoTable title="Inputs" values={summary.inputs} />
          <IoTable title="Outputs" values={summary.outputs} />
          <h3>WebGPU coverage</h3>
          <WebGpuCoverage unsupportedOps={summary.webgpu.unsupportedOps} unsupportedNodes={summary.webgpu.unsupportedNodes} />
        </div>
        <div>
          <h3>Operators</h3>
          <OpHistogramChart histogram={summary.opHistogram} />
        </div>
      </div>
      <LayersView layers={summary.layers} totalBytes={weightBytes} />
    </section>
  );
}
