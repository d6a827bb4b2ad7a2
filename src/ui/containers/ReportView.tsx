import { useCallback, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { decodeReportData, reportOutputNames, reportRecipeText, reportToCsv, reportToJson, reportToMarkdown, type Report, type ReportError } from '../../core/report';
import { formatBytes, formatCount, formatDb, formatMs, formatNumber } from '../../core/util/format';
import { VariantsTable } from '../components/VariantsTable';
import { ComparisonChart } from '../components/ComparisonChart';
import { CosineChart } from '../components/CosineChart';
import { chartMetrics } from './CompareView';
import { useStudio } from '../store/store-context';
import type { OptionValue } from '../../core/methods/options';
import { ExportableChart } from '../report/ExportableChart';
import { reportComparisonRows, reportGzipSizes } from '../report/report-rows';
import { leaveReport, type ReportRoute } from '../report/report-route';
import { checkReproducible, reproduceRecipes } from '../report/reproduce';
import { fileStem } from '../report/file-stem';
import { saveFile } from '../services/save-file';
import { useFileDrop } from '../hooks/use-file-drop';
import { DropOverlay } from '../components/DropOverlay';
import type { DroppedFile } from '../services/types';

type Opened = { ok: true; report: Report } | { ok: false; error: { name: string; reason: string; message: string } };

const FAULT_TITLES: Record<string, string> = {
  base64: 'The link is damaged',
  deflate: 'The link is damaged',
  'too-large': 'The link is too large to be a report',
  json: 'The link does not hold a report',
  schema: 'The link does not hold a valid report',
  version: 'This report version cannot be read',
};

function open(route: Exclude<ReportRoute, { kind: 'studio' }>): Opened {
  if (route.kind === 'file') return { ok: true, report: route.report };
  try {
    return { ok: true, report: decodeReportData(route.data) };
  } catch (e) {
    const err = e as Partial<ReportError>;
    return { ok: false, error: { name: err.name ?? 'Error', reason: err.reason ?? 'unknown', message: err.message ?? String(e) } };
  }
}

/** Where a report link or an imported report opens: read-only, nothing stored, every value shown as text. */
export function ReportView({ route }: { route: Exclude<ReportRoute, { kind: 'studio' }> }) {
  const opened = useMemo(() => open(route), [route]);
  if (!opened.ok) {
    return (
      <section className="panel report-error" role="alert" data-testid="report-error" data-reason={opened.error.reason}>
        <h2>{FAULT_TITLES[opened.error.reason] ?? 'This report cannot be opened'}</h2>
        <p>{opened.error.message}</p>
        <p className="muted small">Nothing from the link was run or stored. Ask for the report file instead, or open the studio.</p>
        <button type="button" className="button" onClick={leaveReport}>
          Open the studio
        </button>
      </section>
    );
  }
  return <ReportContent report={opened.report} />;
}

function ReportContent({ report }: { report: Report }) {
  const rows = useMemo(() => reportComparisonRows(report), [report]);
  const outputs = useMemo(() => reportOutputNames(report), [report]);
  const gzip = useMemo(() => reportGzipSizes(report), [report]);
  const m = report.model;
  const reference = report.original.latency[0];
  const compared = rows.filter((r) => !r.isOriginal && r.fidelity && r.fidelity.length > 0);
  const stem = fileStem(m.fileName);
  const topOps = Object.entries(m.opHistogram)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12);
  return (
    <div className="report-view" data-testid="report-view">
      <section className="panel" aria-label="Report">
        <header className="panel-header">
          <h2>
            Report: <span className="mono">{m.fileName}</span>
          </h2>
          <span className="badge">read-only</span>
          <button type="button" className="button ghost push-right" onClick={leaveReport}>
            Back to the studio
          </button>
        </header>
        <p className="muted small" data-testid="report-meta">
          Made by {report.app.name} {report.app.version} on {report.createdAt}. {formatBytes(m.sizeBytes)}, {formatCount(m.params)} parameters,{' '}
          {formatCount(m.macs)} MACs, opsets {m.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')}.
        </p>
        <p className="muted small mono" data-testid="report-sha256">
          SHA-256 {m.sha256}
        </p>
        {topOps.length > 0 && <p className="muted small">Ops: {topOps.map(([op, n]) => `${op} ×${n}`).join(', ')}</p>}
        {report.device && (
          <p className="muted small" data-testid="report-device">
            Device: {report.device.host}, {report.device.logicalCores} cores{report.device.memoryGiB !== undefined ? `, ${report.device.memoryGiB} GiB` : ''},{' '}
            {report.device.crossOriginIsolated ? 'cross-origin isolated' : 'not isolated'}, {report.device.userAgent}
            {report.device.webgpu ? `; WebGPU: ${report.device.webgpu}` : ''}
            {report.device.figures.map((f) => `; ${f.backend} ×${f.threads}: ${f.gflops ?? '–'} GFLOP/s, ${f.gbps ?? '–'} GB/s`).join('')}
          </p>
        )}
      </section>
      <section className="panel" aria-label="Comparison" data-testid="comparison">
        <header className="panel-header">
          <h2>
            Original vs {report.variants.length} variant{report.variants.length === 1 ? '' : 's'}
          </h2>
        </header>
        <VariantsTable rows={rows} outputs={outputs} latencyNote={reference ? `${reference.backend}, ${reference.threads} threads, ${reference.n} runs` : 'not timed'} onDownload={() => undefined} onRemove={() => undefined} gzip={gzip} />
        <p className="muted small">
          {reference ? `Latency: median of ${reference.n} runs on ${reference.backend === 'wasm' ? `WASM, ${reference.threads} thread${reference.threads === 1 ? '' : 's'}` : 'WebGPU'}.` : 'Not timed.'}
          {report.settings && report.variants.some((v) => v.fidelity) ? ` Fidelity: each output against the original's over ${report.settings.samples} seeded random inputs (seed ${report.settings.seed}).` : ''}
        </p>
        <div className="grid-2">
          <ExportableChart fileName={`${stem}.size-latency`}>
            <ComparisonChart series={rows.map((r) => ({ id: r.id, label: r.label }))} metrics={chartMetrics(rows)} />
          </ExportableChart>
          {compared.length > 0 ? (
            <ExportableChart fileName={`${stem}.cosine`}>
              <CosineChart outputs={outputs} variants={compared.map((r) => ({ id: r.id, label: r.label, cosine: Object.fromEntries((r.fidelity ?? []).map((f) => [f.name, f.cosine])) }))} />
            </ExportableChart>
          ) : (
            <p className="muted chart-placeholder">This report has no output comparison.</p>
          )}
        </div>
        <ReportDetails report={report} />
        <div className="report-export">
          <span className="muted small">Export this report:</span>
          <button type="button" className="button small-button" onClick={() => saveFile(reportToJson(report, 2), `${stem}.report.json`, 'application/json')}>
            JSON
          </button>
          <button type="button" className="button small-button" onClick={() => saveFile(reportToCsv(report), `${stem}.report.csv`, 'text/csv')}>
            CSV
          </button>
          <button type="button" className="button small-button" onClick={() => saveFile(reportToMarkdown(report), `${stem}.report.md`, 'text/markdown')}>
            Markdown
          </button>
        </div>
      </section>
      <Reproduce report={report} />
    </div>
  );
}

/** Per variant: its recipe, totals, every latency entry with its spread, the evaluation and the worst layers. */
function ReportDetails({ report }: { report: Report }) {
  const all = [report.original, ...report.variants];
  return (
    <div className="report-details">
      <h3>Latency per backend</h3>
      <div className="table-scroll">
        <table className="table" data-testid="report-latency">
          <thead>
            <tr>
              <th>Model</th>
              <th>Backend</th>
              <th className="num">Threads</th>
              <th className="num">min</th>
              <th className="num">median</th>
              <th className="num">p90</th>
              <th className="num">max</th>
              <th className="num">mean</th>
              <th className="num">runs</th>
              <th className="num">session</th>
            </tr>
          </thead>
          <tbody>
            {all.flatMap((f, i) =>
              f.latency.map((l, j) => (
                <tr key={`${i}-${j}`}>
                  <th scope="row">{f.label}</th>
                  <td>{l.backend}</td>
                  <td className="num">{l.threads}</td>
                  <td className="num">{formatMs(l.min)}</td>
                  <td className="num">{formatMs(l.p50)}</td>
                  <td className="num">{formatMs(l.p90)}</td>
                  <td className="num">{formatMs(l.max)}</td>
                  <td className="num">{formatMs(l.mean)}</td>
                  <td className="num">{l.n}</td>
                  <td className="num">{formatMs(l.sessionMs)}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
      <h3>Variants</h3>
      <ul className="report-variants">
        {report.variants.map((v, i) => (
          <li key={i} data-testid="report-variant">
            <strong>{v.label}</strong> {v.recipe ? <code className="mono">{reportRecipeText(v.recipe)}</code> : <span className="muted small">recipe not recorded</span>}
            <div className="muted small">
              {formatBytes(v.sizeBytes)}
              {v.gzipBytes !== undefined && `, gzip ${formatBytes(v.gzipBytes)}`}
              {v.params !== undefined && `, ${formatCount(v.params)} parameters`}
              {v.macs !== undefined && `, ${formatCount(v.macs)} MACs`}
              {v.cpuOnly && ', CPU only (falls back off WebGPU)'}
            </div>
            {v.evaluation && (
              <div className="small">
                On {v.evaluation.samples} {v.evaluation.inputs === 'samples' ? 'of the user’s samples' : 'synthetic inputs'}:{' '}
                {v.evaluation.outputs.map((o) => `${o.name}: cosine ${formatNumber(o.cosine, 5)}, SQNR ${formatDb(o.sqnrDb)} dB`).join('; ')}
              </div>
            )}
            {v.accuracy && (
              <div className="small">
                Top-1 accuracy {v.accuracy.reference.toFixed(1)}% → {v.accuracy.candidate.toFixed(1)}% ({(-v.accuracy.dropPoints).toFixed(1)} points) on {v.accuracy.samples}{' '}
                labelled samples
              </div>
            )}
            {v.worstLayers && v.worstLayers.length > 0 && (
              <div className="small">Layers adding the most error: {v.worstLayers.map((l) => `${l.tensor} (${l.opType}, ${formatDb(l.localSqnrDb)} dB)`).join(', ')}</div>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** "Open this model to reproduce": the same model (by SHA-256) reruns the report's recipes in the studio. */
function Reproduce({ report }: { report: Report }) {
  const actions = useStudio(
    useShallow((st) => ({ openFiles: st.openFiles, setRecipe: st.setRecipe, addOverride: st.addOverride, setOverride: st.setOverride, compress: st.compress })),
  );
  const [status, setStatus] = useState<{ kind: 'checking' } | { kind: 'refused'; reason: string } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const onFile = useCallback(
    (file: File) => {
      setStatus({ kind: 'checking' });
      checkReproducible(report, file).then(
        (check) => {
          if (!check.ok) {
            setStatus({ kind: 'refused', reason: check.reason });
            return;
          }
          leaveReport();
          void reproduceRecipes(
            {
              ...actions,
              setRecipe: (steps) => actions.setRecipe(steps.map((s) => ({ methodId: s.methodId, options: (s.options ?? {}) as Record<string, OptionValue> }))),
            },
            file,
            check.recipes,
          );
        },
        (e: unknown) => setStatus({ kind: 'refused', reason: e instanceof Error ? e.message : String(e) }),
      );
    },
    [report, actions],
  );
  const onDrop = useCallback(
    (dropped: DroppedFile[]) => {
      const models = dropped.filter((d) => d.file.name.toLowerCase().endsWith('.onnx'));
      const file = (models.length === 1 ? models[0] : dropped.length === 1 ? dropped[0] : undefined)?.file;
      if (file) onFile(file);
      else setStatus({ kind: 'refused', reason: `Drop one .onnx model (${dropped.length} files were dropped).` });
    },
    [onFile],
  );
  const onDropError = useCallback((e: unknown) => setStatus({ kind: 'refused', reason: e instanceof Error ? e.message : String(e) }), []);
  const dragging = useFileDrop(onDrop, onDropError);
  return (
    <section className="panel" aria-label="Reproduce">
      <DropOverlay visible={dragging} samples={false} />
      <h2>Open this model to reproduce</h2>
      <p className="muted small">
        Choose or drop {report.model.fileName} ({formatBytes(report.model.sizeBytes)}). If its SHA-256 matches the report&apos;s, the studio opens it and runs the{' '}
        {report.variants.length} recipe{report.variants.length === 1 ? '' : 's'} again on this device.
      </p>
      <label className="button">
        Choose the model…
        <input
          ref={input}
          type="file"
          hidden
          accept=".onnx,application/octet-stream"
          data-testid="reproduce-model"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) onFile(file);
          }}
        />
      </label>
      {status?.kind === 'checking' && <p className="muted small">Checking the model…</p>}
      {status?.kind === 'refused' && (
        <p className="note" role="alert" data-testid="reproduce-refused">
          {status.reason}
        </p>
      )}
    </section>
  );
}
