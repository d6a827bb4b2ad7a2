import type { ModelSummary } from '../services/types';
import type { LoadedModel } from '../store/model-slice';
import { formatBytes, formatCount } from '../../core/util/format';
import { StatGrid, type Stat } from '../components/StatGrid';
import { IoTable } from '../components/IoTable';
import { OpHistogramChart } from '../components/OpHistogramChart';
import { LayersView } from './LayersView';
import { WebGpuCoverage } from '../components/WebGpuCoverage';
import { useStudio } from '../store/store-context';
import { macsFigure } from '../store/macs-figure';
import type { BenchResult } from '../../core/evaluate/bench-result';

function summaryStats(model: LoadedModel, s: ModelSummary, measured: BenchResult | null): Stat[] {
  const macs = macsFigure(s.macs, measured);
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

export function SummaryView({ model, summary }: { model: LoadedModel; summary: ModelSummary }) {
  const weightBytes = Object.values(summary.bytesByDType).reduce((a, b) => a + b, 0);
  const measured = useStudio((st) => st.measurements[model.id]?.bench ?? null);
  return (
    <section className="panel" aria-label="Model summary" data-testid="summary">
      <header className="panel-header">
        <h2 className="model-name" title={model.name}>
          {model.name}
        </h2>
        {summary.graphName && <span className="muted">graph “{summary.graphName}”</span>}
        {model.source === 'sample' && <span className="badge">sample</span>}
      </header>
      <StatGrid stats={summaryStats(model, summary, measured)} />
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
