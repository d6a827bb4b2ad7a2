import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { MAX_LINK_CHARS, reportLink, reportToCsv, reportToJson, reportToMarkdown, type Report } from '../../core/report';
import { useStudio } from '../store/store-context';
import { useDevice } from '../store/device-store';
import { selectMeasuring } from '../store/measure-slice';
import { formatBytes } from '../../core/util/format';
import { useReportServices } from './report-services';
import { studioReport } from './studio-report';
import { fileStem } from './file-stem';
import { saveFile } from '../services/save-file';

type Shared = { kind: 'link'; link: string } | { kind: 'too-big'; chars: number } | { kind: 'error'; message: string };

/** The page's address without its fragment: where a share link opens the studio. */
export const studioBase = (): string => `${location.origin}${location.pathname}${location.search}`;

/** Exports of the studio's comparison: a share link, the report as JSON, CSV and Markdown. */
export function ReportExportBar() {
  const services = useReportServices();
  const s = useStudio(
    useShallow((st) => ({
      model: st.model,
      summary: st.summary,
      variants: st.variants,
      measurements: st.measurements,
      evaluation: st.evaluation,
      perLayer: st.perLayer,
      measuring: selectMeasuring(st),
    })),
  );
  const device = useDevice((d) => d.profile);
  const [shared, setShared] = useState<Shared | null>(null);
  const [busy, setBusy] = useState(false);
  if (!services || !s.model || !s.summary || s.variants.length === 0) return null;
  const { model, summary } = s;

  const build = async (): Promise<Report> =>
    studioReport({ model, summary, sha256: await services.modelSha256(model.id), variants: s.variants, measurements: s.measurements, evaluation: s.evaluation, perLayer: s.perLayer, device, now: new Date() });
  const run = (action: (r: Report) => void) => {
    setBusy(true);
    build()
      .then(action, (e: unknown) => setShared({ kind: 'error', message: e instanceof Error ? e.message : String(e) }))
      .finally(() => setBusy(false));
  };
  const stem = fileStem(model.name);
  return (
    <div className="report-export" data-testid="report-export">
      <span className="muted small">Report:</span>
      <button
        type="button"
        className="button small-button"
        disabled={busy || s.measuring}
        onClick={() =>
          run((r) => {
            const link = reportLink(studioBase(), r);
            setShared(link.length <= MAX_LINK_CHARS ? { kind: 'link', link } : { kind: 'too-big', chars: link.length });
            if (link.length <= MAX_LINK_CHARS) void navigator.clipboard?.writeText(link).catch(() => undefined);
          })
        }
      >
        Share link
      </button>
      <button type="button" className="button small-button" disabled={busy || s.measuring} onClick={() => run((r) => saveFile(reportToJson(r, 2), `${stem}.report.json`, 'application/json'))}>
        Export JSON
      </button>
      <button type="button" className="button small-button" disabled={busy || s.measuring} onClick={() => run((r) => saveFile(reportToCsv(r), `${stem}.report.csv`, 'text/csv'))}>
        Export CSV
      </button>
      <button type="button" className="button small-button" disabled={busy || s.measuring} onClick={() => run((r) => saveFile(reportToMarkdown(r), `${stem}.report.md`, 'text/markdown'))}>
        Export Markdown
      </button>
      {shared?.kind === 'link' && (
        <label className="share-link small">
          <span className="muted">Link ({formatBytes(shared.link.length)}; the results travel in the part after #, which never reaches a server):</span>
          <input type="text" readOnly value={shared.link} data-testid="share-link" onFocus={(e) => e.currentTarget.select()} />
        </label>
      )}
      {shared?.kind === 'too-big' && (
        <p className="note small" role="status" data-testid="share-too-big">
          This report would make a link of {formatBytes(shared.chars)}, more than the {formatBytes(MAX_LINK_CHARS)} that browsers and chat apps pass on
          reliably. Export JSON instead and send the file; Import report opens it.
        </p>
      )}
      {shared?.kind === 'error' && (
        <p className="note small" role="alert">
          The report could not be made: {shared.message}
        </p>
      )}
    </div>
  );
}
