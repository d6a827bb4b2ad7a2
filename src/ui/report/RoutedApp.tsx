import type { ReactNode } from 'react';
import { useReportRoute } from './report-route';
import { ReportView } from '../containers/ReportView';

/** The studio, or the report view when the address is a report link (`#/report/<data>`) or an imported report. */
export function RoutedApp({ studio }: { studio: ReactNode }) {
  const route = useReportRoute();
  if (route.kind === 'studio') return studio;
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>
          <h1>Featherweight</h1>
          <span className="muted">report view · nothing here is uploaded or stored</span>
        </div>
      </header>
      <main>
        <ReportView route={route} />
      </main>
    </div>
  );
}
