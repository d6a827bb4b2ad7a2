import { useState } from 'react';
import { reportFromJsonText, MAX_INFLATED_BYTES } from '../../core/report';
import { openImportedReport } from './report-route';

/** Opens an exported report file (JSON) in the report view. */
export function ImportReportButton() {
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <label className="button ghost">
        Import report…
        <input
          type="file"
          hidden
          accept=".json,application/json"
          data-testid="import-report"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (!file) return;
            setError(null);
            if (file.size > MAX_INFLATED_BYTES) {
              setError(`${file.name} is ${file.size} bytes; a report is at most ${MAX_INFLATED_BYTES}.`);
              return;
            }
            file.text().then(
              (text) => openImportedReport(reportFromJsonText(text)),
              (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
            ).catch((err: unknown) => setError(`${file.name}: ${err instanceof Error ? err.message : String(err)}`));
          }}
        />
      </label>
      {error && (
        <span className="note small" role="alert" data-testid="import-report-error">
          {error}
        </span>
      )}
    </>
  );
}
