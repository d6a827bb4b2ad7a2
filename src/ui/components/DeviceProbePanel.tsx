import type { BackendFigures, DeviceProfile } from '../../core/device/profile';
import { formatBytes, formatDb } from '../../core/util/format';
import type { CrossBackendReport } from '../services/device-jobs';
import type { UiError } from '../store/ui-error';
import { ProgressBar } from './ProgressBar';
import { StatGrid, type Stat } from './StatGrid';

export interface DeviceProbePanelProps {
  profile: DeviceProfile | null;
  busy: boolean;
  phase: string | null;
  probeError: UiError | null;
  onProbe(): void;
  onCancel(): void;
  /** The loaded model's name when a cross-backend check can be asked for. */
  modelName: string | null;
  crossCheck: CrossBackendReport | null;
  checkError: UiError | null;
  onCrossCheck(): void;
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

function hostStats(p: DeviceProfile): Stat[] {
  const gpu = p.webgpu;
  return [
    { label: 'Logical cores', value: String(p.logicalCores) },
    { label: 'Memory', value: p.memoryGiB === undefined ? 'not reported' : `${p.memoryGiB.toFixed(p.memoryGiB < 10 ? 1 : 0)} GiB`, hint: 'navigator.deviceMemory (browsers round it and cap it, e.g. at 8)' },
    { label: 'Cross-origin isolated', value: yesNo(p.crossOriginIsolated), hint: 'WASM threads need it' },
    { label: 'WASM SIMD', value: yesNo(p.wasm.simd) },
    { label: 'WASM threads', value: `${yesNo(p.wasm.threads)} (onnxruntime uses ${p.wasmThreads})` },
    { label: 'Relaxed SIMD', value: yesNo(p.wasm.relaxedSimd) },
    {
      label: 'WebGPU adapter',
      value: gpu ? `${gpu.vendor || 'unknown vendor'}${gpu.architecture ? ` · ${gpu.architecture}` : ''}${gpu.isFallbackAdapter ? ' (fallback)' : ''}` : 'none',
      hint: gpu ? gpu.description : p.webgpuStatus,
    },
  ];
}

function figureCells(f: BackendFigures) {
  return {
    gflops: f.compute.ok ? f.compute.value.gflops.toFixed(1) : `failed: ${f.compute.error.message}`,
    size: f.compute.ok ? String(f.compute.value.size) : '–',
    gbps: f.bandwidth.ok ? f.bandwidth.value.gbps.toFixed(1) : `failed: ${f.bandwidth.error.message}`,
    tensor: f.bandwidth.ok ? formatBytes(f.bandwidth.value.tensorBytes) : '–',
  };
}

/** The device profile, the measured GFLOP/s and GB/s per backend, and the WASM-vs-WebGPU check of the loaded model. */
export function DeviceProbePanel(props: DeviceProbePanelProps) {
  const { profile: p, busy } = props;
  const gpu = p?.webgpu;
  const method = p?.figures.find((f) => f.compute.ok && f.bandwidth.ok);
  return (
    <section className="panel" aria-label="This device" data-testid="device-panel">
      <header className="panel-header">
        <h2>This device</h2>
        <span className="muted">what latencies are measured against</span>
        <button type="button" className="button push-right" disabled={busy} onClick={props.onProbe}>
          Probe this device
        </button>
      </header>
      {busy && props.phase && <ProgressBar fraction={null} label={props.phase} onCancel={props.onCancel} />}
      {props.probeError && (
        <p role="alert" className="error-message">
          {props.probeError.name}: {props.probeError.message}
        </p>
      )}
      {p && (
        <div data-testid="device-profile">
          <StatGrid stats={hostStats(p)} />
          <p className="muted small" data-testid="device-user-agent">
            {p.userAgent}
          </p>
          {gpu && (
            <p className="muted small" data-testid="device-webgpu">
              Features: {gpu.features.join(', ') || 'none'}{gpu.features.includes('shader-f16') ? '' : ' (no shader-f16: fp16 compute falls back)'} · Limits:{' '}
              {Object.entries(gpu.limits)
                .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
                .join(', ')}
            </p>
          )}
          <table className="table" data-testid="device-figures">
            <thead>
              <tr>
                <th>Backend</th>
                <th>Threads</th>
                <th>Peak MatMul GFLOP/s</th>
                <th>at n</th>
                <th>Bandwidth GB/s</th>
                <th>stream tensor</th>
              </tr>
            </thead>
            <tbody>
              {p.figures.map((f) => {
                const c = figureCells(f);
                return (
                  <tr key={`${f.backend}-${f.threads}`} data-testid={`figures-${f.backend}`}>
                    <td>{f.backend === 'wasm' ? 'WASM' : 'WebGPU'}</td>
                    <td>{f.backend === 'wasm' ? f.threads : '–'}</td>
                    <td data-testid="gflops">{c.gflops}</td>
                    <td>{c.size}</td>
                    <td data-testid="gbps">{c.gbps}</td>
                    <td>{c.tensor}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {method && method.compute.ok && method.bandwidth.ok && (
            <p className="muted small">
              GFLOP/s: {method.compute.value.method}. GB/s: {method.bandwidth.value.method}. A model&apos;s latency cannot beat max(2·MACs ÷ GFLOP/s, bytes ÷ GB/s).
            </p>
          )}
        </div>
      )}
      {props.modelName && (
        <div className="device-crosscheck">
          <button type="button" className="button" disabled={busy} onClick={props.onCrossCheck}>
            Check WebGPU against WASM
          </button>{' '}
          <span className="muted small">runs {props.modelName} on both backends on the same seeded inputs and compares every output</span>
          {props.checkError && (
            <p role="alert" className="error-message" data-testid="crosscheck-error">
              {props.checkError.message}
            </p>
          )}
          {props.crossCheck && <CrossCheckResult report={props.crossCheck} />}
        </div>
      )}
    </section>
  );
}

function CrossCheckResult({ report }: { report: CrossBackendReport }) {
  return (
    <div data-testid="crosscheck">
      <p data-testid="crosscheck-verdict" className={report.agree ? "" : "error-message"}>
        {report.agree ? 'WebGPU agrees with WASM' : 'WebGPU disagrees with WASM'} on {report.samples} inputs (tolerance: SQNR ≥ {report.tolerance.minSqnrDb} dB and cosine ≥{' '}
        {report.tolerance.minCosine} per output)
      </p>
      <PlacementNote placement={report.placement} />
      <table className="table">
        <thead>
          <tr>
            <th>Output</th>
            <th>Cosine</th>
            <th>SQNR dB</th>
            <th>max |diff|</th>
            <th>Verdict</th>
          </tr>
        </thead>
        <tbody>
          {report.outputs.map((o) => (
            <tr key={o.name}>
              <td>{o.name}</td>
              <td>{o.cosine.toFixed(6)}</td>
              <td>{formatDb(o.sqnrDb)}</td>
              <td>{o.maxAbs.toExponential(2)}</td>
              <td>{o.agrees ? 'agrees' : o.problems.join('; ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Where onnxruntime put the WebGPU session's nodes: all on WebGPU, or which fell back to WASM. */
function PlacementNote({ placement }: { placement: CrossBackendReport['placement'] }) {
  if (!placement) return <p className="muted small">onnxruntime did not report where it placed the nodes.</p>;
  const fallback = placement.fallback.flatMap((p) => p.nodes.map((n) => ({ ...n, provider: p.provider })));
  const count = placement.fallback.reduce((n, p) => n + p.count, 0);
  if (count === 0) return <p className="small" data-testid="placement">All {placement.webgpuNodes} nodes ran on WebGPU.</p>;
  const byOp = new Map<string, number>();
  for (const n of fallback) byOp.set(n.opType, (byOp.get(n.opType) ?? 0) + 1);
  return (
    <p className="note small" data-testid="placement">
      {count} of {count + placement.webgpuNodes} nodes fell back off WebGPU ({placement.fallback.map((p) => p.provider).join(', ')}):{' '}
      {[...byOp].map(([op, n]) => `${op} ×${n}`).join(', ')}
    </p>
  );
}
